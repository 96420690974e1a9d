// Small byte helpers shared by the crypto modules. Pure ES2022: no Buffer, no DOM.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { base58, base64 } from '@scure/base';
import nacl from 'tweetnacl';

/** BigchainDB writes keys in base58 with the Bitcoin alphabet; @scure/base's `base58` is exactly that. */
export const toBase58 = (bytes: Uint8Array): string => base58.encode(bytes);
export const fromBase58 = (text: string): Uint8Array => base58.decode(text);
export const toBase64 = (bytes: Uint8Array): string => base64.encode(bytes);
export const fromBase64 = (text: string): Uint8Array => base64.decode(text);

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
