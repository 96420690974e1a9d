// The list checkpoint's store on the ledger (docs/UNLINKABLE.md §14): one generation of a doctor's verified list (the
// payload: opaque bytes here) written as v3 CREATEs built like a chart's CREATE (createV3), one per chunk
// (checkpoint-chunks.ts), and the newest generation found and read back by a workstation with an empty cache.
//
// Chunk i of generation g carries the checkpoint tag (g, i) of the doctor's list key as its asset's `chart`; the
// doctor is its one reader, through the creator's keyed slot (tag and key derived from the asset's tag). A reader walks
// the generations by chunk 0's tag with the node's asset search, as findOwnCharts walks list tags, and reads the
// highest generation that is whole, falling back one generation at a time.
//
// Authenticity needs no signature check: a chunk counts only if it opens through the keyed slot under the key
// creatorSlotKey(list key, tag), which only the list key's holder — the doctor — derives, and its box is an
// XSalsa20-Poly1305 secretbox under the data key that slot holds. A sealed box is never tried: anyone can seal one to
// the doctor's public box key. A copied tag, a copied slot or a forged box therefore opens to nothing and is skipped;
// a whole copy of a chunk's metadata opens to the very same chunk, which the join takes once.
import type { CustodyPolicy } from '../../../src-shared/authority/custody';
import { bytesEqual, wipe } from '../../../src-shared/crypto/bytes';
import { EnvelopeError, type EnvelopeReaderKey } from '../../../src-shared/crypto/envelope';
import type { KeyHolder } from '../../../src-shared/crypto/keyholder';
import type { CryptoProvider, Transaction } from '../../../src-shared/ledger';
import { HEX64 } from '../../../src-shared/ledger/patterns';
import {
  CheckpointChunkError,
  joinCheckpoint,
  parseCheckpointChunk,
  splitCheckpoint,
  type CheckpointChunk,
} from '../../../src-shared/unlinkable/checkpoint-chunks';
import { openV3, parseV3Metadata } from '../../../src-shared/unlinkable/envelope-v3';
import { checkpointTag, creatorSlotTag } from '../../../src-shared/unlinkable/rendezvous';
import { openKeyedSlotNative } from '../../crypto/keyed-slot';
import { secretboxOpen } from '../../crypto/secretbox';
import { creatorSlotKeyNative, listKeyNative } from '../../crypto/unlinkable-keys';
import { CHART_ASSET_TYPE } from '../../ledger/chain';
import type { LedgerNodeClient } from '../../ledger/node-client';
import { TAGS_PER_SEARCH } from '../discovery/tag-batches';
import { searchAssetTags, type DiscoveryClient } from '../discovery/tag-search';
import { quorumOf } from '../v3-outputs';
import { createV3 } from '../version-builder-v3';

export interface CheckpointWriteOptions {
  crypto: CryptoProvider;
  /** The custody the doctor's charts are written under: the chunks' outputs have a chart's shape under it. */
  custody?: CustodyPolicy | null;
  /** Payload bytes per chunk (checkpoint-chunks.ts's maximum by default): tests force several chunks with less. */
  chunkBytes?: number;
  at?: Date;
}

export interface StoredCheckpoint {
  readonly generation: number;
  readonly payload: Uint8Array;
  /** The chunks' transaction ids, chunk 0 first. */
  readonly txIds: string[];
  readonly writtenAt: string;
}

export interface NewestCheckpoint {
  readonly newest: StoredCheckpoint | null;
  /** One past the highest generation found (0 when none): the generation a writer writes next. */
  readonly nextGeneration: number;
}

/** The doctor's list key (a holder without pair keys has none: it writes no v3 and keeps no checkpoint). */
function listKeyOf(holder: KeyHolder): Uint8Array | null {
  if (!holder.pairKey) return null;
  const self = holder.pairKey(holder.boxKey, holder.boxKey);
  try {
    return listKeyNative(self);
  } finally {
    wipe(self);
  }
}

/** The signed CREATEs of one generation, chunk 0 first. */
export async function buildCheckpoint(
  holder: KeyHolder,
  generation: number,
  payload: Uint8Array,
  { crypto, custody = null, chunkBytes, at = new Date() }: CheckpointWriteOptions,
): Promise<Transaction[]> {
  const chunks = splitCheckpoint(payload, { generation, writtenAt: at, chunkBytes });
  const quorum = quorumOf(custody);
  const txs: Transaction[] = [];
  for (const [index, chunk] of chunks.entries()) {
    const { tx } = await createV3(
      holder,
      {
        tagOf: (list) => checkpointTag(list, generation, index),
        plaintext: () => chunk,
        readers: [holder.boxKey],
        tags: [],
        custodian: holder.signKey,
        quorum,
      },
      crypto,
    );
    txs.push(tx);
  }
  return txs;
}

/**
 * Writes one generation and waits for every chunk to be committed. Chunk 0, by which readers find a generation, goes
 * last: a write cut short is not found, and the next write of the same generation (its chunks under another id) is
 * read past the leftovers. One chunk at a time, not to crowd a shared node with megabytes at once. No outbox: a lost
 * checkpoint costs a slower cold list, never data, and the next write replaces it.
 */
export async function writeCheckpoint(
  client: Pick<LedgerNodeClient, 'post'>,
  holder: KeyHolder,
  generation: number,
  payload: Uint8Array,
  options: CheckpointWriteOptions,
): Promise<{ txIds: string[] }> {
  const txs = await buildCheckpoint(holder, generation, payload, options);
  for (const tx of [...txs.slice(1), txs[0]!]) await client.post(tx, 'commit');
  return { txIds: txs.map((tx) => tx.id) };
}

/** The doctor reads a checkpoint's keyed slot only (see the header): a sealed box is refused unopened. */
const keyedSlotOnly = (boxKey: string): EnvelopeReaderKey => ({
  boxKey,
  openSealed: () => Promise.reject(new EnvelopeError('not-a-reader', 'A checkpoint opens through its keyed slot only')),
});

interface OpenedChunk {
  readonly chunk: CheckpointChunk;
  readonly txId: string;
}

/** The chunk in transaction `id` if it is chunk `index` of `generation` for this list key; null for anything else. */
async function openChunk(
  client: DiscoveryClient,
  reader: EnvelopeReaderKey,
  list: Uint8Array,
  generation: number,
  index: number,
  id: string,
): Promise<OpenedChunk | null> {
  if (!HEX64.test(id)) return null;
  const tag = checkpointTag(list, generation, index);
  const tx = (await client.getTransaction(id)).value as Partial<Transaction> | null;
  const data = (tx?.asset as { data?: { type?: unknown; chart?: unknown } } | undefined)?.data;
  if (tx?.id !== id || tx.operation !== 'CREATE' || data?.type !== CHART_ASSET_TYPE || data.chart !== tag) return null;
  const slotKey = creatorSlotKeyNative(list, tag);
  try {
    const plain = await openV3(parseV3Metadata(tx.metadata), reader, creatorSlotTag(list, tag), {
      onlyTagged: true,
      slotKeys: [slotKey],
      openKeyed: openKeyedSlotNative,
      secretboxOpen,
    });
    const chunk = parseCheckpointChunk(plain);
    return chunk.generation === generation && chunk.index === index ? { chunk, txId: id } : null;
  } catch (error) {
    if (error instanceof EnvelopeError || error instanceof CheckpointChunkError) return null;
    throw error;
  } finally {
    wipe(slotKey);
  }
}

/** Two chunks of one write and index alike in every field (ids and indexes compared by the caller). */
const sameChunk = (a: CheckpointChunk, b: CheckpointChunk) =>
  a.count === b.count &&
  a.payloadLength === b.payloadLength &&
  a.writtenAt === b.writtenAt &&
  bytesEqual(a.payloadSha256, b.payloadSha256) &&
  bytesEqual(a.bytes, b.bytes);

/** Generation `generation` read whole from the asset ids holding its chunk 0's tag, or null. */
async function readGeneration(
  client: DiscoveryClient,
  reader: EnvelopeReaderKey,
  list: Uint8Array,
  generation: number,
  firstIds: readonly string[],
): Promise<StoredCheckpoint | null> {
  const opened = (index: number, ids: readonly string[]) =>
    Promise.all(ids.map((id) => openChunk(client, reader, list, generation, index, id)));
  const firsts = (await opened(0, firstIds)).filter((c): c is OpenedChunk => c !== null);
  if (firsts.length === 0) return null;
  const count = Math.max(...firsts.map((c) => c.chunk.count));
  const tags = Array.from({ length: count - 1 }, (_, k) => checkpointTag(list, generation, k + 1));
  const hits = count > 1 ? await searchAssetTags(client, tags) : new Map<string, string[]>();
  const rest = await Promise.all(tags.map((tag, k) => opened(k + 1, hits.get(tag) ?? [])));
  // Per write (its id), one chunk an index: a whole copy of a chunk's metadata opens to the same chunk, kept once;
  // two different chunks at one index (only the doctor could make them) are both passed on, and the join refuses.
  const writes = new Map<string, OpenedChunk[]>();
  for (const c of [...firsts, ...rest.flat()]) {
    if (c === null) continue;
    const same = writes.get(c.chunk.id) ?? [];
    if (!same.some((o) => o.chunk.index === c.chunk.index && sameChunk(o.chunk, c.chunk))) same.push(c);
    writes.set(c.chunk.id, same);
  }
  // The newest write of this generation first (two workstations, or a write cut short and done again).
  const candidates = firsts.map((c) => c.chunk).sort((a, b) => b.writtenAt.localeCompare(a.writtenAt));
  for (const first of candidates) {
    const chunks = writes.get(first.id)!;
    try {
      const joined = joinCheckpoint(chunks.map((c) => c.chunk));
      const byIndex = [...chunks].sort((a, b) => a.chunk.index - b.chunk.index);
      return { generation, payload: joined.payload, writtenAt: joined.writtenAt, txIds: byIndex.map((c) => c.txId) };
    } catch (error) {
      if (!(error instanceof CheckpointChunkError)) throw error;
    }
  }
  return null;
}

/**
 * The newest whole checkpoint of this doctor on the node, and the generation to write next. A hostile node can hide
 * generations (an older one, or none, is read: slower, never wrong, as the reader catches up from it) but cannot make
 * one up. Node failures are thrown (NodeUnreachableError…); what does not open or join is skipped.
 */
export async function findNewestCheckpoint(client: DiscoveryClient, holder: KeyHolder): Promise<NewestCheckpoint> {
  const list = listKeyOf(holder);
  if (!list) return { newest: null, nextGeneration: 0 };
  try {
    const found = new Map<number, string[]>();
    for (let from = 0; ; from += TAGS_PER_SEARCH) {
      const tags = Array.from({ length: TAGS_PER_SEARCH }, (_, k) => checkpointTag(list, from + k, 0));
      const hits = await searchAssetTags(client, tags);
      for (const [k, tag] of tags.entries()) {
        const ids = hits.get(tag);
        if (ids) found.set(from + k, ids);
      }
      if (hits.size === 0) break;
    }
    const generations = [...found.keys()].sort((a, b) => b - a);
    const nextGeneration = (generations[0] ?? -1) + 1;
    const reader = keyedSlotOnly(holder.boxKey);
    for (const generation of generations) {
      const newest = await readGeneration(client, reader, list, generation, found.get(generation)!);
      if (newest) return { newest, nextGeneration };
    }
    return { newest: null, nextGeneration };
  } finally {
    wipe(list);
  }
}
