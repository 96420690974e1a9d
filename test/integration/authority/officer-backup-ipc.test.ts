// Officer key backup and restore over IPC (hospital.officerBackup/officerRestore) through the real IPC registry as
// main.ts builds it (src-main/app/core.ts), the real keychain (D-Bus + gnome-keyring) and the real CLI as a child
// process: a backup the app wrote (through the save dialog port) is restored by `hospital officer restore` into a
// fresh keychain service, and one the CLI wrote is restored by the app; a wrong password, a doctor's vault backup, a
// file that is not a backup and a key already in this keychain are each refused with their own message, and nothing
// is added to the keychain by a refusal.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import keytar from 'keytar';
import type { Core } from '../../../src-main/app/core';
import { OfficerKeychain } from '../../../src-main/authority/officer-keychain';
import { startLedgerNode, type LedgerNode } from '../../../src-main/ledger-node/node';
import { cleanKeychain, DOCTOR, FAST } from '../vault/helpers';
import { ipcCalls, startTestCore, type Loose, type SavedFile } from './ipc-core';
import { clearKeychains } from '../emergency/fixture';

// The CLI seals with the full scrypt cost and each command is a child process.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const run = promisify(execFile);
const APP_PASSWORD = 'officer backup app secret 58';
const CLI_PASSWORD = 'officer backup cli secret 26';

let dir: string;
let node: LedgerNode;
let core: Core;
/** The app's officer keychain service, and two fresh ones the CLI uses. */
const appService = `HealthChain-officer-backup-app-${randomBytes(6).toString('hex')}`;
const cliRestoreService = `HealthChain-officer-backup-cli-${randomBytes(6).toString('hex')}`;
const cliOriginService = `HealthChain-officer-backup-origin-${randomBytes(6).toString('hex')}`;
/** What the save dialog (the shell port) was asked to write. */
const saved: SavedFile[] = [];

const { ok, failure } = ipcCalls(() => core);

async function cli(args: string[], service: string, password: string) {
  try {
    const { stdout, stderr } = await run(
      'node_modules/.bin/tsx',
      ['src-main/cli/index.ts', 'hospital', 'officer', ...args, '--json'],
      {
        env: { ...process.env, HEALTHCHAIN_OFFICER_KEYCHAIN_SERVICE: service, HEALTHCHAIN_PASSWORD: password },
        cwd: process.cwd(),
        timeout: 120_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hc-officer-backup-ipc-'));
  node = await startLedgerNode({ dataDir: path.join(dir, 'ledger'), port: 0, access: { kind: 'open' } });
  ({ core } = await startTestCore({
    node,
    dir: path.join(dir, 'core'),
    officers: { service: appService, backupParams: FAST },
    saved,
  }));
});

afterAll(async () => {
  await core?.stop();
  await node?.stop();
  await cleanKeychain();
  await clearKeychains(appService, cliRestoreService, cliOriginService);
  await rm(dir, { recursive: true, force: true });
});

const accounts = async (service: string) => (await keytar.findCredentials(service)).map((c) => c.account).sort();

describe('officer key backup and restore: app and CLI restore each other', () => {
  let appOfficer: Loose;

  it('backs up an officer key made in the app through the save dialog; a wrong password or unknown key saves nothing', async () => {
    appOfficer = await ok('hospital.officerCreate', { name: 'Ann Officer', password: APP_PASSWORD });

    const wrong = await failure('hospital.officerBackup', { officer: appOfficer.signKey, password: 'not the one 123' });
    expect(wrong.code).toBe('WRONG_PASSWORD');
    const unknown = await failure('hospital.officerBackup', { officer: appOfficer.boxKey, password: APP_PASSWORD });
    expect(unknown).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('No officer') });
    const extra = await failure('hospital.officerBackup', {
      officer: appOfficer.signKey,
      password: APP_PASSWORD,
      seed: 'x',
    });
    expect(extra.code).toBe('INVALID_REQUEST');
    expect(saved).toEqual([]);

    const answer = await ok('hospital.officerBackup', { officer: appOfficer.signKey, password: APP_PASSWORD });
    expect(Object.keys(answer)).toEqual(['savedTo']);
    expect(saved).toHaveLength(1);
    expect(answer.savedTo).toBe(`/saved/${saved[0]!.name}`);
    expect(saved[0]!.name).toMatch(/^officer-.{8}-\d{4}-\d{2}-\d{2}\.healthchain-officer-backup\.json$/);
    const file = JSON.parse(saved[0]!.content);
    expect(file).toMatchObject({ format: 'healthchain.identity-backup', signKey: appOfficer.signKey });
    // Sealed: the password and no key material in clear.
    expect(saved[0]!.content).not.toContain(APP_PASSWORD);
  });

  it("the CLI restores the app's backup into a fresh keychain service, and the key opens there with its password", async () => {
    const file = path.join(dir, 'from-app.json');
    await writeFile(file, saved[0]!.content, { mode: 0o600 });
    const wrong = await cli(['restore', file], cliRestoreService, 'not the one 123');
    expect(wrong.code).not.toBe(0);
    expect(await accounts(cliRestoreService)).toEqual([]);

    const restored = await cli(['restore', file], cliRestoreService, APP_PASSWORD);
    expect(restored, restored.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(restored.stdout)).toMatchObject({ signKey: appOfficer.signKey, name: 'Ann Officer' });
    const holder = await new OfficerKeychain({ service: cliRestoreService }).unlock(appOfficer.signKey, APP_PASSWORD);
    expect(holder.signKey).toBe(appOfficer.signKey);
    expect(holder.boxKey).toBe(appOfficer.boxKey);
    holder.lock();
  });

  it("the app restores the CLI's backup; a wrong password, a doctor's backup, a non-backup and a key already here are refused", async () => {
    const made = await cli(['create', '--name', 'Ben Officer'], cliOriginService, CLI_PASSWORD);
    expect(made, made.stderr).toMatchObject({ code: 0 });
    const ben = JSON.parse(made.stdout) as { signKey: string; boxKey: string };
    const out = path.join(dir, 'from-cli.json');
    const backedUp = await cli(['backup', '--officer', ben.signKey, '--out', out], cliOriginService, CLI_PASSWORD);
    expect(backedUp, backedUp.stderr).toMatchObject({ code: 0 });
    const cliBackup = await readFile(out, 'utf8');
    const before = await accounts(appService);
    expect(before).toEqual([appOfficer.signKey]);

    const wrong = await failure('hospital.officerRestore', { backup: cliBackup, password: 'not the one 123' });
    expect(wrong).toMatchObject({ code: 'WRONG_PASSWORD', message: expect.stringContaining('backup file') });

    await ok('vault.create', DOCTOR);
    const doctorId = (await ok('vault.list')).identities[0].id;
    await ok('vault.exportBackup', { id: doctorId, password: DOCTOR.password });
    const doctorBackup = saved.at(-1)!.content;
    expect(JSON.parse(doctorBackup).format).toBe('healthchain.identity-backup');
    const doctor = await failure('hospital.officerRestore', { backup: doctorBackup, password: DOCTOR.password });
    expect(doctor).toMatchObject({
      code: 'INVALID_REQUEST',
      message: "This backup is a doctor's identity, not an officer key.",
    });

    const notJson = await failure('hospital.officerRestore', { backup: 'hello, not a backup', password: CLI_PASSWORD });
    expect(notJson).toMatchObject({
      code: 'CORRUPTED_ENTRY',
      message: 'This backup file cannot be read: it is not JSON.',
    });
    const otherJson = await failure('hospital.officerRestore', {
      backup: JSON.stringify({ format: 'healthchain.recovery-share', share: 'x' }),
      password: CLI_PASSWORD,
    });
    expect(otherJson).toMatchObject({
      code: 'CORRUPTED_ENTRY',
      message: expect.stringContaining('This backup file cannot be read'),
    });
    const empty = await failure('hospital.officerRestore', { backup: '', password: CLI_PASSWORD });
    expect(empty).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('officer backup file') });
    expect(await accounts(appService)).toEqual(before);

    const restored = await ok('hospital.officerRestore', { backup: cliBackup, password: CLI_PASSWORD });
    expect(restored).toEqual({
      name: 'Ben Officer',
      signKey: ben.signKey,
      boxKey: ben.boxKey,
      createdAt: expect.any(String),
    });
    expect((await ok('hospital.officerList')).officers.map((o: Loose) => o.signKey).sort()).toEqual(
      [appOfficer.signKey, ben.signKey].sort(),
    );

    const again = await failure('hospital.officerRestore', { backup: cliBackup, password: CLI_PASSWORD });
    expect(again).toMatchObject({
      code: 'INVALID_REQUEST',
      message: `Officer ${ben.signKey} is already in this keychain.`,
    });
    const own = await failure('hospital.officerRestore', { backup: saved[0]!.content, password: APP_PASSWORD });
    expect(own.message).toBe(`Officer ${appOfficer.signKey} is already in this keychain.`);

    // The restored key signs in the app's keychain with the CLI's password: a backup of it opens again.
    await ok('hospital.officerBackup', { officer: ben.signKey, password: CLI_PASSWORD });
    expect(JSON.parse(saved.at(-1)!.content).signKey).toBe(ben.signKey);
  });
});
