import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bucketFor, PADDING_BUCKETS, padToBucket, PaddingError, unpad } from './padding';

describe('size buckets', () => {
  it('pads to the smallest bucket that holds the payload and its 4-byte length', () => {
    expect(padToBucket(new Uint8Array(0))).toHaveLength(4096);
    expect(padToBucket(new Uint8Array(4092))).toHaveLength(4096);
    expect(padToBucket(new Uint8Array(4093))).toHaveLength(16384);
    expect(bucketFor(256 * 1024 - 4)).toBe(256 * 1024);
  });

  it('writes the documented layout: u32be length, payload, zeros', () => {
    const padded = padToBucket(Uint8Array.of(0xaa, 0xbb, 0xcc));
    expect([...padded.subarray(0, 8)]).toEqual([0, 0, 0, 3, 0xaa, 0xbb, 0xcc, 0]);
    expect(padded.subarray(7).every((b) => b === 0)).toBe(true);
  });

  it('round-trips any payload up to the largest bucket', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20_000 }), (payload) => {
        const padded = padToBucket(payload);
        expect(PADDING_BUCKETS).toContain(padded.length);
        expect(unpad(padded)).toEqual(payload);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses what does not fit or was not padded here, saying why', () => {
    expect(() => bucketFor(256 * 1024 - 3)).toThrow(PaddingError);
    expect(() => unpad(new Uint8Array(4095))).toThrow(/not of a bucket size/);
    const long = padToBucket(Uint8Array.of(1));
    new DataView(long.buffer).setUint32(0, 5000);
    expect(() => unpad(long)).toThrow(/claims 5000 bytes/);
    const dirty = padToBucket(Uint8Array.of(1));
    dirty[100] = 1;
    expect(() => unpad(dirty)).toThrow(/not all zero/);
  });
});
