// The Linux reader against real files: real ownership, modes and symlinks in a temporary directory.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, chown, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LinuxManagedSettingsReader, LinuxManagedSettingsSource } from './linux';

const isRoot = process.getuid?.() === 0;
const uid = process.getuid?.() ?? 0;
const GOOD = { nodeUrls: ['https://node1.hospital.example:9984'], autoLockMinutes: 5, allowUserNodeUrls: false };

let dir: string;
let file: string;
const reader = () => new LinuxManagedSettingsReader({ path: file, trustedUid: uid });

async function writePolicy(content: string, mode = 0o644): Promise<void> {
  await writeFile(file, content);
  await chmod(file, mode);
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hc-managed-'));
  await chmod(dir, 0o755);
  file = path.join(dir, 'managed-settings.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LinuxManagedSettingsReader', () => {
  it('reports absent when no policy file exists', async () => {
    expect(await reader().read()).toEqual({ status: 'absent', source: file });
  });

  it('reads a root-owned 0644 policy file', async () => {
    await writePolicy(JSON.stringify(GOOD));
    expect(await reader().read()).toEqual({ status: 'ok', source: file, values: GOOD });
  });

  it('accepts a 0600 file too (stricter is fine)', async () => {
    await writePolicy(JSON.stringify({ kioskIdleSeconds: 60 }), 0o600);
    expect(await reader().read()).toMatchObject({ status: 'ok', values: { kioskIdleSeconds: 60 } });
  });

  it('uses /etc/healthchain/managed-settings.json and requires root by default', () => {
    expect(new LinuxManagedSettingsReader().description).toBe('/etc/healthchain/managed-settings.json');
  });

  it('rejects a symbolic link, even to a good file', async () => {
    const target = path.join(dir, 'real.json');
    await writeFile(target, JSON.stringify(GOOD));
    await chmod(target, 0o644);
    await symlink(target, file);
    const result = await reader().read();
    expect(result.status).toBe('rejected');
    expect(result.status === 'rejected' && result.reason).toMatch(/symbolic link/);
  });

  it.runIf(isRoot)('rejects a file owned by another user (needs root to chown; CI runs as root)', async () => {
    await writePolicy(JSON.stringify(GOOD));
    await chown(file, 1000, 1000);
    const result = await new LinuxManagedSettingsReader({ path: file }).read();
    expect(result).toMatchObject({ status: 'rejected' });
    expect(result.status === 'rejected' && result.reason).toMatch(/owned by uid 1000, not root/);
  });

  it.runIf(isRoot)('rejects a good file inside a directory owned by another user', async () => {
    await writePolicy(JSON.stringify(GOOD));
    await chown(dir, 1000, 1000);
    const result = await new LinuxManagedSettingsReader({ path: file }).read();
    expect(result.status === 'rejected' && result.reason).toMatch(/directory .* owned by uid 1000/);
  });

  for (const mode of [0o664, 0o646, 0o666]) {
    it(`rejects a file writable by group or others (mode ${mode.toString(8)})`, async () => {
      await writePolicy(JSON.stringify(GOOD), mode);
      const result = await reader().read();
      expect(result.status === 'rejected' && result.reason).toMatch(
        new RegExp(`writable by group or others \\(mode 0${mode.toString(8)}\\)`),
      );
    });
  }

  it('rejects a policy in a world-writable directory', async () => {
    await writePolicy(JSON.stringify(GOOD));
    await chmod(dir, 0o777);
    const result = await reader().read();
    expect(result.status === 'rejected' && result.reason).toMatch(/its directory .* writable by group or others/);
  });

  it('rejects a directory in place of the file', async () => {
    await mkdir(file);
    const result = await reader().read();
    expect(result.status === 'rejected' && result.reason).toMatch(/not a regular file/);
  });

  it('rejects malformed JSON with the parser message', async () => {
    await writePolicy('{ "autoLockMinutes": 5, ');
    const result = await reader().read();
    expect(result.status === 'rejected' && result.reason).toMatch(/is not valid UTF-8 JSON/);
  });

  it('rejects unknown keys by name', async () => {
    await writePolicy(JSON.stringify({ ...GOOD, nodeUrl: 'https://typo.example' }));
    const result = await reader().read();
    expect(result.status === 'rejected' && result.reason).toMatch(/unknown setting\(s\) "nodeUrl"/);
  });

  it('rejects wrong types and out-of-range values, naming the key', async () => {
    await writePolicy(JSON.stringify({ autoLockMinutes: '5' }));
    expect(((await reader().read()) as { reason: string }).reason).toMatch(/autoLockMinutes/);
    await writePolicy(JSON.stringify({ kioskIdleSeconds: 1 }));
    expect(((await reader().read()) as { reason: string }).reason).toMatch(/kioskIdleSeconds/);
    await writePolicy(JSON.stringify({ nodeUrls: ['ftp://node.example'] }));
    expect(((await reader().read()) as { reason: string }).reason).toMatch(/nodeUrls\.0: must be an http\(s\) URL/);
    await writePolicy(JSON.stringify({ trustedPractitionerKeys: ['not-a-key'] }));
    expect(((await reader().read()) as { reason: string }).reason).toMatch(
      /trustedPractitionerKeys\.0: must be a base58/,
    );
    await writePolicy(JSON.stringify([1, 2]));
    expect(((await reader().read()) as { reason: string }).reason).toMatch(/expected a JSON object/);
  });
});

describe('LinuxManagedSettingsSource.watch', () => {
  it('reports a policy file written, changed or removed, and nothing after it stops', async () => {
    const source = new LinuxManagedSettingsSource({ path: file, trustedUid: uid });
    let changes = 0;
    const changed = () =>
      new Promise<void>((resolve) => {
        const seen = changes;
        const poll = setInterval(() => {
          if (changes > seen) {
            clearInterval(poll);
            resolve();
          }
        }, 20);
      });
    const stop = source.watch(() => changes++);
    try {
      let next = changed();
      await writePolicy(JSON.stringify(GOOD));
      await next;
      next = changed();
      await writeFile(path.join(dir, 'unrelated.txt'), 'x');
      await writePolicy(JSON.stringify({ autoLockMinutes: 9 }));
      await next;
      next = changed();
      await rm(file);
      await next;
    } finally {
      stop();
    }
    const before = changes;
    await writePolicy(JSON.stringify(GOOD));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(changes).toBe(before);
  });

  it('does not fail when the policy directory does not exist', () => {
    const stop = new LinuxManagedSettingsSource({
      path: path.join(dir, 'missing', 'managed-settings.json'),
      trustedUid: uid,
    }).watch(() => {});
    stop();
  });
});
