// Small byte helpers shared by the crypto modules. Pure ES2022: no Buffer, no DOM.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { base58, base64 } from '@scure/base';
import nacl from 'tweetnacl';

/** BigchainDB writes keys in base58 with the Bitcoin alphabet; @scure/base's `base58` is exactly that. */
export const toBase58 = (bytes: Uint8Array): string => base58.encode(bytes);
export const fromBase58 = (text: string): Uint8Array => base58.decode(text);

// Standard base64 with padding. Decoding goes through the platform's atob (browsers, Node, Electron): a chart
// version's box is decoded once per read, 3-5× faster than a pure-JS decoder. Encoding (a 3 kB box once per write, a
// bulk import's every chart) is the runtime's Uint8Array.prototype.toBase64 where it has one (@scure/base calls it),
// else the table encoder below: 4-6× faster than @scure/base's generic radix codec in Node 20 (~90 µs → ~15-20 µs
// for 3 kB in the same run; docs/BENCHMARKS.md, helper import16i). Same output, RFC 4648 with padding.
// Globals of every runtime this code runs in (the WHATWG HTML spec; Node since 16), declared here because
// src-shared's tsconfig includes neither the DOM nor Node typings.
declare function atob(data: string): string;
declare function btoa(data: string): string;

declare class TextDecoder {
  decode(input: Uint8Array): string;
}

const BASE64_CODES = Uint8Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', (c) =>
  c.charCodeAt(0),
);
const PAD = 0x3d; // '='
/** Every 12 bits → their two characters' codes, as one 16-bit unit in the platform's byte order. */
const BASE64_PAIRS = (() => {
  const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
  const pairs = new Uint16Array(4096);
  for (let i = 0; i < 4096; i++) {
    const first = BASE64_CODES[i >> 6]!;
    const second = BASE64_CODES[i & 63]!;
    pairs[i] = littleEndian ? first | (second << 8) : (first << 8) | second;
  }
  return pairs;
})();
const asciiDecoder = new TextDecoder();

function encodeBase64(bytes: Uint8Array): string {
  const length = bytes.length;
  const whole = length - (length % 3);
  const out = new Uint8Array(Math.ceil(length / 3) * 4);
  const pairs = new Uint16Array(out.buffer);
  let o = 0;
  let i = 0;
  for (; i < whole; i += 3) {
    const triple = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    pairs[o++] = BASE64_PAIRS[triple >> 12]!;
    pairs[o++] = BASE64_PAIRS[triple & 4095]!;
  }
  if (i < length) {
    const two = length - i === 2;
    const triple = (bytes[i]! << 16) | (two ? bytes[i + 1]! << 8 : 0);
    const at = o * 2;
    out[at] = BASE64_CODES[triple >> 18]!;
    out[at + 1] = BASE64_CODES[(triple >> 12) & 63]!;
    out[at + 2] = two ? BASE64_CODES[(triple >> 6) & 63]! : PAD;
    out[at + 3] = PAD;
  }
  return asciiDecoder.decode(out);
}

const hasNativeBase64 = typeof (Uint8Array.prototype as { toBase64?: unknown }).toBase64 === 'function';

export const toBase64: (bytes: Uint8Array) => string = hasNativeBase64
  ? (bytes) => base64.encode(bytes)
  : (bytes) => {
      if (!(bytes instanceof Uint8Array)) throw new TypeError('expected a Uint8Array');
      return encodeBase64(bytes);
    };

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
