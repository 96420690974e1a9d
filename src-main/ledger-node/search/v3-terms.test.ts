// What the node's metadata index holds of an envelope v3 version (docs/UNLINKABLE.md §2): its id, the type's words,
// the 8 tags, and each byte field as one term — the reason they are written in base32. A version written before in
// base64 (the fixture) gave ~200 more, random fragments cut at `+` and `/`.
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { randomBytes, toBase58 } from '../../../src-shared/crypto/bytes';
import { sealV3 } from '../../../src-shared/unlinkable/envelope-v3';
import OLD from '../../../src-shared/unlinkable/fixtures/v3-version-base64.json';
import { indexDocument } from './text-search';

const id = () => Buffer.from(randomBytes(32)).toString('hex');

describe('a v3 version in the node’s metadata index', () => {
  it('is 16 terms: id, the type’s 4 words, 8 tags, and slots, nonce and box whole', () => {
    for (const readers of [1, 4, 9]) {
      const metadata = sealV3(
        randomBytes(100 * readers),
        Array.from({ length: readers }, () => ({
          boxKey: toBase58(nacl.box.keyPair().publicKey),
          slotTag: randomBytes(8),
        })),
        [],
      );
      const terms = [...indexDocument({ id: id(), metadata }).keys()];
      expect(terms).toHaveLength(1 + 4 + metadata.tags.length + 3);
      for (const field of [metadata.slots, metadata.box]) expect(terms).toContain(field);
      // The nonce's 39 characters are all letters once in ~3,000 versions, and then stemmed: a suffix at most.
      expect(terms.some((t) => t.length >= 30 && metadata.nonce.startsWith(t))).toBe(true);
      for (const tag of metadata.tags) expect(terms).toContain(tag);
    }
  });

  it('was ~200 more for a version written in base64', () => {
    const terms = indexDocument({ id: id(), metadata: OLD.metadata });
    expect(terms.size).toBeGreaterThan(100);
  });
});
