// A data directory in the first store format (written here as that format's writeBlock wrote it) opens as
// format 2 with every search answering as it did, and keeps every transaction, block and output.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexDocument } from '../search/text-search';
import { LedgerStore, STORE_FORMAT } from './ledger-store';
import type { Posting } from './posting-runs';
import { expectedPostings, seeded, syntheticTx } from './test-transactions';
import { assetIdOf, outputOwners, type TxShape } from './tx-shape';

const MAX_SEQ = Number.MAX_SAFE_INTEGER;
const format1Term = (term: string) => (term.length > 200 ? term.slice(0, 200) : term);

/** Writes blocks as the format-1 store did: one lmdb key per (term, transaction) in asset-terms/metadata-terms. */
async function writeFormat1(dir: string, blocks: readonly (readonly TxShape[])[]): Promise<void> {
  const root = open({ path: dir, maxDbs: 16 });
  const db = (name: string, options = {}) => root.openDB<unknown, never>(name, options);
  const [txs, positions, spent, assetTxs, outputs, blockIds, assetTerms, metadataTerms, meta] = [
    db('txs', { encoding: 'string' }),
    db('positions'),
    db('spent'),
    db('asset-txs'),
    db('outputs'),
    db('blocks'),
    db('asset-terms'),
    db('metadata-terms'),
    db('meta'),
  ];
  const put = (table: typeof txs, key: unknown, value: unknown) => void table.put(key as never, value);
  let seq = 0;
  await root.batch(() => {
    put(meta, 'format', 1);
    put(meta, 'validator-key', randomBytes(32).toString('base64'));
    put(blockIds, 0, []);
    blocks.forEach((block, i) => {
      const height = i + 1;
      for (const tx of block) {
        seq += 1;
        put(txs, tx.id, JSON.stringify(tx));
        put(positions, tx.id, [height, seq]);
        put(assetTxs, [assetIdOf(tx), seq], tx.id);
        for (const input of tx.inputs)
          if (input.fulfills) put(spent, [input.fulfills.transaction_id, input.fulfills.output_index], tx.id);
        tx.outputs.forEach((output, index) => {
          for (const owner of outputOwners(output)) put(outputs, [owner, seq, index], tx.id);
        });
        const index = (table: typeof txs, doc: unknown) => {
          for (const [term, weight] of indexDocument(doc)) put(table, [format1Term(term), seq], [tx.id, weight]);
        };
        if (tx.operation === 'CREATE') index(assetTerms, { data: tx.asset.data ?? null, id: tx.id });
        index(metadataTerms, { id: tx.id, metadata: tx.metadata ?? null });
      }
      put(
        blockIds,
        height,
        block.map((tx) => tx.id),
      );
      put(meta, 'height', height);
      put(meta, 'seq', seq);
    });
  });
  await root.close();
}

/** The format-1 index's answer for a term, read the way that format's store read it. */
function format1Postings(dir: string, kind: 'assets' | 'metadata', terms: readonly string[]): Map<string, Posting[]> {
  const root = open({ path: dir, maxDbs: 16 });
  const db = root.openDB<[string, number], [string, number]>(kind === 'assets' ? 'asset-terms' : 'metadata-terms', {});
  const out = new Map<string, Posting[]>();
  for (const term of terms) {
    const t = format1Term(term);
    out.set(
      term,
      [...db.getRange({ start: [t, 0], end: [t, MAX_SEQ] })].map(({ key, value }) => ({
        seq: key[1],
        score: value[1],
      })),
    );
  }
  void root.close();
  return out;
}

function blocksOf(count: number, seed: number): TxShape[][] {
  const random = seeded(seed);
  const blocks: TxShape[][] = [];
  let n = 0;
  for (let b = 0; b < count; b++)
    blocks.push(Array.from({ length: 1 + Math.floor(random() * 8) }, () => syntheticTx(++n, random)));
  return blocks;
}

describe('opening a format-1 data directory', () => {
  let dir: string;
  let store: LedgerStore | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'format1-'));
  });

  afterEach(async () => {
    await store?.close();
    store = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('rebuilds the search index from the stored transactions, with the same answers, and keeps everything else', async () => {
    const blocks = blocksOf(60, 5);
    const txs = blocks.flat();
    await writeFormat1(dir, blocks);
    const expected = expectedPostings(txs);
    const before = {
      assets: format1Postings(dir, 'assets', [...expected.assets.keys()]),
      metadata: format1Postings(dir, 'metadata', [...expected.metadata.keys()]),
    };

    store = LedgerStore.open(dir);
    for (const kind of ['assets', 'metadata'] as const) {
      for (const [term, postings] of before[kind])
        expect(store.termPostings(kind, term), `${kind} ${term}`).toEqual(postings);
      expect(before[kind]).toEqual(expected[kind]);
    }
    expect(store.latestHeight).toBe(blocks.length);
    for (const tx of txs) expect(store.getJson(tx.id)).toBe(JSON.stringify(tx));
    expect(store.blockIds(7)).toEqual(blocks[6]?.map((tx) => tx.id));
    txs.forEach((tx, i) => expect(store?.idAt(i + 1)).toBe(tx.id));

    // It is a format-2 store now: the old tables are gone, new blocks are indexed, and it reopens as it is.
    const random = seeded(99);
    const more = Array.from({ length: 10 }, (_, i) => syntheticTx(txs.length + 1 + i, random));
    await store.writeBlock(more.map((tx) => ({ tx, json: JSON.stringify(tx) })));
    await store.close();
    store = undefined;
    const root = open({ path: dir, maxDbs: 32 });
    expect(root.openDB('meta', {}).get('format')).toBe(STORE_FORMAT);
    expect(root.openDB('metadata-terms', {}).getKeysCount()).toBe(0);
    await root.close();
    store = LedgerStore.open(dir);
    const all = expectedPostings([...txs, ...more]);
    for (const [term, postings] of all.metadata) expect(store.termPostings('metadata', term)).toEqual(postings);
  });

  it('starts the rebuild over when an earlier one was cut short', async () => {
    const blocks = blocksOf(20, 8);
    await writeFormat1(dir, blocks);
    // What a crash part-way through an upgrade leaves: format 1 still, some of the new tables already written.
    const root = open({ path: dir, maxDbs: 32 });
    await root.batch(() => {
      void root.openDB('seq-ids', { encoding: 'string' }).put(9999, 'not-an-id');
      void root.openDB('metadata-runs', {}).put([9000, 4], { last: 9001, chunks: 0, fences: new Uint8Array(0) });
    });
    await root.close();

    store = LedgerStore.open(dir);
    const txs = blocks.flat();
    expect(store.idAt(1)).toBe(txs[0]?.id);
    expect(store.idAt(9999)).toBeUndefined();
    expect(store.indexRuns('metadata')).toEqual([{ first: 1, level: 4, last: txs.length, chunks: expect.any(Number) }]);
    for (const [term, postings] of expectedPostings(txs).metadata)
      expect(store.termPostings('metadata', term)).toEqual(postings);
  });

  it(
    'stops at a block whose transaction is missing, keeping what it rebuilt, and continues from there',
    { timeout: 60_000 },
    async () => {
      const random = seeded(21);
      let n = 0;
      const blocks = Array.from({ length: 100 }, () => Array.from({ length: 50 }, () => syntheticTx(++n, random)));
      const missing = blocks[89]?.[3] as TxShape;
      await writeFormat1(dir, blocks);
      const raw = () => open({ path: dir, maxDbs: 32 });
      let root = raw();
      await root.openDB('txs', { encoding: 'string' }).remove(missing.id);
      await root.close();

      expect(() => LedgerStore.open(dir)).toThrow(`transaction ${missing.id} of block 90 is not stored`);
      root = raw();
      const meta = root.openDB('meta', {});
      expect(meta.get('format')).toBe(1);
      // The first group of 4,096 transactions ends with block 82, and is kept.
      expect(meta.get('upgrade-height')).toBe(82);
      await root.openDB('txs', { encoding: 'string' }).put(missing.id, JSON.stringify(missing));
      // A mark in the rebuilt part, which a rebuild from scratch would clear.
      await root.openDB('seq-ids', { encoding: 'string' }).put(99_999, 'kept');
      await root.close();

      store = LedgerStore.open(dir);
      expect(store.idAt(99_999)).toBe('kept');
      const txs = blocks.flat();
      expect(store.indexRuns('metadata').map(({ first, last }) => [first, last])).toEqual([
        [1, 4100],
        [4101, 5000],
      ]);
      const expected = expectedPostings(txs);
      for (const kind of ['assets', 'metadata'] as const) {
        for (const [term, postings] of expected[kind]) expect(store.termPostings(kind, term), term).toEqual(postings);
      }
    },
  );

  it('refuses a directory of an unknown format instead of reading it wrongly', async () => {
    const root = open({ path: dir, maxDbs: 32 });
    await root.openDB('meta', {}).put('format', 3);
    await root.close();
    expect(() => LedgerStore.open(dir)).toThrow(/has format 3; this node reads formats 1 and 2/);
  });
});
