// The byte fields of envelope v3's clear metadata (`slots`, `nonce`, `box`) as text (docs/UNLINKABLE.md §2).
// New versions are written in RFC 4648 base32, lower case, unpadded (@scure/base's codec): MongoDB's text index, and
// the embedded node after it, cut strings at `+` and `/`, so a base64 field was ~70 unique index terms of random
// fragments, a base32 one is one term. Versions written before in padded standard base64 stay readable. A version's
// encoding is told by its nonce's length (39 characters against 32): the schema then wants all three fields in it,
// so a version never mixes the two.
import { base32nopad } from '@scure/base';
import { fromBase64, isBase64 } from '../crypto/bytes';
import { NONCE_LENGTHS, type V3FieldEncoding } from './layout';

const BASE32_LOWER = /^[a-z2-7]*$/;
const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
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

/** Throws on anything toBase32 would not write (upper case, padding, another alphabet, stray bits). */
export function fromBase32(text: string): Uint8Array {
  // The check before upper-casing: toUpperCase would also map `ı` or `ß` into the alphabet.
  if (!BASE32_LOWER.test(text)) throw new SyntaxError('not lower-case unpadded base32');
  return base32nopad.decode(text.toUpperCase());
}

/** The encoding of a version's byte fields, from its nonce's length; base64 for anything not base32's. */
export const v3Encoding = (metadata: { nonce: string }): V3FieldEncoding =>
  metadata.nonce.length === NONCE_LENGTHS.base32 ? 'base32' : 'base64';

export const isV3Field = (text: string, encoding: V3FieldEncoding): boolean =>
  encoding === 'base32' ? isBase32(text) : isBase64(text);

/** A byte field of a version in its encoding; throws SyntaxError when it is not in it. */
export const decodeV3Field = (text: string, encoding: V3FieldEncoding): Uint8Array =>
  encoding === 'base32' ? fromBase32(text) : fromBase64(text);
