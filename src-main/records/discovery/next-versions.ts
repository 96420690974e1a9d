// (c) Catching up (docs/UNLINKABLE.md §4): every later version of a chart carries the version tag derived from the
// previous version's chart secret, which every reader of that version holds (inside its box). So a workstation
// finds which of its known charts changed with one search per 100 charts, whatever else arrived on the ledger, then
// the intro windows at its kept counters and its own list walk from its kept next index.
//
// The chart secrets come from the heads the reader opened (in memory): nothing here stores one.
import { versionTagNative } from '../../crypto/unlinkable-keys';
import type { MetadataHit } from '../../ledger/node-client';
import { searchMetadataTags, type DiscoveryClient } from './tag-search';

export interface KnownHead {
  readonly chartId: string;
  /** The head version's seq (0 for the CREATE). */
  readonly seq: number;
  /** The head version's chart secret (from its box). */
  readonly secret: Uint8Array;
}

export interface NextVersion {
  readonly chartId: string;
  /** The seq the found version claims by its tag (head seq + 1). */
  readonly seq: number;
  /** Every transaction carrying the tag (more than one only if someone copied it: the reader tells which). */
  readonly hits: MetadataHit[];
}

/** One round: the versions that follow the given heads. */
export async function findNextVersions(
  client: Pick<DiscoveryClient, 'nodeUrls' | 'searchMetadata'>,
  heads: readonly KnownHead[],
): Promise<NextVersion[]> {
  const byTag = new Map(heads.map((head) => [versionTagNative(head.secret, head.seq + 1), head]));
  const hits = await searchMetadataTags(client, [...byTag.keys()]);
  const found: NextVersion[] = [];
  for (const [tag, list] of hits) {
    const head = byTag.get(tag) as KnownHead;
    found.push({ chartId: head.chartId, seq: head.seq + 1, hits: list });
  }
  return found;
}

/**
 * Follows the heads until no chart has a newer version: `open` is the reader's step (it reads and verifies the found
 * version and returns the new head, or null when none of the hits is a valid next version). Returns the new head of
 * every chart that moved.
 */
export async function followHeads(
  client: DiscoveryClient,
  heads: readonly KnownHead[],
  open: (next: NextVersion) => Promise<KnownHead | null>,
): Promise<Map<string, KnownHead>> {
  const moved = new Map<string, KnownHead>();
  let round = heads;
  while (round.length > 0) {
    const opened = await Promise.all((await findNextVersions(client, round)).map(open));
    round = opened.filter((head) => head !== null);
    for (const head of round) moved.set(head.chartId, head);
  }
  return moved;
}
