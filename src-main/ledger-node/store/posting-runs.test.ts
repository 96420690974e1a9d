import { describe, expect, it } from 'vitest';
import {
  CHUNK_BYTES,
  ChunkMarks,
  Fences,
  MARK_EVERY,
  chunkPostings,
  decodeChunk,
  encodeRun,
  termBytes,
  type EncodedRun,
  type Posting,
} from './posting-runs';
import { RunMerger } from './run-merger';

/** Looks a term up in an encoded run as the index does: the fences pick the one chunk that may hold it. */
function lookup(run: { chunks: Uint8Array[]; fences: Uint8Array }, term: string): Posting[] {
  const bytes = termBytes(term);
  const chunkNo = new Fences(run.fences).chunkFor(bytes);
  const found: Posting[] = [];
  if (chunkNo >= 0) chunkPostings(run.chunks[chunkNo] as Uint8Array, bytes, found);
  return found;
}

/** The same lookup, starting the chunk's scan at the mark the binary search picks. */
function lookupFromMark(run: EncodedRun, term: string): Posting[] {
  const bytes = termBytes(term);
  const chunkNo = new Fences(run.fences).chunkFor(bytes);
  const found: Posting[] = [];
  if (chunkNo < 0) return found;
  const chunk = run.chunks[chunkNo] as Uint8Array;
  chunkPostings(chunk, bytes, found, new ChunkMarks(run.marks, run.chunks.length).startFor(chunk, chunkNo, bytes));
  return found;
}

/** encodeRun's input: flat (seq, score) pairs per term. */
function flat(byTerm: Map<string, Posting[]>): Map<string, number[]> {
  return new Map([...byTerm].map(([term, postings]) => [term, postings.flatMap((p) => [p.seq, p.score])]));
}

function allPostings(run: { chunks: Uint8Array[] }): Map<string, Posting[]> {
  const out = new Map<string, Posting[]>();
  for (const chunk of run.chunks) for (const [term, postings] of decodeChunk(chunk)) out.set(term, postings);
  return out;
}

// Terms in every byte-order trap: prefixes, non-ASCII, a lone surrogate next to its U+FFFD look-alike, and
// characters on both sides of the surrogate range (UTF-16 and UTF-8 orders differ there).
const TRICKY = ['a', 'ab', 'abc', 'b', 'é', 'z', '\uffff', '😀', 'x\ud800', 'x\ufffd', 'x\ud800\udc00', '\u0000', ''];

describe('search index runs', () => {
  it('finds every term of a multi-chunk run with its exact postings, and nothing for absent terms', () => {
    const byTerm = new Map<string, Posting[]>();
    for (let i = 0; i < 3000; i++)
      byTerm.set(`t${(i * 7919) % 3000}x${'q'.repeat(i % 50)}`, [{ seq: i + 1, score: 0.5 + 1 / (i + 3) }]);
    for (const [i, term] of TRICKY.entries()) byTerm.set(term, [{ seq: 5000 + i, score: i + 1 }]);
    // One term in every document: its entry exceeds a chunk and gets a chunk of its own.
    byTerm.set(
      'common',
      Array.from({ length: 2000 }, (_, i) => ({ seq: i + 1, score: i % 3 === 0 ? 1 : 2 / 3 })),
    );
    const run = encodeRun(flat(byTerm));

    expect(run.chunks.length).toBeGreaterThan(10);
    expect(run.chunks.every((chunk) => chunk.length <= CHUNK_BYTES || decodeChunk(chunk).size === 1)).toBe(true);
    for (const [term, postings] of byTerm) expect(lookup(run, term)).toEqual(postings);
    for (const absent of ['t', 'zz', 'x\udbff', '0', 'commo', 'commons', '\u0001'])
      expect(lookup(run, absent)).toEqual([]);
  });

  it('keeps float weights exact and large seqs intact', () => {
    const postings = [
      { seq: 1, score: 0.1 + 0.2 },
      { seq: 2 ** 31 + 5, score: 255 },
      { seq: 2 ** 40, score: 256 },
      { seq: Number.MAX_SAFE_INTEGER, score: 1e-300 },
    ];
    expect(lookup(encodeRun(flat(new Map([['w', postings]]))), 'w')).toEqual(postings);
  });

  it('merges runs into the run of their union, concatenating a shared term in run order, a slice at a time', () => {
    const runs = [0, 1, 2].map((r) => {
      const byTerm = new Map<string, Posting[]>();
      for (let i = 0; i < 1500; i++) {
        const seq = r * 10_000 + i + 1;
        byTerm.set(`r${r}-${i}`, [{ seq, score: 1 }]);
        byTerm.set(`shared${i % 40}`, [...(byTerm.get(`shared${i % 40}`) ?? []), { seq, score: 0.75 }]);
      }
      for (const [i, term] of TRICKY.entries())
        if (i % 3 === r) byTerm.set(term, [{ seq: r * 10_000 + 9000 + i, score: 3 }]);
      return { byTerm, encoded: encodeRun(flat(byTerm)) };
    });
    const merger = new RunMerger(
      runs.map(({ encoded }) => ({
        chunkCount: encoded.chunks.length,
        readChunk: (n: number) => encoded.chunks[n] as Uint8Array,
      })),
    );
    const chunks: Uint8Array[] = [];
    let steps = 0;
    while (!merger.step(100)) {
      chunks.push(...merger.takeChunks());
      steps++;
    }
    const rest = merger.finish();
    const merged = { chunks: [...chunks, ...rest.chunks], fences: rest.fences };
    expect(steps).toBeGreaterThan(10);

    const expected = new Map<string, Posting[]>();
    for (const { byTerm } of runs)
      for (const [term, postings] of byTerm) expected.set(term, [...(expected.get(term) ?? []), ...postings]);
    expect(allPostings(merged)).toEqual(expected);
    for (const [term, postings] of expected) expect(lookup(merged, term)).toEqual(postings);
    expect(new Fences(merged.fences).count).toBe(merged.chunks.length);
  });
});

describe('chunk marks', () => {
  it('a scan from the mark finds what a scan from the chunk start finds, for every term and for absent ones', () => {
    const byTerm = new Map<string, Posting[]>();
    for (let i = 0; i < 4000; i++) byTerm.set(`m${(i * 7919) % 4000}${'z'.repeat(i % 7)}`, [{ seq: i + 1, score: 1 }]);
    for (const [i, term] of TRICKY.entries()) byTerm.set(term, [{ seq: 9000 + i, score: i + 1 }]);
    byTerm.set(
      'common',
      Array.from({ length: 3000 }, (_, i) => ({ seq: i + 1, score: 2 })),
    );
    const run = encodeRun(flat(byTerm));
    expect(run.chunks.length).toBeGreaterThan(5);
    const marks = new ChunkMarks(run.marks, run.chunks.length);
    // Marks cut the scans: a chunk of ~200 entries has a dozen marks; the first entry is never one.
    const starts = [...byTerm.keys()].map((term) => {
      const bytes = termBytes(term);
      const chunkNo = new Fences(run.fences).chunkFor(bytes);
      return marks.startFor(run.chunks[chunkNo] as Uint8Array, chunkNo, bytes);
    });
    expect(starts.filter((s) => s > 0).length).toBeGreaterThan(byTerm.size * (1 - 2 / MARK_EVERY));
    for (const [term, postings] of byTerm) expect(lookupFromMark(run, term), term).toEqual(postings);
    for (const absent of ['m', 'm1zzzzzzzz', 'zz', 'commom', 'x\ud801', '\uffff\uffff', 'n'])
      expect(lookupFromMark(run, absent), absent).toEqual(lookup(run, absent));
  });

  it('a merged run has marks that agree with its chunks', () => {
    const runs = [0, 1, 2].map((r) => {
      const byTerm = new Map<string, Posting[]>();
      for (let i = 0; i < 1500; i++) byTerm.set(`k${(i * 31 + r) % 3000}`, [{ seq: r * 10_000 + i + 1, score: 1 }]);
      return { byTerm, run: encodeRun(flat(byTerm)) };
    });
    const merger = new RunMerger(
      runs.map(({ run }) => ({ chunkCount: run.chunks.length, readChunk: (i: number) => run.chunks[i] as Uint8Array })),
    );
    while (!merger.step(500));
    const merged = merger.finish();
    const expected = new Map<string, Posting[]>();
    for (const { byTerm } of runs)
      for (const [term, postings] of byTerm) expected.set(term, [...(expected.get(term) ?? []), ...postings]);
    for (const [term, postings] of expected) expect(lookupFromMark(merged, term), term).toEqual(postings);
  });
});
