import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { sealTo } from '../crypto/sealed-box';
import { toBase58 } from '../crypto/bytes';
import { base32Length, base64Length, metadataLayout, NONCE_LENGTHS, SLOT_LENGTH } from './layout';
import { toBase32 } from './v3-fields';
import { PADDING_BUCKETS } from './padding';
import { padToBucket } from './padding';

describe('envelope v3 clear sizes (the figures of docs/UNLINKABLE.md §2)', () => {
  it('a slot is 112 bytes: an 8-byte slot tag and today’s sealed box of a 32-byte data key', () => {
    const sealed = sealTo(toBase58(nacl.box.keyPair().publicKey), new Uint8Array(32));
    expect(SLOT_LENGTH).toBe(8 + sealed.length);
    expect(SLOT_LENGTH).toBe(112);
  });

  it('gives the documented field lengths per bucket: base32 for new versions', () => {
    expect(metadataLayout(4096, 8)).toMatchObject({ tags: 256, slots: 1434, nonce: 39, box: 6580, json: 8402 });
    expect(metadataLayout(4096, 16)).toMatchObject({ tags: 512, slots: 2868, nonce: 39, box: 6580, json: 10116 });
    expect(metadataLayout(16384, 8).box).toBe(26240);
    expect(metadataLayout(65536, 8).box).toBe(104884);
    expect(metadataLayout(262144, 8).box).toBe(419456);
    expect(metadataLayout(4096, 8, 'base32')).toBe(metadataLayout(4096, 8));
  });

  it('and base64 for versions written before, unchanged', () => {
    expect(metadataLayout(4096, 8, 'base64')).toMatchObject({
      tags: 256,
      slots: 1196,
      nonce: 32,
      box: 5484,
      json: 7061,
    });
    expect(metadataLayout(16384, 8, 'base64').box).toBe(21868);
    expect(metadataLayout(65536, 8, 'base64').box).toBe(87404);
    expect(metadataLayout(262144, 8, 'base64').box).toBe(349548);
  });

  it('no length of one encoding is a length of the other, for any field or bucket', () => {
    const lengths = (encoding: 'base32' | 'base64') =>
      PADDING_BUCKETS.flatMap((b) =>
        ([8, 16] as const).flatMap((s) => {
          const l = metadataLayout(b, s, encoding);
          return [l.slots, l.nonce, l.box, l.json];
        }),
      );
    const old = new Set(lengths('base64'));
    for (const length of lengths('base32')) expect(old.has(length)).toBe(false);
    expect(NONCE_LENGTHS).toEqual({ base32: 39, base64: 32 });
  });

  it('the box field is the length a sealed padded payload encodes to, whatever the payload', () => {
    for (const size of [0, 100, 4092]) {
      const box = nacl.secretbox(padToBucket(new Uint8Array(size)), new Uint8Array(24), new Uint8Array(32));
      expect(toBase32(box).length).toBe(metadataLayout(4096, 8).box);
      expect(base32Length(box.length)).toBe(metadataLayout(4096, 8).box);
      expect(base64Length(box.length)).toBe(metadataLayout(4096, 8, 'base64').box);
    }
  });

  it('refuses sizes that are not buckets', () => {
    expect(() => metadataLayout(5000, 8)).toThrow(/not a size bucket/);
    expect(() => metadataLayout(4096, 9)).toThrow(/not a slot count/);
  });
});
