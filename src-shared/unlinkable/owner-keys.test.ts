import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { randomBytes, toBase58, utf8 } from '../crypto/bytes';
import { deriveIdentityKeys } from '../crypto/keys';
import { BASE58_KEY_32 } from '../ledger/patterns';
import {
  ledgerOwnerTweak,
  MAX_OWNER_ATTEMPTS,
  ownerTweak,
  signTweaked,
  tweakedPublicKey,
  tweakPublicKey,
  UNLINKABLE_SALT,
} from './owner-keys';
import vectors from './fixtures/unlinkable-vectors.json';
import SHORT from './fixtures/short-owner-key.json';

// The vectors come from fixtures/make-vectors.py: RFC 8032's reference arithmetic in Python for A + t·G and the
// tweaked signature, pyca/cryptography (OpenSSL) for HKDF and for verifying that signature.
describe('per-version owner keys', () => {
  it('uses the documented salt', () => expect(vectors.salt).toBe(UNLINKABLE_SALT));

  it.each(vectors.owner)('recomputes the independent vector for seq $seq slot $slot', (v) => {
    const seed = hexToBytes(v.signSeed);
    const tweak = ownerTweak(hexToBytes(v.chartSecret), v.seq, v.slot);
    expect(bytesToHex(tweak)).toBe(v.tweak);
    expect(bytesToHex(ed25519.getPublicKey(seed))).toBe(v.publicKey);
    expect(bytesToHex(tweakPublicKey(hexToBytes(v.publicKey), tweak))).toBe(v.tweakedPublicKey);
    expect(bytesToHex(tweakedPublicKey(seed, tweak))).toBe(v.tweakedPublicKey);
    expect(bytesToHex(signTweaked(seed, tweak, utf8(vectors.message)))).toBe(v.signature);
  });

  it('signs so that tweetnacl, the reference verifier, accepts under A + t·G and rejects under A', () => {
    const seed = randomBytes(32);
    const tweak = ownerTweak(randomBytes(32), 3);
    const message = utf8('a BigchainDB signing base');
    const signature = signTweaked(seed, tweak, message);
    const tweaked = tweakPublicKey(ed25519.getPublicKey(seed), tweak);
    expect(nacl.sign.detached.verify(message, signature, tweaked)).toBe(true);
    expect(nacl.sign.detached.verify(message, signature, ed25519.getPublicKey(seed))).toBe(false);
    expect(nacl.sign.detached.verify(utf8('another message'), signature, tweaked)).toBe(false);
  });

  it('gives unrelated keys for other versions, slots and charts, and never the directory key', () => {
    const seed = randomBytes(32);
    const secret = randomBytes(32);
    const keys = [
      tweakedPublicKey(seed, ownerTweak(secret, 1)),
      tweakedPublicKey(seed, ownerTweak(secret, 2)),
      tweakedPublicKey(seed, ownerTweak(secret, 1, 1)),
      tweakedPublicKey(seed, ownerTweak(randomBytes(32), 1)),
      ed25519.getPublicKey(seed),
    ].map(bytesToHex);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('refuses bad input with a clear error', () => {
    expect(() => ownerTweak(randomBytes(31), 1)).toThrow(/chart secret is 32 bytes/);
    expect(() => ownerTweak(randomBytes(32), -1)).toThrow(/seq/);
    expect(() => ownerTweak(randomBytes(32), 1, 256)).toThrow(/slot/);
    expect(() => tweakPublicKey(ed25519.getPublicKey(randomBytes(32)), new Uint8Array(32))).toThrow(/\[1, L\)/);
    expect(() => tweakPublicKey(new Uint8Array(32).fill(0xff), ownerTweak(randomBytes(32), 1))).toThrow();
    const L = hexToBytes('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010');
    expect(() => signTweaked(randomBytes(32), L, utf8('m'))).toThrow(/scalar in \[1, L\)/);
  });
});

describe('the owner-key rule: a key the ledger takes', () => {
  const directoryKey = deriveIdentityKeys(hexToBytes(SHORT.identitySeed)).signPublic;
  const secret = hexToBytes(SHORT.chartSecret);

  it('derives attempt 0 as before and attempt 1 with the attempt appended to the info', () => {
    expect(bytesToHex(ownerTweak(secret, SHORT.seq))).toBe(SHORT.tweak0);
    expect(bytesToHex(ownerTweak(secret, SHORT.seq, 0, 1))).toBe(SHORT.tweak1);
    expect(() => ownerTweak(secret, SHORT.seq, 0, MAX_OWNER_ATTEMPTS)).toThrow(/attempt/);
  });

  it('skips a key with fewer than 43 base58 characters, which the ledger schema refuses', () => {
    const short = toBase58(tweakPublicKey(directoryKey, hexToBytes(SHORT.tweak0)));
    expect(short).toHaveLength(42);
    expect(BASE58_KEY_32.test(short)).toBe(false);
    const { tweak, key } = ledgerOwnerTweak(directoryKey, secret, SHORT.seq);
    expect(bytesToHex(tweak)).toBe(SHORT.tweak1);
    expect(bytesToHex(key)).toBe(bytesToHex(tweakPublicKey(directoryKey, tweak)));
    expect(BASE58_KEY_32.test(toBase58(key))).toBe(true);
  });

  it('keeps attempt 0 for a key the ledger takes, so charts written before keep their keys', () => {
    for (let i = 0; i < 20; i++) {
      const other = randomBytes(32);
      const { tweak } = ledgerOwnerTweak(directoryKey, other, 2, i % 3);
      expect(bytesToHex(tweak)).toBe(bytesToHex(ownerTweak(other, 2, i % 3)));
    }
  });
});
