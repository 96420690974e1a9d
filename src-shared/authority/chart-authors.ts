// Whether each version of one chart was written by a practitioner credentialed at that version's ledger position
// (docs/AUTHORITY.md §"Chart verification"), asking the node for as few block heights as it can: heights along one
// chart never decrease (each version spends the one before, which must be committed first), so when every author's
// credential counts throughout [h(CREATE), h(head)] the two ends decide every version. Only a range where some
// author's credential does not is split in two (its middle version's height asked), down to single versions.
import type { CredentialStatus, StatusAnswer } from './registry';

/** What a chart check needs of the registry (CredentialRegistryView has it). */
export interface AuthorRegistry {
  statusAt(signKey: string, height: number): StatusAnswer;
  validThroughout(signKey: string, from: number, to: number): boolean;
}

/**
 * A version's author at its ledger position: a credential status, or `unplaced` when the node puts the version in no
 * block or out of the chain's order (then no position can be trusted for it).
 */
export interface AuthorAtHeight {
  status: CredentialStatus | 'unplaced';
  /** The version's height when it was asked for (the ends of a range always are); null when not needed or unplaced. */
  height: number | null;
  /** The practitioner's name on the credential the answer is about. */
  name?: string;
}

/**
 * `authors[i]` signed version i + 1 (oldest first); `heightOf(i)` asks for that version's block height (null: in no
 * block). Returns one answer per version.
 */
export async function authorsAtHeights(
  authors: readonly string[],
  heightOf: (index: number) => Promise<number | null>,
  registry: AuthorRegistry,
): Promise<AuthorAtHeight[]> {
  const results: AuthorAtHeight[] = authors.map(() => ({ status: 'unknown', height: null }));
  if (authors.length === 0) return results;
  const heights = new Map<number, Promise<number | null>>();
  const at = (i: number) => {
    let h = heights.get(i);
    if (!h) heights.set(i, (h = heightOf(i)));
    return h;
  };
  const judge = (i: number, height: number) => {
    const answer = registry.statusAt(authors[i]!, height);
    results[i] = { status: answer.status, height, ...(answer.name ? { name: answer.name } : {}) };
  };

  /** Versions lo..hi, whose end heights are known and in order. */
  async function settle(lo: number, hi: number, hLo: number, hHi: number): Promise<void> {
    const span = [...new Set(authors.slice(lo, hi + 1))];
    if (span.every((a) => registry.validThroughout(a, hLo, hHi))) {
      for (let i = lo; i <= hi; i++) results[i] = { status: 'valid', height: i === lo ? hLo : i === hi ? hHi : null };
      return;
    }
    if (hLo === hHi) {
      for (let i = lo; i <= hi; i++) judge(i, hLo);
      return;
    }
    if (hi - lo <= 1) {
      judge(lo, hLo);
      judge(hi, hHi);
      return;
    }
    const mid = (lo + hi) >> 1;
    const hMid = await at(mid);
    if (hMid === null || hMid < hLo || hMid > hHi) {
      // A node that puts a version in no block, or between heights its neighbours cannot have: nothing in this
      // range gets a position from it, so each version is judged on its own.
      await each(lo, hi);
      return;
    }
    await Promise.all([settle(lo, mid, hLo, hMid), settle(mid, hi, hMid, hHi)]);
  }

  /** Every version of lo..hi by its own height, in chain order: a height below the one before is out of order. */
  async function each(lo: number, hi: number): Promise<void> {
    const found = await Promise.all(authors.slice(lo, hi + 1).map((_, k) => at(lo + k)));
    let floor = lo > 0 ? ((await at(lo - 1)) ?? 0) : 0;
    found.forEach((h, k) => {
      if (h === null || h < floor) results[lo + k] = { status: 'unplaced', height: null };
      else {
        judge(lo + k, h);
        floor = h;
      }
    });
  }

  const last = authors.length - 1;
  const [first, head] = await Promise.all([at(0), at(last)]);
  if (first === null || head === null || head < first) await each(0, last);
  else await settle(0, last, first, head);
  return results;
}
