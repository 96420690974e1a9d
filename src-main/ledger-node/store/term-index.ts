// One inverted index of the text search (assets or metadata), stored as runs: a log-structured layout.
//
// Why: charts carry ~60 random base64 tokens each. One lmdb key per (term, transaction) puts every new posting at
// a random place in a large B-tree, so each one dirtied and rewrote a 4 KB page: ~230 KB of page writes and over
// 1 ms of CPU (mostly on lmdb's write thread) per chart. Here a block's postings are written as one new run (a few sequential chunks, in the block's own
// transaction, so a crash still leaves the whole block or none). Runs are merged in the background, FAN_IN runs of
// one level into one of the next, a slice at a time between requests; a merge commits atomically (new run in,
// old runs out) and a crashed merge leaves only unreferenced chunks, removed on the next open. A lookup reads one
// chunk per run whose Bloom filter may hold the term (run-filter.ts), and scans it from the chunk mark the binary
// search picks (posting-runs.ts); there are at most about FAN_IN runs per level, and levels grow logarithmically.
//
// Runs cover disjoint, consecutive seq ranges, so a term's postings, read run after run, come in ascending seq, as
// the search expects. Invariant kept by merging only the oldest FAN_IN runs of a level: levels never increase
// from older runs to newer ones, so the runs of one level are always contiguous.
import type { Database, Key, RootDatabase } from 'lmdb';
import {
  ChunkMarks,
  Fences,
  chunkPostings,
  encodeRun,
  entryTermEnd,
  entryTermStart,
  readEntry,
  termBytes,
  type Posting,
} from './posting-runs';
import { RunFilterBuilder, filterTerms, hash1, hash2, hashTerm, mightContain } from './run-filter';
import { RunMerger } from './run-merger';

export type IndexKind = 'assets' | 'metadata';
export type Put = (db: Database<unknown, Key>, key: Key, value: unknown) => void;

type RunKey = [first: number, level: number];
type ChunkKey = [first: number, level: number, chunkNo: number];
type MergeKey = [kind: IndexKind, first: number, level: number];

interface RunHeader {
  /** Last seq covered (the first is in the key). */
  readonly last: number;
  readonly chunks: number;
  readonly fences: Uint8Array;
  /** Bloom filter of the run's terms (run-filter.ts); absent in runs written before it existed. */
  readonly filter?: Uint8Array;
  /** Entry offsets inside the chunks (posting-runs.ts); absent in runs written before: their chunks are scanned whole. */
  readonly marks?: Uint8Array;
}

/** What a lookup needs of a run besides its chunks, decoded once (runs are immutable). */
interface RunLookup {
  readonly fences: Fences;
  readonly filter: Uint8Array;
  readonly marks: ChunkMarks | null;
}

/** A run as the merge scheduler sees it, in the order of queued writes (committed or not). */
interface RunInfo {
  readonly first: number;
  readonly level: number;
  readonly last: number;
  readonly chunks: number;
  committed: boolean;
  merging: boolean;
}

const FAN_IN = 8;
// Entries merged per slice (~2–5 ms of CPU) before the event loop gets a turn.
const SLICE_ENTRIES = 10_000;

const runId = (first: number, level: number) => `${first}:${level}`;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class TermIndex {
  private readonly runsDb: Database<RunHeader, RunKey>;
  private readonly chunksDb: Database<Uint8Array, ChunkKey>;
  // Runs are immutable once written, so their decoded fences and filters can be kept until the run is merged away.
  private readonly lookupCache = new Map<string, RunLookup>();
  /** Whether lookups consult the runs' filters and chunk marks (always, but for the tests comparing answers without). */
  filtersEnabled = true;
  marksEnabled = true;
  private readonly runs: RunInfo[] = [];
  private readonly mergingLevels = new Set<number>();
  private readonly merges = new Set<Promise<void>>();
  private failure: Error | null = null;
  private closing = false;

  constructor(
    private readonly root: RootDatabase,
    private readonly kind: IndexKind,
    private readonly mergesDb: Database<true, MergeKey>,
  ) {
    this.runsDb = root.openDB(`${kind}-runs`, {});
    this.chunksDb = root.openDB(`${kind}-chunks`, { encoding: 'binary' });
  }

  /** Removes what crashed merges left and loads the run list; call once, after the store is upgraded. */
  load(): void {
    const crashed = [...this.mergesDb.getKeys({ start: [this.kind], end: [this.kind, Number.MAX_SAFE_INTEGER] })];
    if (crashed.length > 0) {
      this.root.transactionSync(() => {
        for (const key of crashed) {
          const [, first, level] = key;
          for (const chunk of this.chunksDb.getKeys({
            start: [first, level, 0],
            end: [first, level, Number.MAX_SAFE_INTEGER],
          })) {
            this.chunksDb.removeSync(chunk);
          }
          this.mergesDb.removeSync(key);
        }
      });
    }
    this.runs.length = 0;
    for (const { key, value } of this.runsDb.getRange({})) {
      this.runs.push({
        first: key[0],
        level: key[1],
        last: value.last,
        chunks: value.chunks,
        committed: true,
        merging: false,
      });
    }
    this.scheduleMerges();
  }

  /** Empties the index (before a rebuild). */
  clearSync(): void {
    this.runsDb.clearSync();
    this.chunksDb.clearSync();
    this.lookupCache.clear();
    this.runs.length = 0;
  }

  /**
   * Adds the postings (flat seq, weight pairs per term) of seqs first..last as a new run of `level` through `put`
   * (the caller's transaction).
   * Returns the run, to be passed to `committed` once that transaction is.
   */
  addRun(
    byTerm: ReadonlyMap<string, readonly number[]>,
    first: number,
    last: number,
    level: number,
    put: Put,
  ): RunInfo | undefined {
    if (this.failure) throw this.failure;
    if (byTerm.size === 0) return undefined;
    const { chunks, fences, filter, marks } = encodeRun(byTerm);
    chunks.forEach((chunk, chunkNo) => put(this.chunksDb as never, [first, level, chunkNo], chunk));
    put(this.runsDb as never, [first, level], {
      last,
      chunks: chunks.length,
      fences,
      filter,
      marks,
    } satisfies RunHeader);
    const run: RunInfo = { first, level, last, chunks: chunks.length, committed: false, merging: false };
    this.runs.push(run);
    return run;
  }

  /** The run's transaction is committed: it may now be read by merges. */
  committed(run: RunInfo): void {
    run.committed = true;
    this.scheduleMerges();
  }

  /** Postings of a term (already analysed and cut to the key length), in ascending seq. */
  postings(term: string): Posting[] {
    const bytes = termBytes(term);
    hashTerm(bytes, 0, bytes.length);
    const h1 = hash1;
    const h2 = hash2;
    const found: Posting[] = [];
    // The run list and the chunks are read in the same synchronous stretch, hence from the same lmdb snapshot.
    for (const [first, level] of this.runsDb.getKeys({})) {
      const run = this.lookupOf(first, level);
      if (!run) continue;
      if (this.filtersEnabled && !mightContain(run.filter, h1, h2)) continue;
      const chunkNo = run.fences.chunkFor(bytes);
      if (chunkNo < 0) continue;
      // lmdb-js's shared read buffer, with `length` set to the chunk's size (chunkPostings reads only below it).
      const chunk = this.chunksDb.getBinaryFast([first, level, chunkNo]);
      if (!chunk) continue;
      const from = this.marksEnabled ? (run.marks?.startFor(chunk, chunkNo, bytes) ?? 0) : 0;
      chunkPostings(chunk, bytes, found, from);
    }
    return found;
  }

  /** Runs as stored (tests and diagnostics). */
  storedRuns(): { first: number; level: number; last: number; chunks: number }[] {
    return [...this.runsDb.getRange({})].map(({ key, value }) => ({
      first: key[0],
      level: key[1],
      last: value.last,
      chunks: value.chunks,
    }));
  }

  /** Resolves once no merge is running or due (tests, and a clean close). */
  async settle(): Promise<void> {
    await this.mergesDone();
    if (this.failure) throw this.failure;
  }

  /** Stops merging: a merge under way is abandoned and its partial output removed. A failed merge is not reported. */
  async close(): Promise<void> {
    this.closing = true;
    await this.mergesDone();
  }

  /** Resolves once no merge is running (each one that ends may have scheduled the next). */
  private async mergesDone(): Promise<void> {
    while (this.merges.size > 0) await Promise.allSettled([...this.merges]);
  }

  private lookupOf(first: number, level: number): RunLookup | undefined {
    const id = runId(first, level);
    let run = this.lookupCache.get(id);
    if (!run) {
      const header = this.runsDb.get([first, level]);
      if (!header) return undefined;
      run = {
        fences: new Fences(header.fences),
        filter: header.filter ?? this.rebuildFilter(first, level, header.chunks),
        marks: header.marks ? new ChunkMarks(header.marks, header.chunks) : null,
      };
      this.lookupCache.set(id, run);
    }
    return run;
  }

  /** The term count the run's stored filter was sized for (≥ its terms); undefined for a run stored without one. */
  private storedFilterTerms(first: number, level: number): number | undefined {
    const filter = this.runsDb.get([first, level])?.filter;
    return filter ? filterTerms(filter) : undefined;
  }

  /**
   * The filter of a run stored before filters existed, made from its chunks once per process (kept in memory only:
   * the run may be merged away concurrently, and its merged successor is written with a filter).
   */
  private rebuildFilter(first: number, level: number, chunks: number): Uint8Array {
    const builder = new RunFilterBuilder();
    for (let chunkNo = 0; chunkNo < chunks; chunkNo++) {
      const chunk = this.chunksDb.getBinary([first, level, chunkNo]);
      if (!chunk) return new Uint8Array(1); // no probes: "maybe" for every term, the lookup reads as before
      for (let at = 0; at < chunk.length;) {
        at = readEntry(chunk, at);
        builder.add(chunk, entryTermStart, entryTermEnd);
      }
    }
    return builder.finish();
  }

  private scheduleMerges(): void {
    if (this.closing || this.failure) return;
    const ready = new Map<number, RunInfo[]>();
    for (const run of this.runs) {
      if (!run.committed || run.merging || this.mergingLevels.has(run.level)) continue;
      const list = ready.get(run.level) ?? [];
      list.push(run);
      ready.set(run.level, list);
    }
    for (const [level, list] of ready) {
      if (list.length >= FAN_IN) this.startMerge(level, list.slice(0, FAN_IN));
    }
  }

  private startMerge(level: number, inputs: RunInfo[]): void {
    for (const run of inputs) run.merging = true;
    this.mergingLevels.add(level);
    const merge: Promise<void> = this.merge(level, inputs)
      .catch((error: unknown) => {
        this.failure ??= new Error(
          `search index merge failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      })
      .finally(() => {
        this.mergingLevels.delete(level);
        this.merges.delete(merge);
        this.scheduleMerges();
      });
    this.merges.add(merge);
  }

  private async merge(level: number, inputs: RunInfo[]): Promise<void> {
    const first = (inputs[0] as RunInfo).first;
    const outLevel = level + 1;
    const marker: MergeKey = [this.kind, first, outLevel];
    // Recorded before any chunk of the output, so that a crash mid-merge leaves a trace to clean up by.
    void this.mergesDb.put(marker, true);
    const merger = new RunMerger(
      inputs.map((run) => ({
        chunkCount: run.chunks,
        terms: this.storedFilterTerms(run.first, run.level),
        readChunk: (chunkNo: number) => {
          const chunk = this.chunksDb.getBinary([run.first, run.level, chunkNo]);
          if (!chunk)
            throw new Error(`chunk ${chunkNo} of run ${runId(run.first, run.level)} (${this.kind}) is missing`);
          return chunk;
        },
      })),
    );
    let written = 0;
    for (let done = false; !done;) {
      await nextTurn();
      if (this.closing) {
        await this.root.batch(() => {
          for (let chunkNo = 0; chunkNo < written; chunkNo++) void this.chunksDb.remove([first, outLevel, chunkNo]);
          void this.mergesDb.remove(marker);
        });
        for (const run of inputs) run.merging = false;
        return;
      }
      done = merger.step(SLICE_ENTRIES);
      let put: Promise<boolean> | undefined;
      for (const chunk of merger.takeChunks()) put = this.chunksDb.put([first, outLevel, written++], chunk);
      // Waiting for the slice's writes bounds the memory a large merge holds, and surfaces write errors.
      if (put) await put;
    }
    const { chunks, fences, filter, marks } = merger.finish();
    const total = written + chunks.length;
    const last = (inputs[inputs.length - 1] as RunInfo).last;
    const output: RunInfo = { first, level: outLevel, last, chunks: total, committed: false, merging: false };
    this.runs.splice(this.runs.indexOf(inputs[0] as RunInfo), inputs.length, output);
    await this.root.batch(() => {
      chunks.forEach((chunk, i) => void this.chunksDb.put([first, outLevel, written + i], chunk));
      void this.runsDb.put([first, outLevel], { last, chunks: total, fences, filter, marks } satisfies RunHeader);
      for (const run of inputs) {
        void this.runsDb.remove([run.first, run.level]);
        for (let chunkNo = 0; chunkNo < run.chunks; chunkNo++)
          void this.chunksDb.remove([run.first, run.level, chunkNo]);
      }
      void this.mergesDb.remove(marker);
    });
    for (const run of inputs) this.lookupCache.delete(runId(run.first, run.level));
    output.committed = true;
  }
}
