// The macOS reader: real files for the trust checks; plutil (absent here) replaced by its recorded JSON output.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MacManagedSettingsReader, MacManagedSettingsSource, settingsFromPlistJson } from './macos';

const fixture = (name: string) => readFile(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const APP_ID = 'org.healthchain.workstation';
const uid = process.getuid?.() ?? 0;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hc-mcx-'));
  await chmod(dir, 0o755);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Stands in for /usr/bin/plutil: maps the plist bytes we wrote to the JSON plutil printed for them. */
function recordedPlutil(outputs: Record<string, string>) {
  return async (plist: Buffer) => {
    const out = outputs[plist.toString('utf8')];
    if (out === undefined) throw new Error('Property List error: Unexpected character');
    return out;
  };
}

describe('settingsFromPlistJson', () => {
  it('reads plutil JSON and ignores profile bookkeeping keys', async () => {
    expect(settingsFromPlistJson(await fixture('plutil-machine.json'))).toEqual({
      ok: true,
      values: {
        allowUserNodeUrls: false,
        autoLockMinutes: 5,
        nodeUrls: ['https://node1.hospital.example:9984', 'https://node2.hospital.example:9984'],
      },
    });
  });

  it('rejects wrong types', async () => {
    const result = settingsFromPlistJson(await fixture('plutil-wrong-type.json'));
    expect(!result.ok && result.reason).toMatch(/kioskIdleSeconds/);
  });
});

describe('MacManagedSettingsReader', () => {
  it('merges the machine profile over the user profile', async () => {
    await writeFile(path.join(dir, `${APP_ID}.plist`), 'machine-plist');
    await chmod(path.join(dir, `${APP_ID}.plist`), 0o644);
    await mkdir(path.join(dir, 'alice'), { mode: 0o755 });
    await writeFile(path.join(dir, 'alice', `${APP_ID}.plist`), 'user-plist');
    const reader = new MacManagedSettingsReader({
      appId: APP_ID,
      userName: 'alice',
      dir,
      trustedUid: uid,
      toJson: recordedPlutil({
        'machine-plist': await fixture('plutil-machine.json'),
        'user-plist': '{"autoLockMinutes":30,"kioskIdleSeconds":45}',
      }),
    });
    expect(await reader.read()).toMatchObject({
      status: 'ok',
      values: { autoLockMinutes: 5, kioskIdleSeconds: 45, allowUserNodeUrls: false },
    });
  });

  it('is absent without profiles', async () => {
    const reader = new MacManagedSettingsReader({
      appId: APP_ID,
      userName: 'alice',
      dir,
      trustedUid: uid,
      toJson: recordedPlutil({}),
    });
    expect(await reader.read()).toMatchObject({ status: 'absent' });
  });

  it('rejects a plist plutil cannot read, and one writable by others', async () => {
    const file = path.join(dir, `${APP_ID}.plist`);
    await writeFile(file, 'garbage');
    await chmod(file, 0o644);
    const reader = new MacManagedSettingsReader({
      appId: APP_ID,
      userName: 'alice',
      dir,
      trustedUid: uid,
      toJson: recordedPlutil({}),
    });
    expect(await reader.read()).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/not a readable property list: Property List error/),
    });
    await chmod(file, 0o666);
    expect(await reader.read()).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/writable by group or others/),
    });
  });
});

describe('MacManagedSettingsSource.watch', () => {
  it('reports a machine profile arriving, even while the user profile folder does not exist', async () => {
    const source = new MacManagedSettingsSource({
      appId: APP_ID,
      userName: 'alice',
      dir,
      trustedUid: uid,
      toJson: recordedPlutil({}),
    });
    const seen = new Promise<void>((resolve) => {
      const stop = source.watch(() => {
        stop();
        resolve();
      });
    });
    await writeFile(path.join(dir, `${APP_ID}.plist`), 'machine-plist');
    await Promise.race([
      seen,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no change seen within 3 s')), 3000)),
    ]);
  });
});
