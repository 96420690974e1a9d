// (b) Charts shared with this doctor or moved to it by custody (docs/UNLINKABLE.md §4): the i-th time writer W adds
// reader R to a chart, the version carries intro tag i of the pair key K(W→R). R searches, for every directory pair,
// a window of the next WINDOW counters; a pair with a hit goes on with the window after its highest hit, the others
// stop. What is kept per pair: the next counter (one past the highest found) and the gaps below it (counters not
// found while a higher one was: a version still in its writer's outbox), searched again by every later scan. A gap
// longer than the window ends the scan before the counters after it; they are found once the gap's versions commit.
import type { MetadataHit } from '../../ledger/node-client';
import { searchMetadataTags, type DiscoveryClient } from './tag-search';

export const WINDOW = 4;
/** Gaps kept per pair: a writer whose versions never arrive must not grow every later scan without bound. */
export const MAX_GAPS = 32;

export interface PairCounters {
  next: number;
  gaps: number[];
}

export interface IntroPair {
  /** The writer's directory box key (the state's key for this pair). */
  readonly writer: string;
  /** Intro tags from … from + count − 1 of K(writer→me) (introTagsNative). */
  readonly tags: (from: number, count: number) => string[];
}

export interface IntroHit {
  readonly writer: string;
  readonly counter: number;
  readonly tag: string;
  readonly hit: MetadataHit;
}

export interface IntroScan {
  readonly found: IntroHit[];
  readonly requests: number;
}

/**
 * Scans the pairs' windows from the counters in `counters` (updated in place; a pair without an entry starts at 0)
 * and returns every version found.
 */
export async function scanIntroWindows(
  client: DiscoveryClient,
  pairs: readonly IntroPair[],
  counters: Map<string, PairCounters>,
  window = WINDOW,
): Promise<IntroScan> {
  const found: IntroHit[] = [];
  let requests = 0;
  let active = pairs.map((pair) => ({ pair, from: counters.get(pair.writer)?.next ?? 0, withGaps: true }));
  while (active.length > 0) {
    // Each tag of this round: its pair, its counter, and whether it is a gap (below the pair's window).
    const wanted = new Map<string, { pair: IntroPair; counter: number }>();
    for (const { pair, from, withGaps } of active) {
      const gaps = withGaps ? (counters.get(pair.writer)?.gaps ?? []) : [];
      for (const gap of gaps) wanted.set(pair.tags(gap, 1)[0] as string, { pair, counter: gap });
      pair.tags(from, window).forEach((tag, k) => wanted.set(tag, { pair, counter: from + k }));
    }
    const tags = [...wanted.keys()];
    const hits = await searchMetadataTags(client, tags);
    requests += Math.ceil(tags.length / 100);
    const hitCounters = new Map<string, Set<number>>();
    for (const [tag, list] of hits) {
      const { pair, counter } = wanted.get(tag) as { pair: IntroPair; counter: number };
      for (const hit of list) found.push({ writer: pair.writer, counter, tag, hit });
      const set = hitCounters.get(pair.writer) ?? new Set<number>();
      set.add(counter);
      hitCounters.set(pair.writer, set);
    }
    const goOn: typeof active = [];
    for (const { pair, from } of active) {
      const state = counters.get(pair.writer) ?? { next: 0, gaps: [] };
      const seen = hitCounters.get(pair.writer) ?? new Set<number>();
      state.gaps = state.gaps.filter((gap) => !seen.has(gap));
      const inWindow = [...seen].filter((c) => c >= from);
      if (inWindow.length > 0) {
        const top = Math.max(...inWindow);
        for (let c = from; c < top; c++) if (!seen.has(c)) state.gaps.push(c);
        state.gaps = state.gaps.slice(-MAX_GAPS);
        state.next = top + 1;
        goOn.push({ pair, from: top + 1, withGaps: false });
      }
      counters.set(pair.writer, state);
    }
    active = goOn;
  }
  return { found, requests };
}
