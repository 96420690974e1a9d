import { describe, expect, it } from 'vitest';
import { base32nopad } from '@scure/base';
import { randomBytes, toBase64 } from '../crypto/bytes';
import { decodeV3Field, fromBase32, isBase32, isV3Field, toBase32, v3Encoding } from './v3-fields';

const utf8 = (s: string) => new TextEncoder().encode(s);

/** The oracle: @scure/base's RFC 4648 decoder (upper case) on a text of lower-case ASCII only; null if refused. */
function scureDecode(text: string): Uint8Array | null {
  if ([...text].some((c) => c.charCodeAt(0) > 0x7f) || text !== text.toLowerCase()) return null;
  try {
    return base32nopad.decode(text.toUpperCase());
  } catch {
    return null;
  }
}
const ours = (text: string): Uint8Array | null => {
  try {
    return fromBase32(text);
  } catch {
    return null;
  }
};

describe('envelope v3 byte fields as text', () => {
  it('writes RFC 4648 base32 (§10 test vectors), lower case, without padding', () => {
    // RFC 4648 §10: BASE32("f") = "MY======" … BASE32("foobar") = "MZXW6YTBOI======".
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'my'],
      ['fo', 'mzxq'],
      ['foo', 'mzxw6'],
      ['foob', 'mzxw6yq'],
      ['fooba', 'mzxw6ytb'],
      ['foobar', 'mzxw6ytboi'],
    ];
    for (const [bytes, text] of vectors) {
      expect(toBase32(utf8(bytes))).toBe(text);
      expect(isBase32(text)).toBe(true);
      expect(fromBase32(text)).toEqual(utf8(bytes));
    }
  });

  it('round-trips random bytes of every length modulo 5', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = randomBytes(n);
      const text = toBase32(bytes);
      expect(text).toMatch(/^[a-z2-7]*$/);
      expect(isBase32(text)).toBe(true);
      expect(fromBase32(text)).toEqual(bytes);
    }
  });

  it('refuses upper case, padding, other alphabets, lookalikes that upper-case into it, stray bits, bad lengths', () => {
    const good = toBase32(randomBytes(24)); // 39 characters: 3 unused bits in the last one
    const refused = [
      good.toUpperCase(),
      good.slice(0, 38) + good[38]!.toUpperCase(),
      good + '=',
      'my======',
      good.slice(0, 38) + '8',
      good.slice(0, 38) + '1',
      good.slice(0, 38) + '+',
      'ı' + good.slice(1), // dotless i: toUpperCase gives I
      'ß' + good.slice(2), // sharp s: toUpperCase gives SS
      good.slice(0, 38) + 'b', // 'b' is 1: a stray bit after the last byte
      good.slice(0, 38), // 38 characters: no byte length gives 38 % 8 = 6
      good.slice(0, 33), // 33 % 8 = 1
      toBase64(randomBytes(24)),
    ];
    for (const text of refused) {
      expect(isBase32(text), text).toBe(false);
      expect(() => fromBase32(text), text).toThrow();
    }
  });

  it('isBase32 (the schema’s cheap check) agrees with decoding on every one-character change', () => {
    const text = toBase32(randomBytes(29)); // 47 characters: 1 unused bit
    const alphabet = 'abcdefghijklmnopqrstuvwxyz234567ABCZ0189=+/ı';
    for (const at of [0, 20, text.length - 1])
      for (const c of alphabet) {
        const changed = text.slice(0, at) + c + text.slice(at + 1);
        let decodes = true;
        try {
          fromBase32(changed);
        } catch {
          decodes = false;
        }
        expect(isBase32(changed), changed).toBe(decodes);
      }
  });

  it('decodes exactly as @scure/base does: every truncation and one-character change of random texts', () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz234567ABCZ0189=+/ı ';
    for (const n of [0, 1, 4, 5, 9, 24, 29, 37, 112]) {
      const text = toBase32(randomBytes(n));
      const variants = [text];
      for (let cut = 0; cut < text.length; cut++) variants.push(text.slice(0, cut), text.slice(cut));
      for (let at = 0; at < text.length; at += Math.max(1, Math.floor(text.length / 12)))
        for (const c of alphabet) variants.push(text.slice(0, at) + c + text.slice(at + 1));
      variants.push(text + 'a', text + 'aa', text + '7');
      for (const variant of variants) {
        const expected = scureDecode(variant);
        expect(ours(variant), variant).toEqual(expected);
        expect(isBase32(variant), variant).toBe(expected !== null);
      }
    }
  });

  it('tells a version’s encoding by its nonce, and decodes each field in it', () => {
    const nonce = randomBytes(24);
    expect(v3Encoding({ nonce: toBase32(nonce) })).toBe('base32');
    expect(v3Encoding({ nonce: toBase64(nonce) })).toBe('base64');
    expect(decodeV3Field(toBase32(nonce), 'base32')).toEqual(nonce);
    expect(decodeV3Field(toBase64(nonce), 'base64')).toEqual(nonce);
    expect(isV3Field(toBase64(nonce), 'base32')).toBe(false);
    expect(isV3Field(toBase32(nonce), 'base64')).toBe(false); // 39 characters: not padded base64
    expect(() => decodeV3Field(toBase64(nonce), 'base32')).toThrow();
  });
});
