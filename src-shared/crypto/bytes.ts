// Small byte helpers shared by the crypto modules. Pure ES2022: no Buffer, no DOM.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { base58, base64 } from '@scure/base';
import nacl from 'tweetnacl';

/** BigchainDB writes keys in base58 with the Bitcoin alphabet; @scure/base's `base58` is exactly that. */
export const toBase58 = (bytes: Uint8Array): string => base58.encode(bytes);
export const fromBase58 = (text: string): Uint8Array => base58.decode(text);

// Standard base64 with padding. Decoding goes through the platform's atob (browsers, Node, Electron): a chart
// version's box is decoded once per read, 3-5× faster than a pure-JS decoder. Encoding is @scure/base's codec: ~4×
// faster in Node 20 than building a binary string for btoa (a 3 kB box, once per write, a bulk import's every chart:
// ~17 µs instead of ~66 µs here). Same output, RFC 4648 with padding.
// Globals of every runtime this code runs in (the WHATWG HTML spec; Node since 16), declared here because
// src-shared's tsconfig includes neither the DOM nor Node typings.
declare function atob(data: string): string;
declare function btoa(data: string): string;

export const toBase64 = (bytes: Uint8Array): string => base64.encode(bytes);

/**
 * The bytes of `text` as a binary string, or null unless `text` is canonical padded standard base64 — exactly what
 * an RFC 4648 encoder writes (atob alone would also take it unpadded, with spaces or with stray bits in the last
 * character). Encoding back is the check: a third of the cost of a regular expression over a 3 kB box.
 */
function canonicalBinary(text: string): string | null {
  if (text.length % 4 !== 0) return null;
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  return btoa(binary) === text ? binary : null;
}

export const isBase64 = (text: string): boolean => canonicalBinary(text) !== null;

/** Throws on anything that is not canonical padded standard base64. */
export function fromBase64(text: string): Uint8Array {
  const binary = canonicalBinary(text);
  if (binary === null) throw new SyntaxError('not padded standard base64');
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export const utf8 = (text: string): Uint8Array => utf8ToBytes(text);

/** tweetnacl picks the platform CSPRNG (node:crypto in Node, crypto.getRandomValues in a browser). */
export const randomBytes = (length: number): Uint8Array => nacl.randomBytes(length);

/** Overwrites secret buffers in place. JS cannot wipe copies the engine made, but this removes ours. */
export function wipe(...buffers: (Uint8Array | null | undefined)[]): void {
  for (const buffer of buffers) buffer?.fill(0);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** Decodes a base58 public key and checks it is 32 bytes; returns null when it is not a key. */
export function decodeKey32(text: string): Uint8Array | null {
  try {
    const bytes = fromBase58(text);
    return bytes.length === 32 ? bytes : null;
  } catch {
    return null;
  }
}
