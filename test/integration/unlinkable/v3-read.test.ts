// The app reads envelope v3 charts (docs/UNLINKABLE.md §4, §12): the real chart service lists and opens them beside
// v1 charts, found by discovery (list tags, intro tags, version tags) on the real embedded node over HTTP, doctors
// from the real vault on the real keychain (run in a D-Bus session with gnome-keyring). The v3 charts are written
// with version-builder-v3 directly and posted to the node, as a v3 writer would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSeed } from '../../../src-shared/crypto/keys';
import type { KeyHolder } from '../../../src-shared/crypto/keyholder';
import type { Transaction } from '../../../src-shared/ledger';
import { payloadOf, type ChartPayload } from '../../../src-shared/records/payload';
import { nativeKeyHolderCrypto } from '../../../src-main/crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { V3Counters } from '../../../src-main/records/v3-counters';
import { buildCreateV3, buildVersionV3, type V3Written } from '../../../src-main/records/version-builder-v3';
import { sampleChart } from '../../fixtures/sample-chart';
import {
  NODE_TOKEN,
  PIN,
  TestVault,
  removeDir,
  startNode,
  startService,
  tempDir,
  type Doctor,
} from '../charts/harness';
import type { InspectedChartService } from '../charts/inspected-service';
import { startTamperProxy, type TamperProxy } from '../charts/tamper-proxy';
import { startCountingProxy } from '../charts/counting-proxy';
import { readdirSync } from 'node:fs';

describe('v3 charts in the chart service', { timeout: 120_000 }, () => {
  const dataDir = tempDir('node');
  const cacheDir = tempDir('cache');
  const vault = new TestVault();
  const services: InspectedChartService[] = [];
  const counters = new V3Counters();
  const crypto = nativeLedgerCrypto;
  const patient = new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);
  let node: LedgerNode;
  let proxy: TamperProxy;
  let client: LedgerNodeClient;
  let ada: Doctor, ben: Doctor, cat: Doctor;
  let v1Chart = '';
  let v3Chart = '';
  const chain: V3Written[] = [];

  const named = (d: Doctor) => ({ signKey: d.holder.signKey, boxKey: d.holder.boxKey, name: d.name });
  const post = async (tx: Transaction) => expect((await client.post(tx, 'commit')).value).toBe('committed');
  /** A fresh service (the one before it closed: one verified cache folder, as one workstation). */
  const service = async (nodeUrl = node.url, dir = cacheDir) => {
    for (const old of services.splice(0)) await old.close();
    // Two verification workers: the loader opens v3 chains split, their checks in the workers (v3-open-split.ts,
    // SPLIT_MIN_WORKERS); the other suites' one worker (or none) open them on the main thread.
    const { service: s } = await startService([nodeUrl], { cacheDir: dir, liveStream: false, verifyWorkers: 2 });
    services.push(s);
    return s;
  };
  const write = async (
    by: KeyHolder,
    action: 'update' | 'share' | 'unshare' | 'custody',
    next: (p: ChartPayload) => ChartPayload,
    on: V3Written[] = chain,
  ) => {
    const head = on.at(-1)!;
    const written = await buildVersionV3(by, head.head, on[0]!.tx.id, action, next(head.inner.payload), {
      crypto,
      counters,
    });
    await post(written.tx);
    on.push(written);
    return written;
  };
  const byId = async (s: InspectedChartService, d: Doctor) =>
    new Map((await s.list(d.holder)).map((c) => [c.chartId, c]));

  beforeAll(async () => {
    node = await startNode(dataDir);
    proxy = await startTamperProxy(node.url);
    client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
    [ada, ben, cat] = await Promise.all([
      vault.doctor('Dr Ada Okafor', 'Oncology'),
      vault.doctor('Dr Ben Adeyemi', 'Psychiatry'),
      vault.doctor('Dr Cat Moreau', 'Cardiology'),
    ]);
    const setup = await service();
    for (const d of [ada, ben, cat])
      await setup.publishPractitioner(d.holder, { name: d.name, specialty: d.specialty });
    v1Chart = (await setup.create(ada.holder, sampleChart('Vera Version-One'), { pin: PIN })).chartId;
    const first = payloadOf(
      sampleChart('Theo Three'),
      { signKey: patient.signKey, boxKey: patient.boxKey },
      named(ada),
      [],
    );
    const created = await buildCreateV3(ada.holder, first, { crypto, counters });
    await post(created.tx);
    chain.push(created);
    v3Chart = created.tx.id;
  });

  afterAll(async () => {
    proxy?.setRewrite(null);
    for (const s of services) await s.close();
    await proxy?.close();
    client?.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
    removeDir(cacheDir);
  });

  it('a doctor with v1 and v3 charts lists both and opens both, the v3 one from inside its box', async () => {
    const s = await service();
    const listed = await byId(s, ada);
    expect([...listed.keys()].sort()).toEqual([v1Chart, v3Chart].sort());
    expect(listed.get(v1Chart)).toMatchObject({ patientName: 'Vera Version-One', seq: 1, status: 'ok' });
    expect(listed.get(v3Chart)).toMatchObject({
      patientName: 'Theo Three',
      seq: 1,
      lastAction: 'create',
      lastAt: chain[0]!.inner.at,
      status: 'ok',
      isCustodian: true,
      custodian: { signKey: ada.holder.signKey, name: 'Dr Ada Okafor' },
    });
    const state = await s.get(ada.holder, v3Chart);
    expect(state.tampered).toBeNull();
    expect(state.chart?.patient.name).toBe('Theo Three');
    expect(state.head).toMatchObject({ seq: 1, action: 'create', author: { signKey: ada.holder.signKey } });
    expect(state.readers.map((r) => [r.role, r.boxKey]).sort()).toEqual(
      [
        ['custodian', ada.holder.boxKey],
        ['patient', patient.boxKey],
      ].sort(),
    );
    const report = await s.verify(ada.holder, v3Chart);
    expect(report.ok).toBe(true);
    expect(report.versions[0]!.checks.every((c) => c.ok)).toBe(true);
    expect(report.versions[0]!.checks.map((c) => c.check)).toEqual(
      expect.arrayContaining(['id', 'signatures', 'chain', 'owner', 'envelope']),
    );
    expect((await s.get(ada.holder, v1Chart)).chart?.patient.name).toBe('Vera Version-One');
    // Ben is no reader of either.
    expect((await s.list(ben.holder)).map((c) => c.chartId)).toEqual([]);
  });

  it('a v3 chart shared with a second doctor appears in that doctor list, from the version that shared it', async () => {
    await write(ada.holder, 'update', (p) => ({
      ...p,
      chart: { ...p.chart, patient: { ...p.chart.patient, phone: '+44 20 7946 0011' } },
    }));
    await write(ada.holder, 'share', (p) => ({ ...p, doctors: [...p.doctors, named(ben)] }));
    const s = await service();
    const listed = await byId(s, ben);
    expect([...listed.keys()]).toEqual([v3Chart]);
    expect(listed.get(v3Chart)).toMatchObject({ seq: 3, lastAction: 'share', status: 'ok', isCustodian: false });
    const history = await s.history(ben.holder, v3Chart);
    expect(history.map((v) => [v.seq, v.action, v.readable])).toEqual([[3, 'share', true]]);
    expect(history[0]!.author).toMatchObject({ signKey: ada.holder.signKey, name: 'Dr Ada Okafor' });
    const state = await s.get(ben.holder, v3Chart);
    expect(state.readers.find((r) => r.boxKey === ben.holder.boxKey)).toMatchObject({ role: 'doctor' });
    expect(state.chart?.patient.phone).toBe('+44 20 7946 0011');
  });

  it('later lists catch up: new versions, a new own chart and a chart shared in are found', async () => {
    const s = await service();
    expect((await byId(s, ada)).get(v3Chart)).toMatchObject({ seq: 3 });
    expect((await byId(s, cat)).size).toBe(0);
    await write(ada.holder, 'update', (p) => ({
      ...p,
      chart: { ...p.chart, patient: { ...p.chart.patient, phone: '+44 20 7946 0022' } },
    }));
    // A second v3 chart by Ada (her list tag 1), shared with Cat at once.
    const other = [
      await buildCreateV3(ada.holder, payloadOf(sampleChart('Una Second'), null, named(ada), []), { crypto, counters }),
    ];
    await post(other[0]!.tx);
    await write(ada.holder, 'share', (p) => ({ ...p, doctors: [named(cat)] }), other);
    const again = await byId(s, ada);
    expect(again.get(v3Chart)).toMatchObject({ seq: 4, lastAction: 'update' });
    expect(again.get(other[0]!.tx.id)).toMatchObject({ patientName: 'Una Second', seq: 2 });
    expect(again.size).toBe(3);
    expect([...(await byId(s, cat)).keys()]).toEqual([other[0]!.tx.id]);
    expect((await s.get(ada.holder, v3Chart)).chart?.patient.phone).toBe('+44 20 7946 0022');
  });

  it('a restarted service catches up from the sealed discovery state and the verified cache', async () => {
    const first = await service();
    const before = await byId(first, ben);
    expect(before.get(v3Chart)).toMatchObject({ seq: 4 });
    for (const old of services.splice(0)) await old.close();
    await write(ada.holder, 'update', (p) => ({
      ...p,
      chart: { ...p.chart, patient: { ...p.chart.patient, phone: '+44 20 7946 0033' } },
    }));
    // A chart Cat creates and shares with Ben while Ben's app is closed: found by the intro window at kept counters.
    const cats = [
      await buildCreateV3(cat.holder, payloadOf(sampleChart('Wes Cardio'), null, named(cat), []), {
        crypto,
        counters,
      }),
    ];
    await post(cats[0]!.tx);
    await write(cat.holder, 'share', (p) => ({ ...p, doctors: [named(ben)] }), cats);
    expect(readdirSync(cacheDir).filter((f) => /^discovery-[0-9a-f]{32}\.sealed$/.test(f))).toHaveLength(3);
    const counting = await startCountingProxy(node.url);
    // Own-chart walks: the cold pass searches 4 batches of list tags at once, a catch-up one from the kept index; each
    // session's first list also searches one batch of its list checkpoint's tags (docs/UNLINKABLE.md §14: none here).
    const listWalks = () =>
      counting.requests.filter((r) => r.includes('/assets?search=') && !r.includes('practitioner'));
    try {
      const restarted = await service(counting.url);
      const after = await byId(restarted, ben);
      expect(after.get(v3Chart)).toMatchObject({ seq: 5, lastAction: 'update' });
      expect(after.get(cats[0]!.tx.id)).toMatchObject({ patientName: 'Wes Cardio', seq: 2 });
      expect(after.size).toBe(2);
      expect(listWalks()).toHaveLength(1 + 1);
      // The same list on a workstation without kept state: a cold pass, with the same result.
      counting.reset();
      const coldDir = tempDir('cold-cache');
      const cold = await service(counting.url, coldDir);
      expect(new Map([...(await byId(cold, ben))].map(([id, c]) => [id, c.seq]))).toEqual(
        new Map([...after].map(([id, c]) => [id, c.seq])),
      );
      expect(listWalks()).toHaveLength(4 + 1);
      for (const old of services.splice(0)) await old.close();
      removeDir(coldDir);
    } finally {
      await counting.close();
    }
  });

  it('a reader removed stops at the removing version and no longer lists the chart', async () => {
    await write(ada.holder, 'unshare', (p) => ({
      ...p,
      doctors: p.doctors.filter((d) => d.boxKey !== ben.holder.boxKey),
    }));
    const s = await service();
    expect((await byId(s, ben)).has(v3Chart)).toBe(false);
    const state = await s.get(ben.holder, v3Chart);
    expect(state.tampered).toBeNull();
    expect(state.versions.map((v) => [v.seq, v.readable])).toEqual([
      [3, true],
      [4, true],
      [5, true],
      [6, false],
    ]);
    expect(state.chart).toBeNull();
    // Ada still reads it, head included.
    expect((await byId(s, ada)).get(v3Chart)).toMatchObject({ seq: 6, lastAction: 'unshare', status: 'ok' });
  });

  it('a node withholding the newest version of a v3 chart seen before is flagged (this session, or by the cache)', async () => {
    const newest = chain.at(-1)!.tx.id;
    const withhold = () =>
      proxy.setRewrite((path, body) =>
        path.includes(`asset_id=${v3Chart}`)
          ? JSON.stringify((JSON.parse(body) as { id: string }[]).filter((tx) => tx.id !== newest))
          : body,
      );
    const reason = 'The node withheld version 6 seen before: it returned versions up to 5';
    // A new session whose first read is withheld: the verified cache kept the chain's 6 links (Ben's and the
    // others' lists stored them).
    let s = await service(proxy.url);
    withhold();
    let state = await s.get(ada.holder, v3Chart);
    // Ben, shared in at version 3 and removed at 6: his cache counts every link, those he never opened too.
    const bens = await s.get(ben.holder, v3Chart);
    proxy.setRewrite(null);
    expect(state.tampered?.reason).toBe(reason);
    expect(state.chart).toBeNull();
    expect(bens.tampered?.reason).toBe(reason);
    // Without a cache: seen earlier this session.
    for (const old of services.splice(0)) await old.close();
    s = (await startService([proxy.url], { liveStream: false })).service;
    services.push(s);
    expect((await s.get(ada.holder, v3Chart)).head.seq).toBe(6);
    withhold();
    state = await s.get(ada.holder, v3Chart);
    proxy.setRewrite(null);
    expect(state.tampered?.reason).toBe(reason);
    expect((await s.get(ada.holder, v3Chart)).tampered).toBeNull();
  });

  it("a node answering a v3 version with another version's box is flagged by Verify", async () => {
    const s = await service(proxy.url);
    // The node swaps version 2's metadata into version 3's place in its answer: the id no longer matches.
    proxy.setRewrite((path, body) => {
      if (!path.includes(`asset_id=${v3Chart}`)) return body;
      const txs = JSON.parse(body) as { id: string; metadata: unknown }[];
      const second = txs.find((t) => t.id === chain[1]!.tx.id)!;
      return JSON.stringify(txs.map((t) => (t.id === chain[2]!.tx.id ? { ...t, metadata: second.metadata } : t)));
    });
    const report = await s.verify(ada.holder, v3Chart);
    proxy.setRewrite(null);
    expect(report.ok).toBe(false);
    expect(report.reason).toMatch(/^version 3 is not a valid transaction/);
    expect(report.versions.map((v) => [v.seq, v.ok])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
  });
});
