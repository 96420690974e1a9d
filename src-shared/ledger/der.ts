// The DER subset crypto-conditions need (docs/PROTOCOL.md §3.3): one-byte context tags, definite minimal lengths,
// minimal unsigned INTEGERs and BIT STRINGs. Written here because the maintained crypto-conditions packages depend on
// Node's Buffer; this file is small and pinned by the spec's test vectors. The reader is strict: anything non-canonical
// (non-minimal length, long-form for short values, trailing bytes) is rejected rather than silently re-encoded.
import { concatBytes } from './bytes';

export class DerError extends Error {
  override readonly name = 'DerError';
}

export function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  if (length <= 0xff) return Uint8Array.of(0x81, length);
  if (length <= 0xffff) return Uint8Array.of(0x82, length >> 8, length & 0xff);
  if (length <= 0xffffff) return Uint8Array.of(0x83, length >> 16, (length >> 8) & 0xff, length & 0xff);
  throw new DerError('DER value too long');
}

export function tlv(tag: number, contents: Uint8Array): Uint8Array {
  // One allocation: conditions are built from many small elements (a threshold's fingerprint input, each binary).
  const n = contents.length;
  if (n >= 0x80) return concatBytes([Uint8Array.of(tag), encodeLength(n), contents]);
  const out = new Uint8Array(n + 2);
  out[0] = tag;
  out[1] = n;
  out.set(contents, 2);
  return out;
}

/** Minimal big-endian two's-complement contents of a non-negative integer. */
export function encodeUnsigned(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new DerError(`cannot encode integer ${value}`);
  let length = 1;
  let top = value;
  while (top >= 256) {
    top = Math.floor(top / 256);
    length++;
  }
  // A leading zero byte keeps a high first bit from reading as a sign.
  const pad = top & 0x80 ? 1 : 0;
  const out = new Uint8Array(pad + length);
  let v = value;
  for (let i = pad + length - 1; i >= pad; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

export function decodeUnsigned(contents: Uint8Array): number {
  // 6 bytes keep the value a safe integer; no real condition's cost comes near 2^48.
  if (contents.length === 0 || contents.length > 6) throw new DerError('bad INTEGER length');
  const first = contents[0] as number;
  if (first & 0x80) throw new DerError('negative INTEGER');
  if (contents.length > 1 && first === 0 && !((contents[1] as number) & 0x80))
    throw new DerError('non-minimal INTEGER');
  let value = 0;
  for (const b of contents) value = value * 256 + b;
  return value;
}

/** BIT STRING contents for a set of bit numbers (bit 0 = most significant bit of the first byte). */
export function encodeBitSet(bits: number): Uint8Array {
  if (bits === 0) return Uint8Array.of(0);
  const highest = 31 - Math.clz32(bits);
  const bytes = new Uint8Array(Math.floor(highest / 8) + 2);
  bytes[0] = 7 - (highest % 8);
  for (let bit = 0; bit <= highest; bit++) {
    if (bits & (1 << bit)) bytes[1 + (bit >> 3)]! |= 0x80 >> (bit % 8);
  }
  return bytes;
}

export function decodeBitSet(contents: Uint8Array): number {
  const unused = contents[0];
  if (unused === undefined || unused > 7 || contents.length > 5) throw new DerError('bad BIT STRING');
  if (contents.length === 1) {
    if (unused !== 0) throw new DerError('bad BIT STRING');
    return 0;
  }
  const last = contents[contents.length - 1] as number;
  if (last === 0 || (last & ((1 << unused) - 1)) !== 0) throw new DerError('non-canonical BIT STRING');
  let bits = 0;
  for (let i = 1; i < contents.length; i++) {
    for (let j = 0; j < 8; j++) if ((contents[i] as number) & (0x80 >> j)) bits |= 1 << ((i - 1) * 8 + j);
  }
  return bits;
}

export interface Element {
  tag: number;
  contents: Uint8Array;
  /** the whole encoding (tag, length, contents) */
  encoded: Uint8Array;
}

/** Reads consecutive TLV elements until `bytes` is exhausted. */
export function readElements(bytes: Uint8Array): Element[] {
  const out: Element[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const start = offset;
    const tag = bytes[offset++] as number;
    if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not used by crypto-conditions');
    const first = bytes[offset++];
    if (first === undefined) throw new DerError('truncated length');
    let length: number;
    if (first < 0x80) {
      length = first;
    } else {
      const count = first & 0x7f;
      if (count === 0 || count > 3) throw new DerError('unsupported length form');
      length = 0;
      for (let i = 0; i < count; i++) {
        const b = bytes[offset++];
        if (b === undefined) throw new DerError('truncated length');
        length = length * 256 + b;
      }
      if (length < 0x80 || length < 2 ** (8 * (count - 1))) throw new DerError('non-minimal length');
    }
    if (offset + length > bytes.length) throw new DerError('truncated value');
    out.push({
      tag,
      contents: bytes.subarray(offset, offset + length),
      encoded: bytes.subarray(start, offset + length),
    });
    offset += length;
  }
  return out;
}

/** Reads exactly one element that spans all of `bytes`. */
export function readSingle(bytes: Uint8Array): Element {
  const elements = readElements(bytes);
  if (elements.length !== 1) throw new DerError(elements.length === 0 ? 'empty input' : 'trailing bytes');
  return elements[0] as Element;
}
