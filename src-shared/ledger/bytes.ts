// Byte/text codecs used on the wire: base58 (keys), base64url without padding (fulfillments, fingerprints), hex (ids).
import { base58, base64urlnopad, hex } from '@scure/base';
import { utf8ToBytes } from '@noble/hashes/utils.js';

export function utf8(text: string): Uint8Array {
  return utf8ToBytes(text);
}

export function toHex(bytes: Uint8Array): string {
  return hex.encode(bytes);
}

export function fromHex(text: string): Uint8Array {
  return hex.decode(text);
}

export function toBase58(bytes: Uint8Array): string {
  return base58.encode(bytes);
}

/** Decodes base58; null when the text is not base58. */
export function fromBase58(text: string): Uint8Array | null {
  try {
    return base58.decode(text);
  } catch {
    return null;
  }
}

/** Decodes a base58 Ed25519 public key; null unless it is exactly 32 bytes. */
export function decodePublicKey(text: string): Uint8Array | null {
  if (text.length < 32 || text.length > 44) return null;
  const bytes = fromBase58(text);
  return bytes !== null && bytes.length === 32 ? bytes : null;
}

export function toBase64Url(bytes: Uint8Array): string {
  return base64urlnopad.encode(bytes);
}

/** Decodes unpadded base64url; null when malformed (including impossible lengths or non-zero trailing bits). */
export function fromBase64Url(text: string): Uint8Array | null {
  try {
    return base64urlnopad.decode(text);
  } catch {
    return null;
  }
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic byte order (DER SET OF ordering). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
