// The byte fields of envelope v3's clear metadata (`slots`, `nonce`, `box`) as text (docs/UNLINKABLE.md §2).
// New versions are written in RFC 4648 base32, lower case, unpadded (@scure/base's encoder): MongoDB's text index, and
// the embedded node after it, cut strings at `+` and `/`, so a base64 field was ~70 unique index terms of random
// fragments, a base32 one is one term. Versions written before in padded standard base64 stay readable. A version's
// encoding is told by its nonce's length (39 characters against 32): the schema then wants all three fields in it,
// so a version never mixes the two.
import { base32nopad } from '@scure/base';
import { fromBase64, isBase64 } from '../crypto/bytes';
import { NONCE_LENGTHS, type V3FieldEncoding } from './layout';

const BASE32_LOWER = /^[a-z2-7]*$/;
const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < 32; i++) VALUES[BASE32_ALPHABET.charCodeAt(i)] = i;
// Unused low bits of the last character, by the text's length modulo 8 (unpadded base32 never leaves 1, 3 or 6).
const UNUSED_BITS = [0, -1, 2, -1, 4, 1, -1, 3] as const;

export const toBase32 = (bytes: Uint8Array): string => base32nopad.encode(bytes).toLowerCase();

/**
 * Is `text` exactly what toBase32 writes for some bytes: the lower-case alphabet, a length unpadded base32 has, and
 * zero bits after the last byte (so no two texts decode to the same bytes). Cheaper than decoding, for the schema.
 */
export function isBase32(text: string): boolean {
  const unused = UNUSED_BITS[text.length % 8]!;
  if (unused < 0 || !BASE32_LOWER.test(text)) return false;
  if (unused === 0 || text.length === 0) return true;
  return (BASE32_ALPHABET.indexOf(text[text.length - 1]!) & ((1 << unused) - 1)) === 0;
}

const valueAt = (text: string, i: number): number => {
  const code = text.charCodeAt(i);
  return code < 128 ? VALUES[code]! : -1;
};

/**
 * Throws on anything toBase32 would not write (upper case, padding, another alphabet, stray bits). Its own loop, not
 * @scure/base's decoder: a version's box and slots are decoded on the list's main thread for every version read, and
 * the generic radix conversion took 4–8× as long as this (~190 against ~35 µs for a 4 KiB box, atob's base64 ~25 µs;
 * docs/BENCHMARKS.md, helper hexbox15). v3-fields.test.ts holds it to @scure/base's decoder, input by input.
 */
export function fromBase32(text: string): Uint8Array {
  const n = text.length;
  if (UNUSED_BITS[n % 8]! < 0) throw new SyntaxError('not lower-case unpadded base32: a length no bytes encode to');
  const out = new Uint8Array((n * 5) >>> 3);
  let i = 0;
  let at = 0;
  // Eight characters are 40 bits, five bytes: two 20-bit halves.
  for (; i + 8 <= n; i += 8, at += 5) {
    const a = valueAt(text, i);
    const b = valueAt(text, i + 1);
    const c = valueAt(text, i + 2);
    const d = valueAt(text, i + 3);
    const e = valueAt(text, i + 4);
    const f = valueAt(text, i + 5);
    const g = valueAt(text, i + 6);
    const h = valueAt(text, i + 7);
    if ((a | b | c | d | e | f | g | h) < 0) throw new SyntaxError('not lower-case unpadded base32');
    const high = (a << 15) | (b << 10) | (c << 5) | d;
    const low = (e << 15) | (f << 10) | (g << 5) | h;
    out[at] = high >>> 12;
    out[at + 1] = high >>> 4;
    out[at + 2] = (high << 4) | (low >>> 16);
    out[at + 3] = low >>> 8;
    out[at + 4] = low;
  }
  let buffer = 0;
  let bits = 0;
  for (; i < n; i++) {
    const v = valueAt(text, i);
    if (v < 0) throw new SyntaxError('not lower-case unpadded base32');
    buffer = ((buffer << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = buffer >>> bits;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) throw new SyntaxError('not canonical base32: bits after the last byte');
  return out;
}

/** The encoding of a version's byte fields, from its nonce's length; base64 for anything not base32's. */
export const v3Encoding = (metadata: { nonce: string }): V3FieldEncoding =>
  metadata.nonce.length === NONCE_LENGTHS.base32 ? 'base32' : 'base64';

export const isV3Field = (text: string, encoding: V3FieldEncoding): boolean =>
  encoding === 'base32' ? isBase32(text) : isBase64(text);

/** A byte field of a version in its encoding; throws SyntaxError when it is not in it. */
export const decodeV3Field = (text: string, encoding: V3FieldEncoding): Uint8Array =>
  encoding === 'base32' ? fromBase32(text) : fromBase64(text);
