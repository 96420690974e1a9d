import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import vectors from '../../src-shared/unlinkable/fixtures/keyed-slot-vectors.json';
import { randomBytes } from '../../src-shared/crypto/bytes';
import { creatorSlotKey, openKeyedSlot, sealKeyedSlot, slotKey } from '../../src-shared/unlinkable/keyed-slot';
import { isCurvePoint } from '../../test/fixtures/curve-point';
import { openKeyedSlotNative, sealKeyedSlotNative } from './keyed-slot';
import { creatorSlotKeyNative, listKeyNative, pairKeyNative, slotKeyNative } from './unlinkable-keys';

// The same independent vectors as the reference (fixtures/make-keyed-slot-vectors.py), and both directions between
// libsodium and tweetnacl, so the two paths cannot drift apart.
describe('keyed slots on libsodium', () => {
  it.each(vectors.continuing)('recomputes the continuing slot key for seq $seq', (v) => {
    const pair = pairKeyNative(
      hexToBytes(v.readerSecret),
      hexToBytes(v.writerBoxKey),
      hexToBytes(v.writerBoxKey),
      hexToBytes(v.readerBoxKey),
    );
    expect(bytesToHex(pair)).toBe(v.pairKey);
    expect(bytesToHex(slotKeyNative(pair, hexToBytes(v.previousSecret), v.seq))).toBe(v.slotKey);
  });

  it.each(vectors.creator)('recomputes the creator slot key of list tag $listTag', (v) => {
    const C = hexToBytes(v.creatorBoxKey);
    const list = listKeyNative(pairKeyNative(hexToBytes(v.creatorSecret), C, C, C));
    expect(bytesToHex(list)).toBe(v.listKey);
    expect(bytesToHex(creatorSlotKeyNative(list, v.listTag))).toBe(v.creatorSlotKey);
  });

  it('derives what the reference derives on random inputs', () => {
    for (let i = 0; i < 20; i++) {
      const [pair, secret, seq] = [randomBytes(32), randomBytes(32), 1 + i * 7919];
      expect(slotKeyNative(pair, secret, seq)).toEqual(slotKey(pair, secret, seq));
      const tag = bytesToHex(randomBytes(16));
      expect(creatorSlotKeyNative(pair, tag)).toEqual(creatorSlotKey(pair, tag));
    }
  });

  it('opens what the reference seals and the reference opens what it seals; nothing under another key', () => {
    for (let i = 0; i < 10; i++) {
      const [key, dataKey] = [randomBytes(32), randomBytes(32)];
      const native = sealKeyedSlotNative(key, dataKey);
      const reference = sealKeyedSlot(key, dataKey);
      expect(openKeyedSlot(key, native)).toEqual(dataKey);
      expect(openKeyedSlotNative(key, reference)).toEqual(dataKey);
      expect(openKeyedSlotNative(randomBytes(32), native)).toBeNull();
      expect(isCurvePoint(native.subarray(0, 32))).toBe(true);
      const altered = Uint8Array.from(native);
      altered[70]! ^= 0x10;
      expect(openKeyedSlotNative(key, altered)).toBeNull();
    }
  });
});
