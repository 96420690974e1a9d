// Batched tag searches on the node's public HTTP API (the loader's LedgerNodeClient): which of many tags occur, and
// where. A hit counts for a tag only where the tag sits in its place (an asset's `chart`, a version's `tags`): the
// text search also matches a tag anywhere else in a document, and any foreign document may hold any text.
import type { Answer, MetadataHit, TextAnswer } from '../../ledger/node-client';
import { tagBatches } from './tag-batches';

/** What discovery asks of a node: LedgerNodeClient's reads. */
export interface DiscoveryClient {
  readonly nodeUrls: string[];
  searchAssets(text: string, limit?: number): Promise<Answer<{ id: string; data: unknown }[]>>;
  searchMetadata(text: string, limit?: number): Promise<Answer<MetadataHit[]>>;
  getTransaction(id: string): Promise<Answer<unknown>>;
  listTransactions(assetId: string): Promise<TextAnswer<unknown[]>>;
  blockHeights(txId: string): Promise<Answer<number[]>>;
}

// Requests in flight at once: enough to overlap the node's work with the answers' parsing, few enough not to crowd
// a shared node.
const PARALLEL = 4;

/** The longest path before /api/v1 among the configured nodes: a batch must fit whichever node answers. */
function pathPrefix(client: Pick<DiscoveryClient, 'nodeUrls'>): string {
  let longest = '';
  for (const url of client.nodeUrls) {
    const path = new URL(url).pathname.replace(/\/$/, '');
    if (path.length > longest.length) longest = path;
  }
  return longest;
}

async function inParallel<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, items.length) }, async () => {
      while (next < items.length) await run(items[next++] as T);
    }),
  );
}

/** Per tag, the ids of the assets (CREATE transactions) whose `data.chart` is that tag, in the node's order. */
export async function searchAssetTags(
  client: DiscoveryClient,
  tags: readonly string[],
): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  await inParallel(tagBatches(tags, 'assets', pathPrefix(client)), async (batch) => {
    const wanted = new Set(batch);
    const { value: hits } = await client.searchAssets(batch.join(' '));
    for (const hit of hits) {
      const chart = (hit.data as { chart?: unknown } | null)?.chart;
      if (typeof chart === 'string' && wanted.has(chart)) found.set(chart, [...(found.get(chart) ?? []), hit.id]);
    }
  });
  return found;
}

/** Per tag, the transactions whose metadata `tags` hold that tag (hits as the node gave them). */
export async function searchMetadataTags(
  client: Pick<DiscoveryClient, 'nodeUrls' | 'searchMetadata'>,
  tags: readonly string[],
): Promise<Map<string, MetadataHit[]>> {
  const found = new Map<string, MetadataHit[]>();
  await inParallel(tagBatches(tags, 'metadata', pathPrefix(client)), async (batch) => {
    const wanted = new Set(batch);
    const { value: hits } = await client.searchMetadata(batch.join(' '));
    for (const hit of hits) {
      const carried = (hit.metadata as { tags?: unknown } | null)?.tags;
      if (!Array.isArray(carried)) continue;
      for (const tag of new Set(carried)) {
        if (typeof tag === 'string' && wanted.has(tag)) found.set(tag, [...(found.get(tag) ?? []), hit]);
      }
    }
  });
  return found;
}
