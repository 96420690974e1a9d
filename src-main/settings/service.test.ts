// The settings service over a real user file and the real Linux managed-settings reader on real files.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SettingsService } from './service';
import type { SettingsView } from './service';
import { SettingsError } from './errors';
import { UserSettingsStore } from './user-store';
import { LinuxManagedSettingsReader } from './managed/linux';
import { DEFAULT_SETTINGS } from './settings';
import type { SettingsLogger } from './logger';

const KEY = '4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS';
let root: string;
let userDir: string;
let policyDir: string;
let policyFile: string;
let logs: { info: string[]; warn: string[] };
const logger: SettingsLogger = { info: (m) => logs.info.push(m), warn: (m) => logs.warn.push(m) };

async function writePolicy(value: unknown): Promise<void> {
  await writeFile(policyFile, typeof value === 'string' ? value : JSON.stringify(value));
  await chmod(policyFile, 0o644);
}

async function open(): Promise<SettingsService> {
  return SettingsService.open({
    userStore: new UserSettingsStore(path.join(userDir, 'settings.json'), logger),
    managedReader: new LinuxManagedSettingsReader({ path: policyFile, trustedUid: process.getuid?.() ?? 0 }),
    logger,
  });
}

async function settingsError(promise: Promise<unknown>): Promise<SettingsError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return error as SettingsError;
  }
  throw new Error('expected a SettingsError');
}

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'hc-settings-'));
  userDir = path.join(root, 'user');
  policyDir = path.join(root, 'etc');
  await (await import('node:fs/promises')).mkdir(policyDir, { mode: 0o755 });
  await chmod(policyDir, 0o755);
  policyFile = path.join(policyDir, 'managed-settings.json');
  logs = { info: [], warn: [] };
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('SettingsService', () => {
  it('starts from the documented defaults with nothing locked', async () => {
    const service = await open();
    expect(service.get()).toEqual({
      values: {
        nodeUrls: [],
        autoLockMinutes: 10,
        kioskIdleSeconds: 120,
        allowUserNodeUrls: true,
        trustedPractitionerKeys: [],
        kioskCamera: true,
        hospitalAuthority: '',
        ledgerEnvelope: 'v1',
        listCheckpoints: true,
      },
      locked: [],
    });
    expect(service.managedStatus()).toMatchObject({ status: 'absent', source: policyFile });
  });

  it('saves user settings atomically to a 0600 JSON file and reads them back after a restart', async () => {
    const service = await open();
    const view = await service.setUser({ autoLockMinutes: 3, nodeUrls: ['http://127.0.0.1:9984'] });
    expect(view.values).toMatchObject({ autoLockMinutes: 3, nodeUrls: ['http://127.0.0.1:9984'] });
    const file = path.join(userDir, 'settings.json');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      autoLockMinutes: 3,
      nodeUrls: ['http://127.0.0.1:9984'],
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(userDir)).toEqual(['settings.json']); // no temp file left behind
    expect((await open()).get().values.autoLockMinutes).toBe(3);
  });

  it('returns a key to its default when the patch sets it to null', async () => {
    const service = await open();
    await service.setUser({ autoLockMinutes: 3, kioskIdleSeconds: 30 });
    const view = await service.setUser({ autoLockMinutes: null });
    expect(view.values.autoLockMinutes).toBe(DEFAULT_SETTINGS.autoLockMinutes);
    expect(JSON.parse(await readFile(path.join(userDir, 'settings.json'), 'utf8'))).toEqual({ kioskIdleSeconds: 30 });
  });

  it('lets managed values win over the user file and reports them as locked', async () => {
    await writePolicy({ autoLockMinutes: 2, trustedPractitionerKeys: [KEY] });
    const service = await open();
    await expect(service.setUser({ kioskIdleSeconds: 30 })).resolves.toBeDefined();
    await writeFile(path.join(userDir, 'settings.json'), JSON.stringify({ autoLockMinutes: 50, kioskIdleSeconds: 30 }));
    const reopened = await open();
    expect(reopened.get()).toEqual({
      // A managed machine (#14): user node URLs are off unless IT allows them.
      values: {
        ...DEFAULT_SETTINGS,
        autoLockMinutes: 2,
        kioskIdleSeconds: 30,
        trustedPractitionerKeys: [KEY],
        allowUserNodeUrls: false,
      },
      locked: ['nodeUrls', 'autoLockMinutes', 'allowUserNodeUrls', 'trustedPractitionerKeys'],
    });
  });

  it('refuses to change a locked key with a typed error and leaves the user file as it was', async () => {
    await writePolicy({ autoLockMinutes: 2 });
    const service = await open();
    await service.setUser({ kioskIdleSeconds: 30 });
    const before = await readFile(path.join(userDir, 'settings.json'), 'utf8');
    const error = await settingsError(service.setUser({ autoLockMinutes: 60, kioskIdleSeconds: 40 }));
    expect(error.code).toBe('SETTING_LOCKED');
    expect(error.keys).toEqual(['autoLockMinutes']);
    expect(await readFile(path.join(userDir, 'settings.json'), 'utf8')).toBe(before);
    expect(service.get().values.kioskIdleSeconds).toBe(30);
  });

  it('refuses invalid values and unknown keys with INVALID_SETTING naming the problem', async () => {
    const service = await open();
    expect(await settingsError(service.setUser({ autoLockMinutes: 0 }))).toMatchObject({
      code: 'INVALID_SETTING',
      message: expect.stringMatching(/autoLockMinutes/),
    });
    expect(await settingsError(service.setUser({ nodeUrls: ['javascript:alert(1)'] }))).toMatchObject({
      code: 'INVALID_SETTING',
    });
    expect(await settingsError(service.setUser({ nodeUrls: ['https://user:pw@node.example'] }))).toMatchObject({
      code: 'INVALID_SETTING',
    });
    expect(await settingsError(service.setUser({ theme: 'dark' }))).toMatchObject({
      code: 'INVALID_SETTING',
      message: expect.stringMatching(/unknown setting\(s\): theme/),
    });
    expect(await settingsError(service.setUser('nope'))).toMatchObject({ code: 'INVALID_SETTING' });
    expect(service.get().values).toEqual(DEFAULT_SETTINGS);
  });

  it('kioskCamera: on by default, a user may turn it off, and IT can lock it either way', async () => {
    const service = await open();
    expect(service.get().values.kioskCamera).toBe(true);
    await service.setUser({ kioskCamera: false });
    expect(service.get().values.kioskCamera).toBe(false);
    expect(await settingsError(service.setUser({ kioskCamera: 'yes' }))).toMatchObject({
      code: 'INVALID_SETTING',
      message: expect.stringMatching(/kioskCamera/),
    });

    await writePolicy({ kioskCamera: true });
    await service.refreshManaged();
    expect(service.get()).toMatchObject({
      values: { kioskCamera: true },
      locked: ['nodeUrls', 'allowUserNodeUrls', 'kioskCamera'],
    });
    expect(await settingsError(service.setUser({ kioskCamera: false }))).toMatchObject({
      code: 'SETTING_LOCKED',
      keys: ['kioskCamera'],
    });
    await writePolicy({ kioskCamera: false });
    await service.refreshManaged();
    expect(service.get().values.kioskCamera).toBe(false);
    await writePolicy({ kioskCamera: 1 });
    expect(await service.refreshManaged()).toBe(false);
    expect(service.managedStatus()).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/kioskCamera/) });
    expect(service.get().values.kioskCamera).toBe(false);
  });

  it('listCheckpoints: on by default, a user may turn it off, and IT pinning it off locks it for the user', async () => {
    const service = await open();
    expect(service.get().values.listCheckpoints).toBe(true);
    await service.setUser({ listCheckpoints: false });
    expect(service.get().values.listCheckpoints).toBe(false);
    await service.setUser({ listCheckpoints: true });
    expect(await settingsError(service.setUser({ listCheckpoints: 'no' }))).toMatchObject({
      code: 'INVALID_SETTING',
      message: expect.stringMatching(/listCheckpoints: must be true or false/),
    });

    const changes: boolean[] = [];
    service.onChange((view) => changes.push(view.values.listCheckpoints));
    await writePolicy({ listCheckpoints: false });
    await service.refreshManaged();
    expect(service.get()).toMatchObject({
      values: { listCheckpoints: false },
      locked: ['nodeUrls', 'allowUserNodeUrls', 'listCheckpoints'],
    });
    expect(changes).toEqual([false]); // the chart service reads it at its next list: no restart
    expect(await settingsError(service.setUser({ listCheckpoints: true }))).toMatchObject({
      code: 'SETTING_LOCKED',
      keys: ['listCheckpoints'],
    });
    expect(service.get().values.listCheckpoints).toBe(false);
    // Still pinned after a restart, whatever the user's own file says.
    expect((await open()).get().values.listCheckpoints).toBe(false);
    await writePolicy({ listCheckpoints: 'false' });
    expect(await service.refreshManaged()).toBe(false);
    expect(service.managedStatus()).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/listCheckpoints/),
    });
  });

  it('when IT forbids user node URLs: nodeUrls is locked, refused, and the user list is not used', async () => {
    const service = await open();
    await service.setUser({ nodeUrls: ['https://rogue.example:9984'] });
    await writePolicy({ allowUserNodeUrls: false });
    await service.refreshManaged();
    expect(service.get().values.nodeUrls).toEqual([]);
    expect(service.get().locked).toEqual(['nodeUrls', 'allowUserNodeUrls']);
    const error = await settingsError(service.setUser({ nodeUrls: ['https://other.example:9984'] }));
    expect(error.code).toBe('NODE_URLS_NOT_ALLOWED');
  });

  it('#14: on a machine IT manages, user node URLs are off by default and only IT can allow them', async () => {
    const service = await open();
    await service.setUser({ nodeUrls: ['https://own.hospital.example:9984'] });
    expect(service.isItManaged()).toBe(false);
    expect(service.get().values).toMatchObject({
      allowUserNodeUrls: true,
      nodeUrls: ['https://own.hospital.example:9984'],
    });

    // Any policy at all, even an empty one, makes this a managed machine.
    await writePolicy({});
    expect(await service.refreshManaged()).toBe(true);
    expect(service.isItManaged()).toBe(true);
    expect(service.get()).toEqual({
      values: { ...DEFAULT_SETTINGS, allowUserNodeUrls: false },
      locked: ['nodeUrls', 'allowUserNodeUrls'],
    });
    expect(await settingsError(service.setUser({ nodeUrls: ['https://rogue.example'] }))).toMatchObject({
      code: 'NODE_URLS_NOT_ALLOWED',
    });
    // The user cannot lift the lock with their own allowUserNodeUrls.
    expect(await settingsError(service.setUser({ allowUserNodeUrls: true }))).toMatchObject({
      code: 'SETTING_LOCKED',
      keys: ['allowUserNodeUrls'],
    });

    // A policy that is present but malformed still counts: fail closed.
    await writePolicy('{ "autoLockMinutes": ');
    await service.refreshManaged();
    expect(service.managedStatus().status).toBe('rejected');
    expect(service.get().values).toMatchObject({ allowUserNodeUrls: false, nodeUrls: [] });

    // IT opts in explicitly: the user's list is used again.
    await writePolicy({ allowUserNodeUrls: true });
    await service.refreshManaged();
    expect(service.get()).toEqual({
      values: { ...DEFAULT_SETTINGS, allowUserNodeUrls: true, nodeUrls: ['https://own.hospital.example:9984'] },
      locked: ['allowUserNodeUrls'],
    });
    expect(service.managedNodeUrls()).toEqual([]);

    await writePolicy({ nodeUrls: ['https://ledger1.hospital.example'] });
    await service.refreshManaged();
    expect(service.managedNodeUrls()).toEqual(['https://ledger1.hospital.example']);
    expect(service.get().values.nodeUrls).toEqual(['https://ledger1.hospital.example']);

    // The policy removed: back to an unmanaged machine and the user's own choice.
    await rm(policyFile);
    await service.refreshManaged();
    expect(service.get().values).toMatchObject({
      allowUserNodeUrls: true,
      nodeUrls: ['https://own.hospital.example:9984'],
    });
  });

  it('#14: node URLs must be https, except plain http to this computer', async () => {
    const service = await open();
    for (const url of [
      'http://ledger.hospital.example:9984',
      'http://10.0.0.5:9984',
      'http://[fe80::1]:9984',
      'http://localhost.evil.example',
    ]) {
      const error = await settingsError(service.setUser({ nodeUrls: [url] }));
      expect(error.code).toBe('INVALID_SETTING');
      expect(error.message).toMatch(
        /must use https:\/\/ — plain http:\/\/ is allowed only for a node on this computer/,
      );
      expect(error.message).toContain(url);
    }
    const local = [
      'http://127.0.0.1:9984',
      'http://localhost:9984',
      'http://[::1]:9984',
      'https://ledger.hospital.example',
    ];
    await expect(service.setUser({ nodeUrls: local })).resolves.toMatchObject({ values: { nodeUrls: local } });
    // IT is held to the same rule: a policy with an http node is ignored as a whole, with the reason logged.
    await writePolicy({ nodeUrls: ['http://ledger.hospital.example:9984'] });
    await service.refreshManaged();
    expect(service.managedStatus()).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/nodeUrls\.0: must use https/),
    });
  });

  it('keeps the last good managed values when the policy file goes bad, and logs why', async () => {
    await writePolicy({ autoLockMinutes: 2, nodeUrls: ['https://node1.hospital.example:9984'] });
    const service = await open();
    const good = service.get();
    const bad: [string, unknown, RegExp][] = [
      ['malformed', '{ "autoLockMinutes": ', /not valid UTF-8 JSON/],
      ['unknown key', { autoLockMinutes: 2, colour: 'red' }, /unknown setting\(s\) "colour"/],
      ['wrong type', { autoLockMinutes: 'two' }, /autoLockMinutes/],
    ];
    for (const [, content, reason] of bad) {
      await writePolicy(content);
      expect(await service.refreshManaged()).toBe(false);
      expect(service.get()).toEqual(good);
      expect(service.managedStatus()).toMatchObject({ status: 'rejected', reason: expect.stringMatching(reason) });
      expect(logs.warn.at(-1)).toMatch(reason);
    }
    await writePolicy({ autoLockMinutes: 2, nodeUrls: ['https://node1.hospital.example:9984'] });
    await chmod(policyFile, 0o666);
    await service.refreshManaged();
    expect(service.get()).toEqual(good);
    expect(logs.warn.at(-1)).toMatch(/writable by group or others/);
  });

  it('logs a persisting problem once, not on every check', async () => {
    await writePolicy('not json');
    const service = await open();
    await service.refreshManaged();
    await service.refreshManaged();
    expect(logs.warn.filter((m) => m.includes('not valid UTF-8 JSON'))).toHaveLength(1);
  });

  it('unlocks keys when IT removes the policy', async () => {
    await writePolicy({ autoLockMinutes: 2 });
    const service = await open();
    await rm(policyFile);
    expect(await service.refreshManaged()).toBe(true);
    expect(service.get()).toEqual({ values: DEFAULT_SETTINGS, locked: [] });
  });

  it('notifies listeners on effective changes only', async () => {
    const service = await open();
    const seen: SettingsView[] = [];
    const stop = service.onChange((view) => seen.push(view));
    await service.setUser({ kioskIdleSeconds: 30 });
    await service.setUser({ kioskIdleSeconds: 30 }); // same value: no event
    await writePolicy({ kioskIdleSeconds: 90 });
    await service.refreshManaged();
    await service.refreshManaged(); // unchanged policy: no event
    stop();
    await service.setUser({ autoLockMinutes: 4 }); // unsubscribed
    expect(seen.map((v) => [v.values.kioskIdleSeconds, v.locked])).toEqual([
      [30, []],
      [90, ['nodeUrls', 'kioskIdleSeconds', 'allowUserNodeUrls']],
    ]);
  });

  it('picks up a new policy by periodic re-reading', async () => {
    const service = await open();
    const changed = new Promise<SettingsView>((resolve) => service.onChange(resolve));
    const stop = service.watchManaged(20);
    await writePolicy({ autoLockMinutes: 7 });
    const view = await Promise.race([
      changed,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no change seen within 2 s')), 2000)),
    ]);
    stop();
    expect(view.values.autoLockMinutes).toBe(7);
  });

  it('picks up a new policy as soon as the source reports it changed, long before the periodic re-read', async () => {
    const service = await open();
    const changed = new Promise<SettingsView>((resolve) => service.onChange(resolve));
    const stop = service.watchManaged(3_600_000);
    await writePolicy({ autoLockMinutes: 8 });
    const view = await Promise.race([
      changed,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no change seen within 3 s')), 3000)),
    ]);
    stop();
    expect(view.values.autoLockMinutes).toBe(8);
  });

  it('sets aside a corrupt user file (keeping it) and starts from defaults', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(userDir);
    await writeFile(path.join(userDir, 'settings.json'), '{"autoLockMinutes": 3,');
    const service = await open();
    expect(service.get().values).toEqual(DEFAULT_SETTINGS);
    const files = await readdir(userDir);
    expect(files.some((f) => f.startsWith('settings.json.corrupt-'))).toBe(true);
    expect(logs.warn.join('\n')).toMatch(/not valid JSON/);
  });

  it('keeps the valid keys of a partly invalid user file', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(userDir);
    await writeFile(
      path.join(userDir, 'settings.json'),
      JSON.stringify({ autoLockMinutes: 3, kioskIdleSeconds: -1, extra: 1 }),
    );
    const service = await open();
    expect(service.get().values).toEqual({ ...DEFAULT_SETTINGS, autoLockMinutes: 3 });
    expect(logs.warn.at(-1)).toMatch(/dropped kioskIdleSeconds, extra/);
  });

  it('reports WRITE_FAILED when the user file cannot be written, keeping the previous values', async () => {
    await writeFile(path.join(root, 'blocker'), 'a file where a directory should be');
    const service = await SettingsService.open({
      userStore: new UserSettingsStore(path.join(root, 'blocker', 'settings.json'), logger),
      managedReader: new LinuxManagedSettingsReader({ path: policyFile, trustedUid: process.getuid?.() ?? 0 }),
      logger,
    });
    expect(await settingsError(service.setUser({ autoLockMinutes: 3 }))).toMatchObject({ code: 'WRITE_FAILED' });
    expect(service.get().values.autoLockMinutes).toBe(10);
  });

  it('serializes concurrent updates so none is lost', async () => {
    const service = await open();
    await Promise.all([
      service.setUser({ autoLockMinutes: 3 }),
      service.setUser({ kioskIdleSeconds: 30 }),
      service.setUser({ allowUserNodeUrls: false }),
    ]);
    expect(JSON.parse(await readFile(path.join(userDir, 'settings.json'), 'utf8'))).toEqual({
      allowUserNodeUrls: false,
      autoLockMinutes: 3,
      kioskIdleSeconds: 30,
    });
  });

  describe('the hospital authority pin (#12: first run "set up" / "join")', () => {
    const A = 'a'.repeat(64);
    const B = 'b'.repeat(64);

    it('pins in the user file, says it was pinned here, and survives a restart', async () => {
      const service = await open();
      expect(service.authorityPinnedBy()).toBeNull();
      const view = await service.pinAuthority(A);
      expect(view.values.hospitalAuthority).toBe(A);
      expect(view.locked).not.toContain('hospitalAuthority');
      expect(service.authorityPinnedBy()).toBe('user');
      expect(JSON.parse(await readFile(path.join(userDir, 'settings.json'), 'utf8'))).toEqual({ hospitalAuthority: A });
      const again = await open();
      expect(again.get().values.hospitalAuthority).toBe(A);
    });

    it('does not silently replace a pin: the same id again is fine, another one needs replace', async () => {
      const service = await open();
      await service.pinAuthority(A);
      await service.pinAuthority(A);
      const error = await settingsError(service.pinAuthority(B));
      expect(error).toMatchObject({ code: 'INVALID_SETTING', keys: ['hospitalAuthority'] });
      expect(error.message).toContain(A);
      expect(service.get().values.hospitalAuthority).toBe(A);
      expect((await service.pinAuthority(B, { replace: true })).values.hospitalAuthority).toBe(B);
    });

    it('refuses when IT pinned one (managed wins, the user file is left as it was)', async () => {
      await writePolicy({ hospitalAuthority: A });
      const service = await open();
      expect(service.authorityPinnedBy()).toBe('managed');
      expect(service.get().locked).toContain('hospitalAuthority');
      const error = await settingsError(service.pinAuthority(B));
      expect(error).toMatchObject({ code: 'SETTING_LOCKED', keys: ['hospitalAuthority'] });
      expect(service.get().values.hospitalAuthority).toBe(A);
      await expect(readFile(path.join(userDir, 'settings.json'), 'utf8')).rejects.toThrow(/ENOENT/);
    });

    it('refuses an id that is not a transaction id', async () => {
      const service = await open();
      expect(await settingsError(service.pinAuthority('nope'))).toMatchObject({ code: 'INVALID_SETTING' });
      expect(await settingsError(service.pinAuthority(''))).toMatchObject({ code: 'INVALID_SETTING' });
      expect(service.authorityPinnedBy()).toBeNull();
    });
  });
});
