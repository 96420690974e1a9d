import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { randomBytes } from '../crypto/bytes';
import {
  cardTag,
  checkpointTag,
  grantBoxKey,
  grantTag,
  introTag,
  listKey,
  listTag,
  creatorSlotTag,
  pairKey,
  recoveryTag,
  slotTag,
  TAG_PATTERN,
  versionTag,
} from './rendezvous';
import vectors from './fixtures/unlinkable-vectors.json';

// Vectors: fixtures/make-vectors.py (pyca/cryptography's X25519 and HKDF, not this code).
describe('rendezvous tags', () => {
  const v = vectors.pair[0]!;
  const [w, r, W, R] = [v.writerSecret, v.readerSecret, v.writerKey, v.readerKey].map(hexToBytes) as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];

  it('writer and reader compute the same pair key as the independent vector, and the two directions differ', () => {
    expect(bytesToHex(pairKey(w, R, W, R))).toBe(v.pairKey);
    expect(bytesToHex(pairKey(r, W, W, R))).toBe(v.pairKey);
    expect(bytesToHex(pairKey(r, W, R, W))).toBe(v.reversePairKey);
    expect(v.reversePairKey).not.toBe(v.pairKey);
  });

  it('a recovery tag: the custodian and the recovery key compute it alike, per custodian and counter, apart from intro tags', () => {
    // w: a doctor's box secret, r: the recovery secret (R its public key). Both sides of K(W→Rec) give one tag.
    const byDoctor = pairKey(w, R, W, R);
    const byQuorum = pairKey(r, W, W, R);
    expect(recoveryTag(byDoctor, W, 0)).toBe(recoveryTag(byQuorum, W, 0));
    expect(recoveryTag(byDoctor, W, 0)).toMatch(TAG_PATTERN);
    const all = [recoveryTag(byDoctor, W, 0), recoveryTag(byDoctor, W, 1), recoveryTag(byDoctor, R, 0)];
    all.push(recoveryTag(pairKey(r, W, R, W), W, 0), introTag(byDoctor, 0));
    expect(new Set(all).size).toBe(all.length);
    expect(() => recoveryTag(byDoctor, W.subarray(1), 0)).toThrow(/custodian box key is 32 bytes/);
  });

  it('intro tags match the vectors and are single hex search terms', () => {
    const pair = hexToBytes(v.pairKey);
    expect([0, 1, 9999].map((i) => introTag(pair, i))).toEqual(v.introTags);
    for (const tag of v.introTags) expect(tag).toMatch(TAG_PATTERN);
  });

  it.each(vectors.version)('version tag of seq $seq', (t) => {
    expect(versionTag(hexToBytes(t.chartSecret), t.seq)).toBe(t.tag);
  });

  it.each(vectors.slot)('slot tag of seq $seq', (t) => {
    expect(bytesToHex(slotTag(hexToBytes(t.chartSecret), t.seq, hexToBytes(t.readerKey)))).toBe(t.tag);
  });

  it.each(vectors.list)('list key and list tags of a creator match the vectors', (t) => {
    const secret = hexToBytes(t.boxSecret);
    const key = hexToBytes(t.boxKey);
    const self = pairKey(secret, key, key, key);
    expect(bytesToHex(self)).toBe(t.selfPairKey);
    expect(bytesToHex(listKey(self))).toBe(t.listKey);
    expect([0, 1, 99, 4294967295].map((j) => listTag(hexToBytes(t.listKey), j))).toEqual(t.listTags);
    for (const tag of t.listTags) expect(tag).toMatch(TAG_PATTERN);
  });

  it.each(vectors.list)('checkpoint tags of a creator match the vectors, apart from its list tags', (t) => {
    const list = hexToBytes(t.listKey);
    for (const { generation, chunk, tag } of t.checkpointTags) {
      expect(checkpointTag(list, generation, chunk)).toBe(tag);
      expect(tag).toMatch(TAG_PATTERN);
    }
    // (g, i) and (i, g) differ, and no checkpoint tag is a list tag of the same key.
    expect(checkpointTag(list, 0, 1)).not.toBe(checkpointTag(list, 1, 0));
    expect(t.listTags).not.toContain(checkpointTag(list, 0, 0));
    expect(checkpointTag(randomBytes(32), 0, 0)).not.toBe(t.checkpointTags[0]!.tag);
    expect(() => checkpointTag(list, -1, 0)).toThrow(/checkpoint generation/);
    expect(() => checkpointTag(list, 0, 2 ** 32)).toThrow(/checkpoint chunk/);
    expect(() => checkpointTag(list.subarray(1), 0, 0)).toThrow(/list key is 32 bytes/);
  });

  it.each(vectors.card)('card tag $tag', (t) => {
    expect(cardTag(hexToBytes(t.boxSecret))).toBe(t.tag);
  });

  it.each(vectors.grant)('grant tags and grant-box keys of chart secret $chartSecret', (g) => {
    const secret = hexToBytes(g.chartSecret);
    expect([0, 1, 4294967295].map((k) => grantTag(secret, k))).toEqual(g.tags);
    expect([0, 1, 4294967295].map((k) => bytesToHex(grantBoxKey(secret, k)))).toEqual(g.boxKeys);
    expect(() => grantTag(secret.subarray(1), 0)).toThrow(/32 bytes/);
  });

  it('a third party with its own key gets other tags', () => {
    const eve = nacl.box.keyPair();
    expect(bytesToHex(pairKey(eve.secretKey, R, W, R))).not.toBe(v.pairKey);
  });

  it('refuses a low-order key (the shared secret would be public) and wrong lengths', () => {
    expect(() => pairKey(w, new Uint8Array(32), W, R)).toThrow(/low order/);
    expect(() => pairKey(w, randomBytes(31), W, R)).toThrow(/32 bytes/);
    expect(() => introTag(randomBytes(32), -1)).toThrow(/counter/);
    expect(() => versionTag(randomBytes(16), 1)).toThrow(/chart secret/);
    expect(() => listTag(randomBytes(32), 2 ** 32)).toThrow(/counter/);
    expect(() => listKey(randomBytes(16))).toThrow(/32 bytes/);
    expect(() => cardTag(randomBytes(31))).toThrow(/32 bytes/);
  });

  it('list key and list tags match values computed by an independent HKDF (Python hmac, RFC 5869)', () => {
    // python3: prk = HMAC(salt, pair); okm = HMAC(prk, info ‖ 0x01) — pair = bytes 0..31.
    const pair = Uint8Array.from({ length: 32 }, (_, i) => i);
    const list = listKey(pair);
    expect(bytesToHex(list)).toBe('a2febaad1e73ab3e0467fe8d087f3e4c97fdb075578ae0c86e0e2dde8e7f4ac2');
    expect([0, 1, 70000].map((j) => listTag(list, j))).toEqual([
      '319e5391b4a0cf3098703c2303e9f3ab',
      '6db808e4cb17b001351f27e86661d9da',
      'd25d08b9415b8aab9bdd2954249f1bc5',
    ]);
    expect(() => listTag(list, -1)).toThrow(/counter/);
    expect(() => listKey(randomBytes(16))).toThrow(/32 bytes/);
  });

  it('the creator slot tag matches an independent HKDF, differs per chart, and refuses what is not a list tag', () => {
    // python3: prk = HMAC(salt, list key); okm = HMAC(prk, "healthchain.v3.creator-slot/1" ‖ list tag ‖ 0x01)[0..8].
    const list = listKey(Uint8Array.from({ length: 32 }, (_, i) => i));
    expect(bytesToHex(creatorSlotTag(list, '319e5391b4a0cf3098703c2303e9f3ab'))).toBe('ccfb749d8e654440');
    expect(bytesToHex(creatorSlotTag(list, '6db808e4cb17b001351f27e86661d9da'))).toBe('7794eb6f8d221cb9');
    expect(creatorSlotTag(randomBytes(32), '319e5391b4a0cf3098703c2303e9f3ab')).not.toEqual(
      creatorSlotTag(list, '319e5391b4a0cf3098703c2303e9f3ab'),
    );
    expect(() => creatorSlotTag(list, '319E5391B4A0CF3098703C2303E9F3AB')).toThrow(/list tag/);
    expect(() => creatorSlotTag(randomBytes(16), '319e5391b4a0cf3098703c2303e9f3ab')).toThrow(/32 bytes/);
  });
});
