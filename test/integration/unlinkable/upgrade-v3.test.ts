// `charts upgrade-v3` on the real embedded node over HTTP (docs/UNLINKABLE.md §10), through the chart service with its
// real outbox and verified cache on disk; doctors from the real vault on the real keychain (run in a D-Bus session with
// gnome-keyring), the patient and the hospital's recovery key as seed holders, as the app makes them. Ada's v1 charts
// (one shared with Ben, one with a patient, one under no custody policy, one tampered on the ledger, and one Ben holds)
// are upgraded: a run that stops between the copies and the tombstones plays a crash, and the next run finishes it
// with no second copy. Each copy opens for every reader of the original; each v1 chart ends in a tombstone that names
// its copy only inside the box; a third run skips everything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thresholdDetails, type Transaction } from '../../../src-shared/ledger';
import type { CustodyPolicy } from '../../../src-shared/authority/custody';
import { newSeed } from '../../../src-shared/crypto/keys';
import type { KeyHolder } from '../../../src-shared/crypto/keyholder';
import { payloadOf, type ChartPayload } from '../../../src-shared/records/payload';
import { listKey, listTag } from '../../../src-shared/unlinkable/rendezvous';
import { nativeKeyHolderCrypto } from '../../../src-main/crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import type { UpgradeResult } from '../../../src-main/records/chart-service';
import { buildCreate, buildVersion, withRecovery } from '../../../src-main/records/version-builder';
import { openChartV3 } from '../../../src-main/records/version-opener-v3';
import { sampleChart } from '../../fixtures/sample-chart';
import { NODE_TOKEN, TestVault, removeDir, startNode, startService, tempDir } from '../charts/harness';
import type { InspectedChartService } from '../charts/inspected-service';

const plainHolder = () => new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);
const crypto = nativeLedgerCrypto;

describe('charts upgrade-v3 on the embedded node', { timeout: 180_000 }, () => {
  let node: LedgerNode;
  const dataDir = tempDir('node');
  const outboxDir = tempDir('outbox');
  const cacheDir = tempDir('cache');
  const vault = new TestVault();
  let ada: KeyHolder, ben: KeyHolder;
  const patient = plainHolder();
  const recovery = plainHolder();
  const officers = [plainHolder(), plainHolder(), plainHolder()];
  let custody: CustodyPolicy;
  let service: InspectedChartService;
  /** Each v1 chart's head payload before the upgrade, by chart id. */
  const before = new Map<string, ChartPayload>();
  let shared = '',
    withPatient = '',
    plain = '',
    forged = '',
    bens = '';
  let copies = new Map<string, string>();

  const named = (holder: KeyHolder, name: string) => ({ signKey: holder.signKey, boxKey: holder.boxKey, name });
  const post = async (tx: Transaction) => expect((await service.client.post(tx, 'commit')).value).toBe('committed');
  const start = async () => (await startService([node.url], { outboxDir, cacheDir, liveStream: false })).service;

  /** A v1 chart written with the app's own builders (the writer's path), under `policy`, versions as given. */
  async function v1Chart(
    by: KeyHolder,
    first: ChartPayload,
    policy: CustodyPolicy | null,
    next: ((p: ChartPayload) => ChartPayload)[] = [],
  ): Promise<string> {
    let payload = withRecovery(first, policy);
    const created = await buildCreate(by, payload, crypto, policy);
    await post(created.tx);
    let head = created.tx;
    for (const [i, change] of next.entries()) {
      payload = withRecovery(change(payload), policy);
      const { tx } = await buildVersion(by, head, created.tx.id, 'update', i + 2, payload, crypto, policy);
      await post(tx);
      head = tx;
    }
    before.set(created.tx.id, payload);
    return created.tx.id;
  }

  const resultOf = (results: UpgradeResult[], chartId: string) => results.find((r) => r.chartId === chartId);
  const openV3 = async (reader: KeyHolder, chartId: string) =>
    openChartV3(chartId, (await service.client.listTransactions(chartId)).value, reader, { crypto });

  beforeAll(async () => {
    node = await startNode(dataDir);
    ada = (await vault.doctor('Ada Oncologist', 'x')).holder;
    ben = (await vault.doctor('Ben Psychiatrist', 'x')).holder;
    custody = {
      authorityId: 'a1'.repeat(32),
      quorum: thresholdDetails(
        2,
        officers.map((o) => o.signKey),
      ),
      recoveryKey: recovery.boxKey,
      emergencyKey: null,
    };
    service = await start();
    const patientRef = { signKey: patient.signKey, boxKey: patient.boxKey };
    shared = await v1Chart(ada, payloadOf(sampleChart('Ursula Shared'), null, named(ada, 'Dr Ada'), []), custody, [
      (p) => ({ ...p, doctors: [named(ben, 'Dr Ben')] }),
    ]);
    withPatient = await v1Chart(
      ada,
      payloadOf(sampleChart('Viola Card'), patientRef, named(ada, 'Dr Ada'), []),
      custody,
      [(p) => ({ ...p, chart: { ...p.chart, patient: { ...p.chart.patient, phone: '+44 20 7946 0011' } } })],
    );
    plain = await v1Chart(ada, payloadOf(sampleChart('Walter Plain'), null, named(ada, 'Dr Ada'), []), null);
    bens = await v1Chart(
      ben,
      payloadOf(sampleChart('Xena Bens'), null, named(ben, 'Dr Ben'), [named(ada, 'Dr Ada')]),
      null,
    );
    // Validly signed and committed by the node, but its version 2 says it is version 5: the reader's chain check fails.
    const p = withRecovery(payloadOf(sampleChart('Yann Forged'), null, named(ada, 'Dr Ada'), []), custody);
    const created = await buildCreate(ada, p, crypto, custody);
    await post(created.tx);
    await post((await buildVersion(ada, created.tx, created.tx.id, 'update', 5, p, crypto, custody)).tx);
    forged = created.tx.id;
  });

  afterAll(async () => {
    await service?.close();
    await node?.stop();
    await vault.clean();
    for (const dir of [dataDir, outboxDir, cacheDir]) removeDir(dir);
  });

  it('a run stopped after the copies (a crash) leaves the v1 charts open; the next run writes only their tombstones', async () => {
    const stop = new Error('crash between the copies and the tombstones');
    await expect(
      service.upgradeV3(ada, {
        spreadMs: 0,
        beforeTombstones: (made) => {
          copies = new Map(made);
          throw stop;
        },
      }),
    ).rejects.toBe(stop);
    expect([...copies.keys()].sort()).toEqual([shared, withPatient, plain].sort());
    for (const chartId of copies.keys()) expect((await service.get(ada, chartId)).revoked).toBe(false);

    // A new process on the same disk: the pairing is found in the verified cache, sealed.
    await service.close();
    service = await start();
    const results = await service.upgradeV3(ada, { spreadMs: 0 });
    for (const chartId of copies.keys())
      expect(resultOf(results, chartId)).toEqual({
        chartId,
        status: 'upgraded',
        newChartId: copies.get(chartId),
        resumed: true,
      });
    expect(resultOf(results, forged)).toMatchObject({
      status: 'failed',
      newChartId: null,
      reason: expect.stringMatching(/^tampered: .*The envelope says version 5 where version 2 stands/),
    });
    // Ben's chart is his to move: not in Ada's run at all.
    expect(resultOf(results, bens)).toBeUndefined();
    expect(results).toHaveLength(4);

    // Exactly three v3 charts by Ada on the ledger: her list tags 0–2 each find one, 3 none.
    const myList = listKey(ada.pairKey!(ada.boxKey, ada.boxKey));
    const found = await Promise.all(
      [0, 1, 2, 3].map(async (j) => (await service.client.searchAssets(listTag(myList, j))).value.map((a) => a.id)),
    );
    expect(found.slice(0, 3).flat().sort()).toEqual([...copies.values()].sort());
    expect(found[3]).toEqual([]);
  });

  it('each copy opens for the custodian, the shared doctor, the patient and the recovery key, with the same content', async () => {
    const readers: [string, KeyHolder[]][] = [
      [shared, [ada, ben, recovery]],
      [withPatient, [ada, patient, recovery]],
      [plain, [ada]],
    ];
    for (const [chartId, holders] of readers) {
      const original = before.get(chartId)!;
      for (const reader of holders) {
        const opened = await openV3(reader, copies.get(chartId)!);
        expect(opened.tampered).toBeNull();
        expect(opened.versions).toHaveLength(1);
        const inner = opened.versions[0]!.inner;
        expect(inner).toMatchObject({
          action: 'create',
          author: ada.signKey,
          authority: original.recovery?.authority ?? null,
        });
        expect(inner.payload).toEqual(original);
      }
    }
    // The quorum is kept: the copy of a chart under custody names the same officers; the plain one none.
    expect((await openV3(ada, copies.get(shared)!)).versions[0]!.inner.quorum).toEqual({
      threshold: 2,
      officers: officers.map((o) => o.signKey),
    });
    expect((await openV3(ada, copies.get(plain)!)).versions[0]!.inner.quorum).toBeNull();
    // Ben was never a reader of the patient's chart: its copy opens nothing for him.
    expect((await openV3(ben, copies.get(withPatient)!)).versions).toEqual([]);
  });

  it('each v1 chart ends in a revoke saying "moved to <copy>", the copy named only inside the box', async () => {
    for (const [chartId, newChartId] of copies) {
      const history = await service.history(ada, chartId);
      const last = history.at(-1)!;
      expect(last).toMatchObject({ action: 'revoke', status: 'committed', note: `moved to ${newChartId}` });
      expect(history).toHaveLength(chartId === plain ? 2 : 3);
      const state = await service.get(ada, chartId);
      expect(state.revoked).toBe(true);
      // The tombstone keeps the readers and the custody shape: the recovery key still opens it, the output is unchanged.
      expect(last.readers.sort()).toEqual(history.at(-2)!.readers.sort());
      const verify = await service.verify(ada, chartId);
      expect(verify.ok).toBe(true);

      // The v1 chart's transactions never show the copy's id; a search for it finds the copy itself only.
      const v1Answers = await Promise.all(
        [`/api/v1/transactions?asset_id=${chartId}`, `/api/v1/transactions/${last.txId}`].map(fetchText),
      );
      expect(v1Answers[0]).toContain(last.txId);
      for (const text of v1Answers) expect(text).not.toContain(newChartId);
      for (const search of ['metadata', 'assets']) {
        const hits = JSON.parse(await fetchText(`/api/v1/${search}?search=${newChartId}`)) as { id: string }[];
        expect(hits.filter((h) => h.id !== newChartId)).toEqual([]);
      }
      // Nor does the copy name the v1 chart.
      expect(await fetchText(`/api/v1/transactions?asset_id=${newChartId}`)).not.toContain(chartId);
    }
    // Ben, a reader of the shared chart, sees the move too.
    const benView = await service.history(ben, shared);
    expect(benView.at(-1)).toMatchObject({ action: 'revoke', note: `moved to ${copies.get(shared)}` });
  });

  it('a re-run skips every moved chart, and a named tampered chart is refused and reported', async () => {
    const again = await service.upgradeV3(ada, { spreadMs: 0 });
    for (const [chartId, newChartId] of copies)
      expect(resultOf(again, chartId)).toEqual({
        chartId,
        status: 'skipped',
        reason: `already moved to ${newChartId}`,
        newChartId,
      });
    const named = await service.upgradeV3(ada, { chartIds: [forged, bens], spreadMs: 0 });
    expect(named).toEqual([
      expect.objectContaining({ chartId: forged, status: 'failed' }),
      expect.objectContaining({
        chartId: bens,
        status: 'skipped',
        reason: expect.stringMatching(/held by another doctor/),
      }),
    ]);
    // Still three copies of Ada's: nothing was written again.
    const myList = listKey(ada.pairKey!(ada.boxKey, ada.boxKey));
    expect((await service.client.searchAssets(listTag(myList, 3))).value).toEqual([]);
  });

  it('a tombstone no node took waits in the outbox, and is posted (once) when the node is back', async () => {
    const late = await v1Chart(ada, payloadOf(sampleChart('Zelda Late'), null, named(ada, 'Dr Ada'), []), custody);
    const port = Number(new URL(node.url).port);
    let copy = '';
    const first = await service.upgradeV3(ada, {
      chartIds: [late],
      spreadMs: 0,
      beforeTombstones: async (made) => {
        copy = made.get(late)!;
        await node.stop(); // the node goes away between the copy and the tombstone
      },
    });
    expect(first).toEqual([
      {
        chartId: late,
        status: 'failed',
        newChartId: copy,
        reason: expect.stringMatching(/^its tombstone waits in the outbox/),
      },
    ]);
    expect(service.outbox().map((i) => ({ chartId: i.chartId, action: i.action }))).toEqual([
      { chartId: late, action: 'revoke' },
    ]);

    // A later run (a new process) once the node is back.
    await service.close();
    node = await startNode(dataDir, port);
    service = await start();
    const again = await service.upgradeV3(ada, { chartIds: [late], spreadMs: 0 });
    // Either this run posted it, or the outbox's own retry did just before: one tombstone, naming the one copy.
    expect(again).toEqual([
      expect.objectContaining({
        chartId: late,
        newChartId: copy,
        status: expect.stringMatching(/^(upgraded|skipped)$/),
      }),
    ]);
    const history = await service.history(ada, late);
    expect(history.map((v) => v.action)).toEqual(['create', 'revoke']);
    expect(history[1]).toMatchObject({ status: 'committed', note: `moved to ${copy}` });
    expect(service.outbox()).toEqual([]);
  });

  async function fetchText(path: string): Promise<string> {
    const response = await fetch(`${node.url}${path}`, { headers: { Authorization: `Bearer ${NODE_TOKEN}` } });
    expect(response.status).toBe(200);
    return response.text();
  }
});
