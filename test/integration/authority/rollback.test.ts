// Fresh heads (docs/AUTHORITY.md §"Fresh heads"): a node (a rewriting proxy in front of the real embedded node) that
// leaves a chart's newest version out of its answers is caught — every version it does return still verifies, so
// only freshness can tell. Caught against what this reader saw before, by the node's own unspent outputs, and, when
// the node lies consistently about those too, by a second node.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import type { ChartService } from '../../../src-main/records/chart-service';
import { sampleChart } from '../../fixtures/sample-chart';
import { PIN, TestVault, removeDir, startNode, tempDir, type Doctor } from '../charts/harness';
import { startTamperProxy, type TamperProxy } from '../charts/tamper-proxy';
import { Hospital, pinnedService } from './hospital-setup';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

describe('a node withholding the newest version', () => {
  const dataDir = tempDir('node');
  const vault = new TestVault();
  const services: ChartService[] = [];
  let node: LedgerNode;
  let proxy: TamperProxy;
  let hospital: Hospital;
  let ada: Doctor;
  let chartId: string;
  let txIds: string[];

  const open = async (nodeUrls: string[], authorityId = hospital.authorityId) => {
    const service = await pinnedService(nodeUrls, authorityId, { liveStream: false });
    services.push(service);
    return service;
  };

  /** Drops version 3 from every answer about the chart; `outputs`: also claim version 2's output is unspent. */
  const withhold = ({ outputs = false } = {}) =>
    proxy.setRewrite((path, body) => {
      if (path.includes(`asset_id=${chartId}`))
        return JSON.stringify((JSON.parse(body) as { id: string }[]).filter((tx) => tx.id !== txIds[2]));
      if (outputs && path.includes('/outputs?') && path.includes('spent=false'))
        return JSON.stringify([
          ...(JSON.parse(body) as { transaction_id: string }[]).filter((o) => o.transaction_id !== txIds[2]),
          { transaction_id: txIds[1], output_index: 0 },
        ]);
      return body;
    });

  beforeAll(async () => {
    node = await startNode(dataDir);
    proxy = await startTamperProxy(node.url);
    hospital = await Hospital.found(node.url);
    ada = await vault.doctor('Dr Ada Okafor', 'Oncology');
    await hospital.credential(ada.holder, 'Dr Ada Okafor');
    const writer = await open([node.url]);
    chartId = (await writer.create(ada.holder, sampleChart(), { pin: PIN })).chartId;
    const renamed = (name: string) => ({ ...sampleChart(), patient: { ...sampleChart().patient, name } });
    await writer.update(ada.holder, chartId, renamed('Ada Okoro'));
    await writer.update(ada.holder, chartId, renamed('Ada Okoro-Smith'));
    txIds = (await writer.history(ada.holder, chartId)).map((h) => h.txId);
    expect(txIds).toHaveLength(3);
  });

  afterAll(async () => {
    proxy?.setRewrite(null);
    for (const s of services) await s.close();
    await proxy?.close();
    hospital?.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
  });

  it('one node, version seen before: "the node withheld version 3 seen before"', async () => {
    const service = await open([proxy.url]);
    proxy.setRewrite(null);
    expect((await service.get(ada.holder, chartId)).summary).toMatchObject({ integrity: 'verified', seq: 3 });
    withhold();
    const summary = (await service.get(ada.holder, chartId)).summary;
    proxy.setRewrite(null);
    expect(summary).toMatchObject({
      integrity: 'tampered',
      tamperReason: 'The node withheld version 3 seen before: it returned versions up to 2',
    });
  });

  it('one node, never seen before: its own outputs give it away ("version 2 was spent")', async () => {
    const service = await open([proxy.url]);
    withhold();
    const summary = (await service.list(ada.holder)).find((c) => c.chartId === chartId);
    const view = await service.get(ada.holder, chartId);
    proxy.setRewrite(null);
    const reason = 'The node withheld the newest version: it says version 2 was spent but returned no later version';
    expect(summary).toMatchObject({ integrity: 'tampered', tamperReason: reason });
    expect(view.summary).toMatchObject({ integrity: 'tampered', tamperReason: reason });
    expect(view.data).toBeNull();
  });

  it('a node lying consistently (outputs too) is caught by a second node: "nodes disagree"', async () => {
    const alone = await open([proxy.url]);
    withhold({ outputs: true });
    // Alone, a consistent liar is not caught by a reader who never saw version 3: the gap a second node closes.
    expect((await alone.get(ada.holder, chartId)).summary).toMatchObject({ integrity: 'verified', seq: 2 });
    const service = await open([proxy.url, node.url]);
    const summary = (await service.get(ada.holder, chartId)).summary;
    proxy.setRewrite(null);
    expect(summary).toMatchObject({
      integrity: 'tampered',
      tamperReason: `Nodes disagree on the newest version: ${node.url} has transaction ${txIds[2]} of this chart, which ${proxy.url} did not return`,
    });
  });

  it('with no authority pinned, only what this reader saw before is compared (no extra request)', async () => {
    const service = await open([proxy.url, node.url], '');
    withhold();
    expect((await service.get(ada.holder, chartId)).summary).toMatchObject({ integrity: 'verified', seq: 2 });
    proxy.setRewrite(null);
    expect((await service.get(ada.holder, chartId)).summary).toMatchObject({ integrity: 'verified', seq: 3 });
    withhold();
    const summary = (await service.get(ada.holder, chartId)).summary;
    proxy.setRewrite(null);
    expect(summary).toMatchObject({
      integrity: 'tampered',
      tamperReason: 'The node withheld version 3 seen before: it returned versions up to 2',
    });
  });
});
