// The chart service writing envelope v3 (docs/UNLINKABLE.md §12) behind the `ledgerEnvelope` setting, on the real
// embedded node over HTTP, doctors from the real vault on the real keychain (run in a D-Bus session with
// gnome-keyring), real patient cards, and a real 2-of-3 hospital authority whose recovery key is rebuilt from the
// officers' own shares. Every action goes through the service (create, update, entered-in-error, share, unshare, card
// re-issue, revoke, restore, custody, FHIR import); each chart is then opened with openChartV3 by its custodian, a
// shared doctor, the patient and the recovery key. The node's raw answers hold no directory key and nothing in clear
// (the checks of envelope-v3.test.ts). A v3 write made with the node down waits in the outbox and is posted once when
// it is back; a v1 chart stays v1 after the setting changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import { recoverCharts, recoveryKeyOf } from '../../../src-main/authority/custody-acts';
import { planMoves, postMoves } from '../../../src-main/authority/custody-plan';
import { validPractitioner } from '../../../src-main/authority/recovery-flows';
import { openSealed } from '../../../src-main/crypto/sealed-box';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { nativeKeyHolderCrypto } from '../../../src-main/crypto/key-holder-crypto';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { Outbox } from '../../../src-main/ledger/outbox';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { openChartV3, type V3Chain } from '../../../src-main/records/version-opener-v3';
import { v3QuorumMover } from '../../../src-main/records/quorum-move-v3';
import type { EnvelopeReaderKey } from '../../../src-shared/crypto/envelope';
import { newSeed } from '../../../src-shared/crypto/keys';
import type { Transaction } from '../../../src-shared/ledger';
import { isV3Metadata } from '../../../src-shared/unlinkable/envelope-v3';
import { sampleChart } from '../../fixtures/sample-chart';
import {
  NODE_TOKEN,
  PIN,
  TestVault,
  eventually,
  removeDir,
  startNode,
  startService,
  tempDir,
  testCards,
  type Doctor,
} from '../charts/harness';
import type { InspectedChartService } from '../charts/inspected-service';
import { createServer } from 'node:net';
import { credentialDoctor, foundAuthority } from '../authority/hospital-setup';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const officers = [0, 1, 2].map(() => new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto));

describe('the chart service writing envelope v3', { timeout: 180_000 }, () => {
  const dataDir = tempDir('v3-service');
  const vault = new TestVault();
  let port: number;
  let node: LedgerNode | null = null;
  let url: string;
  let client: LedgerNodeClient;
  let authorityId = '';
  let registry: CredentialRegistry;
  let recovery: EnvelopeReaderKey & { secret: Uint8Array };
  let envelope: 'v1' | 'v3' = 'v3';
  let service: InspectedChartService;
  let outboxDir: string;
  const services: InspectedChartService[] = [];
  let ada: Doctor, bob: Doctor, cleo: Doctor;
  const charts: string[] = [];
  let v1Chart = '';

  const open = async (reader: EnvelopeReaderKey, chartId: string): Promise<V3Chain> =>
    openChartV3(chartId, (await client.listTransactions(chartId)).value, reader);
  const raw = async (chartId: string) => (await client.listTransactions(chartId)).value as Transaction[];
  const start = async (overrides = {}) => {
    const started = await startService([url], {
      authorityId: () => authorityId,
      ledgerEnvelope: () => envelope,
      liveStream: false,
      verifyWorkers: 0,
      ...overrides,
    });
    services.push(started.service);
    return started;
  };

  const credential = (d: Doctor) => credentialDoctor(client, registry, d, officers.slice(0, 2));

  beforeAll(async () => {
    port = await freePort();
    node = await startNode(dataDir, port);
    url = node.url;
    client = new LedgerNodeClient({ nodeUrls: [url], bearerTokenFor: () => NODE_TOKEN });
    authorityId = await foundAuthority(client, 'St Unlinkable', 2, officers);
    registry = new CredentialRegistry(client, authorityId);
    ada = await vault.doctor('Dr Ada Okafor', 'Oncology');
    bob = await vault.doctor('Dr Bob Lin', 'Psychiatry');
    cleo = await vault.doctor('Dr Cleo Park', 'Cardiology');
    for (const d of [ada, bob, cleo]) await credential(d);
    // The hospital's recovery key, rebuilt from two officers' own shares (the path the officers take, §9).
    const view = await registry.load();
    const secret = await recoveryKeyOf(view.authority, [officers[0]!, officers[2]!]);
    recovery = {
      boxKey: view.authority.data.recoveryKey,
      secret,
      openSealed: async (sealed) => openSealed(secret, sealed),
    };
    ({ service, outboxDir } = await start());
  });

  afterAll(async () => {
    recovery?.secret.fill(0);
    for (const s of services) await s.close();
    client?.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
  });

  it('writes every action in v3 through the service; custodian, shared doctor, patient and recovery key open it', async () => {
    const created = await service.create(ada.holder, sampleChart('Amelia Hartley'), { pin: PIN });
    const chartId = created.chartId;
    charts.push(chartId);
    // The answer is the chart as written, built from the v3 version itself.
    expect(created).toMatchObject({ seq: 1, status: 'committed' });
    expect(created.chart.data?.patient.name).toBe('Amelia Hartley');
    expect(created.chart.summary).toMatchObject({ role: 'custodian', seq: 1, integrity: 'verified' });
    expect(created.version).toMatchObject({ seq: 1, action: 'create', integrity: 'verified' });
    expect(created.version.author.signKey).toBe(ada.holder.signKey);
    const firstPatient = await testCards().open(created.card.code, PIN);

    const chart = sampleChart('Amelia Hartley');
    chart.medications[0]!.dose = '750 mg';
    const updated = await service.update(ada.holder, chartId, chart, { baseSeq: 1 });
    expect(updated).toMatchObject({ seq: 2, status: 'committed' });
    expect(updated.chart.data?.medications[0]?.dose).toBe('750 mg');
    expect(updated.version).toMatchObject({ seq: 2, action: 'update', integrity: 'verified' });
    expect(updated.version.changes.map((c) => c.path)).toContain(`medications[${chart.medications[0]!.id}].dose`);
    await expect(service.update(ada.holder, chartId, chart, { baseSeq: 1 })).rejects.toMatchObject({
      code: 'StaleVersion',
    });
    const entry = chart.medications[0]!.id;
    const erred = await service.markEnteredInError(ada.holder, chartId, 'medications', entry);
    expect(erred.chart.data?.medications[0]?.status).toBe('entered-in-error');

    const shared = await service.share(ada.holder, chartId, { ...bob.holder, name: bob.name });
    expect(shared.chart.sharedWith.map((p) => p.signKey)).toEqual([bob.holder.signKey]);
    expect(shared.version).toMatchObject({ seq: 4, action: 'share' });
    await service.share(ada.holder, chartId, { ...cleo.holder, name: cleo.name });
    const unshared = await service.unshare(ada.holder, chartId, bob.holder.boxKey);
    expect(unshared.chart.sharedWith.map((p) => p.signKey)).toEqual([cleo.holder.signKey]);
    const card = await service.issueCard(ada.holder, chartId, PIN);
    const patient = await testCards().open(card.code, PIN);
    const revoked = await service.revoke(ada.holder, chartId, 'duplicate chart');
    expect(revoked.chart.summary.status).toBe('revoked');
    await expect(service.update(ada.holder, chartId, chart)).rejects.toMatchObject({ code: 'ChartRevoked' });
    expect((await service.restore(ada.holder, chartId)).chart.summary.status).toBe('active');
    const moved = await service.transferCustody(ada.holder, chartId, { ...cleo.holder, name: cleo.name });
    expect(moved.chart.summary).toMatchObject({ role: 'reader', custodian: { signKey: cleo.holder.signKey } });
    await expect(service.update(ada.holder, chartId, chart)).rejects.toMatchObject({ code: 'NotCustodian' });
    const byCleo = await service.update(cleo.holder, chartId, sampleChart('Amelia Hartley'));
    expect(byCleo).toMatchObject({ seq: 11, status: 'committed' });
    expect(byCleo.chart.summary.role).toBe('custodian');

    const actions = [
      'create',
      'update',
      'update',
      'share',
      'share',
      'unshare',
      'share',
      'revoke',
      'restore',
      'custody',
      'update',
    ];
    const txs = await raw(chartId);
    expect(txs).toHaveLength(actions.length);
    for (const tx of txs) expect(isV3Metadata(tx.metadata)).toBe(true);
    for (const reader of [ada.holder, recovery]) {
      const chain = await open(reader, chartId);
      expect(chain).toMatchObject({ tampered: null, closedAt: null, openedFrom: 1 });
      expect(chain.versions.map((v) => v.inner.action)).toEqual(actions);
    }
    // Cleo, shared in at 5 and custodian from 10, opens from 5 on.
    const byCleoChain = await open(cleo.holder, chartId);
    expect(byCleoChain).toMatchObject({ tampered: null, closedAt: null, openedFrom: 5 });
    expect(byCleoChain.versions.map((v) => v.inner.action)).toEqual(actions.slice(4));
    const byAda = await open(ada.holder, chartId);
    expect(byAda.versions.map((v) => v.inner.author)).toEqual([
      ...Array(10).fill(ada.holder.signKey),
      cleo.holder.signKey,
    ]);
    expect(byAda.versions[7]!.inner.payload.note).toBe('duplicate chart');
    expect(byAda.versions.at(-1)!.inner.payload.custodian.signKey).toBe(cleo.holder.signKey);
    // Bob was shared in at 4 and removed at 6; the first card reads until its re-issue at 7, the new one from it.
    expect(await open(bob.holder, chartId)).toMatchObject({ tampered: null, openedFrom: 4, closedAt: 6 });
    expect(await open(firstPatient, chartId)).toMatchObject({ tampered: null, openedFrom: 1, closedAt: 7 });
    const byPatient = await open(patient, chartId);
    expect(byPatient).toMatchObject({ tampered: null, openedFrom: 7, closedAt: null });
    expect(byPatient.versions.at(-1)!.inner.payload.chart.patient.name).toBe('Amelia Hartley');
  });

  it('imports a FHIR bundle as a v3 chart', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        {
          resource: {
            resourceType: 'Patient',
            id: 'p1',
            name: [{ family: 'Quill', given: ['Tobias'] }],
            birthDate: '1980-02-03',
            gender: 'male',
          },
        },
      ],
    };
    const imported = await service.importFhir(ada.holder, bundle);
    expect(imported).toMatchObject({ seq: 1, status: 'committed' });
    charts.push(imported.chartId);
    const [tx] = await raw(imported.chartId);
    expect(isV3Metadata(tx!.metadata)).toBe(true);
    const chain = await open(ada.holder, imported.chartId);
    expect(chain.tampered).toBeNull();
    expect(chain.versions[0]!.inner.payload.chart.patient.name).toMatch(/Tobias Quill/);
    expect((await open(recovery, imported.chartId)).versions).toHaveLength(1);
  });

  it('keeps a v3 chart v3 in a new session and a v1 chart v1 after the setting changes', async () => {
    envelope = 'v1';
    const old = await service.create(ada.holder, sampleChart('Vera Old'), { pin: PIN });
    v1Chart = old.chartId;
    envelope = 'v3';
    // A fresh service knows nothing of the chart: it finds out from the node which envelope it has.
    const { service: later } = await start();
    const next = await later.update(cleo.holder, charts[0]!, sampleChart('Amelia Hartley'));
    expect(next).toMatchObject({ seq: 12, status: 'committed' });
    const v1Next = await later.update(ada.holder, old.chartId, sampleChart('Vera Old'));
    expect(v1Next).toMatchObject({ seq: 2, status: 'committed' });
    const oldTxs = await raw(old.chartId);
    expect(oldTxs.map((t) => (t.metadata as { type: string }).type)).toEqual([
      'hc.chart.version/1',
      'hc.chart.version/1',
    ]);
    expect(isV3Metadata((await raw(charts[0]!)).at(-1)!.metadata)).toBe(true);
    expect((await open(ada.holder, charts[0]!)).versions).toHaveLength(12);
  });

  it('shows the node no directory key, no clear action, author or time, and fixed metadata lengths', async () => {
    const keys = [ada, bob, cleo]
      .map((d) => d.holder)
      .concat(officers)
      .flatMap((h) => [h.signKey, h.boxKey])
      .concat([recovery.boxKey]);
    const txIds = (await Promise.all(charts.map(raw))).flat().map((t) => t.id);
    const answers = [
      ...(await Promise.all(charts.map((c) => fetchText(`/api/v1/transactions?asset_id=${c}`)))),
      ...(await Promise.all(txIds.map((id) => fetchText(`/api/v1/transactions/${id}`)))),
    ];
    // A search for any directory key finds the authority's and credentials' transactions (public by design) and the
    // v1 chart of the previous test, never a version of a v3 chart.
    for (const k of keys) {
      for (const kind of ['metadata', 'assets']) {
        const hits = JSON.parse(await fetchText(`/api/v1/${kind}?search=${k}`)) as { id: string }[];
        expect(hits.filter((h) => txIds.includes(h.id))).toEqual([]);
      }
    }
    const text = answers.join('\n');
    for (const key of keys) expect(text).not.toContain(key);
    for (const word of ['"action"', '"author"', '"readers"', '"seq"', '"at"', 'Amelia', 'Tobias'])
      expect(text).not.toContain(word);
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    // No output on the chart is owned by a directory key (the authority's own transactions aside).
    for (const tx of (await Promise.all(charts.map(raw))).flat())
      for (const k of keys) expect(JSON.stringify(tx.outputs)).not.toContain(k);
    const lengths = new Set((await raw(charts[0]!)).map((t) => JSON.stringify(t.metadata).length));
    expect(lengths.size).toBe(1);
  });

  it('node down: the v3 version waits in the outbox (on disk), and is posted once when the node is back', async () => {
    const chartId = charts[0]!;
    // The service reads the head while the node answers (another session wrote version 12), then loses the node.
    const online = await service.update(cleo.holder, chartId, sampleChart('Amelia Hartley'));
    expect(online).toMatchObject({ seq: 13, status: 'committed' });
    const before = (await raw(chartId)).length;
    await node!.stop();
    node = null;
    const offline = await service.update(cleo.holder, chartId, sampleChart('Amelia Hartley'));
    expect(offline).toMatchObject({ seq: before + 1, status: 'pending' });
    // The answer shows the version waiting, the chart as written.
    expect(offline.version).toMatchObject({ seq: before + 1, integrity: 'pending', action: 'update' });
    expect(offline.chart.summary).toMatchObject({ integrity: 'pending', role: 'custodian', seq: before + 1 });
    // A second version spends the first one still in the outbox.
    const second = await service.share(cleo.holder, chartId, { ...bob.holder, name: bob.name });
    expect(second).toMatchObject({ seq: before + 2, status: 'pending' });
    const items = service.outbox();
    expect(items.map((i) => [i.seq, i.action, i.state])).toEqual([
      [before + 1, 'update', 'pending'],
      [before + 2, 'share', 'pending'],
    ]);
    const onDisk = await Outbox.open(outboxDir); // what a restart reads: the store, not this process's memory
    expect(onDisk.items()).toEqual(items);
    await onDisk.close();
    node = await startNode(dataDir, port);
    await service.retryOutbox();
    await eventually(() => service.outbox().length === 0, 'outbox drained');
    const txs = await raw(chartId);
    expect(txs).toHaveLength(before + 2);
    expect(new Set(txs.map((t) => t.id)).size).toBe(txs.length);
    expect(txs.filter((t) => t.id === offline.txId)).toHaveLength(1);
    const chain = await open(cleo.holder, chartId);
    expect(chain).toMatchObject({ tampered: null, closedAt: null });
    expect(chain.versions.at(-1)!.inner).toMatchObject({ seq: before + 2, action: 'share' });
    expect(chain.versions.at(-1)!.inner.payload.doctors.map((d) => d.signKey)).toContain(bob.holder.signKey);
    const drained = await Outbox.open(outboxDir);
    expect(drained.items()).toEqual([]);
    await drained.close();
  });

  it("a refused v3 version keeps its item with the node's reason and blocks the chart until discarded", async () => {
    const chartId = charts[0]!;
    let urlsOfB = [url];
    const { service: b } = await startService(() => urlsOfB, {
      authorityId: () => authorityId,
      ledgerEnvelope: () => 'v3',
      liveStream: false,
      verifyWorkers: 0,
    });
    services.push(b);
    expect((await b.update(cleo.holder, chartId, sampleChart('Amelia Hartley'))).status).toBe('committed');
    urlsOfB = ['http://127.0.0.1:9']; // workstation B loses the network and writes offline…
    const offline = await b.update(cleo.holder, chartId, sampleChart('Written on B'));
    expect(offline.status).toBe('pending');
    // …while workstation A writes the same position online.
    expect((await service.update(cleo.holder, chartId, sampleChart('Written on A'))).status).toBe('committed');
    urlsOfB = [url];
    await new Promise((r) => setTimeout(r, 400)); // past the client's quarantine of the dead URL
    await b.retryOutbox();
    const [item] = b.outbox();
    expect(item).toMatchObject({ state: 'rejected', txId: offline.txId, action: 'update' });
    expect(item!.lastError).toBeTruthy();
    await expect(b.update(cleo.holder, chartId, sampleChart('Again on B'))).rejects.toMatchObject({
      code: 'OutboxBlocked',
    });
    await b.discardRejected(offline.txId);
    const again = await b.update(cleo.holder, chartId, sampleChart('Again on B'));
    expect(again.status).toBe('committed');
    const chain = await open(cleo.holder, chartId);
    expect(chain.tampered).toBeNull();
    expect(chain.versions.map((v) => v.inner.payload.chart.patient.name).slice(-2)).toEqual([
      'Written on A',
      'Again on B',
    ]);
    expect(chain.versions.some((v) => v.txId === offline.txId)).toBe(false);
  });

  it('2 of 3 officers recover a v3 chart the service wrote, through the recovery key’s slot and their tweaked keys', async () => {
    const chartId = charts[1]!; // the imported chart: Ada holds it
    const view = await registry.load();
    const ledger = {
      listTransactions: (id: string) => client.listTransactions(id),
      getTransaction: (id: string) => client.getTransaction(id),
      listOutputs: (key: string, options?: { spent?: boolean }) => client.listOutputs(key, options),
      post: (tx: { id: string }, mode?: 'commit' | 'sync') => client.post(tx as Transaction, mode),
    };
    // One officer is not a quorum: refused before anything is posted.
    await expect(
      recoverCharts({ ...ledger, v3: v3QuorumMover(ledger) }, view, {
        chartIds: [chartId],
        to: bob.holder.signKey,
        reason: 'lost key',
        officers: [officers[1]!],
      }),
    ).rejects.toThrow(/needs 2 officers' shares; only 1 given/);
    const before = (await raw(chartId)).length;
    const moved = await recoverCharts({ ...ledger, v3: v3QuorumMover(ledger) }, view, {
      chartIds: [chartId],
      to: bob.holder.signKey,
      reason: 'Dr Okafor lost her key',
      officers: [officers[1]!, officers[2]!],
    });
    expect(moved).toHaveLength(1);
    const txs = await raw(chartId);
    expect(txs).toHaveLength(before + 1);
    expect(txs.at(-1)!.id).toBe(moved[0]!.txId);
    expect(isV3Metadata(txs.at(-1)!.metadata)).toBe(true);
    // No officer's directory key is on the move: their keys are tweaked for the head.
    for (const o of officers) expect(JSON.stringify(txs.at(-1))).not.toContain(o.signKey);

    // Bob, the new custodian, opens the chart from the move on; the recovery key opens all of it.
    const byBob = await open(bob.holder, chartId);
    expect(byBob).toMatchObject({ tampered: null, closedAt: null, openedFrom: before + 1 });
    expect([...byBob.versions.at(-1)!.officers!].sort()).toEqual([officers[1]!.signKey, officers[2]!.signKey].sort());
    expect(byBob.versions.at(-1)!.inner).toMatchObject({ action: 'custody', author: officers[1]!.signKey });
    expect(byBob.versions.at(-1)!.inner.payload.custodian.signKey).toBe(bob.holder.signKey);
    expect(byBob.versions.at(-1)!.inner.payload.note).toBe('Dr Okafor lost her key');
    expect((await open(recovery, chartId)).versions).toHaveLength(before + 1);
    // Ada is no reader of the move and can no longer write; Bob writes the next version, in v3, through the service.
    expect(await open(ada.holder, chartId)).toMatchObject({ closedAt: before + 1 });
    await expect(service.update(ada.holder, chartId, sampleChart('Tobias Quill'))).rejects.toMatchObject({
      code: 'NotCustodian',
    });
    const next = await service.update(bob.holder, chartId, sampleChart('Tobias Quill'));
    expect(next).toMatchObject({ seq: before + 2, status: 'committed' });
    expect(isV3Metadata((await raw(chartId)).at(-1)!.metadata)).toBe(true);
  });

  it('the IT desk’s plan moves a v3 chart (signed while planned) and a v1 chart (officers sign after) in one act', async () => {
    const view = await registry.load();
    const holders = [officers[0]!, officers[1]!];
    const ledger = {
      listTransactions: (id: string) => client.listTransactions(id),
      getTransaction: (id: string) => client.getTransaction(id),
      listOutputs: (key: string, options?: { spent?: boolean }) => client.listOutputs(key, options),
      post: (tx: { id: string }, mode?: 'commit' | 'sync') => client.post(tx as Transaction, mode),
    };
    const v3Chart = charts[1]!; // Bob holds it since the recovery
    const v3Before = (await raw(v3Chart)).length;
    const secret = await recoveryKeyOf(view.authority, holders);
    const plan = await planMoves(ledger, view, {
      chartIds: [v3Chart, v1Chart],
      to: validPractitioner(view, cleo.holder.signKey),
      coordinator: holders[0]!.signKey,
      reason: 'Dr Lin left',
      secret,
      v3: { mover: v3QuorumMover(ledger), officers: holders },
    });
    secret.fill(0);
    expect(plan.refused).toEqual([]);
    expect(plan.planned.map((p) => ('signed' in p ? 'v3' : 'v1'))).toEqual(['v3', 'v1']);
    const posted = await postMoves(ledger, plan.planned, holders);
    expect(posted.failed).toBeNull();
    expect(posted.moved.map((m) => m.chartId)).toEqual([v3Chart, v1Chart]);
    const byCleo = await open(cleo.holder, v3Chart);
    expect(byCleo.versions.at(-1)!.inner).toMatchObject({ seq: v3Before + 1, action: 'custody' });
    expect(byCleo.versions.at(-1)!.inner.payload.custodian.signKey).toBe(cleo.holder.signKey);
    expect(isV3Metadata((await raw(v3Chart)).at(-1)!.metadata)).toBe(true);
    const v1Txs = await raw(v1Chart);
    expect((v1Txs.at(-1)!.metadata as { type: string; action: string }).type).toBe('hc.chart.version/1');
  });

  async function fetchText(path: string): Promise<string> {
    const response = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${NODE_TOKEN}` } });
    expect(response.status).toBe(200);
    return response.text();
  }

  it("puts the patient card's tag in the create and in a re-issue, so the kiosk finds the v3 chart by it", async () => {
    const created = await service.create(ada.holder, sampleChart('Nora Vance'), { pin: PIN });
    const chartId = created.chartId;
    const firstTag = (await testCards().open(created.card.code, PIN)).cardTag!();
    const [create] = await raw(chartId);
    expect(JSON.stringify(create!.metadata)).toContain(firstTag);
    const first = await service.openPatientSession(created.card.code, PIN);
    expect(first.problem).toBeNull();
    expect(first.charts.map((c) => c.chartId)).toEqual([chartId]);

    const reissued = await service.issueCard(ada.holder, chartId, PIN);
    const secondTag = (await testCards().open(reissued.code, PIN)).cardTag!();
    const txs = await raw(chartId);
    expect(JSON.stringify(txs.at(-1)!.metadata)).toContain(secondTag);
    const second = await service.openPatientSession(reissued.code, PIN);
    expect(second.problem).toBeNull();
    expect(second.charts.map((c) => c.chartId)).toEqual([chartId]);
    const old = await service.openPatientSession(created.card.code, PIN);
    expect(old.charts).toEqual([]);
    expect(old.problem).toMatch(/replaced by a newer card/);
  });
});
