// Synthetic transactions for the store's tests: the store indexes whatever the committer hands it (validation
// happens before), so these need only the fields it reads. Text is drawn from a fixed vocabulary with base64-like
// random tokens, as chart envelopes have, so that some terms are shared by many documents and most by one.
import { createHash } from 'node:crypto';
import { indexDocument } from '../search/text-search';
import { indexTerm } from './block-postings';
import type { Posting } from './posting-runs';
import type { TxShape } from './tx-shape';

const WORDS = [
  ...['Running', 'dogs', 'café', 'the', 'hc.chart/1', 'version', 'Straße', '😀smile'],
  ...['x'.repeat(230), 'shared-key-9hSR6S7WPtxmTojgo6GG'],
];

export function syntheticTx(n: number, random: () => number): TxShape {
  const token = () => createHash('sha256').update(`${n}:${random()}`).digest('base64');
  const words = Array.from({ length: 1 + Math.floor(random() * 4) }, () => WORDS[Math.floor(random() * WORDS.length)]);
  const id = createHash('sha256').update(`tx ${n}`).digest('hex');
  return {
    id,
    operation: n % 5 === 4 ? 'TRANSFER' : 'CREATE',
    asset:
      n % 5 === 4
        ? {
            id: createHash('sha256')
              .update(`tx ${n - 1}`)
              .digest('hex'),
          }
        : { data: { kind: words.join(' '), n } },
    metadata: {
      box: `${token()}+${token()}/${token()}`,
      note: words.join('-'),
      nested: [{ language: 'none', text: 'Running' }],
    },
    inputs: [{ fulfills: null }],
    outputs: [],
  };
}

/** A deterministic pseudo-random source. */
export function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** What each index must answer, computed the plain way: per term, the documents (by seq) and weights. */
export function expectedPostings(txs: readonly TxShape[]): Record<'assets' | 'metadata', Map<string, Posting[]>> {
  const out = { assets: new Map<string, Posting[]>(), metadata: new Map<string, Posting[]>() };
  txs.forEach((tx, i) => {
    const seq = i + 1;
    const docs: ['assets' | 'metadata', unknown][] = [['metadata', { id: tx.id, metadata: tx.metadata ?? null }]];
    if (tx.operation === 'CREATE') docs.unshift(['assets', { data: tx.asset.data ?? null, id: tx.id }]);
    for (const [kind, doc] of docs) {
      const own = new Map<string, number>();
      for (const [term, weight] of indexDocument(doc)) own.set(indexTerm(term), weight);
      for (const [term, weight] of own) out[kind].set(term, [...(out[kind].get(term) ?? []), { seq, score: weight }]);
    }
  });
  return out;
}
