import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { randomBytes } from 'node:crypto';
import { deriveIdentityKeys, newSeed, pureKeyMath } from '../../src-shared/crypto/keys';
import fixture from '../../src-shared/crypto/fixtures/key-derivation-vectors.json';
import { deriveIdentityKeysNative, nativeKeyMath } from './identity-keys-native';

describe('identity keys with libsodium public-key math', () => {
  it.each(fixture.vectors)('recomputes the fixture vector for seed $seed', (v) => {
    const keys = deriveIdentityKeysNative(hexToBytes(v.seed));
    expect(keys.signKey).toBe(v.signKey);
    expect(keys.boxKey).toBe(v.boxKey);
    expect(bytesToHex(keys.signSeed)).toBe(v.signSeed);
    expect(bytesToHex(keys.boxSecret)).toBe(v.boxSecret);
    expect(bytesToHex(keys.localKey)).toBe(v.localKey);
  });

  it('gives exactly the pure-JS derivation, for many seeds', () => {
    for (let i = 0; i < 200; i++) {
      const seed = newSeed();
      const native = deriveIdentityKeysNative(seed);
      const pure = deriveIdentityKeys(seed);
      expect(native.signPublic).toEqual(pure.signPublic);
      expect(native.boxPublic).toEqual(pure.boxPublic);
      expect([native.signKey, native.boxKey]).toEqual([pure.signKey, pure.boxKey]);
    }
  });

  it('gives the pure math’s keys for edge secrets (clamping as tweetnacl does), and both of them for random ones', () => {
    const secrets = [0x00, 0xff, 0x07, 0x80, 0x40].map((fill) => new Uint8Array(32).fill(fill));
    for (let i = 0; i < 100; i++) secrets.push(new Uint8Array(randomBytes(32)));
    for (const secret of secrets) {
      expect(nativeKeyMath.x25519Public(secret)).toEqual(pureKeyMath.x25519Public(secret));
      expect(nativeKeyMath.ed25519Public(secret)).toEqual(pureKeyMath.ed25519Public(secret));
    }
  });

  it('refuses keys of the wrong length and leaves the caller’s buffers as they were', () => {
    expect(() => nativeKeyMath.ed25519Public(new Uint8Array(31))).toThrow(/32 bytes/);
    expect(() => nativeKeyMath.x25519Public(new Uint8Array(33))).toThrow(/32 bytes/);
    const seed = new Uint8Array(randomBytes(32));
    const copy = Uint8Array.from(seed);
    nativeKeyMath.ed25519Public(seed);
    nativeKeyMath.x25519Public(seed);
    expect(seed).toEqual(copy);
  });
});
