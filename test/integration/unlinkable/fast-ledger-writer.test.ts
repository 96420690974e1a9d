// The unlinkable-ledger benchmark writes its doctor's v3 charts straight into the node's store
// (test/bench/unlinkable-ledger/fast-writer.ts) instead of POSTing them. This proves that shortcut changes nothing the
// app can see: two charts built alike by the real v3 builder (a doctor from the real vault on the real keychain: run
// in a D-Bus session with gnome-keyring), one written by the fast path and one POSTed to the real embedded node, are
// served byte for byte as built, each in a block, and list and open identically through the real chart service. The
// fast path refuses what the node refuses (a double spend). It also proves the benchmark's other claim: the list never
// fetches a foreign transaction (v3-shaped unsigned stand-ins around the charts), counted by an HTTP proxy.
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
