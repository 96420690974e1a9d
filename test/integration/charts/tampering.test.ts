// A node (or anything between it and the app) that alters an answer is caught: a proxy edits one byte of a
// version, or rewrites a version and recomputes its id, and the chart is reported tampered with the exact reason,
// never shown as data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transactionId, type Transaction } from '../../../src-shared/ledger';
import { sampleChart } from '../../fixtures/sample-chart';
import type { InspectedChartService as ChartService } from './inspected-service';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { PIN, TestVault, removeDir, startNode, startService, tempDir, type Doctor } from './harness';
import { startTamperProxy, type TamperProxy } from './tamper-proxy';

describe('tampered answers', { timeout: 30_000 }, () => {
  let node: LedgerNode;
  let proxy: TamperProxy;
  let service: ChartService;
  const vault = new TestVault();
  const dataDir = tempDir('node');
  let doctor: Doctor;
  let chartId: string;
  let v2: string;

  beforeAll(async () => {
    node = await startNode(dataDir);
    proxy = await startTamperProxy(node.url);
    ({ service } = await startService([proxy.url], { liveStream: false }));
    doctor = await vault.doctor('Dr Ada Okafor', 'General practice');
    chartId = (await service.create(doctor.holder, sampleChart(), { pin: PIN })).chartId;
    const chart = sampleChart();
    chart.patient.name = 'Amelia Second';
    v2 = (await service.update(doctor.holder, chartId, chart)).txId;
    await service.update(doctor.holder, chartId, sampleChart('Amelia Third'));
  });

  afterAll(async () => {
    await service?.close();
    await proxy?.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
  });

  function editVersion(edit: (tx: Transaction) => Transaction) {
    proxy.setRewrite((path, body) => {
      if (!path.startsWith('/api/v1/transactions?asset_id=')) return body;
      const txs = JSON.parse(body) as Transaction[];
      return JSON.stringify(txs.map((tx) => (tx.id === v2 ? edit(tx) : tx)));
    });
  }

  it('reads clean through the proxy', async () => {
    proxy.setRewrite(null);
    const view = await service.get(doctor.holder, chartId);
    expect(view.tampered).toBeNull();
    expect(view.chart?.patient.name).toBe('Amelia Third');
  });

  it('one byte changed in a version: its id no longer matches (InvalidHash), and no chart data is shown', async () => {
    editVersion((tx) => {
      const metadata = tx.metadata as { box: string };
      const flipped = metadata.box[10] === 'A' ? 'B' : 'A';
      return { ...tx, metadata: { ...tx.metadata, box: metadata.box.slice(0, 10) + flipped + metadata.box.slice(11) } };
    });
    const view = await service.get(doctor.holder, chartId);
    const reason = `Version 2 (transaction ${v2}): InvalidHash: The transaction's id '${v2}' isn't equal to the hash of its body, i.e. it's not valid.`;
    expect(view.tampered).toEqual({ seq: 2, txId: v2, reason });
    expect(view.chart).toBeNull();
    expect(view.readers).toEqual([]);
    expect(view.versions.map((v) => [v.seq, v.status])).toEqual([
      [1, 'committed'],
      [2, 'tampered'],
    ]);
    expect(view.versions[1]!.reason).toBe(reason);
    const summaries = await service.list(doctor.holder);
    expect(summaries).toEqual([expect.objectContaining({ chartId, status: 'tampered', reason, patientName: '' })]);
    const report = await service.verify(doctor.holder, chartId);
    expect(report.ok).toBe(false);
    expect(report.versions[1]).toMatchObject({ seq: 2, ok: false, reason });
    await expect(service.update(doctor.holder, chartId, sampleChart())).rejects.toMatchObject({
      code: 'ChartTampered',
    });
  });

  it('a version rewritten with a recomputed id fails its signature (InvalidSignature)', async () => {
    editVersion((tx) => {
      const forged = { ...tx, metadata: { ...tx.metadata, at: '2020-01-01T00:00:00.000Z' } } as Transaction;
      return { ...forged, id: transactionId({ ...forged, id: null }) };
    });
    const view = await service.get(doctor.holder, chartId);
    expect(view.tampered?.reason).toMatch(
      /^Version 2 \(transaction [0-9a-f]{64}\): InvalidSignature: Transaction signature is invalid\.$/,
    );
    expect(view.chart).toBeNull();
  });

  it('a version dropped from the answer breaks the chain', async () => {
    proxy.setRewrite((path, body) =>
      path.startsWith('/api/v1/transactions?asset_id=')
        ? JSON.stringify((JSON.parse(body) as Transaction[]).filter((tx) => tx.id !== v2))
        : body,
    );
    const view = await service.get(doctor.holder, chartId);
    expect(view.tampered?.reason).toMatch(/^Transaction [0-9a-f]{64} does not continue this chart's chain$/);
    expect(view.chart).toBeNull();
  });

  it('nothing from a bad answer sticks: once the answers are honest again the chart reads clean', async () => {
    proxy.setRewrite(null);
    const clean = await service.get(doctor.holder, chartId);
    expect(clean.tampered).toBeNull();
    expect(clean.chart?.patient.name).toBe('Amelia Third');
    expect(clean.versions.map((v) => v.status)).toEqual(['committed', 'committed', 'committed']);
  });
});
