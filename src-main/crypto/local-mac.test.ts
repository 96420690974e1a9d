import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { localMacer } from './local-mac';

describe('local MAC (libsodium crypto_auth)', () => {
  it('is HMAC-SHA-512 truncated to 32 bytes, as the pure-JS key holder computes it', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 3000 }), (key, data) => {
        const macer = localMacer(key);
        expect(macer.use(data)).toEqual(hmac(sha512, key, data).subarray(0, 32));
        macer.wipe();
      }),
      { numRuns: 100 },
    );
  });

  it('depends on every byte of the key and of the data', () => {
    const key = new Uint8Array(32).fill(7);
    const data = new Uint8Array(100).fill(1);
    const tag = localMacer(key).use(data);
    const otherKey = Uint8Array.from(key);
    otherKey[31]! ^= 1;
    const otherData = Uint8Array.from(data);
    otherData[0]! ^= 1;
    expect(localMacer(otherKey).use(data)).not.toEqual(tag);
    expect(localMacer(key).use(otherData)).not.toEqual(tag);
  });

  it('refuses to work once wiped, and refuses a short key', () => {
    const macer = localMacer(new Uint8Array(32));
    macer.wipe();
    expect(() => macer.use(new Uint8Array(1))).toThrow(/wiped/);
    expect(() => localMacer(new Uint8Array(16))).toThrow(/32 bytes/);
  });
});
