import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { deriveIdentityKeys, KEY_DERIVATION, newSeed, publicIdentityOf } from './keys';
import { fromBase58, utf8 } from './bytes';
import fixture from './fixtures/key-derivation-vectors.json';
import short from './fixtures/short-key-seeds.json';

describe('identity key derivation', () => {
  it('uses the documented labels', () => {
    expect(fixture.hkdf).toMatchObject(KEY_DERIVATION);
  });

  it.each(fixture.vectors)('recomputes the fixture vector for seed $seed', (v) => {
    const keys = deriveIdentityKeys(hexToBytes(v.seed));
    expect(bytesToHex(keys.signSeed)).toBe(v.signSeed);
    expect(keys.signKey).toBe(v.signKey);
    expect(bytesToHex(keys.boxSecret)).toBe(v.boxSecret);
    expect(keys.boxKey).toBe(v.boxKey);
    expect(bytesToHex(keys.localKey)).toBe(v.localKey);
    expect(bytesToHex(ed25519.sign(utf8(fixture.message), keys.signSeed))).toBe(v.signatureOfMessage);
  });

  it('writes both public keys as 32-byte base58 keys, distinct from each other', () => {
    const keys = deriveIdentityKeys(newSeed());
    expect(fromBase58(keys.signKey)).toHaveLength(32);
    expect(fromBase58(keys.boxKey)).toHaveLength(32);
    expect(keys.signKey).toMatch(/^[1-9A-HJ-NP-Za-km-z]{43,44}$/);
    expect(keys.signKey).not.toBe(keys.boxKey);
  });

  it('gives different identities for different seeds and the same for the same seed', () => {
    const seed = newSeed();
    expect(publicIdentityOf(seed)).toEqual(publicIdentityOf(Uint8Array.from(seed)));
    expect(publicIdentityOf(newSeed()).signKey).not.toBe(publicIdentityOf(seed).signKey);
  });

  it('rejects a seed of the wrong length', () => {
    expect(() => deriveIdentityKeys(new Uint8Array(31))).toThrow(/32 bytes/);
  });
});

describe('new seeds give keys the ledger takes', () => {
  it('draws again while a public key has fewer than 43 base58 characters', () => {
    const drawn = [short.shortSignKey, short.shortBoxKey, '22'.repeat(32)].map(hexToBytes);
    expect(publicIdentityOf(drawn[0]!).signKey).toHaveLength(42);
    expect(publicIdentityOf(drawn[1]!).boxKey).toHaveLength(42);
    let draws = 0;
    const seed = newSeed(undefined, () => drawn[draws++]!);
    expect(draws).toBe(3);
    expect(bytesToHex(seed)).toBe('22'.repeat(32));
    const { signKey, boxKey } = publicIdentityOf(seed);
    expect(signKey.length).toBeGreaterThanOrEqual(43);
    expect(boxKey.length).toBeGreaterThanOrEqual(43);
    // The refused seeds were wiped: no copy of a drawn secret is left behind.
    expect(drawn[0]!.every((b) => b === 0)).toBe(true);
  });
});
