import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { sealTo } from '../crypto/sealed-box';
import { toBase58 } from '../crypto/bytes';
import { base64Length, metadataLayout, SLOT_LENGTH } from './layout';
import { padToBucket } from './padding';

describe('envelope v3 clear sizes (the figures of docs/UNLINKABLE.md §2)', () => {
  it('a slot is 112 bytes: an 8-byte slot tag and today’s sealed box of a 32-byte data key', () => {
    const sealed = sealTo(toBase58(nacl.box.keyPair().publicKey), new Uint8Array(32));
    expect(SLOT_LENGTH).toBe(8 + sealed.length);
    expect(SLOT_LENGTH).toBe(112);
  });

  it('gives the documented field lengths per bucket', () => {
    expect(metadataLayout(4096, 8)).toMatchObject({ tags: 256, slots: 1196, nonce: 32, box: 5484 });
    expect(metadataLayout(16384, 8).box).toBe(21868);
    expect(metadataLayout(65536, 8).box).toBe(87404);
    expect(metadataLayout(262144, 8).box).toBe(349548);
    expect(metadataLayout(4096, 8).json).toBeGreaterThan(7000);
    expect(metadataLayout(4096, 8).json).toBeLessThan(7200);
  });

  it('the box field is the length a sealed padded payload encodes to, whatever the payload', () => {
    for (const size of [0, 100, 4092]) {
      const box = nacl.secretbox(padToBucket(new Uint8Array(size)), new Uint8Array(24), new Uint8Array(32));
      expect(base64Length(box.length)).toBe(metadataLayout(4096, 8).box);
    }
  });

  it('refuses sizes that are not buckets', () => {
    expect(() => metadataLayout(5000, 8)).toThrow(/not a size bucket/);
    expect(() => metadataLayout(4096, 9)).toThrow(/not a slot count/);
  });
});
