// Answers a `$search` string from the inverted index: ORed terms scored by weight, then phrase and negation
// filters; best score first, ties in commit order (docs/PROTOCOL.md §6).
import type { SearchHit } from '../store/ledger-store';
import { containsPhrase, parseTextQuery } from './text-search';

export type SearchKind = 'assets' | 'metadata';

export interface SearchSource {
  /** Postings of an analysed term, in commit (seq) order. */
  termPostings(kind: SearchKind, term: string): SearchHit[];
  /** The search document (`{data, id}` or `{id, metadata}`) of the transaction with this seq, for phrase checks. */
  searchDocument(kind: SearchKind, seq: number): unknown;
}

/** Seqs of the matching documents, best first; `limit` 0 means no limit. */
export function runSearch(source: SearchSource, kind: SearchKind, search: string, limit: number): number[] {
  const query = parseTextQuery(search);
  const found = new Map<number, { seq: number; score: number }>();
  for (const term of query.terms) {
    for (const hit of source.termPostings(kind, term)) {
      const known = found.get(hit.seq);
      if (known) known.score += hit.score;
      else found.set(hit.seq, { seq: hit.seq, score: hit.score });
    }
  }
  for (const term of query.negated) {
    for (const hit of source.termPostings(kind, term)) found.delete(hit.seq);
  }
  let hits = [...found.values()];
  if (query.phrases.length > 0) {
    hits = hits.filter((hit) => {
      const doc = source.searchDocument(kind, hit.seq);
      return query.phrases.every((phrase) => containsPhrase(doc, phrase));
    });
  }
  hits.sort((a, b) => b.score - a.score || a.seq - b.seq);
  const seqs = hits.map((hit) => hit.seq);
  return limit > 0 ? seqs.slice(0, limit) : seqs;
}
