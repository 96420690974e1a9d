// The unlinkable-ledger benchmark writes its doctor's v3 charts straight into the node's store
// (test/bench/unlinkable-ledger/fast-writer.ts) instead of POSTing them. This proves that shortcut changes nothing the
// app can see: two charts built alike by the real v3 builder (a doctor from the real vault on the real keychain: run
// in a D-Bus session with gnome-keyring), one written by the fast path and one POSTed to the real embedded node, are
// served byte for byte as built, each in a block, and list and open identically through the real chart service. The
// fast path refuses what the node refuses (a double spend). It also proves the benchmark's other claim: the list never
// fetches a foreign transaction (v3-shaped unsigned stand-ins around the charts), counted by an HTTP proxy. And the
// benchmark's own builder thread (own-charts-worker.ts, where tweetnacl's box runs on libsodium) makes charts that the
// fast path stores, several to a block, and the chart service lists and opens with every check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { LedgerStore } from '../../../src-main/ledger-node/store/ledger-store';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { V3Counters } from '../../../src-main/records/v3-counters';
import { buildCreateV3, buildVersionV3, type V3Written } from '../../../src-main/records/version-builder-v3';
import { CHART_ASSET_TYPE } from '../../../src-main/ledger/chain';
import type { Transaction } from '../../../src-shared/ledger';
import { payloadOf } from '../../../src-shared/records/payload';
import { FastLedgerWriter } from '../../bench/unlinkable-ledger/fast-writer';
import { v3Tx } from '../../bench/unlinkable-discovery';
import { sampleChart } from '../../fixtures/sample-chart';
import { NODE_TOKEN, TestVault, removeDir, startNode, startService, tempDir, type Doctor } from '../charts/harness';
import { startCountingProxy, type CountingProxy } from '../charts/counting-proxy';
import type { InspectedChartService } from '../charts/inspected-service';
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { nativeKeyHolderCrypto } from '../../../src-main/crypto/key-holder-crypto';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import type { BuiltOwnChart, OwnChartsJob } from '../../bench/unlinkable-ledger/own-charts-worker';

const crypto = nativeLedgerCrypto;
const at = new Date('2026-06-01T00:00:00Z');

describe('the benchmark’s fast ledger writer', { timeout: 120_000 }, () => {
  const dataDir = tempDir('fast-writer');
  const vault = new TestVault();
  let node: LedgerNode | null = null;
  let client: LedgerNodeClient;
  let proxy: CountingProxy;
  let service: InspectedChartService;
  let ada: Doctor;
  const counters = new V3Counters();
  const chains: { fast: Transaction[]; posted: Transaction[] } = { fast: [], posted: [] };
  const foreign: string[] = [];

  /** A chart of two versions built by the real builder; both charts of the test are built alike. */
  async function chart(): Promise<Transaction[]> {
    const custodian = { signKey: ada.holder.signKey, boxKey: ada.holder.boxKey, name: ada.name };
    const c = sampleChart('Twin Patient');
    const create: V3Written = await buildCreateV3(ada.holder, payloadOf(c, null, custodian, []), {
      crypto,
      counters,
      at,
    });
    c.visits[0]!.notes = 'Review 2';
    const next = await buildVersionV3(
      ada.holder,
      create.head,
      create.tx.id,
      'update',
      payloadOf(c, null, custodian, []),
      {
        crypto,
        counters,
        at,
      },
    );
    return [create.tx, next.tx];
  }

  const foreignChart = () => {
    const create = v3Tx({ data: { type: CHART_ASSET_TYPE, chart: randomBytes(16).toString('hex') } }, null, []);
    const next = v3Tx({ id: create.tx.id }, create.tx.id, [randomBytes(16).toString('hex')], 16384);
    foreign.push(create.tx.id, next.tx.id);
    return [create, next];
  };

  beforeAll(async () => {
    ada = await vault.doctor('Dr Ada Fast', 'Cardiology');
    chains.fast = await chart();
    chains.posted = await chart();
    // The fast path, node stopped: foreign stand-ins, the chart, more stand-ins, in two blocks.
    const store = LedgerStore.open(dataDir);
    const writer = new FastLedgerWriter(store, 3);
    for (const entry of foreignChart()) await writer.addRaw(entry);
    for (const tx of chains.fast) await writer.addSigned(JSON.parse(JSON.stringify(tx)));
    for (const entry of foreignChart()) await writer.addRaw(entry);
    await writer.finish();
    await store.settleIndexes();
    await store.close();
    node = await startNode(dataDir);
    client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
    for (const tx of chains.posted) expect((await client.post(tx, 'commit')).value).toBe('committed');
    proxy = await startCountingProxy(node.url);
    ({ service } = await startService([proxy.url], {
      ledgerEnvelope: () => 'v3',
      liveStream: false,
      verifyWorkers: 0,
    }));
  });

  afterAll(async () => {
    await service?.close();
    await proxy?.close();
    client?.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
  });

  it('serves the fast-written chart exactly as built, each version in a block, as the POSTed one', async () => {
    for (const chain of [chains.fast, chains.posted]) {
      const { value } = await client.listTransactions(chain[0]!.id);
      expect(value).toEqual(chain);
      for (const tx of chain) {
        expect((await client.getTransaction(tx.id)).value).toEqual(tx);
        expect((await client.blockHeights(tx.id)).value).toHaveLength(1);
      }
    }
  });

  it('lists and opens the two charts identically through the chart service, without fetching a foreign transaction', async () => {
    proxy.reset();
    const list = await service.list(ada.holder);
    const fastId = chains.fast[0]!.id;
    const postedId = chains.posted[0]!.id;
    expect(list.map((c) => c.chartId).sort()).toEqual([fastId, postedId].sort());
    const ids = (s: string) => s.replaceAll(fastId, 'CHART').replaceAll(postedId, 'CHART');
    const [a, b] = [fastId, postedId].map((id) => list.find((c) => c.chartId === id)!);
    expect(JSON.parse(ids(JSON.stringify(a)))).toEqual(JSON.parse(ids(JSON.stringify(b))));
    expect(a!.seq).toBe(2);
    // The reader asked for the two charts' transactions and nothing of the foreign ones.
    const fetched = proxy.requests.filter((r) => /\/transactions(\/|\?asset_id=)/.test(r));
    expect(fetched.length).toBeGreaterThan(0);
    for (const request of fetched) expect(request.includes(fastId) || request.includes(postedId)).toBe(true);
    for (const id of foreign) expect(proxy.requests.some((r) => r.includes(id))).toBe(false);

    const [fast, posted] = await Promise.all([service.get(ada.holder, fastId), service.get(ada.holder, postedId)]);
    for (const state of [fast, posted]) {
      expect(state.tampered).toBeNull();
      expect(state.head.seq).toBe(2);
      expect(state.versions).toHaveLength(2);
    }
    const strip = (v: unknown, chain: Transaction[]) =>
      chain.reduce((s, tx, i) => s.replaceAll(tx.id, `TX${i}`), JSON.stringify(v));
    expect(JSON.parse(strip(fast, chains.fast))).toEqual(JSON.parse(strip(posted, chains.posted)));
  });

  it('refuses what the node refuses: a second spend of a spent output', async () => {
    await node!.stop();
    node = null;
    const store = LedgerStore.open(dataDir);
    try {
      const writer = new FastLedgerWriter(store);
      const custodian = { signKey: ada.holder.signKey, boxKey: ada.holder.boxKey, name: ada.name };
      const created = await buildCreateV3(ada.holder, payloadOf(sampleChart(), null, custodian, []), {
        crypto,
        counters,
      });
      await writer.addSigned(JSON.parse(JSON.stringify(created.tx)));
      const again = async () =>
        (
          await buildVersionV3(
            ada.holder,
            created.head,
            created.tx.id,
            'update',
            payloadOf(sampleChart(), null, custodian, []),
            {
              crypto,
              counters,
            },
          )
        ).tx;
      await writer.addSigned(JSON.parse(JSON.stringify(await again())));
      await expect(writer.addSigned(JSON.parse(JSON.stringify(await again())))).rejects.toThrow(/refuse.*DoubleSpend/);
    } finally {
      await store.close();
    }
  });
});

/** What the benchmark's builder thread makes for charts from..to-1, as its ledger cache receives it. */
async function builtByBenchThread(job: OwnChartsJob): Promise<BuiltOwnChart[]> {
  const worker = new Worker(new URL('../../../src-main/ledger/verify-worker-dev.mjs', import.meta.url), {
    workerData: { entry: new URL('../../bench/unlinkable-ledger/own-charts-worker.ts', import.meta.url).href, ...job },
  });
  const built: BuiltOwnChart[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (m: BuiltOwnChart[] | 'done') => (m === 'done' ? resolve() : built.push(...m)));
      worker.on('error', reject);
    });
  } finally {
    await worker.terminate();
  }
  return built;
}

describe('the benchmark’s chart builder thread', { timeout: 120_000 }, () => {
  const dataDir = tempDir('bench-builder');
  let node: LedgerNode | null = null;
  let service: InspectedChartService | null = null;

  afterAll(async () => {
    await service?.close();
    await node?.stop();
    removeDir(dataDir);
  });

  it('makes charts the fast path stores several to a block and the chart service lists and opens', async () => {
    const seed = randomBytes(32).toString('hex');
    const doctor = new SeedKeyHolder(Buffer.from(seed, 'hex'), nativeKeyHolderCrypto);
    const built = await builtByBenchThread({
      seed,
      cardSeed: randomBytes(32).toString('hex'),
      from: 0,
      to: 5,
      changedEvery: 2,
    });
    expect(built.map((c) => c.j)).toEqual([0, 1, 2, 3, 4]);
    const store = LedgerStore.open(dataDir);
    const writer = new FastLedgerWriter(store, 4);
    const versions = new Map<string, number>();
    const blockOf = new Map<string, number>();
    try {
      for (const chart of built) {
        for (const json of chart.txs) await writer.addSigned(JSON.parse(json));
        await writer.addRaw(
          v3Tx({ data: { type: CHART_ASSET_TYPE, chart: randomBytes(16).toString('hex') } }, null, []),
        );
      }
      // The versions written elsewhere (the catch-up's), after the charts they extend.
      for (const chart of built) if (chart.next) await writer.addSigned(JSON.parse(chart.next));
      await writer.finish();
      await store.settleIndexes();
      for (const chart of built) {
        const id = (JSON.parse(chart.txs[0]!) as { id: string }).id;
        versions.set(id, chart.txs.length + (chart.next ? 1 : 0));
        for (const json of [...chart.txs, ...(chart.next ? [chart.next] : [])]) {
          const txId = (JSON.parse(json) as { id: string }).id;
          blockOf.set(txId, store.heightOf(txId)!);
        }
      }
    } finally {
      await store.close();
    }
    // Chart j has 1 + j % 3 versions, and one more for every second chart here.
    expect([...versions.values()]).toEqual([2, 2, 4, 1, 3]);
    // Blocks of four transactions: several of a chart's versions and other charts' share a block.
    const heights = [...blockOf.values()];
    expect(new Set(heights).size).toBeLessThan(heights.length);

    node = await startNode(dataDir);
    ({ service } = await startService([node.url], { ledgerEnvelope: () => 'v3', liveStream: false, verifyWorkers: 0 }));
    const list = await service.list(doctor);
    expect(new Map(list.map((c) => [c.chartId, c.seq]))).toEqual(versions);
    for (const chartId of versions.keys()) {
      const state = await service.get(doctor, chartId);
      expect(state.tampered).toBeNull();
      expect(state.versions).toHaveLength(versions.get(chartId)!);
    }
  });
});
