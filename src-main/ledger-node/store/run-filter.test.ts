import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RunFilterBuilder, filterBytes, filterTerms, hash1, hash2, hashTerm, mightContain } from './run-filter';

function has(filter: Uint8Array, term: Uint8Array): boolean {
  hashTerm(term, 0, term.length);
  return mightContain(filter, hash1, hash2);
}

describe('run filter', () => {
  it('sets the bits of the stored format, (h1 + i·h2) mod m for each probe i, whatever the sizes and hashes', () => {
    for (const terms of [1, 7, 100, 1000, 12_345, 200_000]) {
      const builder = new RunFilterBuilder(terms);
      const expected = new Uint8Array(filterBytes(terms));
      expected[0] = 7;
      const bits = (expected.length - 1) * 8;
      for (let t = 0; t < Math.min(terms, 500); t++) {
        const term = randomBytes(1 + (t % 40));
        builder.add(term, 0, term.length);
        hashTerm(term, 0, term.length);
        // The format's definition, in floating point as the first version computed it.
        for (let i = 0; i < 7; i++) {
          const bit = (hash1 + i * hash2) % bits;
          expected[1 + (bit >>> 3)]! |= 1 << (bit & 7);
        }
      }
      const filter = builder.finish();
      expect(Buffer.from(filter).equals(Buffer.from(expected))).toBe(true);
      // And a lookup probes the same bits: a filter with any one of a term's bits cleared says "no" for it.
      const term = randomBytes(12);
      const one = new RunFilterBuilder(terms);
      one.add(term, 0, term.length);
      const full = one.finish();
      expect(has(full, term)).toBe(true);
      hashTerm(term, 0, term.length);
      for (let i = 0; i < 7; i++) {
        const cleared = Uint8Array.from(full);
        const bit = (hash1 + i * hash2) % bits;
        cleared[1 + (bit >>> 3)]! &= ~(1 << (bit & 7));
        expect(has(cleared, term)).toBe(false);
      }
    }
  });

  it('says "maybe" for every term of the run, and "no" for nearly all others (~1 % false maybes)', () => {
    const builder = new RunFilterBuilder();
    const terms = Array.from({ length: 20_000 }, () => randomBytes(1 + (randomBytes(1)[0]! % 40)));
    // Terms are added as slices of larger buffers, as the run builder does.
    for (const term of terms) {
      const padded = Buffer.concat([randomBytes(3), term, randomBytes(2)]);
      builder.add(padded, 3, 3 + term.length);
    }
    const filter = builder.finish();
    for (const term of terms) expect(has(filter, term)).toBe(true);
    let maybes = 0;
    const probes = 20_000;
    for (let i = 0; i < probes; i++) if (has(filter, Buffer.from(randomBytes(16).toString('hex')))) maybes++;
    expect(maybes / probes).toBeLessThan(0.02);
  });

  it('sized in advance (a merge knows an upper bound of its terms), it holds the same bits as sized at the end', () => {
    const terms = Array.from({ length: 5000 }, () => randomBytes(20));
    const late = new RunFilterBuilder();
    const early = new RunFilterBuilder(terms.length);
    const roomy = new RunFilterBuilder(3 * terms.length);
    for (const term of terms) for (const b of [late, early, roomy]) b.add(term, 0, term.length);
    expect(early.finish()).toEqual(late.finish());
    const big = roomy.finish();
    expect(big.length).toBe(filterBytes(3 * terms.length));
    for (const term of terms) expect(has(big, term)).toBe(true);
    // The size read back from a filter is never below the count it was made for.
    for (const n of [0, 1, 5, 6, 7, 1000, 123_457])
      expect(filterTerms(new Uint8Array(filterBytes(n)))).toBeGreaterThanOrEqual(n);
  });

  it('hashes bytes, not positions: the same term in two buffers has one hash, a one-byte change another', () => {
    hashTerm(Buffer.from('xxabc'), 2, 5);
    const [a1, a2] = [hash1, hash2];
    hashTerm(Buffer.from('abc'), 0, 3);
    expect([hash1, hash2]).toEqual([a1, a2]);
    hashTerm(Buffer.from('abd'), 0, 3);
    expect(hash1).not.toBe(a1);
    expect(hash2).not.toBe(a2);
  });

  it('an empty run gets a filter that refuses everything; a filter without probes answers "maybe"', () => {
    const empty = new RunFilterBuilder().finish();
    expect(has(empty, Buffer.from('anything'))).toBe(false);
    expect(has(new Uint8Array(1), Buffer.from('anything'))).toBe(true);
  });
});
