// (a) A doctor's own charts (docs/UNLINKABLE.md §4): the j-th chart a doctor creates carries its j-th list tag as the
// asset's `chart` field, so walking j = 0, 1, … with the node's asset search finds them all without any reader key on
// the ledger. The walk goes a batch of tags at a time and stops after a batch with no hit: a tag a workstation took
// but has not committed yet (an outbox) leaves a gap shorter than a batch, which the walk steps over.
//
// A list tag is public once committed, so anyone can copy it into an asset of their own: every asset holding a tag
// is returned, and the reader's `open` says which are this doctor's (its box has a slot for the doctor, its owner
// key is A + t·G of the box). A copy cannot come first (the tag is unknown before), and two workstations of one
// doctor taking the same j are both found. Indexes skipped below the highest found are kept as gaps and searched
// again by the next walk (the create in an outbox commits later, below where the walk then starts).
import { searchAssetTags, type DiscoveryClient } from './tag-search';
import { TAGS_PER_SEARCH } from './tag-batches';

/** Derives list tags from … from + count − 1 (listTagsNative with the doctor's list key). */
export type ListTags = (from: number, count: number) => string[];

export interface ListedChart {
  /** The list index j of the tag found. */
  readonly index: number;
  readonly tag: string;
  readonly assetId: string;
  /** The reader's verdict: true opened as this doctor's, false not (a copied tag), null not asked (no `open`). */
  opened: boolean | null;
}

export interface OwnChartsFound {
  readonly charts: ListedChart[];
  /** One past the highest list index found (or `from` when none): where the next walk, and the next create, start. */
  readonly next: number;
  /** List indexes below `next` still without a chart (at most MAX_LIST_GAPS, the newest). */
  readonly gaps: number[];
  readonly requests: number;
}

export interface OwnChartsOptions {
  /** First list index to search (0 cold; the kept `next` when catching up). */
  from?: number;
  /** Indexes below `from` found missing by earlier walks, searched again. */
  gaps?: readonly number[];
  /** Batches searched at once before deciding whether to go on. */
  parallel?: number;
  /** The reader's check that a found asset is this doctor's chart (the hook where a copied tag is told apart). */
  open?: (chart: ListedChart) => Promise<boolean>;
}

export const MAX_LIST_GAPS = 256;

export async function findOwnCharts(
  client: DiscoveryClient,
  listTags: ListTags,
  options: OwnChartsOptions = {},
): Promise<OwnChartsFound> {
  const parallel = options.parallel ?? 4;
  const charts: ListedChart[] = [];
  let from = options.from ?? 0;
  let next = from;
  let requests = 0;
  const seen = new Set<number>();
  const earlierGaps = options.gaps ?? [];
  if (earlierGaps.length > 0) {
    const byTag = new Map(earlierGaps.map((j) => [listTags(j, 1)[0] as string, j]));
    const found = await searchAssetTags(client, [...byTag.keys()]);
    requests += Math.ceil(byTag.size / TAGS_PER_SEARCH);
    for (const [tag, assetIds] of found) {
      const index = byTag.get(tag) as number;
      seen.add(index);
      for (const assetId of assetIds) charts.push({ index, tag, assetId, opened: null });
    }
  }
  for (;;) {
    const round = Array.from({ length: parallel }, (_, b) => listTags(from + b * TAGS_PER_SEARCH, TAGS_PER_SEARCH));
    const indexOf = new Map<string, number>();
    round.forEach((tags, b) => tags.forEach((tag, k) => indexOf.set(tag, from + b * TAGS_PER_SEARCH + k)));
    const hits = await Promise.all(round.map((tags) => searchAssetTags(client, tags)));
    requests += round.length;
    for (const found of hits) {
      for (const [tag, assetIds] of found) {
        const index = indexOf.get(tag) as number;
        for (const assetId of assetIds) charts.push({ index, tag, assetId, opened: null });
        seen.add(index);
        next = Math.max(next, index + 1);
      }
    }
    from += parallel * TAGS_PER_SEARCH;
    // Stop after the first batch (in list order) that found nothing.
    if (hits.some((found) => found.size === 0)) break;
  }
  charts.sort((a, b) => a.index - b.index);
  if (options.open) for (const chart of charts) chart.opened = await options.open(chart);
  const gaps = earlierGaps.filter((j) => !seen.has(j));
  for (let j = options.from ?? 0; j < next; j++) if (!seen.has(j)) gaps.push(j);
  return { charts, next, gaps: gaps.slice(-MAX_LIST_GAPS), requests };
}
