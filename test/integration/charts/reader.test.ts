// The app's ChartReader and ChartWriter as the IPC handlers use them (the contract's types), against the real node
// behind a proxy that counts requests: an older version opens in the same read that verifies the chart, Verify reads
// once, and a write answers with the chart as it now is without reading it again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../../src-shared/ipc';
import { createChartService, type ChartService } from '../../../src-main/records/chart-service';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { sampleChart } from '../../fixtures/sample-chart';
import { startCountingProxy, type CountingProxy } from './counting-proxy';
import { NODE_TOKEN, PIN, TestVault, removeDir, startNode, tempDir, testCards, type Doctor } from './harness';

describe('chart reader and writer (contract types)', { timeout: 120_000 }, () => {
  const vault = new TestVault();
  const dataDir = tempDir('node');
  const outboxDir = tempDir('outbox');
  let node: LedgerNode;
  let proxy: CountingProxy;
  let charts: ChartService;
  let ada: Doctor;
  let chartId: string;

  beforeAll(async () => {
    node = await startNode(dataDir);
    proxy = await startCountingProxy(node.url);
    // A window of one: get() opens only the newest two versions, so version 1 of 3 lies outside it.
    charts = await createChartService({
      nodeUrls: [proxy.url],
      outboxDir,
      cards: testCards(),
      liveStream: false,
      historyWindow: 1,
      verifyWorkers: 0,
      client: { bearerTokenFor: () => NODE_TOKEN },
    });
    ada = await vault.doctor('Dr Ada Okafor', 'General practice');
    await charts.publishPractitioner(ada.holder, { name: ada.name, specialty: ada.specialty });
  });

  afterAll(async () => {
    await charts?.close();
    await proxy?.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
    removeDir(outboxDir);
  });

  it("a write answers with the chart as it now is and the version it wrote, in the contract's shapes", async () => {
    const created = await charts.create(ada.holder, sampleChart(), { pin: PIN });
    chartId = created.chartId;
    expect(created.chart).toMatchObject({
      seq: 1,
      txId: chartId,
      summary: { chartId, seq: 1, integrity: 'verified', role: 'custodian', patientName: 'Amelia Quartermaine' },
    });
    expect(created.version).toMatchObject({ seq: 1, action: 'create', txId: chartId, integrity: 'verified' });
    expect(created.version.changes.every((c) => c.kind === 'added')).toBe(true); // as history() shows a create
    expect(
      contract.charts.create.response.safeParse({
        chart: created.chart,
        card: { code: created.card.code, qrDataUrl: created.card.qrDataUrl, instructions: 'x' },
      }).success,
    ).toBe(true);

    for (const dose of ['750 mg', '1000 mg']) {
      const chart = sampleChart();
      chart.medications[0]!.dose = dose;
      const written = await charts.update(ada.holder, chartId, chart);
      expect(
        contract.charts.update.response.safeParse({ chart: written.chart, version: written.version }).success,
      ).toBe(true);
      expect(written.chart.data?.medications[0]?.dose).toBe(dose);
      expect(written.version.changes.map((c) => [c.path, c.after])).toEqual([['medications[m1].dose', dose]]);
    }
  });

  it('opens an older version, outside the recent window, in one read', async () => {
    proxy.reset();
    const first = await charts.get(ada.holder, chartId, { seq: 1 });
    expect(proxy.requests).toEqual([`GET /api/v1/transactions?asset_id=${chartId}`]);
    expect(first).toMatchObject({ seq: 1, txId: chartId, summary: { seq: 3 } });
    expect(first.data?.medications[0]?.dose).toBe('500 mg');
    const head = await charts.get(ada.holder, chartId);
    expect(head.seq).toBe(3);
    expect(head.data?.medications[0]?.dose).toBe('1000 mg');
    await expect(charts.get(ada.holder, chartId, { seq: 9 })).rejects.toMatchObject({
      code: 'ChartNotFound',
      message: 'This chart has no version 9.',
    });
  });

  it('verifies with one read, for the head or any version', async () => {
    proxy.reset();
    const report = await charts.verify(ada.holder, chartId);
    expect(proxy.requests).toHaveLength(1);
    expect(report).toMatchObject({
      ok: true,
      seq: 3,
      operation: 'TRANSFER',
      signatures: [{ publicKey: ada.holder.signKey, name: 'Dr Ada Okafor', ok: true }],
    });
    expect(report.chain.map((c) => [c.seq, c.action, c.ok])).toEqual([
      [1, 'create', true],
      [2, 'update', true],
      [3, 'update', true],
    ]);
    expect(await charts.verify(ada.holder, chartId, { seq: 1 })).toMatchObject({
      ok: true,
      seq: 1,
      operation: 'CREATE',
      chain: [{ seq: 1 }],
    });
  });

  it("lists and shows history in the contract's shapes", async () => {
    const list = await charts.list(ada.holder);
    expect(list).toEqual([
      expect.objectContaining({
        chartId,
        seq: 3,
        headTxId: expect.stringMatching(/^[0-9a-f]{64}$/),
        role: 'custodian',
      }),
    ]);
    expect(contract.charts.list.response.safeParse({ charts: list }).success).toBe(true);
    const history = await charts.history(ada.holder, chartId);
    expect(history.map((h) => [h.seq, h.action])).toEqual([
      [1, 'create'],
      [2, 'update'],
      [3, 'update'],
    ]);
    expect(history.slice(1).map((h) => h.changes.map((c) => c.after))).toEqual([['750 mg'], ['1000 mg']]);
  });

  it('discards only what the node rejected', async () => {
    await expect(charts.discardRejected('f'.repeat(64))).rejects.toMatchObject({
      code: 'InvalidRequest',
      message: `No outbox item ${'f'.repeat(64)}`,
    });
  });
});
