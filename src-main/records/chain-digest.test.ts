// The opened-chain key (chain-digest.ts): one content gives one key whatever form its text came in, any change gives
// another, and the scope's parts cannot run into each other.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chainDigest } from './chain-digest';

const raw = [
  { id: 'a'.repeat(64), operation: 'CREATE', metadata: { tags: ['00', '11'], box: 'AAAA' } },
  { id: 'b'.repeat(64), operation: 'TRANSFER', asset: { id: 'a'.repeat(64) }, metadata: null },
];

describe('chainDigest', () => {
  it("is the loader's and the service's former key, byte for byte", () => {
    const former = (prefix: string) => createHash('sha256').update(prefix).update(JSON.stringify(raw)).digest('base64');
    expect(chainDigest(['viewer', 'chart'], raw)).toBe(former('viewer\0chart\0'));
    expect(chainDigest(['chart'], raw)).toBe(former('chart\0'));
  });

  it("gives one key for the node's spaced text and the cache's objects; another for any change or scope", () => {
    const spaced = JSON.parse(JSON.stringify(raw, null, 2)) as unknown[];
    expect(chainDigest(['v', 'c'], spaced)).toBe(chainDigest(['v', 'c'], raw));
    const altered = structuredClone(raw);
    altered[0]!.metadata!.box = 'AAAB';
    expect(chainDigest(['v', 'c'], altered)).not.toBe(chainDigest(['v', 'c'], raw));
    expect(chainDigest(['v', 'c'], raw.slice(0, 1))).not.toBe(chainDigest(['v', 'c'], raw));
    expect(chainDigest(['ab', 'c'], raw)).not.toBe(chainDigest(['a', 'bc'], raw));
    expect(chainDigest(['other', 'c'], raw)).not.toBe(chainDigest(['v', 'c'], raw));
  });
});
