// The byte format of the search index's runs (see term-index.ts for how runs are stored and merged).
//
// A run holds the postings of a range of transactions: its terms in ascending UTF-8 byte order, each with the
// (seq, weight) of every document containing it, in ascending seq. It is cut into chunks of about CHUNK_BYTES;
// the first term of each chunk is its fence, so a lookup reads the one chunk whose fence range holds the term.
//
//   entry   := varint(termBytes) term varint(postingBytes) posting*
//   posting := varint(seq) weight          weight := byte 1..255 (that integer) | byte 0, float64 LE
//
// Within a chunk, every MARK_EVERY-th entry's offset is a mark (kept in the run's header, not in the chunk): a lookup
// binary-searches the marks, then scans at most MARK_EVERY entries. Marks of the run, chunk after chunk:
//   marks   := (varint(count) varint(offset delta)*)*      offsets of entries MARK_EVERY, 2·MARK_EVERY, … of the chunk
//
// Seqs are absolute, so the postings of one term from consecutive runs concatenate byte for byte when merging.
import { ByteWriter } from './byte-writer';
import { RunFilterBuilder } from './run-filter';

export const CHUNK_BYTES = 8 * 1024;
export const MARK_EVERY = 16;

export interface Posting {
  readonly seq: number;
  readonly score: number;
}

export interface EncodedRun {
  readonly chunks: Uint8Array[];
  /** The first term of each chunk, as varint-length-prefixed bytes back to back (see `Fences`). */
  readonly fences: Uint8Array;
  /** A Bloom filter of the run's terms (run-filter.ts). */
  readonly filter: Uint8Array;
  /** Entry offsets inside each chunk (see the format above, and `ChunkMarks`). */
  readonly marks: Uint8Array;
}

const SURROGATE = /[\ud800-\udfff]/;

/**
 * A term's bytes: UTF-8, and a lone surrogate as its own 3-byte sequence (WTF-8) rather than U+FFFD, so that
 * distinct terms keep distinct bytes (the caller decides which terms count as equal, see `indexTerm`).
 */
export function termBytes(term: string): Uint8Array {
  if (!SURROGATE.test(term)) return Buffer.from(term, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < term.length; i++) {
    let code = term.charCodeAt(i);
    const next = term.charCodeAt(i + 1);
    if (code >= 0xd800 && code < 0xdc00 && next >= 0xdc00 && next < 0xe000) {
      code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
      i++;
      out.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    } else if (code < 0x80) out.push(code);
    else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
  }
  return Uint8Array.from(out);
}

// readVarint returns the value and leaves the offset just past it here (no tuple to allocate per read).
export let varintEnd = 0;

export function readVarint(bytes: Uint8Array, at: number): number {
  let byte = bytes[at] as number;
  if (byte < 0x80) {
    varintEnd = at + 1;
    return byte;
  }
  let value = byte & 0x7f;
  let scale = 0x80;
  let i = at + 1;
  for (;;) {
    byte = bytes[i++] as number;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      varintEnd = i;
      return value;
    }
    scale *= 0x80;
  }
}

// readEntry leaves the entry's term range and the start of its postings here (no tuple to allocate per entry).
export let entryTermStart = 0;
export let entryTermEnd = 0;
export let entryPostingStart = 0;

/** Reads the header of the entry at `at` (see the format above); returns the entry's end, where its postings end. */
export function readEntry(bytes: Uint8Array, at: number): number {
  const termLength = readVarint(bytes, at);
  entryTermStart = varintEnd;
  entryTermEnd = varintEnd + termLength;
  const postingLength = readVarint(bytes, entryTermEnd);
  entryPostingStart = varintEnd;
  return varintEnd + postingLength;
}

/** Byte order of a[aStart, aEnd) against b[bStart, bEnd) (as memcmp, a prefix first). */
export function compareBytes(
  a: Uint8Array,
  aStart: number,
  aEnd: number,
  b: Uint8Array,
  bStart: number,
  bEnd: number,
): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < n; i++) {
    const diff = (a[aStart + i] as number) - (b[bStart + i] as number);
    if (diff !== 0) return diff;
  }
  return aEnd - aStart - (bEnd - bStart);
}

/** Cuts a run into chunks while its entries are added in ascending term order. */
export class RunBuilder {
  private readonly chunk = new ByteWriter(CHUNK_BYTES + 1024);
  private readonly fenceBytes = new ByteWriter(256);
  private readonly chunks: Uint8Array[] = [];
  private readonly filter: RunFilterBuilder;
  private readonly marks = new ByteWriter(256);
  private readonly chunkMarks: number[] = [];
  private entriesInChunk = 0;

  /** `expectedTerms`: the run's term count or an upper bound, when known (sizes the filter up front). */
  constructor(expectedTerms?: number) {
    this.filter = new RunFilterBuilder(expectedTerms);
  }

  /**
   * Starts an entry: its term is term[termStart, termEnd) and `postingBytes` of postings follow through
   * `postings` calls.
   */
  entry(term: Uint8Array, termStart: number, termEnd: number, postingBytes: number): void {
    this.makeRoom(termEnd - termStart + postingBytes + 16, term, termStart, termEnd);
    this.mark();
    this.chunk.varint(termEnd - termStart);
    this.chunk.copy(term, termStart, termEnd);
    this.chunk.varint(postingBytes);
    this.chunk.reserve(postingBytes);
  }

  /** Adds an entry copied whole from another run: bytes[entryStart, entryEnd), its term at [termStart, termEnd). */
  copyEntry(bytes: Uint8Array, entryStart: number, entryEnd: number, termStart: number, termEnd: number): void {
    this.makeRoom(entryEnd - entryStart, bytes, termStart, termEnd);
    this.mark();
    this.chunk.copy(bytes, entryStart, entryEnd);
    this.endEntry();
  }

  postings(bytes: Uint8Array, start: number, end: number): void {
    this.chunk.copy(bytes, start, end);
  }

  /** Ends the entry started last. */
  endEntry(): void {
    if (this.chunk.length >= CHUNK_BYTES) this.endChunk();
  }

  /** Completed chunks not yet taken (for writing a large merge out as it goes). */
  takeChunks(): Uint8Array[] {
    return this.chunks.splice(0, this.chunks.length);
  }

  finish(): EncodedRun {
    if (this.chunk.length > 0) this.endChunk();
    return {
      chunks: this.takeChunks(),
      fences: this.fenceBytes.take(),
      filter: this.filter.finish(),
      marks: this.marks.take(),
    };
  }

  /** Before an entry is written into the current chunk: records its offset if it is a marked one. */
  private mark(): void {
    if (this.entriesInChunk > 0 && this.entriesInChunk % MARK_EVERY === 0) this.chunkMarks.push(this.chunk.length);
    this.entriesInChunk += 1;
  }

  /**
   * Before an entry of about `entryBytes` whose term is term[termStart, termEnd): ends the current chunk if the
   * entry would overflow it, and records the term as the fence of a chunk it starts. An entry larger than a chunk
   * thus starts a chunk, which `endEntry` ends after it: a term with very many postings gets a chunk of its own, so
   * that lookups of its neighbours stay small.
   */
  private makeRoom(entryBytes: number, term: Uint8Array, termStart: number, termEnd: number): void {
    this.filter.add(term, termStart, termEnd);
    if (this.chunk.length > 0 && this.chunk.length + entryBytes > CHUNK_BYTES) this.endChunk();
    if (this.chunk.length === 0) {
      this.fenceBytes.varint(termEnd - termStart);
      this.fenceBytes.copy(term, termStart, termEnd);
    }
  }

  private endChunk(): void {
    this.chunks.push(this.chunk.take());
    this.marks.varint(this.chunkMarks.length);
    let previous = 0;
    for (const offset of this.chunkMarks) {
      this.marks.varint(offset - previous);
      previous = offset;
    }
    this.chunkMarks.length = 0;
    this.entriesInChunk = 0;
  }
}

// Sorting a block's terms as strings costs ~0.7 µs a term; instead each term's first bytes and its index are packed
// into one float64 key, sorted natively, and only terms sharing those first bytes are then compared in full.
const PREFIX_BYTES = 3;
const INDEX_SCALE = 2 ** 28;

function sortedByBytes(bytes: Uint8Array, starts: Uint32Array, count: number): number[] {
  const compare = (a: number, b: number) =>
    compareBytes(
      bytes,
      starts[a] as number,
      starts[a + 1] as number,
      bytes,
      starts[b] as number,
      starts[b + 1] as number,
    );
  if (count >= INDEX_SCALE) return Array.from({ length: count }, (_, i) => i).sort(compare);
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const start = starts[i] as number;
    const end = starts[i + 1] as number;
    // Base 257: 0 marks the end of a term shorter than the prefix, so it sorts before any longer one.
    let prefix = 0;
    for (let k = 0; k < PREFIX_BYTES; k++)
      prefix = prefix * 257 + (start + k < end ? (bytes[start + k] as number) + 1 : 0);
    keys[i] = prefix * INDEX_SCALE + i;
  }
  keys.sort();
  const order = new Array<number>(count);
  for (let i = 0; i < count;) {
    const prefix = Math.floor((keys[i] as number) / INDEX_SCALE);
    let j = i + 1;
    while (j < count && Math.floor((keys[j] as number) / INDEX_SCALE) === prefix) j++;
    for (let k = i; k < j; k++) order[k] = (keys[k] as number) % INDEX_SCALE;
    if (j - i > 1) {
      const group = order.slice(i, j).sort(compare);
      for (let k = i; k < j; k++) order[k] = group[k - i] as number;
    }
    i = j;
  }
  return order;
}

/**
 * Encodes postings grouped by term (any order; distinct terms must have distinct bytes) as a run. Each term's
 * postings are flat (seq, score) pairs in ascending seq.
 */
export function encodeRun(byTerm: ReadonlyMap<string, readonly number[]>): EncodedRun {
  const count = byTerm.size;
  const terms = new ByteWriter(count * 48 + 16);
  const starts = new Uint32Array(count + 1);
  const pairsOf = new Array<readonly number[]>(count);
  let n = 0;
  for (const [term, pairs] of byTerm) {
    starts[n] = terms.length;
    if (terms.ascii(term)) {
      // most terms (base64 fragments, ids, English words): no surrogate to look for
    } else if (SURROGATE.test(term)) {
      const bytes = termBytes(term);
      terms.copy(bytes, 0, bytes.length);
    } else {
      terms.utf8(term);
    }
    pairsOf[n++] = pairs;
  }
  starts[n] = terms.length;
  const termData = terms.bytes;
  const builder = new RunBuilder(count);
  const postings = new ByteWriter(1024);
  for (const i of sortedByBytes(termData, starts, count)) {
    const pairs = pairsOf[i] as readonly number[];
    postings.length = 0;
    for (let k = 0; k < pairs.length; k += 2) {
      postings.varint(pairs[k] as number);
      postings.weight(pairs[k + 1] as number);
    }
    builder.entry(termData, starts[i] as number, starts[i + 1] as number, postings.length);
    builder.postings(postings.bytes, 0, postings.length);
    builder.endEntry();
  }
  return builder.finish();
}

/** The decoded fence list of a run: chunk i holds the terms from fence i up to (excluding) fence i + 1. */
export class Fences {
  private readonly starts: Uint32Array;
  private readonly ends: Uint32Array;

  constructor(private readonly bytes: Uint8Array) {
    // Counted first, then written into typed arrays of that size: a large run has ~200,000 fences, and growing JS
    // arrays then copying them is paid by the first search after a node start (issue #15's catch-up).
    let count = 0;
    for (let at = 0; at < bytes.length; count++) {
      const length = readVarint(bytes, at);
      at = varintEnd + length;
    }
    this.starts = new Uint32Array(count);
    this.ends = new Uint32Array(count);
    let at = 0;
    for (let i = 0; i < count; i++) {
      const length = readVarint(bytes, at);
      this.starts[i] = varintEnd;
      at = varintEnd + length;
      this.ends[i] = at;
    }
  }

  get count(): number {
    return this.starts.length;
  }

  /** The only chunk that may hold `term`, or -1 if the term sorts before the run's first term. */
  chunkFor(term: Uint8Array): number {
    let low = 0;
    let high = this.starts.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (compareBytes(this.bytes, this.starts[mid] as number, this.ends[mid] as number, term, 0, term.length) <= 0) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }
}

/** The decoded marks of a run: where in chunk i to start scanning for a term (see the format above). */
export class ChunkMarks {
  private readonly offsets: Uint32Array;
  /** offsets[first[i] .. first[i + 1]) are chunk i's marks. */
  private readonly first: Uint32Array;

  constructor(bytes: Uint8Array, chunkCount: number) {
    // Every varint ends in exactly one byte below 0x80, so their number bounds the marks': written straight into a
    // typed array (a large run has millions of marks; pushing them to a JS array and copying it took ~150 ms a run,
    // paid by the first search after a node start).
    let varints = 0;
    for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) < 0x80) varints++;
    const offsets = new Uint32Array(varints);
    const first = new Uint32Array(chunkCount + 1);
    let n = 0;
    let at = 0;
    for (let i = 0; i < chunkCount; i++) {
      first[i] = n;
      const count = at < bytes.length ? readVarint(bytes, at) : 0;
      at = at < bytes.length ? varintEnd : at;
      let offset = 0;
      for (let k = 0; k < count; k++) {
        // readVarint inlined: this loop runs millions of times, and the shared varintEnd costs a context write each.
        let byte = bytes[at++] as number;
        let delta = byte & 0x7f;
        for (let scale = 0x80; byte >= 0x80; scale *= 0x80) {
          byte = bytes[at++] as number;
          delta += (byte & 0x7f) * scale;
        }
        offset += delta;
        offsets[n++] = offset;
      }
    }
    first[chunkCount] = n;
    this.offsets = offsets.subarray(0, n);
    this.first = first;
  }

  /** The offset of the last marked entry of chunk `chunkNo` whose term sorts at or before `term` (0: the start). */
  startFor(chunk: Uint8Array, chunkNo: number, term: Uint8Array): number {
    let low = this.first[chunkNo] as number;
    let high = (this.first[chunkNo + 1] as number) - 1;
    let start = 0;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const offset = this.offsets[mid] as number;
      readEntry(chunk, offset);
      if (compareBytes(chunk, entryTermStart, entryTermEnd, term, 0, term.length) <= 0) {
        start = offset;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return start;
  }
}

/**
 * Visits a chunk's entries in order: each term's byte range and its postings' byte range. The visitor returns false
 * to stop.
 */
function forEachEntry(
  chunk: Uint8Array,
  visit: (termStart: number, termEnd: number, postingStart: number, postingEnd: number) => boolean,
  from = 0,
): void {
  let at = from;
  while (at < chunk.length) {
    at = readEntry(chunk, at);
    if (!visit(entryTermStart, entryTermEnd, entryPostingStart, at)) return;
  }
}

/**
 * Appends the postings of `term` found in `chunk` to `into`, scanning from the entry at `from` (an entry start whose
 * term sorts at or before `term`: 0, or what `ChunkMarks.startFor` gives).
 */
export function chunkPostings(chunk: Uint8Array, term: Uint8Array, into: Posting[], from = 0): void {
  forEachEntry(
    chunk,
    (termStart, termEnd, postingStart, postingEnd) => {
      const order = compareBytes(chunk, termStart, termEnd, term, 0, term.length);
      if (order === 0) decodePostings(chunk, postingStart, postingEnd, into);
      return order < 0;
    },
    from,
  );
}

function decodePostings(bytes: Uint8Array, start: number, end: number, into: Posting[]): void {
  let at = start;
  let view: DataView | undefined;
  while (at < end) {
    const seq = readVarint(bytes, at);
    const tag = bytes[varintEnd] as number;
    if (tag !== 0) {
      into.push({ seq, score: tag });
      at = varintEnd + 1;
    } else {
      view ??= new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      into.push({ seq, score: view.getFloat64(varintEnd + 1, true) });
      at = varintEnd + 9;
    }
  }
}

/** The inverse of `termBytes` (TextDecoder would turn an encoded lone surrogate into U+FFFD). */
function termText(bytes: Uint8Array, start: number, end: number): string {
  const units: number[] = [];
  for (let i = start; i < end;) {
    const byte = bytes[i] as number;
    const size = byte < 0x80 ? 1 : byte < 0xe0 ? 2 : byte < 0xf0 ? 3 : 4;
    let code = size === 1 ? byte : byte & (0xff >> (size + 1));
    for (let k = 1; k < size; k++) code = (code << 6) | ((bytes[i + k] as number) & 0x3f);
    if (code >= 0x10000) units.push(0xd800 + ((code - 0x10000) >> 10), 0xdc00 + ((code - 0x10000) & 0x3ff));
    else units.push(code);
    i += size;
  }
  return String.fromCharCode(...units);
}

/** Every posting of a chunk, by term (tests and format checks). */
export function decodeChunk(chunk: Uint8Array): Map<string, Posting[]> {
  const out = new Map<string, Posting[]>();
  forEachEntry(chunk, (termStart, termEnd, postingStart, postingEnd) => {
    const postings: Posting[] = [];
    decodePostings(chunk, postingStart, postingEnd, postings);
    out.set(termText(chunk, termStart, termEnd), postings);
    return true;
  });
  return out;
}
