// The search index's runs on a real lmdb store: postings stay exact while blocks arrive and runs merge, and what
// an interrupted merge leaves behind is removed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerStore } from './ledger-store';
import { TermIndex } from './term-index';
import { expectedPostings, seeded, syntheticTx } from './test-transactions';
import type { TxShape } from './tx-shape';

const entry = (tx: TxShape) => ({ tx, json: JSON.stringify(tx) });

function expectIndexesToMatch(store: LedgerStore, txs: readonly TxShape[], sample = 1): void {
  const expected = expectedPostings(txs);
  for (const kind of ['assets', 'metadata'] as const) {
    let i = 0;
    for (const [term, postings] of expected[kind]) {
      if (i++ % sample === 0) expect(store.termPostings(kind, term), `${kind} ${term}`).toEqual(postings);
    }
    for (const absent of ['nothing', 'runningx', '9hsr6s7wptxmtojgo6g'])
      expect(store.termPostings(kind, absent)).toEqual([]);
  }
}

/** Every chunk belongs to a stored run, and each run has all its chunks. */
function expectNoStrayChunks(dir: string): void {
  const root = open({ path: dir, maxDbs: 32 });
  try {
    for (const kind of ['assets', 'metadata']) {
      const runs = new Map<string, number>();
      const headers = root.openDB<{ chunks: number }, [number, number]>(`${kind}-runs`, {});
      for (const { key, value } of headers.getRange({})) runs.set(`${key[0]}:${key[1]}`, value.chunks);
      const seen = new Map<string, number>();
      for (const key of root
        .openDB<Uint8Array, [number, number, number]>(`${kind}-chunks`, { encoding: 'binary' })
        .getKeys({})) {
        const run = `${key[0]}:${key[1]}`;
        seen.set(run, (seen.get(run) ?? 0) + 1);
      }
      expect(seen).toEqual(runs);
    }
    expect([...root.openDB('index-merges', {}).getKeys({})]).toEqual([]);
  } finally {
    void root.close();
  }
}

describe('search index runs in the ledger store', () => {
  let dir: string;
  let store: LedgerStore | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'term-index-'));
  });

  afterEach(async () => {
    await store?.close();
    store = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'answers exactly while blocks arrive and runs merge, then merges them down to a few',
    { timeout: 60_000 },
    async () => {
      store = LedgerStore.open(dir);
      const random = seeded(7);
      const txs: TxShape[] = [];
      for (let block = 0; block < 300; block++) {
        const batch = Array.from({ length: 1 + Math.floor(random() * 6) }, () => syntheticTx(txs.length + 1, random));
        await store.writeBlock(batch.map(entry));
        txs.push(...batch);
        // Merges run between blocks: every answer must be whole whatever state they are in.
        if (block % 37 === 0) expectIndexesToMatch(store, txs, 7);
      }
      expectIndexesToMatch(store, txs, 3);
      await store.settleIndexes();
      const runs = store.indexRuns('metadata');
      expect(runs.length).toBeLessThan(16);
      expect(Math.max(...runs.map((run) => run.level))).toBeGreaterThanOrEqual(2);
      // Runs tile the seq range in order.
      runs.forEach((run, i) => expect(run.first).toBe(i === 0 ? 1 : (runs[i - 1]?.last ?? 0) + 1));
      expect(runs.at(-1)?.last).toBe(txs.length);
      expectIndexesToMatch(store, txs);

      await store.close();
      store = LedgerStore.open(dir);
      expectIndexesToMatch(store, txs, 5);
    },
  );

  it(
    'abandons a merge under way when closed, leaving no trace, and resumes merging when reopened',
    { timeout: 60_000 },
    async () => {
      store = LedgerStore.open(dir);
      const random = seeded(11);
      const txs: TxShape[] = [];
      // Large enough blocks that the merge of the eighth run takes several slices.
      for (let block = 0; block < 8; block++) {
        const batch = Array.from({ length: 600 }, () => syntheticTx(txs.length + 1, random));
        await store.writeBlock(batch.map(entry));
        txs.push(...batch);
      }
      await new Promise((resolve) => setImmediate(resolve));
      await store.close();
      store = undefined;
      expectNoStrayChunks(dir);

      store = LedgerStore.open(dir);
      expectIndexesToMatch(store, txs, 5);
      await store.settleIndexes();
      expect(store.indexRuns('metadata').map((run) => run.level)).toEqual([1]);
      expectIndexesToMatch(store, txs, 5);
    },
  );

  it('removes the output of a merge the process died in, on open', async () => {
    store = LedgerStore.open(dir);
    const random = seeded(3);
    const txs = Array.from({ length: 20 }, (_, i) => syntheticTx(i + 1, random));
    await store.writeBlock(txs.map(entry));
    await store.close();
    store = undefined;

    // What a crash mid-merge leaves: the merge's marker and some chunks of its output run, with no run header.
    const root = open({ path: dir, maxDbs: 32 });
    const chunks = root.openDB<Uint8Array, [number, number, number]>('metadata-chunks', { encoding: 'binary' });
    await root.batch(() => {
      void root.openDB('index-merges', {}).put(['metadata', 1, 1], true);
      for (let chunkNo = 0; chunkNo < 3; chunkNo++) void chunks.put([1, 1, chunkNo], new Uint8Array([1, 2, 3]));
    });
    await root.close();

    store = LedgerStore.open(dir);
    await store.close();
    store = undefined;
    expectNoStrayChunks(dir);
    store = LedgerStore.open(dir);
    expectIndexesToMatch(store, txs);
  });
});

describe('run filters', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'run-filter-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A TermIndex on its own lmdb root, with `runs` runs of random hex terms (as rendezvous tags) and shared words. */
  function openIndex() {
    const root = open({ path: dir, maxDbs: 32 });
    const index = new TermIndex(root, 'metadata', root.openDB('index-merges', {}));
    index.load();
    return { root, index };
  }

  async function writeRuns(index: TermIndex, root: ReturnType<typeof open>, runs: number, random: () => number) {
    const present: string[] = [];
    let seq = 0;
    for (let r = 0; r < runs; r++) {
      const byTerm = new Map<string, number[]>();
      const first = seq + 1;
      for (let doc = 0; doc < 40; doc++) {
        seq++;
        for (const term of [hex(random), hex(random), `word${Math.floor(random() * 30)}`]) {
          const pairs = byTerm.get(term) ?? [];
          if (pairs.at(-2) !== seq) pairs.push(seq, 1 + Math.floor(random() * 3));
          byTerm.set(term, pairs);
          present.push(term);
        }
      }
      const run = root.transactionSync(() =>
        index.addRun(byTerm, first, seq, 0, (db, key, value) => void db.putSync(key, value)),
      );
      if (run) index.committed(run);
      // Half the runs are left to merge, so that lookups meet runs of several levels.
      if (r % 2 === 0) await index.settle();
    }
    return present;
  }

  const hex = (random: () => number) =>
    Array.from({ length: 4 }, () =>
      Math.floor(random() * 2 ** 32)
        .toString(16)
        .padStart(8, '0'),
    ).join('');

  function answers(index: TermIndex, terms: readonly string[]) {
    return terms.map((term) => JSON.stringify(index.postings(term)));
  }

  it('answers byte for byte as without filters and marks, over present and absent terms on many runs, and after a restart', async () => {
    const random = seeded(5);
    let { root, index } = openIndex();
    const present = await writeRuns(index, root, 60, random);
    expect(index.storedRuns().length).toBeGreaterThan(8);
    const terms = [...present.filter((_, i) => i % 7 === 0), ...Array.from({ length: 2000 }, () => hex(random))];
    const withFilters = answers(index, terms);
    index.filtersEnabled = false;
    // Marks alone: every absent term then reaches a chunk, and its scan starts at a mark.
    const marksOnly = answers(index, terms);
    index.marksEnabled = false;
    const without = answers(index, terms);
    expect(withFilters).toEqual(without);
    expect(marksOnly).toEqual(without);
    expect(withFilters.filter((a) => a !== '[]').length).toBeGreaterThan(present.length / 7 - 1);

    // Filters are stored with the run headers and read back after a restart.
    await index.close();
    await root.close();
    ({ root, index } = openIndex());
    const headers = root.openDB<{ filter?: Uint8Array; marks?: Uint8Array }, [number, number]>('metadata-runs', {});
    for (const { value } of headers.getRange({})) {
      expect(value.filter?.length).toBeGreaterThan(8);
      expect(value.marks?.length).toBeGreaterThan(0);
    }
    expect(answers(index, terms)).toEqual(without);
    await index.close();
    await root.close();
  });

  it('rebuilds the filter of a run stored without one (an older store, nor marks), with the same answers', async () => {
    const random = seeded(9);
    let { root, index } = openIndex();
    const present = await writeRuns(index, root, 12, random);
    await index.settle();
    index.filtersEnabled = false;
    index.marksEnabled = false;
    const terms = [...present.filter((_, i) => i % 5 === 0), ...Array.from({ length: 500 }, () => hex(random))];
    const expected = answers(index, terms);
    await index.close();
    const headers = root.openDB<{ filter?: Uint8Array; marks?: Uint8Array }, [number, number]>('metadata-runs', {});
    await root.batch(() => {
      for (const { key, value } of headers.getRange({})) {
        const { filter: _filter, marks: _marks, ...old } = value;
        void headers.put(key, old);
      }
    });
    for (const { value } of headers.getRange({})) expect([value.filter, value.marks]).toEqual([undefined, undefined]);
    await root.close();

    ({ root, index } = openIndex());
    expect(answers(index, terms)).toEqual(expected);
    await index.close();
    await root.close();
  });
});
