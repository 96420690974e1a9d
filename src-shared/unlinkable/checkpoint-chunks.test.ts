import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { randomBytes } from '../crypto/bytes';
import {
  CHECKPOINT_MAGIC,
  CHUNK_PLAINTEXT_LENGTH,
  MAX_CHECKPOINT_CHUNKS,
  MAX_CHECKPOINT_PAYLOAD,
  MAX_CHUNK_BYTES,
  joinCheckpoint,
  parseCheckpointChunk,
  splitCheckpoint,
  type CheckpointChunk,
} from './checkpoint-chunks';
import { PADDING_BUCKETS, padToBucket } from './padding';

const at = new Date('2026-12-05T22:30:00.123Z');
const parsedChunks = (payload: Uint8Array, chunkBytes?: number, generation = 3) =>
  splitCheckpoint(payload, { generation, writtenAt: at, chunkBytes }).map(parseCheckpointChunk);
/** A chunk's plaintext with `edit` applied to a copy. */
const edited = (plain: Uint8Array, edit: (copy: Uint8Array, view: DataView) => void) => {
  const copy = plain.slice();
  edit(copy, new DataView(copy.buffer));
  return copy;
};
const NUMBERS_AT = CHECKPOINT_MAGIC.length + 16;

describe('list checkpoint chunks', () => {
  it('a payload round-trips through chunks that each fill the largest padding bucket', () => {
    const payload = randomBytes(600 * 1024);
    const plains = splitCheckpoint(payload, { generation: 7, writtenAt: at });
    // 600 KiB needs 3 chunks of MAX_CHUNK_BYTES; the count is rounded up to 4.
    expect(plains).toHaveLength(4);
    for (const plain of plains) {
      expect(plain.length).toBe(CHUNK_PLAINTEXT_LENGTH);
      expect(padToBucket(plain).length).toBe(PADDING_BUCKETS.at(-1));
    }
    const chunks = plains.map(parseCheckpointChunk);
    expect(chunks.map((c) => [c.index, c.count, c.generation])).toEqual([0, 1, 2, 3].map((i) => [i, 4, 7]));
    expect(chunks.map((c) => c.bytes.length)).toEqual([
      MAX_CHUNK_BYTES,
      MAX_CHUNK_BYTES,
      600 * 1024 - 2 * MAX_CHUNK_BYTES,
      0,
    ]);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(bytesToHex(chunks[0]!.payloadSha256)).toBe(bytesToHex(sha256(payload)));
    // Any order joins.
    const joined = joinCheckpoint([chunks[2]!, chunks[0]!, chunks[3]!, chunks[1]!]);
    expect(joined).toMatchObject({ generation: 7, writtenAt: at.toISOString(), id: chunks[0]!.id });
    expect(bytesToHex(joined.payload)).toBe(bytesToHex(payload));
  });

  it('rounds the chunk count up to a power of two, one chunk for a small or empty payload', () => {
    const counts = [0, 1, 100, 101, 300, 400, 401, 6400].map(
      (n) => splitCheckpoint(randomBytes(n), { generation: 0, chunkBytes: 100 }).length,
    );
    expect(counts).toEqual([1, 1, 1, 2, 4, 4, 8, 64]);
    for (const n of [0, 5])
      expect(joinCheckpoint(parsedChunks(new Uint8Array(n).fill(9))).payload).toEqual(new Uint8Array(n).fill(9));
  });

  it('gives every write a fresh id, or the one asked for', () => {
    const payload = randomBytes(10);
    expect(parsedChunks(payload)[0]!.id).not.toBe(parsedChunks(payload)[0]!.id);
    const id = randomBytes(16);
    expect(parseCheckpointChunk(splitCheckpoint(payload, { generation: 0, id })[0]!).id).toBe(bytesToHex(id));
  });

  it('refuses a payload, chunk size, id or generation out of bounds', () => {
    expect(() => splitCheckpoint(randomBytes(6401), { generation: 0, chunkBytes: 100 })).toThrow(
      /needs 128 chunks of 100 bytes; at most 64/,
    );
    expect(() => splitCheckpoint(new Uint8Array(MAX_CHECKPOINT_PAYLOAD + 1), { generation: 0 })).toThrow(
      /over the limit of 16777216/,
    );
    // 16 MiB at the default chunk size would take 65 chunks: the count bound refuses it.
    expect(() => splitCheckpoint(new Uint8Array(MAX_CHECKPOINT_PAYLOAD), { generation: 0 })).toThrow(
      new RegExp(`at most ${MAX_CHECKPOINT_CHUNKS} are allowed`),
    );
    expect(() => splitCheckpoint(new Uint8Array(MAX_CHUNK_BYTES * 64), { generation: 0 })).not.toThrow();
    expect(() => splitCheckpoint(randomBytes(1), { generation: 0, chunkBytes: MAX_CHUNK_BYTES + 1 })).toThrow(
      /1 to \d+ payload bytes/,
    );
    expect(() => splitCheckpoint(randomBytes(1), { generation: 0, chunkBytes: 0 })).toThrow(/1 to \d+ payload bytes/);
    expect(() => splitCheckpoint(randomBytes(1), { generation: 0, id: randomBytes(15) })).toThrow(/id is 16 bytes/);
    expect(() => splitCheckpoint(randomBytes(1), { generation: -1 })).toThrow(/checkpoint generation/);
    expect(() =>
      splitCheckpoint(randomBytes(1), { generation: 0, writtenAt: new Date('+010000-01-01T00:00:00Z') }),
    ).toThrow(/years 0000–9999/);
  });

  it('refuses a chunk that is not one, or whose header or fill is wrong', () => {
    const [plain] = splitCheckpoint(randomBytes(1000), { generation: 1, writtenAt: at });
    expect(() => parseCheckpointChunk(plain!.subarray(1))).toThrow(/is \d+ bytes, not/);
    expect(() => parseCheckpointChunk(edited(plain!, (c) => (c[0] = 0x48)))).toThrow(/Not a list checkpoint chunk/);
    expect(() => parseCheckpointChunk(edited(plain!, (_, v) => v.setUint32(NUMBERS_AT + 4, 1)))).toThrow(
      /index 1 is not below the count 1/,
    );
    expect(() => parseCheckpointChunk(edited(plain!, (_, v) => v.setUint32(NUMBERS_AT + 8, 3)))).toThrow(
      /power of two up to 64, not 3/,
    );
    expect(() => parseCheckpointChunk(edited(plain!, (_, v) => v.setUint32(NUMBERS_AT + 8, 128)))).toThrow(/not 128/);
    expect(() => parseCheckpointChunk(edited(plain!, (_, v) => v.setUint32(NUMBERS_AT + 8, 0)))).toThrow(/not 0/);
    expect(() =>
      parseCheckpointChunk(edited(plain!, (_, v) => v.setUint32(NUMBERS_AT + 12, MAX_CHECKPOINT_PAYLOAD + 1))),
    ).toThrow(/over the limit/);
    const timeAt = NUMBERS_AT + 16 + 32;
    expect(() => parseCheckpointChunk(edited(plain!, (c) => (c[timeAt + 10] = 0x20)))).toThrow(/not an ISO 8601 time/);
    const lengthAt = timeAt + 24;
    expect(() => parseCheckpointChunk(edited(plain!, (_, v) => v.setUint32(lengthAt, MAX_CHUNK_BYTES + 1)))).toThrow(
      /claims \d+ bytes but has room/,
    );
    expect(() => parseCheckpointChunk(edited(plain!, (c) => (c[c.length - 1] = 1)))).toThrow(/fill is not all zero/);
    // Shortening the claimed length leaves payload bytes in the fill.
    expect(() => parseCheckpointChunk(edited(plain!, (_, v) => v.setUint32(lengthAt, 999)))).toThrow(
      /fill is not all zero/,
    );
  });

  it('joins only one write’s chunks, each index once, of the header’s length and hash', () => {
    const payload = randomBytes(450);
    const chunks = parsedChunks(payload, 100);
    expect(chunks).toHaveLength(8);
    expect(joinCheckpoint(chunks).payload).toEqual(payload);
    const other = parsedChunks(payload, 100);
    const with_ = (i: number, chunk: CheckpointChunk) => chunks.map((c, k) => (k === i ? chunk : c));
    expect(() => joinCheckpoint([])).toThrow(/none were given/);
    expect(() => joinCheckpoint(with_(3, other[3]!))).toThrow(/Chunks of two writes/);
    expect(() => joinCheckpoint(with_(3, parsedChunks(payload, 100, 4)[3]!))).toThrow(/Chunks of two writes/);
    expect(() => joinCheckpoint(chunks.slice(0, 7))).toThrow(/Chunk 7 of 8 missing/);
    expect(() => joinCheckpoint([chunks[0]!, chunks[0]!, ...chunks.slice(2)])).toThrow(/Chunk 0 is given twice/);
    expect(() => joinCheckpoint(with_(2, { ...chunks[2]!, count: 16 }))).toThrow(/Chunk 2's header differs/);
    expect(() => joinCheckpoint(with_(2, { ...chunks[2]!, writtenAt: '2026-12-05T22:30:00.124Z' }))).toThrow(
      /header differs/,
    );
    expect(() => joinCheckpoint(with_(2, { ...chunks[2]!, payloadSha256: randomBytes(32) }))).toThrow(/header differs/);
    expect(() => joinCheckpoint(with_(2, { ...chunks[2]!, bytes: chunks[2]!.bytes.subarray(1) }))).toThrow(
      /carry 449 bytes; the header says 450/,
    );
    const flipped = chunks[2]!.bytes.slice();
    flipped[0]! ^= 1;
    expect(() => joinCheckpoint(with_(2, { ...chunks[2]!, bytes: flipped }))).toThrow(/does not match its SHA-256/);
    // Two chunks' bytes swapped: the lengths agree, the hash does not.
    expect(() =>
      joinCheckpoint(
        with_(1, { ...chunks[1]!, bytes: chunks[2]!.bytes }).map((c, k) =>
          k === 2 ? { ...c, bytes: chunks[1]!.bytes } : c,
        ),
      ),
    ).toThrow(/SHA-256/);
  });
});
