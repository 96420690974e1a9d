// A Bloom filter of one run's terms, stored with the run's header (term-index.ts). Why: a lookup otherwise reads
// one chunk of every run and scans it, ~tens of µs a run, and envelope v3's discovery asks mostly for terms that
// are nowhere (rendezvous tags of pairs without news, docs/UNLINKABLE.md §4): with the filter such a term costs a
// few bit tests a run. It only skips runs: a "maybe" still reads the chunk, so answers are exactly the same.
//
//   filter := byte k, then the bit array (bit b is byte 1 + (b >> 3), bit b & 7); m = 8 · (length − 1) bits
//   bit i of a term (i < k) = (h1 + i·h2) mod m, h1 and h2 two 32-bit hashes of the term's bytes (`hashTerm`)
//
// 10 bits and 7 probes a term: ~0.8 % false "maybe"s.
const BITS_PER_TERM = 10;
const PROBES = 7;
const MIN_BITS = 64;

// hashTerm leaves the two hashes here (no tuple to allocate per term).
export let hash1 = 0;
export let hash2 = 0;

/** Two independent 32-bit hashes of bytes[start, end): FNV-1a and a multiply–xorshift, each finalised (murmur3's fmix). */
export function hashTerm(bytes: Uint8Array, start: number, end: number): void {
  let a = 0x811c9dc5;
  let b = 0x9747b28c ^ (end - start);
  for (let i = start; i < end; i++) {
    const byte = bytes[i] as number;
    a = Math.imul(a ^ byte, 0x01000193);
    b = Math.imul(b ^ byte, 0x5bd1e995);
    b ^= b >>> 15;
  }
  hash1 = fmix(a) >>> 0;
  // Odd, so that the k probes of a term are distinct whenever m is a power of two, and never all equal.
  hash2 = (fmix(b) | 1) >>> 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The filter's size for `terms` terms, in bytes (with its probe count byte). */
export function filterBytes(terms: number): number {
  return 1 + Math.max(MIN_BITS, Math.ceil((terms * BITS_PER_TERM) / 8) * 8) / 8;
}

/** The number of terms a filter was sized for (what a merge of runs sizes its output's filter by). */
export function filterTerms(filter: Uint8Array): number {
  return Math.floor(((filter.length - 1) * 8) / BITS_PER_TERM);
}

/**
 * Makes a run's filter while the run is written. Sized in advance when the caller knows (an upper bound of) the
 * number of terms: bits are then set as terms come, in a fixed buffer. Otherwise the terms' hashes are kept (8 bytes a
 * term) and the filter is sized at the end.
 */
export class RunFilterBuilder {
  private hashes = new Uint32Array(0);
  private count = 0;
  private readonly filter: Uint8Array | null;

  constructor(expectedTerms?: number) {
    this.filter = expectedTerms === undefined ? null : new Uint8Array(filterBytes(expectedTerms));
    if (this.filter) this.filter[0] = PROBES;
    else this.hashes = new Uint32Array(2048);
  }

  add(bytes: Uint8Array, start: number, end: number): void {
    hashTerm(bytes, start, end);
    if (this.filter) {
      setBits(this.filter, hash1, hash2);
      return;
    }
    if (this.count * 2 === this.hashes.length) {
      const grown = new Uint32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.count * 2] = hash1;
    this.hashes[this.count * 2 + 1] = hash2;
    this.count++;
  }

  finish(): Uint8Array {
    if (this.filter) return this.filter;
    const filter = new Uint8Array(filterBytes(this.count));
    filter[0] = PROBES;
    for (let t = 0; t < this.count; t++)
      setBits(filter, this.hashes[t * 2] as number, this.hashes[t * 2 + 1] as number);
    this.count = 0;
    this.hashes = new Uint32Array(0);
    return filter;
  }
}

// (h1 + i·h2) mod m, stepped as ((h1 mod m) + i·(h2 mod m)) mod m: the same bits, with one subtraction a probe
// instead of a floating-point remainder (h1 + i·h2 exceeds 32 bits).
function setBits(filter: Uint8Array, h1: number, h2: number): void {
  const bits = (filter.length - 1) * 8;
  const step = h2 % bits;
  let bit = h1 % bits;
  for (let i = 0; i < PROBES; i++) {
    filter[1 + (bit >>> 3)]! |= 1 << (bit & 7);
    bit += step;
    if (bit >= bits) bit -= bits;
  }
}

/**
 * False only if the term whose hashes (from `hashTerm`) are h1, h2 is certainly not in the run. A filter of an
 * unknown shape (no probes, no bits) answers "maybe": the run is then searched as without a filter.
 */
export function mightContain(filter: Uint8Array, h1: number, h2: number): boolean {
  const probes = filter[0] as number;
  const bits = (filter.length - 1) * 8;
  if (probes === 0 || bits === 0) return true;
  const step = h2 % bits;
  let bit = h1 % bits;
  for (let i = 0; i < probes; i++) {
    if (((filter[1 + (bit >>> 3)] as number) & (1 << (bit & 7))) === 0) return false;
    bit += step;
    if (bit >= bits) bit -= bits;
  }
  return true;
}
