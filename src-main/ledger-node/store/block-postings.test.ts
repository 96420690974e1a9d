// The direct path of BlockPostings (terms summed straight into the block's postings) against the way commit
// 7580935 made them, kept as an oracle: import-shaped (envelope v1) and v3-shaped transactions, the store tests'
// synthetic ones, and documents whose terms share an index form (cut at 200 characters, surrogates), which take the
// general path. Postings are compared as the index stores them: term by term, the exact (seq, weight) pairs.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OracleBlockPostings } from '../../../test/fixtures/index-oracle/block-postings-7580935';
import { prng } from '../../../test/fixtures/prng';
import { BlockPostings } from './block-postings';
import { encodeRun } from './posting-runs';
import { seeded, syntheticTx } from './test-transactions';
import type { TxShape } from './tx-shape';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function drawn(random: () => number, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

/** A transaction shaped as the CLI's import writes it: envelope v1 (clear readers) or v3 (tags and sealed slots). */
function chartTx(n: number, random: () => number): TxShape {
  const id = createHash('sha256').update(`chart ${n}`).digest('hex');
  const create = n % 4 !== 3;
  const box = drawn(random, BASE64, 400 + Math.floor(random() * 2000)) + '==';
  const metadata =
    n % 2 === 0
      ? {
          type: 'hc.chart.version/1',
          action: create ? 'create' : 'update',
          seq: 1 + (n % 3),
          at: `2026-12-05T17:02:${String(n % 60).padStart(2, '0')}.295Z`,
          author: drawn(random, BASE58, 44),
          readers: [{ key: drawn(random, BASE58, 44), wrap: drawn(random, BASE64, 152) }],
          nonce: drawn(random, BASE64, 32),
          box,
        }
      : {
          type: 'hc.chart.version/3',
          tags: Array.from({ length: 8 }, () => drawn(random, '0123456789abcdef', 32)),
          slots: drawn(random, BASE64, 3000 + Math.floor(random() * 3000)),
          box,
        };
  return {
    id,
    operation: create ? 'CREATE' : 'TRANSFER',
    asset: create ? { data: { type: 'hc.chart/1', chart: drawn(random, '0123456789abcdef', 32) } } : { id },
    metadata,
    inputs: [{ fulfills: null }],
    outputs: [],
  };
}

/** Documents whose terms are cut or hold surrogates: two raw terms may then share one index form. */
function edgeTx(n: number, random: () => number): TxShape {
  const long = drawn(random, 'abcdefghij', 230);
  const cut = long.slice(0, 200);
  const surrogate = `${'y'.repeat(70)}😀${'z'.repeat(140)}`;
  const strings = [
    [long, cut],
    [cut, long],
    [`${long} ${long} word`, `${cut} ${cut} ${cut}`],
    [surrogate, surrogate.slice(0, 199), `${surrogate.slice(0, 199)}\ud800`],
    ['Running dogs', 'x'.repeat(64) + '😀'],
  ][n % 5] as string[];
  return {
    id: createHash('sha256').update(`edge ${n}`).digest('hex'),
    operation: 'CREATE',
    asset: { data: { strings, n } },
    metadata: { strings: [...strings].reverse(), note: 'Running the café' },
    inputs: [{ fulfills: null }],
    outputs: [],
  };
}

function compareBlocks(blocks: TxShape[][]): number {
  let terms = 0;
  let seq = 0;
  for (const block of blocks) {
    const direct = new BlockPostings();
    const oracle = new OracleBlockPostings();
    for (const tx of block) {
      seq += 1;
      direct.add(tx, seq);
      oracle.add(tx, seq);
    }
    for (const kind of ['assets', 'metadata'] as const) {
      const sorted = (map: Map<string, number[]>) => [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      expect(sorted(direct[kind])).toEqual(sorted(oracle[kind]));
      terms += direct[kind].size;
      // And the runs written from them, byte for byte.
      if (direct[kind].size > 0) expect(encodeRun(direct[kind])).toEqual(encodeRun(oracle[kind]));
    }
  }
  return terms;
}

describe('BlockPostings against the 7580935 oracle', () => {
  it('gives the same postings and runs for import-shaped v1 and v3 transactions, in blocks of 1 to 40', () => {
    const random = prng(16);
    const blocks: TxShape[][] = [];
    for (let n = 0; n < 600;) {
      const size = 1 + Math.floor(random() * 40);
      blocks.push(Array.from({ length: size }, (_, i) => chartTx(n + i, random)));
      n += size;
    }
    expect(compareBlocks(blocks)).toBeGreaterThan(50_000);
  });

  it('gives the same postings for the store tests’ synthetic transactions (long, accented, emoji, raw-language)', () => {
    const random = seeded(7);
    const txs = Array.from({ length: 400 }, (_, n) => syntheticTx(n, random));
    expect(compareBlocks([txs.slice(0, 1), txs.slice(1, 90), txs.slice(90)])).toBeGreaterThan(1000);
  });

  it('gives the same postings when terms share an index form, in either order (the general path)', () => {
    const random = prng(15);
    const txs = Array.from({ length: 40 }, (_, n) => (n % 3 === 0 ? chartTx(n, random) : edgeTx(n, random)));
    compareBlocks([txs.slice(0, 13), txs.slice(13)]);
    // The later raw term's weight wins for a shared form (summing would give 3 + 5/3 in both): "long long word"
    // then "cut cut cut" in the asset, the reverse order in the metadata.
    const postings = new BlockPostings();
    const tx = edgeTx(2, prng(1));
    postings.add(tx, 1);
    const form = ((tx.asset.data as { strings: string[] }).strings[1] as string).slice(0, 200);
    expect(postings.assets.get(form)).toEqual([1, 3]);
    expect(postings.metadata.get(form)).toEqual([1, 2 * (0.5 * (2 / 3) + 0.5)]);
  });
});
