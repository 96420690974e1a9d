// The list checkpoint's chunks (docs/UNLINKABLE.md §14): a doctor's verified list (the payload, opaque bytes here) cut
// into the boxes of CREATEs that look like chart CREATEs. Every chunk's plaintext is exactly the largest size bucket's
// (the last chunk and the fillers are zero-filled), so each CREATE is one more 256 KiB chart to an observer; the
// chunk count is rounded up to a power of two, so the number of CREATEs says only log2 of the list's size.
//
//   "hc.list-checkpoint/1" ‖ id(16) ‖ u32be(generation) ‖ u32be(index) ‖ u32be(count) ‖ u32be(payload length)
//   ‖ SHA-256(payload)(32) ‖ writtenAt (24 ASCII: ISO 8601 to the millisecond) ‖ u32be(n) ‖ n bytes ‖ zero bytes
//
// The id is random per write: chunks of two writes of one generation (a write cut short, then done again) never mix.
// A chunk is read from a box only its doctor can open (an authenticated secretbox), so a malformed one is a bug or a
// wrong key, never an attack to survive quietly: every refusal names what is wrong.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { bytesEqual, randomBytes, utf8 } from '../crypto/bytes';
import { LARGEST_PAYLOAD } from './padding';
import { u32be } from './rendezvous';

export const CHECKPOINT_MAGIC = 'hc.list-checkpoint/1';
export const CHECKPOINT_ID_LENGTH = 16;
export const MAX_CHECKPOINT_CHUNKS = 64;
export const MAX_CHECKPOINT_PAYLOAD = 16 * 1024 * 1024;

const MAGIC = utf8(CHECKPOINT_MAGIC);
const WRITTEN_AT_LENGTH = 24;
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const ID_AT = MAGIC.length;
const NUMBERS_AT = ID_AT + CHECKPOINT_ID_LENGTH;
const HASH_AT = NUMBERS_AT + 16;
const WRITTEN_AT_AT = HASH_AT + 32;
const LENGTH_AT = WRITTEN_AT_AT + WRITTEN_AT_LENGTH;
const BYTES_AT = LENGTH_AT + 4;

/** Every chunk's plaintext length: what the largest padding bucket takes. */
export const CHUNK_PLAINTEXT_LENGTH = LARGEST_PAYLOAD;
/** The most payload bytes one chunk carries. */
export const MAX_CHUNK_BYTES = CHUNK_PLAINTEXT_LENGTH - BYTES_AT;

export class CheckpointChunkError extends Error {
  override readonly name = 'CheckpointChunkError';
}

export interface CheckpointChunk {
  /** The write's id, 32 hex digits: shared by every chunk of one write. */
  readonly id: string;
  readonly generation: number;
  readonly index: number;
  readonly count: number;
  readonly payloadLength: number;
  readonly payloadSha256: Uint8Array;
  readonly writtenAt: string;
  readonly bytes: Uint8Array;
}

export interface Checkpoint {
  readonly id: string;
  readonly generation: number;
  readonly writtenAt: string;
  readonly payload: Uint8Array;
}

export interface SplitOptions {
  generation: number;
  /** 16 random bytes by default; a test may fix it. */
  id?: Uint8Array;
  writtenAt?: Date;
  /** Payload bytes per chunk, at most MAX_CHUNK_BYTES (the default): tests force several chunks with less. */
  chunkBytes?: number;
}

const nextPowerOfTwo = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

/** The chunks' plaintexts, index order, each CHUNK_PLAINTEXT_LENGTH bytes. */
export function splitCheckpoint(
  payload: Uint8Array,
  {
    generation,
    id = randomBytes(CHECKPOINT_ID_LENGTH),
    writtenAt = new Date(),
    chunkBytes = MAX_CHUNK_BYTES,
  }: SplitOptions,
): Uint8Array[] {
  u32be(generation, 'a checkpoint generation');
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES)
    throw new CheckpointChunkError(`A chunk carries 1 to ${MAX_CHUNK_BYTES} payload bytes, not ${chunkBytes}`);
  if (!(id instanceof Uint8Array) || id.length !== CHECKPOINT_ID_LENGTH)
    throw new CheckpointChunkError(`A checkpoint id is ${CHECKPOINT_ID_LENGTH} bytes`);
  if (payload.length > MAX_CHECKPOINT_PAYLOAD)
    throw new CheckpointChunkError(
      `A checkpoint payload of ${payload.length} bytes is over the limit of ${MAX_CHECKPOINT_PAYLOAD}`,
    );
  const count = nextPowerOfTwo(Math.ceil(payload.length / chunkBytes));
  if (count > MAX_CHECKPOINT_CHUNKS)
    throw new CheckpointChunkError(
      `A checkpoint payload of ${payload.length} bytes needs ${count} chunks of ${chunkBytes} bytes; at most ${MAX_CHECKPOINT_CHUNKS} are allowed`,
    );
  const at = writtenAt.toISOString();
  if (!ISO_MS.test(at)) throw new CheckpointChunkError(`The time ${at} is outside the years 0000–9999`);
  const hash = sha256(payload);
  return Array.from({ length: count }, (_, index) => {
    const bytes = payload.subarray(index * chunkBytes, (index + 1) * chunkBytes);
    const out = new Uint8Array(CHUNK_PLAINTEXT_LENGTH);
    const view = new DataView(out.buffer);
    out.set(MAGIC);
    out.set(id, ID_AT);
    [generation, index, count, payload.length].forEach((n, k) => view.setUint32(NUMBERS_AT + 4 * k, n));
    out.set(hash, HASH_AT);
    out.set(utf8(at), WRITTEN_AT_AT);
    view.setUint32(LENGTH_AT, bytes.length);
    out.set(bytes, BYTES_AT);
    return out;
  });
}

/** One chunk's plaintext read back; throws CheckpointChunkError naming what is wrong. */
export function parseCheckpointChunk(plain: Uint8Array): CheckpointChunk {
  if (plain.length !== CHUNK_PLAINTEXT_LENGTH)
    throw new CheckpointChunkError(`A checkpoint chunk is ${CHUNK_PLAINTEXT_LENGTH} bytes, not ${plain.length}`);
  if (!bytesEqual(plain.subarray(0, MAGIC.length), MAGIC))
    throw new CheckpointChunkError(`Not a list checkpoint chunk (no "${CHECKPOINT_MAGIC}")`);
  const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
  const [generation, index, count, payloadLength] = [0, 1, 2, 3].map((k) => view.getUint32(NUMBERS_AT + 4 * k)) as [
    number,
    number,
    number,
    number,
  ];
  if (count < 1 || count > MAX_CHECKPOINT_CHUNKS || count !== nextPowerOfTwo(count))
    throw new CheckpointChunkError(`A chunk count is a power of two up to ${MAX_CHECKPOINT_CHUNKS}, not ${count}`);
  if (index >= count) throw new CheckpointChunkError(`Chunk index ${index} is not below the count ${count}`);
  if (payloadLength > MAX_CHECKPOINT_PAYLOAD)
    throw new CheckpointChunkError(`A checkpoint payload of ${payloadLength} bytes is over the limit`);
  const writtenAt = String.fromCharCode(...plain.subarray(WRITTEN_AT_AT, LENGTH_AT));
  if (!ISO_MS.test(writtenAt) || Number.isNaN(Date.parse(writtenAt)))
    throw new CheckpointChunkError('The chunk’s time is not an ISO 8601 time to the millisecond');
  const length = view.getUint32(LENGTH_AT);
  if (length > MAX_CHUNK_BYTES)
    throw new CheckpointChunkError(`A chunk claims ${length} bytes but has room for ${MAX_CHUNK_BYTES}`);
  let or = 0;
  for (let i = BYTES_AT + length; i < plain.length; i++) or |= plain[i]!;
  if (or !== 0) throw new CheckpointChunkError('The chunk’s fill is not all zero bytes');
  return {
    id: bytesToHex(plain.subarray(ID_AT, NUMBERS_AT)),
    generation,
    index,
    count,
    payloadLength,
    payloadSha256: plain.slice(HASH_AT, WRITTEN_AT_AT),
    writtenAt,
    bytes: plain.slice(BYTES_AT, BYTES_AT + length),
  };
}

/**
 * The payload of one write from all its chunks (any order): one id and generation, indexes 0 … count − 1 once each,
 * one header, and bytes whose length and SHA-256 are the header's. Throws CheckpointChunkError naming the first fault.
 */
export function joinCheckpoint(chunks: readonly CheckpointChunk[]): Checkpoint {
  const first = chunks[0];
  if (!first) throw new CheckpointChunkError('A checkpoint needs its chunks; none were given');
  for (const chunk of chunks) {
    if (chunk.id !== first.id || chunk.generation !== first.generation)
      throw new CheckpointChunkError(
        `Chunks of two writes (${first.id} of generation ${first.generation}, ${chunk.id} of generation ${chunk.generation}) cannot be joined`,
      );
    if (
      chunk.count !== first.count ||
      chunk.payloadLength !== first.payloadLength ||
      chunk.writtenAt !== first.writtenAt ||
      !bytesEqual(chunk.payloadSha256, first.payloadSha256)
    )
      throw new CheckpointChunkError(`Chunk ${chunk.index}'s header differs from chunk ${first.index}'s`);
  }
  const byIndex = new Array<CheckpointChunk | undefined>(first.count);
  for (const chunk of chunks) {
    if (byIndex[chunk.index]) throw new CheckpointChunkError(`Chunk ${chunk.index} is given twice`);
    byIndex[chunk.index] = chunk;
  }
  const missing = [...byIndex.keys()].filter((i) => !byIndex[i]);
  if (missing.length)
    throw new CheckpointChunkError(
      `Chunk${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${first.count} missing`,
    );
  const total = byIndex.reduce((sum, chunk) => sum + chunk!.bytes.length, 0);
  if (total !== first.payloadLength)
    throw new CheckpointChunkError(`The chunks carry ${total} bytes; the header says ${first.payloadLength}`);
  const payload = new Uint8Array(total);
  let at = 0;
  for (const chunk of byIndex) {
    payload.set(chunk!.bytes, at);
    at += chunk!.bytes.length;
  }
  if (!bytesEqual(sha256(payload), first.payloadSha256))
    throw new CheckpointChunkError('The joined payload does not match its SHA-256');
  return { id: first.id, generation: first.generation, writtenAt: first.writtenAt, payload };
}
