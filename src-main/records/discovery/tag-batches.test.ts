import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_LINE, searchRequestLine, tagBatches } from './tag-batches';

const tags = (n: number) => Array.from({ length: n }, (_, i) => i.toString(16).padStart(32, '0'));

describe('tag batches', () => {
  it('cuts 100 tags a search, in order, each request line within the limit', () => {
    const all = tags(250);
    const batches = tagBatches(all, 'metadata');
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batches.flat()).toEqual(all);
    for (const batch of batches)
      expect(searchRequestLine('', 'metadata', batch).length).toBeLessThanOrEqual(MAX_REQUEST_LINE);
  });

  it('takes fewer tags a search behind a node URL with a long path, never over the limit', () => {
    const prefix = `/${'p'.repeat(900)}`;
    const batches = tagBatches(tags(250), 'assets', prefix);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThan(100);
    expect(batches.flat()).toEqual(tags(250));
    for (const batch of batches) {
      expect(searchRequestLine(prefix, 'assets', batch).length).toBeLessThanOrEqual(MAX_REQUEST_LINE);
      // Full: one more tag would not have fitted (the cut is not wasteful).
      const next = tags(250)[batches.flat().indexOf(batch.at(-1)!) + 1];
      if (next) expect(searchRequestLine(prefix, 'assets', [...batch, next]).length).toBeGreaterThan(MAX_REQUEST_LINE);
    }
  });

  it('refuses a tag too long for any request, and gives no batch for no tag', () => {
    expect(() => tagBatches(['x'.repeat(5000)], 'metadata')).toThrow(/too long/);
    expect(tagBatches([], 'metadata')).toEqual([]);
  });
});
