import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import vectors from './fixtures/keyed-slot-vectors.json';
import { randomBytes } from '../crypto/bytes';
import { sealTo } from '../crypto/sealed-box';
import { toBase58 } from '../crypto/bytes';
import { KEYED_SLOT_LENGTH, creatorSlotKey, openKeyedSlot, sealKeyedSlot, slotKey } from './keyed-slot';
import { listKey, listTag, pairKey } from './rendezvous';
import { isCurvePoint } from '../../test/fixtures/curve-point';

// Vectors: fixtures/make-keyed-slot-vectors.py (Python's hmac/hashlib HKDF, pyca/cryptography's X25519; not this code).
describe('keyed slots (docs/UNLINKABLE.md §4)', () => {
  it.each(vectors.continuing)('derives the continuing slot key for seq $seq from both sides of the pair', (v) => {
    const [w, r, W, R] = [v.writerSecret, v.readerSecret, v.writerBoxKey, v.readerBoxKey].map(hexToBytes) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    expect(bytesToHex(pairKey(w, R, W, R))).toBe(v.pairKey);
    expect(bytesToHex(pairKey(r, W, W, R))).toBe(v.pairKey);
    expect(bytesToHex(slotKey(hexToBytes(v.pairKey), hexToBytes(v.previousSecret), v.seq))).toBe(v.slotKey);
  });

  it.each(vectors.creator)('derives the creator slot key of list tag $listTag', (v) => {
    const c = hexToBytes(v.creatorSecret);
    const C = hexToBytes(v.creatorBoxKey);
    const list = listKey(pairKey(c, C, C, C));
    expect(bytesToHex(list)).toBe(v.listKey);
    expect(listTag(list, vectors.creator.indexOf(v))).toBe(v.listTag);
    expect(bytesToHex(creatorSlotKey(list, v.listTag))).toBe(v.creatorSlotKey);
  });

  it('each input of the key changes it: the pair key, the previous secret, the version', () => {
    const [pair, secret] = [randomBytes(32), randomBytes(32)];
    const key = bytesToHex(slotKey(pair, secret, 5));
    expect(bytesToHex(slotKey(randomBytes(32), secret, 5))).not.toBe(key);
    expect(bytesToHex(slotKey(pair, randomBytes(32), 5))).not.toBe(key);
    expect(bytesToHex(slotKey(pair, secret, 6))).not.toBe(key);
    expect(() => slotKey(pair, new Uint8Array(31), 5)).toThrow(/chart secret is 32 bytes/);
    expect(() => creatorSlotKey(pair, 'not a tag')).toThrow(/list tag/);
  });

  it('seals a data key that opens under its key only, and refuses an altered body', () => {
    const [key, dataKey] = [randomBytes(32), randomBytes(32)];
    const body = sealKeyedSlot(key, dataKey);
    expect(body.length).toBe(KEYED_SLOT_LENGTH);
    expect(openKeyedSlot(key, body)).toEqual(dataKey);
    expect(openKeyedSlot(randomBytes(32), body)).toBeNull();
    for (const at of [40, 60, 90]) {
      const altered = Uint8Array.from(body);
      altered[at]! ^= 1;
      expect(openKeyedSlot(key, altered)).toBeNull();
    }
    expect(openKeyedSlot(key, body.subarray(1))).toBeNull();
  });

  it('has a sealed box’s shape: the same length, a real X25519 key in front (a random string is not one half the time)', () => {
    const boxKey = toBase58(nacl.box.keyPair().publicKey);
    for (let i = 0; i < 32; i++) {
      const keyed = sealKeyedSlot(randomBytes(32), randomBytes(32));
      const sealed = sealTo(boxKey, randomBytes(32));
      expect(keyed.length).toBe(sealed.length);
      expect(isCurvePoint(keyed.subarray(0, 32))).toBe(true);
      expect(isCurvePoint(sealed.subarray(0, 32))).toBe(true);
    }
    // The check can fail: random 32-byte strings are mostly not public keys.
    const random = Array.from({ length: 64 }, () => isCurvePoint(randomBytes(32))).filter(Boolean).length;
    expect(random).toBeLessThan(48);
  });
});
