// Nothing is lost: with the node down, work goes to the on-disk outbox and is committed once the node is back;
// a restart resumes pending items; the node's reason for a rejection reaches the user; several node URLs fail over.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleChart } from '../../fixtures/sample-chart';
import type { InspectedChartService as ChartService } from './inspected-service';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { NodeRejectedError, NodeUnreachableError } from '../../../src-main/ledger/errors';
import { Outbox } from '../../../src-main/ledger/outbox';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';
import { buildCreate } from '../../../src-main/records/version-builder';
import { payloadOf } from '../../../src-shared/records/payload';
import { PIN, TestVault, eventually, removeDir, startNode, startService, tempDir, type Doctor } from './harness';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('outbox', { timeout: 60_000 }, () => {
  const vault = new TestVault();
  const dataDir = tempDir('node');
  let port: number;
  let node: LedgerNode | null = null;
  let doctor: Doctor;
  const services: ChartService[] = [];

  beforeAll(async () => {
    port = await freePort();
    node = await startNode(dataDir, port);
    doctor = await vault.doctor('Dr Ada Okafor', 'General practice');
  });

  afterAll(async () => {
    for (const s of services) await s.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
  });

  async function service(urls: string[] | (() => string[]), outboxDir?: string) {
    const started = await startService(urls, { liveStream: false, ...(outboxDir ? { outboxDir } : {}) });
    services.push(started.service);
    return started;
  }

  it('node down → the work waits in the outbox (on disk) → node up → committed, and a restart resumes it', async () => {
    const url = `http://127.0.0.1:${port}`;
    const first = await service([url]);
    const { chartId } = await first.service.create(doctor.holder, sampleChart(), { pin: PIN });
    await first.service.get(doctor.holder, chartId);

    await node!.stop();
    node = null;
    const chart = sampleChart();
    chart.medications[0]!.dose = '750 mg';
    const offline = await first.service.update(doctor.holder, chartId, chart);
    expect(offline).toMatchObject({ seq: 2, status: 'pending' });
    chart.medications[0]!.frequency = 'once daily';
    expect(await first.service.update(doctor.holder, chartId, chart)).toMatchObject({ seq: 3, status: 'pending' });
    const items = first.service.outbox();
    expect(items.map((i) => [i.seq, i.action, i.state])).toEqual([
      [2, 'update', 'pending'],
      [3, 'update', 'pending'],
    ]);
    expect(items[0]!.lastError).toMatch(/No ledger node answered/);
    const onDisk = await Outbox.open(first.outboxDir); // what a restart reads: the store, not this process's memory
    expect(onDisk.items()).toEqual(items);
    await onDisk.close();
    // The doctor keeps working on what they wrote: the view shows the pending versions.
    const view = await first.service.get(doctor.holder, chartId);
    expect(view.chart?.medications[0]).toMatchObject({ dose: '750 mg', frequency: 'once daily' });
    expect(view.versions.map((v) => v.status)).toEqual(['committed', 'pending', 'pending']);
    expect(
      first.service
        .recentActions(doctor.holder)
        .slice(0, 2)
        .map((a) => a.status),
    ).toEqual(['pending', 'pending']);
    await expect(first.service.list(doctor.holder)).rejects.toBeInstanceOf(NodeUnreachableError);

    // The app is closed and started again: the pending items are still there and are sent once the node is back.
    await first.service.close();
    const second = await service([url], first.outboxDir);
    expect(second.service.outbox().map((i) => i.txId)).toEqual(items.map((i) => i.txId));
    node = await startNode(dataDir, port);
    await eventually(() => second.service.outbox().length === 0, 'outbox drained');
    const drained = await Outbox.open(first.outboxDir);
    expect(drained.items()).toEqual([]);
    await drained.close();
    const committed = await second.service.get(doctor.holder, chartId);
    expect(committed.versions.map((v) => [v.seq, v.status])).toEqual([
      [1, 'committed'],
      [2, 'committed'],
      [3, 'committed'],
    ]);
    expect(committed.chart?.medications[0]?.frequency).toBe('once daily');
  });

  it("a rejection keeps the item, marked with the node's own reason, and blocks later versions until discarded", async () => {
    const url = `http://127.0.0.1:${port}`;
    let workstationBUrls = [url];
    const a = await service([url]);
    const b = await service(() => workstationBUrls);
    const { chartId } = await a.service.create(doctor.holder, sampleChart(), { pin: PIN });
    await b.service.get(doctor.holder, chartId); // workstation B has seen version 1

    workstationBUrls = ['http://127.0.0.1:9']; // B loses the network and writes version 2 offline…
    expect((await b.service.update(doctor.holder, chartId, sampleChart('Written on B'))).status).toBe('pending');
    expect((await a.service.update(doctor.holder, chartId, sampleChart('Written on A'))).status).toBe('committed'); // …A writes its own
    workstationBUrls = [url];
    await new Promise((r) => setTimeout(r, 400)); // past the client's quarantine of the dead URL
    await b.service.retryOutbox();
    const [item] = b.service.outbox();
    expect(item).toMatchObject({
      state: 'rejected',
      seq: 2,
      lastError: `Invalid transaction (DoubleSpend): input \`${chartId}\` was already spent`,
    });
    await expect(b.service.update(doctor.holder, chartId, sampleChart('Again on B'))).rejects.toMatchObject({
      code: 'OutboxBlocked',
    });
    const view = await b.service.get(doctor.holder, chartId);
    expect(view.versions.map((v) => [v.seq, v.status, v.reason])).toEqual([
      [1, 'committed', null],
      [2, 'committed', null],
      [2, 'pending', `Rejected by the node: ${item!.lastError}`],
    ]);
    await b.service.discardRejected(item!.txId);
    expect(b.service.outbox()).toEqual([]);
    expect(await b.service.update(doctor.holder, chartId, sampleChart('Again on B'))).toMatchObject({
      seq: 3,
      status: 'committed',
    });
  });

  it("the node's reason for refusing a transaction reaches the caller verbatim", async () => {
    const { service: s } = await service([`http://127.0.0.1:${port}`]);
    const { tx } = await buildCreate(
      doctor.holder,
      payloadOf(sampleChart(), null, { signKey: doctor.holder.signKey, boxKey: doctor.holder.boxKey, name: '' }, []),
      nativeLedgerCrypto,
    );
    const bad = { ...tx, id: 'f'.repeat(64) };
    const error = await s.client.post(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeRejectedError);
    expect(error).toMatchObject({
      httpStatus: 400,
      reason: `Invalid transaction (InvalidHash): The transaction's id '${bad.id}' isn't equal to the hash of its body, i.e. it's not valid.`,
    });
    expect(await s.client.post(tx)).toMatchObject({ value: 'committed' });
    expect(await s.client.post(tx)).toMatchObject({ value: 'duplicate' }); // posting again counts as committed
  });

  it('fails over to the next node URL and links versions to the node that answered', async () => {
    const url = `http://127.0.0.1:${port}`;
    const { service: s } = await service(['http://127.0.0.1:9', url]);
    const { chartId } = await s.create(doctor.holder, sampleChart(), { pin: PIN });
    const view = await s.get(doctor.holder, chartId);
    expect(view.head.link).toBe(`${url}/api/v1/transactions/${chartId}`);
  });
});
