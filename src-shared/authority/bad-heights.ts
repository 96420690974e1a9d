// Where a version by a given author would not count (docs/AUTHORITY.md §"The cold list: reading the bad blocks"):
// an author's credential status is piecewise constant in block height, changing only at the heights the registry
// names (changeHeights), so judging it once at the start of each piece gives every height range where it is not
// valid. Judged with the very statusAt that judges versions one by one, so the ranges cannot disagree with it.
import type { CredentialStatus } from './registry';

/** Block heights `from`..`to`, both included. */
export interface HeightRange {
  from: number;
  to: number;
}

/**
 * The ranges of heights 0..`tip` where `statusAt` is not 'valid', merged and in order. `changes`: the heights where
 * it can change (it must be constant from one to the next, and from 0 to the first).
 */
export function badRanges(
  statusAt: (height: number) => CredentialStatus,
  changes: readonly number[],
  tip: number,
): HeightRange[] {
  if (tip < 0) return [];
  const starts = [...new Set([0, ...changes.filter((h) => h > 0 && h <= tip)])].sort((a, b) => a - b);
  const ranges: HeightRange[] = [];
  starts.forEach((from, i) => {
    if (statusAt(from) === 'valid') return;
    const to = i + 1 < starts.length ? starts[i + 1]! - 1 : tip;
    const last = ranges.at(-1);
    if (last && last.to === from - 1) last.to = to;
    else ranges.push({ from, to });
  });
  return ranges;
}

/** How many heights the ranges cover. */
export function heightsIn(ranges: readonly HeightRange[]): number {
  return ranges.reduce((n, r) => n + r.to - r.from + 1, 0);
}
