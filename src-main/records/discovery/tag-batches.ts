// Cutting tag searches into requests (docs/UNLINKABLE.md §4): BigchainDB's text search takes many terms in one
// `?search=` (any of them matches), and a real BigchainDB behind gunicorn refuses a request line over 4,094 bytes.
// 100 tags of 32 hex digits joined by '+' make ~3.3 KB: under the limit with room for a node URL's path prefix.
export const MAX_REQUEST_LINE = 4094;
export const TAGS_PER_SEARCH = 100;

/** The request line a search of `tags` sends to `GET <pathPrefix>/api/v1/<kind>?search=…`, as the client builds it. */
export function searchRequestLine(pathPrefix: string, kind: 'assets' | 'metadata', tags: readonly string[]): string {
  return `GET ${pathPrefix}/api/v1/${kind}?${new URLSearchParams({ search: tags.join(' ') }).toString()} HTTP/1.1`;
}

/**
 * Tags in batches of at most `perSearch`, each batch's request line within MAX_REQUEST_LINE for a node whose URL
 * has `pathPrefix` before /api/v1. Refuses a single tag that alone would not fit (a caller's bug: tags are 32 hex).
 */
export function tagBatches(
  tags: readonly string[],
  kind: 'assets' | 'metadata',
  pathPrefix = '',
  perSearch = TAGS_PER_SEARCH,
): string[][] {
  const fixed = searchRequestLine(pathPrefix, kind, []).length;
  const batches: string[][] = [];
  let batch: string[] = [];
  let length = fixed;
  for (const tag of tags) {
    // Each tag adds its URL-encoded form plus one '+' between tags.
    const added = new URLSearchParams({ s: tag }).toString().length - 2 + (batch.length > 0 ? 1 : 0);
    if (fixed + added > MAX_REQUEST_LINE) throw new RangeError(`a search tag of ${tag.length} characters is too long`);
    if (batch.length >= perSearch || length + added > MAX_REQUEST_LINE) {
      batches.push(batch);
      batch = [];
      length = fixed;
    }
    length += new URLSearchParams({ s: tag }).toString().length - 2 + (batch.length > 0 ? 1 : 0);
    batch.push(tag);
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
