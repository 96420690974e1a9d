// The app core as main.ts and the test bridge assemble it, against a real embedded ledger node (in this process, on a
// free port) and real settings files. Keychain-backed channels are covered by the e2e run (test/e2e), which has a
// Secret Service; nothing here touches the keychain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateToken } from '../ledger-node/http/access';
import { startLedgerNode, type LedgerNode } from '../ledger-node/node';
import { SettingsService, UserSettingsStore } from '../settings';
import { LinuxManagedSettingsReader } from '../settings/managed';
import { createCore, type Core } from './core';

const quiet = { info: () => undefined, warn: () => undefined };
let dir: string;
let node: LedgerNode;
const opened: string[] = [];
const saved: string[] = [];

async function settings(name: string, managed?: object): Promise<SettingsService> {
  const base = path.join(dir, name);
  const policyDir = path.join(base, 'policy');
  await mkdir(policyDir, { recursive: true });
  await chmod(base, 0o755);
  await chmod(policyDir, 0o755);
  if (managed) await writeFile(path.join(policyDir, 'managed-settings.json'), JSON.stringify(managed), { mode: 0o644 });
  return SettingsService.open({
    userStore: new UserSettingsStore(path.join(base, 'settings.json'), quiet),
    managedReader: new LinuxManagedSettingsReader({
      path: path.join(policyDir, 'managed-settings.json'),
      trustedUid: process.getuid?.() ?? 0,
    }),
    logger: quiet,
  });
}

async function core(variant: 'workstation' | 'kiosk', managed?: object): Promise<Core> {
  return createCore({
    variant,
    dataDir: path.join(dir, `${variant}-data`),
    settings: await settings(`${variant}-${Math.random().toString(36).slice(2)}`, managed),
    embeddedNodeUrl: node.url,
    embeddedNodeToken: node.token,
    appVersion: 'test',
    shell: { saveFile: async (name) => (saved.push(name), null), openExternal: async (url) => void opened.push(url) },
    chartService: { liveStream: false },
    logError: () => undefined,
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hc-core-'));
  await chmod(dir, 0o755);
  node = await startLedgerNode({
    dataDir: path.join(dir, 'ledger'),
    port: 0,
    access: { kind: 'token', token: generateToken() },
  });
});
afterAll(async () => {
  await node.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('app core', () => {
  it('kiosk: registers only the read channels, needs an open card, and keeps no outbox on disk', async () => {
    const kiosk = await core('kiosk');
    try {
      expect([...kiosk.registry.channels].sort()).toEqual([
        'app.activity',
        'app.status',
        'charts.access', // the patient's Access tab (#13), the open card's chart only
        'patient.getChart',
        'patient.openCard',
        'patient.signOut',
        'settings.get',
      ]);
      const chart = await kiosk.registry.dispatch('patient.getChart', {});
      expect(chart.ok ? 'ok' : chart.error.code).toBe('LOCKED');
      const access = await kiosk.registry.dispatch('charts.access', { chartId: 'a'.repeat(64) });
      expect(access.ok ? 'ok' : access.error.code).toBe('LOCKED');
      const write = await kiosk.registry.dispatch('charts.create', {});
      expect(write.ok ? 'ok' : write.error.code).toBe('UNKNOWN_CHANNEL');
      // A mistyped card code is refused by its checksum, as a typed error.
      const card = await kiosk.registry.dispatch('patient.openCard', {
        code: 'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA',
        pin: '123456',
      });
      expect(card.ok ? 'ok' : card.error.code).toBe('INVALID_CARD');

      const events: unknown[] = [];
      kiosk.events.attach((name, payload) => events.push([name, payload]));
      kiosk.lockAll('kiosk-idle');
      expect(events).toContainEqual(['lock', { reason: 'kiosk-idle' }]);
    } finally {
      await kiosk.stop();
    }
  });

  it("sends the embedded node's per-launch token to that node", async () => {
    const ws = await core('workstation');
    try {
      // The node serves blocks, validators and its stream only with the token: the network check reads them all.
      const r = await ws.registry.dispatch('network.check', {});
      expect(r).toMatchObject({
        ok: true,
        value: {
          nodes: [{ url: node.url, reachable: true, height: expect.any(Number), streamOpens: true, error: null }],
        },
      });
    } finally {
      await ws.stop();
    }
  });

  it('reports the embedded node in use and whether it answers', async () => {
    const ws = await core('workstation');
    try {
      const events: [string, unknown][] = [];
      ws.events.attach((name, payload) => events.push([name, payload]));
      await expect
        .poll(
          async () => {
            const r = await ws.registry.dispatch('app.status', {});
            return r.ok ? (r.value as { node: { reachable: boolean } }).node.reachable : null;
          },
          { timeout: 15_000 },
        )
        .toBe(true);
      const r = await ws.registry.dispatch('app.status', {});
      expect(r).toMatchObject({
        ok: true,
        value: {
          variant: 'workstation',
          signedIn: false,
          node: { url: node.url, embedded: true, reachable: true, error: null },
        },
      });
      expect(events.some(([name]) => name === 'nodeStatus')).toBe(true);

      // #14: reachable or not, nothing more (no status, latency, version or error text for the renderer).
      const good = await ws.registry.dispatch('settings.testNode', { url: node.url });
      expect(good).toEqual({ ok: true, value: { url: node.url, reachable: true } });
      const bad = await ws.registry.dispatch('settings.testNode', { url: 'http://127.0.0.1:1' });
      expect(bad).toEqual({ ok: true, value: { url: 'http://127.0.0.1:1', reachable: false } });
    } finally {
      await ws.stop();
    }
  });

  it("workstation: chart channels need a signed-in doctor; openExternal takes only the node's transaction pages", async () => {
    const ws = await core('workstation');
    try {
      const list = await ws.registry.dispatch('charts.list', {});
      expect(list.ok ? 'ok' : list.error.code).toBe('LOCKED');
      const evil = await ws.registry.dispatch('app.openExternal', { url: 'https://evil.example/' });
      expect(evil.ok ? 'ok' : evil.error.code).toBe('URL_NOT_ALLOWED');
      const tx = `${node.url}/api/v1/transactions/${'d'.repeat(64)}`;
      expect(await ws.registry.dispatch('app.openExternal', { url: tx })).toEqual({ ok: true, value: {} });
      expect(opened).toEqual([tx]);
    } finally {
      await ws.stop();
    }
  });

  it('#14: settings.testNode probes only node-URL-rule URLs, and on a locked machine only the locked ones', async () => {
    const ws = await core('workstation');
    try {
      // A non-BigchainDB server that answers: the renderer learns "unreachable", not its status or body.
      const other = await ws.registry.dispatch('settings.testNode', { url: `${node.url}/api/v1/transactions/x` });
      expect(other).toEqual({ ok: true, value: { url: `${node.url}/api/v1/transactions/x`, reachable: false } });
      for (const url of [
        'http://intranet.hospital.example/',
        'http://10.0.0.1:8080',
        'file:///etc/passwd',
        'https://u:p@node.example',
      ]) {
        const refused = await ws.registry.dispatch('settings.testNode', { url });
        expect(refused.ok ? 'ok' : refused.error.code, url).toBe('INVALID_REQUEST');
      }
    } finally {
      await ws.stop();
    }
    const locked = await core('workstation', { nodeUrls: [node.url] });
    try {
      expect(await locked.registry.dispatch('settings.testNode', { url: `${node.url}/` })).toEqual({
        ok: true,
        value: { url: node.url, reachable: true },
      });
      const elsewhere = await locked.registry.dispatch('settings.testNode', { url: 'https://probe.example' });
      expect(elsewhere.ok ? 'ok' : elsewhere.error.code).toBe('URL_NOT_ALLOWED');
    } finally {
      await locked.stop();
    }
  });

  it("#14: openExternal never trusts a node URL the user set, only IT's and the embedded node", async () => {
    const tx = (base: string) => `${base}/api/v1/transactions/${'e'.repeat(64)}`;
    const ws = await core('workstation');
    try {
      expect(
        await ws.registry.dispatch('settings.set', { patch: { nodeUrls: ['https://ledger.user.example'] } }),
      ).toMatchObject({ ok: true });
      expect(ws.nodeUrlsInUse()).toEqual(['https://ledger.user.example']);
      const userSet = await ws.registry.dispatch('app.openExternal', { url: tx('https://ledger.user.example') });
      expect(userSet.ok ? 'ok' : userSet.error.code).toBe('URL_NOT_ALLOWED');
      expect(ws.linkableNodeUrls()).toEqual([node.url]);
    } finally {
      await ws.stop();
    }
    const managed = await core('workstation', { nodeUrls: ['https://ledger1.hospital.example'] });
    try {
      const before = opened.length;
      expect(
        await managed.registry.dispatch('app.openExternal', { url: tx('https://ledger1.hospital.example') }),
      ).toEqual({ ok: true, value: {} });
      expect(opened.slice(before)).toEqual([tx('https://ledger1.hospital.example')]);
    } finally {
      await managed.stop();
    }
  });

  it('settings: user changes are saved; IT-managed keys are locked with a typed error', async () => {
    const ws = await core('workstation', { autoLockMinutes: 5 });
    try {
      const view = await ws.registry.dispatch('settings.get', {});
      expect(view).toMatchObject({
        ok: true,
        value: { values: { autoLockMinutes: 5 }, locked: ['nodeUrls', 'autoLockMinutes', 'allowUserNodeUrls'] },
      });
      const locked = await ws.registry.dispatch('settings.set', { patch: { autoLockMinutes: 30 } });
      expect(locked.ok ? 'ok' : locked.error.code).toBe('SETTING_LOCKED');
      const invalid = await ws.registry.dispatch('settings.set', { patch: { kioskIdleSeconds: 1 } });
      expect(invalid.ok ? 'ok' : invalid.error.code).toBe('INVALID_REQUEST');
      const ok = await ws.registry.dispatch('settings.set', { patch: { kioskIdleSeconds: 60 } });
      expect(ok).toMatchObject({ ok: true, value: { values: { kioskIdleSeconds: 60, autoLockMinutes: 5 } } });
    } finally {
      await ws.stop();
    }
    expect((await stat(path.join(dir, 'workstation-data', 'outbox'))).isDirectory()).toBe(true);
  });
});
