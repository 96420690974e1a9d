// vault.delete through the real IPC handler registry (src-main/app/core.ts, as main.ts and the e2e bridge build it),
// with the real keychain (a D-Bus session with gnome-keyring) and a real embedded ledger node. Issue #14: deleting an
// identity needed neither its password nor a signed-in doctor; now the password must unseal the entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCore, type Core } from '../../../src-main/app/core';
import { startLedgerNode, type LedgerNode } from '../../../src-main/ledger-node/node';
import { SettingsService, UserSettingsStore } from '../../../src-main/settings';
import { LinuxManagedSettingsReader } from '../../../src-main/settings/managed';
import { cleanKeychain, DOCTOR, FAST, freshService } from './helpers';

const quiet = { info: () => undefined, warn: () => undefined };
let dir: string;
let node: LedgerNode;
let core: Core;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hc-delete-'));
  node = await startLedgerNode({ dataDir: path.join(dir, 'ledger'), port: 0, access: { kind: 'open' } });
  await mkdir(path.join(dir, 'settings'), { recursive: true });
  const settings = await SettingsService.open({
    userStore: new UserSettingsStore(path.join(dir, 'settings', 'settings.json'), quiet),
    managedReader: new LinuxManagedSettingsReader({
      path: path.join(dir, 'no-policy', 'managed-settings.json'),
      trustedUid: process.getuid?.() ?? 0,
    }),
    logger: quiet,
  });
  core = await createCore({
    variant: 'workstation',
    dataDir: path.join(dir, 'data'),
    settings,
    embeddedNodeUrl: node.url,
    appVersion: 'test',
    shell: { saveFile: async () => null, openExternal: async () => undefined },
    vault: {
      service: freshService(),
      entryParams: FAST,
      backupParams: FAST,
      attempts: { freeFailures: 5, baseDelayMs: 10, maxDelayMs: 20 },
    },
    chartService: { liveStream: false, verifyWorkers: 0 },
    logError: () => undefined,
  });
});

afterAll(async () => {
  await core?.stop();
  await node?.stop();
  await cleanKeychain();
  await rm(dir, { recursive: true, force: true });
});

const code = (answer: { ok: boolean; error?: { code: string } }) => (answer.ok ? 'ok' : answer.error?.code);

describe('vault.delete over IPC', { timeout: 60_000 }, () => {
  it('refuses without the password and with a wrong one, and deletes with the right one', async () => {
    const created = await core.registry.dispatch('vault.create', DOCTOR);
    expect(code(created)).toBe('ok');
    const id = (created as { ok: true; value: { identity: { id: string } } }).value.identity.id;
    await core.registry.dispatch('vault.lock', {});
    const remaining = async () =>
      ((await core.registry.dispatch('vault.list', {})) as { ok: true; value: { identities: unknown[] } }).value
        .identities.length;

    const withoutPassword = await core.registry.dispatch('vault.delete', { id, confirmation: DOCTOR.name });
    expect(code(withoutPassword)).toBe('INVALID_REQUEST');
    expect(JSON.stringify(withoutPassword)).toMatch(/password/);
    const emptyPassword = await core.registry.dispatch('vault.delete', { id, confirmation: DOCTOR.name, password: '' });
    expect(code(emptyPassword)).toBe('INVALID_REQUEST');
    expect(await remaining()).toBe(1);

    const wrong = await core.registry.dispatch('vault.delete', {
      id,
      confirmation: DOCTOR.name,
      password: 'not the password',
    });
    expect(code(wrong)).toBe('WRONG_PASSWORD');
    expect(wrong.ok ? '' : wrong.error.message).toMatch(/password/i);
    expect(await remaining()).toBe(1);

    // A name typo is reported before any password attempt is spent.
    const mistyped = await core.registry.dispatch('vault.delete', {
      id,
      confirmation: 'Dr Someone Else',
      password: DOCTOR.password,
    });
    expect(code(mistyped)).toBe('CONFIRMATION_MISMATCH');
    expect(await remaining()).toBe(1);

    const done = await core.registry.dispatch('vault.delete', {
      id,
      confirmation: DOCTOR.name,
      password: DOCTOR.password,
    });
    expect(code(done)).toBe('ok');
    expect(await remaining()).toBe(0);
  });
});
