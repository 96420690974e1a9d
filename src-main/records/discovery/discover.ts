// The two discovery passes a workstation runs (docs/UNLINKABLE.md §4), over the parts in this folder:
//   cold     (sign-in without kept state): the list walk from index 0 and every pair's intro window from 0;
//   catch-up (kept state): the next version tag of every known head, the list walk from the kept next index (charts
//            this doctor created on another workstation) and the intro windows at the kept counters.
// Both update `state` (save it with saveState); neither fetches a foreign transaction, so a catch-up costs the same
// whatever else arrived on the ledger.
import type { DiscoveryState } from './discovery-state';
import { scanIntroWindows, type IntroHit, type IntroPair } from './intro-windows';
import { findNextVersions, followHeads, type KnownHead, type NextVersion } from './next-versions';
import { findOwnCharts, type ListTags, type ListedChart } from './own-charts';
import type { DiscoveryClient } from './tag-search';

export interface DiscoveryKeys {
  /** This doctor's list tags (listTagsNative with its list key). */
  readonly listTags: ListTags;
  /** K(W→me) for every directory box key W (the key holder derives them; no secret leaves it but these). */
  readonly pairs: readonly IntroPair[];
}

export interface DiscoveryHooks {
  /** The reader's check that a listed asset is this doctor's chart (false: a copied list tag). */
  readonly openListed?: (chart: ListedChart) => Promise<boolean>;
  /** The reader's step on a found next version: the new head, or null (catch-up then follows chains to their end). */
  readonly openNext?: (next: NextVersion) => Promise<KnownHead | null>;
}

export interface Discovered {
  readonly own: ListedChart[];
  readonly introduced: IntroHit[];
  /** Catch-up only: the versions after the known heads (one round without `openNext`). */
  readonly next: NextVersion[];
  /** Catch-up with `openNext`: each moved chart's new head. */
  readonly moved: Map<string, KnownHead>;
}

export async function discoverCold(
  client: DiscoveryClient,
  keys: DiscoveryKeys,
  state: DiscoveryState,
  hooks: DiscoveryHooks = {},
): Promise<Discovered> {
  state.pairs.clear();
  const [own, intro] = await Promise.all([
    findOwnCharts(client, keys.listTags, { open: hooks.openListed }),
    scanIntroWindows(client, keys.pairs, state.pairs),
  ]);
  state.listNext = own.next;
  state.listGaps = own.gaps;
  return { own: own.charts, introduced: intro.found, next: [], moved: new Map() };
}

export async function catchUp(
  client: DiscoveryClient,
  keys: DiscoveryKeys,
  state: DiscoveryState,
  heads: readonly KnownHead[],
  hooks: DiscoveryHooks = {},
): Promise<Discovered> {
  const [next, moved, own, intro] = await Promise.all([
    hooks.openNext ? Promise.resolve([]) : findNextVersions(client, heads),
    hooks.openNext ? followHeads(client, heads, hooks.openNext) : Promise.resolve(new Map<string, KnownHead>()),
    findOwnCharts(client, keys.listTags, {
      from: state.listNext,
      gaps: state.listGaps,
      parallel: 1,
      open: hooks.openListed,
    }),
    scanIntroWindows(client, keys.pairs, state.pairs),
  ]);
  state.listNext = Math.max(state.listNext, own.next);
  state.listGaps = own.gaps;
  return { own: own.charts, introduced: intro.found, next, moved };
}
