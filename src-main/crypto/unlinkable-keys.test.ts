import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import nacl from 'tweetnacl';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import vectors from '../../src-shared/unlinkable/fixtures/unlinkable-vectors.json';
import SHORT from '../../src-shared/unlinkable/fixtures/short-owner-key.json';
import { toBase58 } from '../../src-shared/crypto/bytes';
import { deriveIdentityKeys } from '../../src-shared/crypto/keys';
import { ownerKey, ownerTweakFor } from '../records/v3-outputs';
import { ledgerOwnerTweak, ownerTweak, signTweaked, tweakPublicKey } from '../../src-shared/unlinkable/owner-keys';
import { creatorSlotTag, introTag, pairKey, slotTag, versionTag } from '../../src-shared/unlinkable/rendezvous';
import {
  cardTagNative,
  creatorSlotTagNative,
  slotTagNative,
  introTagNative,
  introTagsNative,
  listKeyNative,
  ledgerOwnerTweakNative,
  listTagsNative,
  ownerTweakNative,
  pairKeyNative,
  tweakedSigner,
  tweakPublicKeyNative,
  versionTagNative,
} from './unlinkable-keys';

const message = new TextEncoder().encode(vectors.message);
const bytes = (n: number) => new Uint8Array(randomBytes(n));

// The same independent vectors as src-shared/unlinkable (fixtures/make-vectors.py: RFC 8032 reference arithmetic in
// Python, pyca/cryptography for HKDF and X25519, OpenSSL verifying the signatures), so the libsodium path and the
// pure-TypeScript one cannot drift apart.
describe('envelope v3 primitives on libsodium', () => {
  it.each(vectors.owner)('recomputes the owner vector for seq $seq slot $slot', (v) => {
    const tweak = ownerTweakNative(hexToBytes(v.chartSecret), v.seq, v.slot);
    expect(bytesToHex(tweak)).toBe(v.tweak);
    expect(bytesToHex(tweakPublicKeyNative(hexToBytes(v.publicKey), tweak))).toBe(v.tweakedPublicKey);
    const signer = tweakedSigner(hexToBytes(v.signSeed));
    expect(bytesToHex(signer.publicKey(tweak))).toBe(v.tweakedPublicKey);
    expect(bytesToHex(signer.use({ tweak, message }))).toBe(v.signature);
    signer.wipe();
  });

  it.each(vectors.pair)('recomputes the pair key and intro tag vectors, from either side', (p) => {
    const [w, r, W, R] = [p.writerSecret, p.readerSecret, p.writerKey, p.readerKey].map(hexToBytes) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    const fromWriter = pairKeyNative(w, R, W, R);
    expect(bytesToHex(fromWriter)).toBe(p.pairKey);
    expect(bytesToHex(pairKeyNative(r, W, W, R))).toBe(p.pairKey);
    expect(bytesToHex(pairKeyNative(r, W, R, W))).toBe(p.reversePairKey);
    // The vectors hold intro tags 0, 1 and 9999.
    expect([0, 1, 9999].map((i) => introTagNative(fromWriter, i))).toEqual(p.introTags);
    expect([...introTagsNative(fromWriter, 0, 2), ...introTagsNative(fromWriter, 9999, 1)]).toEqual(p.introTags);
  });

  it.each(vectors.list)('recomputes the list key and list tag vectors', (l) => {
    const key = hexToBytes(l.boxKey);
    const list = listKeyNative(pairKeyNative(hexToBytes(l.boxSecret), key, key, key));
    expect(bytesToHex(list)).toBe(l.listKey);
    // The vectors hold list tags 0, 1, 99 and 2^32 − 1.
    expect([
      ...listTagsNative(list, 0, 2),
      ...listTagsNative(list, 99, 1),
      ...listTagsNative(list, 4294967295, 1),
    ]).toEqual(l.listTags);
    expect(() => listTagsNative(list, 4294967295, 2)).toThrow(/counters/);
  });

  it.each(vectors.card)('recomputes the card tag vector $tag', (c) =>
    expect(cardTagNative(hexToBytes(c.boxSecret))).toBe(c.tag),
  );

  it.each(vectors.version)('recomputes the version tag vector for seq $seq', (v) =>
    expect(versionTagNative(hexToBytes(v.chartSecret), v.seq)).toBe(v.tag),
  );

  it('agrees with the pure-TypeScript reference on random input, and tweetnacl verifies its signatures', () => {
    for (let i = 0; i < 20; i++) {
      const seed = bytes(32);
      const secret = bytes(32);
      const seq = i * 7919;
      const tweak = ownerTweakNative(secret, seq, i % 3);
      expect(bytesToHex(tweak)).toBe(bytesToHex(ownerTweak(secret, seq, i % 3)));
      const A = ed25519.getPublicKey(seed);
      const tweaked = tweakPublicKeyNative(A, tweak);
      expect(bytesToHex(tweaked)).toBe(bytesToHex(tweakPublicKey(A, tweak)));
      const signer = tweakedSigner(seed);
      const m = bytes(200 + i);
      const signature = signer.use({ tweak, message: m });
      signer.wipe();
      expect(bytesToHex(signature)).toBe(bytesToHex(signTweaked(seed, tweak, m)));
      expect(nacl.sign.detached.verify(m, signature, tweaked)).toBe(true);
      expect(nacl.sign.detached.verify(m, signature, A)).toBe(false);
      const w = nacl.box.keyPair();
      const r = nacl.box.keyPair();
      const k = pairKeyNative(w.secretKey, r.publicKey, w.publicKey, r.publicKey);
      expect(bytesToHex(k)).toBe(bytesToHex(pairKey(w.secretKey, r.publicKey, w.publicKey, r.publicKey)));
      expect(introTagNative(k, seq)).toBe(introTag(k, seq));
      expect(introTagsNative(k, seq, 3)).toEqual([introTag(k, seq), introTag(k, seq + 1), introTag(k, seq + 2)]);
      expect(versionTagNative(secret, seq + 1)).toBe(versionTag(secret, seq + 1));
      const tag = bytesToHex(bytes(16));
      expect(bytesToHex(creatorSlotTagNative(k, tag))).toBe(bytesToHex(creatorSlotTag(k, tag)));
      expect(bytesToHex(slotTagNative(secret, seq + 1, r.publicKey))).toBe(
        bytesToHex(slotTag(secret, seq + 1, r.publicKey)),
      );
    }
  });

  it('refuses bad input with a clear error, and a wiped signer refuses to sign', () => {
    expect(() => ownerTweakNative(bytes(31), 1)).toThrow(/chart secret is 32 bytes/);
    expect(() => ownerTweakNative(bytes(32), -1)).toThrow(/seq/);
    expect(() => ownerTweakNative(bytes(32), 1, 256)).toThrow(/slot/);
    expect(() => slotTagNative(bytes(31), 2, bytes(32))).toThrow(/chart secret is 32 bytes/);
    expect(() => slotTagNative(bytes(32), -1, bytes(32))).toThrow(/seq/);
    expect(() => slotTagNative(bytes(32), 2, bytes(31))).toThrow(/reader box key/);
    const A = ed25519.getPublicKey(bytes(32));
    expect(() => tweakPublicKeyNative(A, new Uint8Array(32))).toThrow(/\[1, L\)/);
    const L = hexToBytes('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010');
    expect(() => tweakPublicKeyNative(A, L)).toThrow(/\[1, L\)/);
    expect(() => tweakPublicKeyNative(new Uint8Array(32).fill(0xff), ownerTweakNative(bytes(32), 1))).toThrow(
      /not a valid Ed25519 point/,
    );
    // Valid points are remembered, invalid ones never: a low-order point (the identity) is refused every time, also
    // after valid keys were tweaked, and a remembered key still gives the reference's A + t·G.
    const identity = hexToBytes('0100000000000000000000000000000000000000000000000000000000000000');
    for (let i = 0; i < 3; i++) {
      const tweak = ownerTweakNative(bytes(32), i);
      expect(bytesToHex(tweakPublicKeyNative(A, tweak))).toBe(bytesToHex(tweakPublicKey(A, tweak)));
      expect(() => tweakPublicKeyNative(identity, tweak)).toThrow(/not a valid Ed25519 point/);
    }
    // A low-order X25519 key (the all-zero point) leaves no shared secret.
    expect(() => pairKeyNative(bytes(32), new Uint8Array(32), bytes(32), bytes(32))).toThrow(/low order/);
    expect(() => introTagNative(bytes(32), -1)).toThrow(/counter/);
    expect(() => introTagsNative(bytes(32), 0xffffffff, 2)).toThrow(/counters/);
    expect(() => introTagsNative(bytes(31), 0, 1)).toThrow(/pair key is 32 bytes/);
    const signer = tweakedSigner(bytes(32));
    expect(() => signer.use({ tweak: L, message })).toThrow(/\[1, L\)/);
    signer.wipe();
    expect(() => signer.use({ tweak: ownerTweakNative(bytes(32), 1), message })).toThrow(/wiped/);
    expect(() => signer.publicKey(ownerTweakNative(bytes(32), 1))).toThrow(/wiped/);
  });
});

describe('the owner-key rule on libsodium (a key the ledger takes)', () => {
  const identity = deriveIdentityKeys(hexToBytes(SHORT.identitySeed));
  const secret = hexToBytes(SHORT.chartSecret);

  it('skips the 42-character key as the reference does, and signs for the key it gives', () => {
    expect(bytesToHex(ownerTweakNative(secret, SHORT.seq, 0, 1))).toBe(SHORT.tweak1);
    const native = ledgerOwnerTweakNative(identity.signPublic, secret, SHORT.seq);
    const reference = ledgerOwnerTweak(identity.signPublic, secret, SHORT.seq);
    expect(bytesToHex(native.tweak)).toBe(SHORT.tweak1);
    expect(bytesToHex(native.key)).toBe(bytesToHex(reference.key));
    // What the writer puts on the ledger and what a reader recomputes from the directory key: the same 43–44 chars.
    const owner = ownerKey(identity.signKey, secret, SHORT.seq);
    expect(owner).toBe(toBase58(native.key));
    expect(owner.length).toBeGreaterThanOrEqual(43);
    const tweak = ownerTweakFor(identity.signKey, secret, SHORT.seq);
    const signer = tweakedSigner(identity.signSeed);
    expect(toBase58(signer.publicKey(tweak))).toBe(owner);
    expect(nacl.sign.detached.verify(message, signer.use({ tweak, message }), native.key)).toBe(true);
    signer.wipe();
  });

  it('agrees with the reference on keys the ledger takes at attempt 0', () => {
    for (let i = 0; i < 20; i++) {
      const other = bytes(32);
      const native = ledgerOwnerTweakNative(identity.signPublic, other, 3, i % 2);
      expect(bytesToHex(native.tweak)).toBe(bytesToHex(ownerTweak(other, 3, i % 2)));
      expect(bytesToHex(native.key)).toBe(bytesToHex(ledgerOwnerTweak(identity.signPublic, other, 3, i % 2).key));
    }
  });
});
