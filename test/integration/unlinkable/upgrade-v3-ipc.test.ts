// The doctor's "Upgrade my charts to the private format" over IPC (charts.upgradeV3, docs/UNLINKABLE.md §10) through
// the real IPC registry as main.ts builds it (src-main/app/core.ts): a real embedded ledger node over HTTP, the real
// keychain (D-Bus + gnome-keyring), the real chart service with its outbox and verified cache on disk. A doctor with
// two v1 charts: a bad spread and a wrong password are refused and write nothing; the upgrade answers both upgraded,
// the list then shows two new (v3) charts and the old ids revoked with "moved to <copy>" in their history; a re-run
// answers both skipped and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Core } from '../../../src-main/app/core';
import { startLedgerNode, type LedgerNode } from '../../../src-main/ledger-node/node';
import { sampleChart } from '../../fixtures/sample-chart';
import { PIN } from '../charts/harness';
import { cleanKeychain, DOCTOR } from '../vault/helpers';
import { ipcCalls, startTestCore, type Loose } from '../authority/ipc-core';
import { clearKeychains } from '../emergency/fixture';

let dir: string;
let node: LedgerNode;
let core: Core;
let officerService: string;

const { ok, failure } = ipcCalls(() => core);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the outbox has sent everything (a tombstone follows its copy's commit). */
async function outboxEmpty(): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if ((await ok('charts.outbox')).items.length === 0) return;
    await sleep(100);
  }
  throw new Error('the outbox never emptied');
}

const listed = async (): Promise<Loose[]> => (await ok('charts.list', { status: 'all' })).charts;
const ids = (charts: Loose[], status: string) =>
  charts
    .filter((c) => c.status === status)
    .map((c) => c.chartId as string)
    .sort();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hc-upgrade-v3-ipc-'));
  node = await startLedgerNode({ dataDir: path.join(dir, 'ledger'), port: 0, access: { kind: 'open' } });
  officerService = `HealthChain-officer-test-${randomBytes(6).toString('hex')}`;
  ({ core } = await startTestCore({ node, dir: path.join(dir, 'core'), officers: { service: officerService } }));
});

afterAll(async () => {
  await core?.stop();
  await node?.stop();
  await cleanKeychain();
  await clearKeychains(officerService);
  await rm(dir, { recursive: true, force: true });
});

describe('charts.upgradeV3 over IPC', { timeout: 180_000 }, () => {
  const v1: string[] = [];

  it('setup: a doctor with two v1 charts', async () => {
    await ok('vault.create', DOCTOR);
    for (const name of ['Olga Upgrade', 'Mia Upgrade'])
      v1.push((await ok('charts.create', { chart: sampleChart(name), pin: PIN })).chart.summary.chartId);
    await outboxEmpty();
    expect(ids(await listed(), 'active')).toEqual([...v1].sort());
  });

  it('refuses a bad spread (naming the field) and a wrong password; nothing is written', async () => {
    const negative = await failure('charts.upgradeV3', { password: DOCTOR.password, spreadSeconds: -1 });
    expect(negative).toMatchObject({ code: 'INVALID_REQUEST', fields: { spreadSeconds: expect.any(String) } });
    const tooWide = await failure('charts.upgradeV3', { password: DOCTOR.password, spreadSeconds: 61 });
    expect(tooWide).toMatchObject({ code: 'INVALID_REQUEST', fields: { spreadSeconds: expect.any(String) } });
    const extra = await failure('charts.upgradeV3', { password: DOCTOR.password, chartIds: v1 });
    expect(extra.code).toBe('INVALID_REQUEST');
    const wrong = await failure('charts.upgradeV3', { password: 'not the password', spreadSeconds: 0 });
    expect(wrong.code).toBe('WRONG_PASSWORD');
    expect((await ok('charts.outbox')).items).toEqual([]);
    const charts = await listed();
    expect(ids(charts, 'active')).toEqual([...v1].sort());
    expect(charts).toHaveLength(2);
  });

  it('upgrades both: the list shows two new charts and the old ones revoked as moved; a re-run skips both', async () => {
    const report = await ok('charts.upgradeV3', { password: DOCTOR.password, spreadSeconds: 0 });
    expect(report.charts.map((r: Loose) => r.chartId).sort()).toEqual([...v1].sort());
    for (const row of report.charts)
      expect(row).toMatchObject({ status: 'upgraded', resumed: false, reason: null, newChartId: expect.any(String) });
    const copies = new Map<string, string>(report.charts.map((r: Loose) => [r.chartId, r.newChartId]));
    expect(new Set(copies.values()).size).toBe(2);
    for (const copy of copies.values()) expect(v1).not.toContain(copy);

    await outboxEmpty();
    const charts = await listed();
    expect(ids(charts, 'active')).toEqual([...copies.values()].sort());
    expect(ids(charts, 'revoked')).toEqual([...v1].sort());
    for (const [old, copy] of copies) {
      const fresh = charts.find((c) => c.chartId === copy);
      expect(fresh).toMatchObject({ integrity: 'verified', role: 'custodian', seq: 1 });
      expect(fresh.patientName).toBe(charts.find((c) => c.chartId === old).patientName);
      const { versions } = await ok('charts.history', { chartId: old });
      const last = versions.at(-1);
      expect(last.action).toBe('revoke');
      expect(last.note).toContain(copy);
    }

    const again = await ok('charts.upgradeV3', { password: DOCTOR.password, spreadSeconds: 0 });
    expect(again.charts).toHaveLength(2);
    for (const row of again.charts) {
      expect(row.status).toBe('skipped');
      expect(row.newChartId).toBe(copies.get(row.chartId));
    }
    expect((await ok('charts.outbox')).items).toEqual([]);
    expect(await listed()).toHaveLength(4);
  });
});
