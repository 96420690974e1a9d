// Password-based key derivation (scrypt). The parameters are stored beside everything they protect, so they can be
// raised later without breaking old entries; `checkScryptParams` bounds them so a crafted entry or backup file cannot
// make us allocate gigabytes or burn minutes of CPU: at most 256 MiB (128 · N · r bytes) and p ≤ 4, i.e. at most
// four times the work of the card derivation, the costliest this version uses itself.
import { scryptAsync } from '@noble/hashes/scrypt.js';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. Memory used is 128 · N · r bytes. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** Derives `length` bytes from `password` and `salt`. Main injects node:crypto's (off the event loop). */
export type ScryptFn = (
  password: Uint8Array,
  salt: Uint8Array,
  params: ScryptParams,
  length: number,
) => Promise<Uint8Array>;

const MIN_LOG_N = 10;
const MAX_LOG_N = 20;
/** The most memory one derivation may take (128 · N · r bytes): the card derivation's own 256 MiB. */
export const MAX_SCRYPT_MEMORY_BYTES = 256 * 2 ** 20;
export const MAX_SCRYPT_P = 4;

/** Returns an explanation when the parameters are outside what this version accepts, else null. */
export function checkScryptParams(params: ScryptParams): string | null {
  const { N, r, p } = params;
  if (!Number.isInteger(N) || N < 2 ** MIN_LOG_N || N > 2 ** MAX_LOG_N || (N & (N - 1)) !== 0) {
    return `scrypt N must be a power of two between 2^${MIN_LOG_N} and 2^${MAX_LOG_N}`;
  }
  if (!Number.isInteger(r) || r < 1 || r > 32) return 'scrypt r must be an integer between 1 and 32';
  if (!Number.isInteger(p) || p < 1 || p > MAX_SCRYPT_P)
    return `scrypt p must be an integer between 1 and ${MAX_SCRYPT_P}`;
  if (128 * N * r > MAX_SCRYPT_MEMORY_BYTES) {
    return `scrypt N ${N} with r ${r} needs ${(128 * N * r) / 2 ** 20} MiB of memory; at most ${MAX_SCRYPT_MEMORY_BYTES / 2 ** 20} MiB is accepted`;
  }
  return null;
}

export const scryptMemoryBytes = (params: ScryptParams): number =>
  128 * params.N * params.r * params.p + 128 * params.r * 2;

/** Pure-JS scrypt (@noble/hashes), for code that is not in the main process. Slower than node:crypto's. */
export const nobleScrypt: ScryptFn = (password, salt, params, length) => {
  const problem = checkScryptParams(params);
  if (problem) return Promise.reject(new RangeError(problem));
  return scryptAsync(password, salt, {
    N: params.N,
    r: params.r,
    p: params.p,
    dkLen: length,
    maxmem: scryptMemoryBytes(params) + 1024,
  });
};
