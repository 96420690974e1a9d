// What one Save costs on the wire: the real app core (registry, handlers, chart service, vault on the real keychain)
// and the real renderer store, against the real embedded node behind a proxy that counts every request. The doctor
// has the chart open with its history shown, edits it and saves, as in the app.
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClient } from '../../../src-shared/ipc/client';
import { sampleChart } from '../../fixtures/sample-chart';
import { createCore, type Core } from '../../../src-main/app/core';
import { SettingsService, UserSettingsStore } from '../../../src-main/settings';
import { LinuxManagedSettingsReader } from '../../../src-main/settings/managed';
import { useCharts } from '../../../src-renderer/src/stores/charts';
import { FAST, NODE_TOKEN, PIN, startNode } from './harness';
import { startCountingProxy, type CountingProxy } from './counting-proxy';
import type { LedgerNode } from '../../../src-main/ledger-node/node';

const quiet = { info: () => undefined, warn: () => undefined };
const keychain = `HealthChain-save-cost-${randomBytes(6).toString('hex')}`;

describe('one Save', { timeout: 120_000 }, () => {
  let dir: string;
  let node: LedgerNode;
  let proxy: CountingProxy;
  let core: Core;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hc-save-cost-'));
    await chmod(dir, 0o755);
    node = await startNode(path.join(dir, 'ledger'));
    proxy = await startCountingProxy(node.url);
    const policyDir = path.join(dir, 'policy');
    await mkdir(policyDir, { recursive: true });
    await chmod(policyDir, 0o755);
    const settings = await SettingsService.open({
      userStore: new UserSettingsStore(path.join(dir, 'settings.json'), quiet),
      managedReader: new LinuxManagedSettingsReader({
        path: path.join(policyDir, 'managed-settings.json'),
        trustedUid: process.getuid?.() ?? 0,
      }),
      logger: quiet,
    });
    core = await createCore({
      variant: 'workstation',
      dataDir: path.join(dir, 'data'),
      settings,
      embeddedNodeUrl: proxy.url,
      embeddedNodeToken: NODE_TOKEN,
      appVersion: 'test',
      shell: { saveFile: async () => null, openExternal: async () => undefined },
      vault: { service: keychain, entryParams: FAST, backupParams: FAST },
      chartService: { liveStream: false },
      nodeProbeIntervalMs: 3_600_000,
      logError: (channel, error) => console.error(channel, error),
    });
    const healthchain = buildClient({
      invoke: (channel, payload) => core.registry.dispatch(channel, payload),
      subscribe: () => () => undefined,
    });
    (globalThis as { window?: unknown }).window = { healthchain };
  });

  afterAll(async () => {
    await core?.stop();
    await proxy?.close();
    await node?.stop();
    for (const { account } of await keytar.findCredentials(keychain)) await keytar.deletePassword(keychain, account);
    await rm(dir, { recursive: true, force: true });
    delete (globalThis as { window?: unknown }).window;
  });

  it('costs one read of the chart and one POST', async () => {
    const created = await core.registry.dispatch('vault.create', {
      name: 'Dr Ada Okafor',
      specialty: 'GP',
      licenceNumber: 'L-1',
      password: 'correct horse battery staple',
    });
    expect(created.ok).toBe(true);
    const charts = useCharts.getState();
    const made = await charts.createChart(sampleChart(), PIN);
    if (!made.ok) throw new Error(made.error.message);
    const chartId = made.value.summary.chartId;
    await charts.openChart(chartId);
    await charts.loadHistory(chartId);
    expect(useCharts.getState().history).toHaveLength(1);

    const edited = sampleChart();
    edited.medications[0]!.dose = '1000 mg';
    proxy.reset();
    const saved = await charts.updateChart(chartId, 1, edited);
    expect(saved.ok).toBe(true);
    const requests = [...proxy.requests];

    // Every screen shows the new version, as before.
    const after = useCharts.getState();
    expect(after.open).toMatchObject({ seq: 2, summary: { chartId, seq: 2, integrity: 'verified' } });
    expect(after.open?.data?.medications[0]?.dose).toBe('1000 mg');
    expect(after.history?.map((h) => [h.seq, h.action])).toEqual([
      [1, 'create'],
      [2, 'update'],
    ]);
    expect(after.history?.[1]?.changes).toEqual([
      {
        path: 'medications[m1].dose',
        label: 'Medication "Metformin" › Dose',
        kind: 'changed',
        before: '500 mg',
        after: '1000 mg',
      },
    ]);
    expect(after.summaries.find((s) => s.chartId === chartId)).toMatchObject({ seq: 2 });

    console.info(`[save-cost] one Save: ${requests.length} request(s): ${requests.join(', ')}`);
    expect(requests.filter((r) => r.startsWith('POST '))).toHaveLength(1);
    expect(requests).toHaveLength(2);
  });
});
