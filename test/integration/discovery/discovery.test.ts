// Envelope v3's discovery (src-main/records/discovery, docs/UNLINKABLE.md §4, §8) on the real embedded node over
// HTTP, through the loader's LedgerNodeClient. The ledger holds valid, signed v3-shaped transactions posted over
// HTTP (the v3 writer is built elsewhere; here each version is an ordinary CREATE or TRANSFER with v3's clear
// metadata: 8 tags, 8 reader slots of 112 bytes — real sealed boxes, to the reader or to throw-away keys — and a box
// of the smallest bucket). The reader's "open" hook is played by trying the slots with the doctor's box secret,
// which is what tells a chart of the doctor's from a foreign asset holding a copied list tag.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import nacl from 'tweetnacl';
import { concatBytes, randomBytes, toBase58 } from '../../../src-shared/crypto/bytes';
import { openSealedWithSecret, sealTo } from '../../../src-shared/crypto/sealed-box';
import { chartTagOf } from '../../../src-shared/crypto/card-code';
import {
  ed25519Details,
  makeCreateBy,
  makeTransfer,
  outputFromDetails,
  pureCryptoProvider,
  signTransaction,
  type JsonObject,
  type Transaction,
} from '../../../src-shared/ledger';
import { ENVELOPE_V3_TYPE, metadataLayout } from '../../../src-shared/unlinkable/layout';
import { fromBase32, toBase32 } from '../../../src-shared/unlinkable/v3-fields';
import {
  cardTagNative,
  introTagsNative,
  listKeyNative,
  listTagsNative,
  pairKeyNative,
  versionTagNative,
} from '../../../src-main/crypto/unlinkable-keys';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { findOwnCharts, type ListedChart } from '../../../src-main/records/discovery/own-charts';
import { scanIntroWindows, type IntroPair, type PairCounters } from '../../../src-main/records/discovery/intro-windows';
import { findNextVersions, followHeads, type KnownHead } from '../../../src-main/records/discovery/next-versions';
import { findCardChart } from '../../../src-main/records/discovery/kiosk-search';
import { MAX_REQUEST_LINE } from '../../../src-main/records/discovery/tag-batches';
import { catchUp, discoverCold, type DiscoveryKeys } from '../../../src-main/records/discovery/discover';
import { loadState, saveState } from '../../../src-main/records/discovery/discovery-state';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { NODE_TOKEN, removeDir, startNode, tempDir } from '../charts/harness';

const SLOTS = 8;
const SLOT_BYTES = 112;
const layout = metadataLayout(4096, SLOTS);
const hex16 = () => bytesToHex(randomBytes(16));

type BoxPair = { publicKey: Uint8Array; secretKey: Uint8Array };
const b58 = (pair: BoxPair) => toBase58(pair.publicKey);

/** 8 slots: a real sealed box of a data key for each reader, the rest to throw-away keys; an 8-byte tag before each. */
function slotsFor(readers: BoxPair[]): string {
  const all = [...readers, ...Array.from({ length: SLOTS - readers.length }, () => nacl.box.keyPair())];
  const slots = all.map((reader) => concatBytes(randomBytes(8), sealTo(b58(reader), randomBytes(32))));
  for (const slot of slots) expect(slot.length).toBe(SLOT_BYTES);
  return toBase32(concatBytes(...slots));
}

function v3Metadata(tags: string[], readers: BoxPair[]): JsonObject {
  const metadata = {
    type: ENVELOPE_V3_TYPE,
    tags: [...tags, ...Array.from({ length: 8 - tags.length }, hex16)],
    slots: slotsFor(readers),
    nonce: toBase32(randomBytes(24)),
    box: toBase32(randomBytes(4096 + 16)),
  };
  // v3's fixed length in the smallest bucket (src-shared/unlinkable/layout.ts).
  expect(JSON.stringify(metadata).length).toBe(layout.json);
  return metadata;
}

/** The reader's opening, reduced to what decides it here: does one of the head's slots open with my box secret? */
function opensWith(me: BoxPair, metadata: unknown): boolean {
  const slots = fromBase32((metadata as { slots: string }).slots);
  for (let at = 0; at < slots.length; at += SLOT_BYTES) {
    try {
      openSealedWithSecret(me.secretKey, slots.subarray(at + 8, at + SLOT_BYTES));
      return true;
    } catch {
      // not this slot
    }
  }
  return false;
}

describe('envelope v3 discovery on the embedded node', { timeout: 120_000 }, () => {
  let node: LedgerNode;
  let client: LedgerNodeClient;
  const dataDir = tempDir('discovery-node');
  const requestLines: string[] = [];
  const me = nacl.box.keyPair();
  const others = Array.from({ length: 6 }, () => nacl.box.keyPair());
  const listKey = listKeyNative(pairKeyNative(me.secretKey, me.publicKey, me.publicKey, me.publicKey));
  const listTags = (from: number, count: number) => listTagsNative(listKey, from, count);
  /** K(W→me) from my side, for writer W. */
  const introPair = (writer: BoxPair): IntroPair => {
    const pair = pairKeyNative(me.secretKey, writer.publicKey, writer.publicKey, me.publicKey);
    return { writer: b58(writer), tags: (from, count) => introTagsNative(pair, from, count) };
  };
  /** The intro tag writer W puts on the i-th chart it shares with R (computed on W's side). */
  const introFrom = (writer: BoxPair, reader: BoxPair, i: number) =>
    introTagsNative(pairKeyNative(writer.secretKey, reader.publicKey, writer.publicKey, reader.publicKey), i, 1)[0]!;

  // What the test wrote, for checking: each version's chart secret is what the reader would find in its box.
  const owners = new Map<string, Uint8Array>(); // tx id → the seed owning its output
  const secretOf = new Map<string, Uint8Array>(); // tx id → that version's chart secret
  const seqOf = new Map<string, number>();
  const ownCharts = new Map<number, string>(); // list index → asset id
  const latest = new Map<string, Transaction>(); // asset id → its newest version
  const assetOf = (tx: Transaction) => (tx.operation === 'CREATE' ? tx.id : (tx.asset as { id: string }).id);

  async function post(tx: Transaction): Promise<Transaction> {
    expect((await client.post(tx, 'commit')).value).toBe('committed');
    return tx;
  }

  async function createChart(chart: string, tags: string[], readers: BoxPair[]): Promise<Transaction> {
    const seed = randomBytes(32);
    const key = toBase58(ed25519.getPublicKey(seed));
    const tx = await signTransaction(
      makeCreateBy(
        { type: 'hc.chart/1', chart },
        v3Metadata(tags, readers),
        [outputFromDetails(ed25519Details(key))],
        ed25519Details(key),
      ),
      async (_key, message) => ed25519.sign(message, seed),
    );
    owners.set(tx.id, seed);
    secretOf.set(tx.id, randomBytes(32));
    seqOf.set(tx.id, 0);
    latest.set(tx.id, tx);
    return post(tx);
  }

  async function nextVersion(head: Transaction, tags: string[], readers: BoxPair[]): Promise<Transaction> {
    const seed = randomBytes(32);
    const key = toBase58(ed25519.getPublicKey(seed));
    const spender = owners.get(head.id)!;
    const tx = await signTransaction(
      makeTransfer([{ tx: head, outputIndex: 0 }], [outputFromDetails(ed25519Details(key))], v3Metadata(tags, readers)),
      async (_key, message) => ed25519.sign(message, spender),
    );
    owners.set(tx.id, seed);
    secretOf.set(tx.id, randomBytes(32));
    seqOf.set(tx.id, seqOf.get(head.id)! + 1);
    latest.set(assetOf(tx), tx);
    return post(tx);
  }

  /** A version following `head` as the writer makes it: it carries the version tag from head's secret. */
  const follow = (head: Transaction, readers: BoxPair[]) =>
    nextVersion(head, [versionTagNative(secretOf.get(head.id)!, seqOf.get(head.id)! + 1)], readers);

  async function inFours<T>(items: T[], run: (item: T) => Promise<unknown>): Promise<void> {
    for (let i = 0; i < items.length; i += 4) await Promise.all(items.slice(i, i + 4).map(run));
  }

  const own: Transaction[] = [];
  const foreign: Transaction[] = [];
  let copy: Transaction;

  beforeAll(async () => {
    node = await startNode(dataDir);
    client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
    // Every search the discovery makes, as the request line the client sends.
    const searchAssets = client.searchAssets.bind(client);
    const searchMetadata = client.searchMetadata.bind(client);
    const line = (kind: string, text: string) =>
      `GET /api/v1/${kind}?${new URLSearchParams({ search: text }).toString()} HTTP/1.1`;
    client.searchAssets = (text, limit) => (requestLines.push(line('assets', text)), searchAssets(text, limit));
    client.searchMetadata = (text, limit) => (requestLines.push(line('metadata', text)), searchMetadata(text, limit));

    // 110 own charts, list indexes 0…110 but 57 (taken by a workstation whose create is still in its outbox),
    // among 60 foreign charts; one foreign asset copies my list tag 3 (it has no slot for me).
    const indexes = Array.from({ length: 111 }, (_, j) => j).filter((j) => j !== 57);
    await inFours(indexes, async (j) => {
      const tx = await createChart(listTags(j, 1)[0]!, [], [me]);
      own.push(tx);
      ownCharts.set(j, tx.id);
    });
    await inFours(Array.from({ length: 60 }), async () =>
      foreign.push(await createChart(hex16(), [hex16()], [others[foreign.length % others.length]!])),
    );
    copy = await createChart(listTags(3, 1)[0]!, [], [others[0]!]);
  });

  afterAll(async () => {
    client?.close();
    await node?.stop();
    removeDir(dataDir);
  });

  it('finds exactly its own charts among foreign ones, across a gap; a copied list tag is found but not opened', async () => {
    const opened: ListedChart[] = [];
    const { charts, next, requests } = await findOwnCharts(client, listTags, {
      parallel: 1,
      open: async (chart) => {
        const { value } = await client.getTransaction(chart.assetId);
        const ok = opensWith(me, (value as { metadata: unknown }).metadata);
        if (ok) opened.push(chart);
        return ok;
      },
    });
    expect(new Set(opened.map((c) => c.assetId))).toEqual(new Set(own.map((tx) => tx.id)));
    expect(opened.map((c) => [c.index, c.assetId])).toEqual([...ownCharts].sort((a, b) => a[0] - b[0]));
    const notOpened = charts.filter((c) => c.opened === false);
    expect(notOpened).toEqual([{ index: 3, tag: listTags(3, 1)[0], assetId: copy.id, opened: false }]);
    expect(charts).toHaveLength(own.length + 1);
    expect(next).toBe(111);
    expect((await findOwnCharts(client, listTags)).gaps).toEqual([57]);
    // Indexes 0–99, 100–199 (hits), 200–299 (none): one request each.
    expect(requests).toBe(3);

    // Without the reader's hook, everything found is returned unjudged.
    const unjudged = await findOwnCharts(client, listTags);
    expect(unjudged.charts.every((c) => c.opened === null)).toBe(true);
    expect(unjudged.charts).toHaveLength(own.length + 1);
    // From the kept next index, nothing new: one round, no hit.
    expect((await findOwnCharts(client, listTags, { from: 111 })).charts).toEqual([]);
  });

  it('intro windows find shared-in charts, across a gap in a window, and a gap longer than the window by the next scan', async () => {
    const [w1, w2, w3, w4, w5, w6] = others as [BoxPair, BoxPair, BoxPair, BoxPair, BoxPair, BoxPair];
    const share = async (writer: BoxPair, i: number, reader: BoxPair = me) =>
      (await createChart(hex16(), [introFrom(writer, reader, i)], [reader])).id;
    const ids = new Map<string, string>();
    const shareAll = async (list: [BoxPair, number][]) =>
      inFours(list, async ([w, i]) => ids.set(`${b58(w)}#${i}`, await share(w, i)));
    // w1: 0, 1, 2. w2: 0 and 2 (1 still in an outbox). w3: 0 and 6 (1–5 stuck: longer than the window).
    // w5: 0–5 (beyond one window). w4 shares nothing with me but with w6; w6 with w1.
    await shareAll([
      [w1, 0],
      [w1, 1],
      [w1, 2],
      [w2, 0],
      [w2, 2],
      [w3, 0],
      [w3, 6],
      ...[0, 1, 2, 3, 4, 5].map((i): [BoxPair, number] => [w5, i]),
    ]);
    await share(w4, 0, w6);
    await share(w6, 0, w1);

    const pairs = others.map(introPair);
    const counters = new Map<string, PairCounters>();
    const cold = await scanIntroWindows(client, pairs, counters);
    const key = (w: BoxPair, i: number) => `${b58(w)}#${i}`;
    const foundKeys = (scan: typeof cold) => scan.found.map((f) => `${f.writer}#${f.counter}`).sort();
    expect(foundKeys(cold)).toEqual(
      [
        key(w1, 0),
        key(w1, 1),
        key(w1, 2),
        key(w2, 0),
        key(w2, 2),
        key(w3, 0),
        ...[0, 1, 2, 3, 4, 5].map((i) => key(w5, i)),
      ].sort(),
    );
    for (const f of cold.found) expect(f.hit.id).toBe(ids.get(`${f.writer}#${f.counter}`));
    expect(counters.get(b58(w2))).toEqual({ next: 3, gaps: [1] });
    expect(counters.get(b58(w3))).toEqual({ next: 1, gaps: [] });
    expect(counters.get(b58(w5))).toEqual({ next: 6, gaps: [] });
    expect(counters.get(b58(w4))).toEqual({ next: 0, gaps: [] });

    // The stuck versions commit, and w1 shares once more: the next scan, from the kept counters, finds exactly those.
    await shareAll([[w2, 1], ...[1, 2, 3, 4, 5].map((i): [BoxPair, number] => [w3, i]), [w1, 3]]);
    const again = await scanIntroWindows(client, pairs, counters);
    expect(foundKeys(again)).toEqual([key(w2, 1), ...[1, 2, 3, 4, 5, 6].map((i) => key(w3, i)), key(w1, 3)].sort());
    expect(counters.get(b58(w2))).toEqual({ next: 3, gaps: [] });
    expect(counters.get(b58(w3))).toEqual({ next: 7, gaps: [] });
    expect(counters.get(b58(w1))).toEqual({ next: 4, gaps: [] });
    // Nothing new: a scan finds nothing and moves no counter.
    expect((await scanIntroWindows(client, pairs, counters)).found).toEqual([]);
  });

  it('catching up finds exactly the changed charts, and follows a chart that moved twice', async () => {
    const heads = (txs: Transaction[]): KnownHead[] =>
      txs.map((tx) => ({ chartId: tx.id, seq: 0, secret: secretOf.get(tx.id)! }));
    const known = heads(own);
    // Foreign charts move too (their versions carry tags of their own); five of mine change, one of them twice.
    await inFours(foreign.slice(0, 20), (tx) => nextVersion(tx, [hex16(), hex16()], [others[0]!]));
    const changed = [own[5]!, own[17]!, own[42]!, own[90]!, own[108]!];
    const firstMoves = new Map<string, Transaction>();
    await inFours(changed, async (tx) => firstMoves.set(tx.id, await follow(tx, [me])));
    const second = await follow(firstMoves.get(own[42]!.id)!, [me]);

    const found = await findNextVersions(client, known);
    expect(new Map(found.map((f) => [f.chartId, f.hits.map((h) => h.id)]))).toEqual(
      new Map(changed.map((tx) => [tx.id, [firstMoves.get(tx.id)!.id]])),
    );
    expect(found.every((f) => f.seq === 1)).toBe(true);

    // The reader's step (opening the found version gives its secret; here the test's record of it).
    const moved = await followHeads(client, known, async (next) => {
      const hit = next.hits[0]!;
      return { chartId: next.chartId, seq: seqOf.get(hit.id)!, secret: secretOf.get(hit.id)! };
    });
    expect(new Map([...moved].map(([chart, head]) => [chart, head.seq]))).toEqual(
      new Map(changed.map((tx) => [tx.id, tx === own[42] ? 2 : 1])),
    );
    expect(moved.get(own[42]!.id)!.secret).toBe(secretOf.get(second.id));
  });

  it('the kiosk finds the card’s chart by its card tag, the first to carry it, checked against the card’s chart tag', async () => {
    const patient = nacl.box.keyPair();
    const tag = cardTagNative(patient.secretKey);
    const chart = await createChart(hex16(), [tag], [me, patient]);
    const later = await follow(chart, [me, patient]);
    // A forger copies the card tag into a chart of its own, later on the ledger.
    const forged = await createChart(hex16(), [tag], [others[1]!]);

    const found = await findCardChart(client, pureCryptoProvider, { cardTag: tag, chartTag: chartTagOf(chart.id) });
    expect(found.problem).toBeNull();
    expect(found.chartId).toBe(chart.id);
    expect((found.transactions ?? []).map((tx) => (tx as { id: string }).id)).toEqual([chart.id, later.id]);

    const wrongCard = await findCardChart(client, pureCryptoProvider, {
      cardTag: tag,
      chartTag: chartTagOf(forged.id),
    });
    expect(wrongCard).toMatchObject({
      chartId: null,
      absent: false,
      problem: expect.stringMatching(/not the one it names/),
    });
    const unknown = await findCardChart(client, pureCryptoProvider, {
      cardTag: hex16(),
      chartTag: chartTagOf(chart.id),
    });
    expect(unknown).toMatchObject({ chartId: null, absent: true, problem: expect.stringMatching(/No record/) });
  });

  it('cold discovery, its state sealed on disk, then a catch-up from that state finds exactly what is new', async () => {
    const keys: DiscoveryKeys = { listTags, pairs: others.map(introPair) };
    const holder = new SeedKeyHolder(randomBytes(32));
    const stateDir = tempDir('discovery-state');
    try {
      const state = await loadState(stateDir, holder);
      const cold = await discoverCold(client, keys, state);
      expect(new Set(cold.own.map((c) => c.assetId))).toEqual(new Set([...own.map((tx) => tx.id), copy.id]));
      // The shares of the intro test: 3 + 3 + 7 + 6 + w1's fourth.
      expect(cold.introduced).toHaveLength(20);
      expect(state.listNext).toBe(111);
      expect(state.listGaps).toEqual([57]);
      await saveState(stateDir, holder, state);

      // Meanwhile: the create stuck at list index 57 commits, another workstation creates index 111, w1 shares
      // again, two of my charts change, foreign charts change and arrive.
      const [w1] = others as [BoxPair];
      const stuck = await createChart(listTags(57, 1)[0]!, [], [me]);
      const created = await createChart(listTags(111, 1)[0]!, [], [me]);
      const shared = await createChart(hex16(), [introFrom(w1, me, 4)], [me]);
      const heads: KnownHead[] = own.map((tx) => {
        const head = latest.get(tx.id)!;
        return { chartId: tx.id, seq: seqOf.get(head.id)!, secret: secretOf.get(head.id)! };
      });
      const changed = await Promise.all([own[1]!, own[42]!].map((tx) => follow(latest.get(tx.id)!, [me])));
      await inFours(foreign.slice(20, 40), (tx) => nextVersion(tx, [hex16()], [others[2]!]));
      await inFours(Array.from({ length: 12 }), () => createChart(hex16(), [hex16()], [others[3]!]));

      const kept = await loadState(stateDir, holder);
      expect(kept).toEqual(state);
      const lines = requestLines.length;
      const news = await catchUp(client, keys, kept, heads);
      expect(news.own.map((c) => [c.index, c.assetId])).toEqual([
        [57, stuck.id],
        [111, created.id],
      ]);
      expect(news.introduced.map((i) => [i.writer, i.counter, i.hit.id])).toEqual([[b58(w1), 4, shared.id]]);
      expect(new Map(news.next.map((n) => [n.chartId, n.hits.map((h) => h.id)]))).toEqual(
        new Map(changed.map((tx) => [assetOf(tx), [tx.id]])),
      );
      expect(kept.listNext).toBe(112);
      expect(kept.listGaps).toEqual([]);
      expect(kept.pairs.get(b58(w1))).toEqual({ next: 5, gaps: [] });
      // 110 version tags (2 requests); the list gap (1), the walk's batch from 111 (a hit) and the next (none);
      // the windows of 6 pairs (1) and w1's next window (1).
      expect(requestLines.length - lines).toBe(7);
    } finally {
      removeDir(stateDir);
    }
  });

  it('every search request line stayed within the limit, with up to 100 tags each', () => {
    expect(requestLines.length).toBeGreaterThan(10);
    for (const line of requestLines) expect(line.length).toBeLessThanOrEqual(MAX_REQUEST_LINE);
    const tagCounts = requestLines.map((line) => line.split('search=')[1]!.split(' ')[0]!.split('+').length);
    expect(Math.max(...tagCounts)).toBe(100);
  });
});
