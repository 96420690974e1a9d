// Merging runs of the search index (format in posting-runs.ts): a k-way merge by term, resumable, so that a large
// merge runs a slice at a time between requests.
import {
  RunBuilder,
  compareBytes,
  type EncodedRun,
  entryPostingStart,
  entryTermEnd,
  entryTermStart,
  readEntry,
} from './posting-runs';

/** Walks the entries of one run, chunk by chunk, for a merge. */
class EntryCursor {
  bytes: Uint8Array = new Uint8Array(0);
  private chunkNo = -1;
  private at = 0;
  entryStart = 0;
  termStart = 0;
  termEnd = 0;
  postingStart = 0;
  postingEnd = 0;

  constructor(
    private readonly chunkCount: number,
    private readonly readChunk: (chunkNo: number) => Uint8Array,
  ) {}

  /** The term's first byte, or -1 for the empty term (which sorts first). */
  firstByte(): number {
    return this.termStart < this.termEnd ? (this.bytes[this.termStart] as number) : -1;
  }

  /** Moves to the next entry; false once the run is exhausted. */
  next(): boolean {
    while (this.at >= this.bytes.length) {
      if (this.chunkNo + 1 >= this.chunkCount) return false;
      this.chunkNo += 1;
      this.bytes = this.readChunk(this.chunkNo);
      this.at = 0;
    }
    this.entryStart = this.at;
    this.postingEnd = readEntry(this.bytes, this.at);
    this.termStart = entryTermStart;
    this.termEnd = entryTermEnd;
    this.postingStart = entryPostingStart;
    this.at = this.postingEnd;
    return true;
  }
}

export interface MergeInput {
  readonly chunkCount: number;
  /** How many terms the run holds (or an upper bound), when known: sizes the output's filter up front. */
  readonly terms?: number;
  readonly readChunk: (chunkNo: number) => Uint8Array;
}

/**
 * Merges runs covering consecutive seq ranges (given oldest first) into one, a bounded number of entries at a
 * time so that a large merge never holds the event loop for long. A term found in several runs gets their
 * postings concatenated in run order, which keeps them in ascending seq.
 */
export class RunMerger {
  private readonly cursors: EntryCursor[] = [];
  private live: EntryCursor[] = [];
  private readonly builder: RunBuilder;
  private readonly same: EntryCursor[] = [];
  private started = false;

  constructor(inputs: readonly MergeInput[]) {
    const known = inputs.every((input) => input.terms !== undefined);
    // Terms shared by several inputs are counted once per input: an upper bound, a slightly larger filter.
    this.builder = new RunBuilder(known ? inputs.reduce((n, input) => n + (input.terms as number), 0) : undefined);
    for (const input of inputs) this.cursors.push(new EntryCursor(input.chunkCount, input.readChunk));
  }

  /** Merges up to `maxEntries` output entries; true once every input is consumed. */
  step(maxEntries: number): boolean {
    if (!this.started) {
      this.started = true;
      this.live = this.cursors.filter((cursor) => cursor.next());
    }
    const { live, same, builder } = this;
    for (let done = 0; done < maxEntries && live.length > 0; done++) {
      // The smallest term among the inputs' current entries, and every input (in run order) that has it.
      let min = live[0] as EntryCursor;
      let minFirst = min.firstByte();
      let sameCount = 1;
      same[0] = min;
      for (let i = 1; i < live.length; i++) {
        const cursor = live[i] as EntryCursor;
        // Random tokens mostly differ in their first byte: compare that before calling the full comparison.
        const first = cursor.firstByte();
        const order =
          first !== minFirst
            ? first - minFirst
            : compareBytes(cursor.bytes, cursor.termStart, cursor.termEnd, min.bytes, min.termStart, min.termEnd);
        if (order < 0) {
          min = cursor;
          minFirst = first;
          sameCount = 1;
          same[0] = cursor;
        } else if (order === 0) {
          same[sameCount++] = cursor;
        }
      }
      if (sameCount === 1) {
        // Most terms (random tokens) are in one run only: their entry is copied as it is.
        builder.copyEntry(min.bytes, min.entryStart, min.postingEnd, min.termStart, min.termEnd);
      } else {
        let postingBytes = 0;
        for (let i = 0; i < sameCount; i++)
          postingBytes += (same[i] as EntryCursor).postingEnd - (same[i] as EntryCursor).postingStart;
        builder.entry(min.bytes, min.termStart, min.termEnd, postingBytes);
        for (let i = 0; i < sameCount; i++) {
          const cursor = same[i] as EntryCursor;
          builder.postings(cursor.bytes, cursor.postingStart, cursor.postingEnd);
        }
        builder.endEntry();
      }
      for (let i = 0; i < sameCount; i++) {
        const cursor = same[i] as EntryCursor;
        if (!cursor.next()) live.splice(live.indexOf(cursor), 1);
      }
    }
    return live.length === 0;
  }

  takeChunks(): Uint8Array[] {
    return this.builder.takeChunks();
  }

  finish(): EncodedRun {
    return this.builder.finish();
  }
}
