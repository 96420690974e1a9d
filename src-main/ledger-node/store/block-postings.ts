// What the search indexes hold for a batch of transactions: per index, each term with the (seq, weight) of every
// document containing it. The reference's `assets` documents are `{data, id}` (CREATEs only), its `metadata`
// documents `{id, metadata}` (every transaction), docs/PROTOCOL.md §6.
import { indexDocument } from '../search/text-search';
import type { IndexKind } from './term-index';
import type { TxShape } from './tx-shape';

// lmdb keys are limited to ~2 KB, so the first store format cut longer terms; every format keeps the cut
// (identically at index and query time) so that searches keep finding the same documents.
const MAX_TERM_LENGTH = 200;
// Validation refuses lone surrogates, but the cut can split a surrogate pair. The first format's key encoder
// (ordered-binary) wrote terms of 64 or more UTF-16 units as plain UTF-8, where a lone surrogate becomes U+FFFD,
// so such terms matched each other there; they are made equal the same way here.
const LONG_KEY = 64;
const SURROGATE = /[\ud800-\udfff]/;

/** The form of a term that the index stores and looks up. */
export function indexTerm(term: string): string {
  const cut = term.length > MAX_TERM_LENGTH ? term.slice(0, MAX_TERM_LENGTH) : term;
  return cut.length >= LONG_KEY && SURROGATE.test(cut) ? Buffer.from(cut, 'utf8').toString('utf8') : cut;
}

/**
 * The search document of a transaction (assets: CREATEs only, the caller's check), as indexed and as phrase
 * checks read it; its key order is the reference's, and sets the order in which its strings are analysed.
 */
export function searchDocumentOf(
  kind: IndexKind,
  tx: TxShape,
): { data: unknown; id: string } | { id: string; metadata: unknown } {
  return kind === 'assets' ? { data: tx.asset.data ?? null, id: tx.id } : { id: tx.id, metadata: tx.metadata ?? null };
}

// Postings are kept as flat (seq, weight) pairs: a block holds tens of thousands of them.
function addDocument(into: Map<string, number[]>, weights: Map<string, number>, seq: number): void {
  let terms: Iterable<[string, number]> = weights;
  for (const term of weights.keys()) {
    if (term.length >= LONG_KEY && indexTerm(term) !== term) {
      // Two terms of one document may share their index form; the later one's weight wins, as it did when each
      // (term, document) was one lmdb key.
      terms = new Map([...weights].map(([t, weight]) => [indexTerm(t), weight]));
      break;
    }
  }
  for (const [term, weight] of terms) {
    const postings = into.get(term);
    if (postings) postings.push(seq, weight);
    else into.set(term, [seq, weight]);
  }
}

export class BlockPostings {
  readonly assets = new Map<string, number[]>();
  readonly metadata = new Map<string, number[]>();

  /** Transactions must be added in ascending seq. */
  add(tx: TxShape, seq: number): void {
    if (tx.operation === 'CREATE') addDocument(this.assets, indexDocument(searchDocumentOf('assets', tx)), seq);
    addDocument(this.metadata, indexDocument(searchDocumentOf('metadata', tx)), seq);
  }
}
