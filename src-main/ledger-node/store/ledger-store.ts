// On-disk state of the embedded node (lmdb: N-API, so one build loads in Node and in Electron).
//
// Durability rule: everything a block changes — each transaction, its position, the outputs it spends, its outputs
// by owner, its asset and metadata search postings, and the block record — is written in ONE lmdb transaction, and
// a commit is reported only once lmdb says it is flushed. A crash therefore leaves either the whole block or none of
// it. (The search indexes also rewrite their own runs later, each rewrite atomic on its own: term-index.ts.)
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type Key as LmdbKey, type RootDatabase } from 'lmdb';
import { BlockPostings, indexTerm } from './block-postings';
import type { Posting } from './posting-runs';
import { TermIndex, type IndexKind, type Put } from './term-index';
import { assetIdOf, outputOwners, type TxShape } from './tx-shape';
import { upgradeFromFormat1 } from './upgrade-format1';

/** A validated transaction ready to be written, with its compact JSON (what GET returns). */
export interface CommitEntry {
  readonly tx: TxShape;
  readonly json: string;
}

export interface CommittedBlock {
  readonly height: number;
  readonly entries: readonly CommitEntry[];
}

export type SearchHit = Posting;

type Key = (string | number)[];
// Upper bound for the numeric tail of range keys (sequence numbers are integers far below it).
const MAX_SEQ = Number.MAX_SAFE_INTEGER;
// 1: one lmdb key per (term, transaction) in `asset-terms` / `metadata-terms`. 2: search postings in runs
// (term-index.ts) and `seq-ids`; a format-1 directory is upgraded when opened (upgrade-format1.ts).
export const STORE_FORMAT = 2;

export class LedgerStore {
  private readonly root: RootDatabase;
  private readonly txs: Database<string, string>;
  private readonly positions: Database<[number, number], string>;
  private readonly spent: Database<string, Key>;
  private readonly assetTxs: Database<string, Key>;
  private readonly outputs: Database<string, Key>;
  private readonly blocks: Database<string[], number>;
  private readonly seqIds: Database<string, number>;
  private readonly indexes: Record<IndexKind, TermIndex>;
  private readonly meta: Database<unknown, string>;
  // Committed (visible) height, and the height/sequence already handed to blocks still being written: several
  // blocks may be in flight at once, lmdb commits them in the order they were queued.
  private height: number;
  private queuedHeight: number;
  private queuedSeq: number;
  readonly validatorKey: string;

  private constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // overlappingSync lets the next batch commit while the previous one is being fsynced; separateFlushed gives
    // each write its own `flushed` promise, and commits still wait for it before they are reported (see writeBlock).
    // noSubdir false: lmdb takes a path with a dot in its last name (`hc.ledger`) for a file and fails with "Is a
    // directory"; a folder without a dot was always opened as a folder, so its files (data.mdb, lock.mdb) are the same.
    this.root = open({ path: dataDir, noSubdir: false, maxDbs: 32, overlappingSync: true, separateFlushed: true });
    this.txs = this.root.openDB('txs', { encoding: 'string' });
    this.positions = this.root.openDB('positions', {});
    this.spent = this.root.openDB('spent', {});
    this.assetTxs = this.root.openDB('asset-txs', {});
    this.outputs = this.root.openDB('outputs', {});
    this.blocks = this.root.openDB('blocks', {});
    this.seqIds = this.root.openDB('seq-ids', { encoding: 'string' });
    const merges = this.root.openDB<true, [IndexKind, number, number]>('index-merges', {});
    this.indexes = {
      assets: new TermIndex(this.root, 'assets', merges),
      metadata: new TermIndex(this.root, 'metadata', merges),
    };
    this.meta = this.root.openDB('meta', {});
    ownerOnly(dataDir);

    let format = this.meta.get('format');
    if (format === 1) {
      upgradeFromFormat1({
        root: this.root,
        meta: this.meta,
        blocks: this.blocks,
        txs: this.txs,
        positions: this.positions,
        seqIds: this.seqIds,
        indexes: this.indexes,
        merges,
      });
      format = this.meta.get('format');
    }
    if (format !== undefined && format !== STORE_FORMAT) {
      throw new Error(
        `ledger data in ${dataDir} has format ${String(format)}; this node reads formats 1 and ${STORE_FORMAT}`,
      );
    }
    this.indexes.assets.load();
    this.indexes.metadata.load();
    this.height = (this.meta.get('height') as number | undefined) ?? 0;
    this.queuedHeight = this.height;
    this.queuedSeq = (this.meta.get('seq') as number | undefined) ?? 0;
    let validatorKey = this.meta.get('validator-key') as string | undefined;
    if (format === undefined) {
      // First open: genesis block 0 (empty, as the reference stores it) and this node's validator identity.
      validatorKey = randomBytes(32).toString('base64');
      this.root.transactionSync(() => {
        this.meta.putSync('format', STORE_FORMAT);
        this.meta.putSync('height', 0);
        this.meta.putSync('seq', 0);
        this.meta.putSync('validator-key', validatorKey);
        this.blocks.putSync(0, []);
      });
    }
    this.validatorKey = validatorKey ?? '';
  }

  /** Opens (creating if need be) the store in `dataDir`; the folder and its files are the user's alone (0700 / 0600). */
  static open(dataDir: string): LedgerStore {
    return new LedgerStore(dataDir);
  }

  get latestHeight(): number {
    return this.height;
  }

  getJson(id: string): string | undefined {
    return this.txs.get(id);
  }

  /** The stored JSON's UTF-8 bytes, valid only until the next read from this store. */
  getJsonBytes(id: string): Buffer | undefined {
    const bytes = this.txs.getBinaryFast(id);
    // lmdb-js hands out its shared read buffer with `length` set to the value's size, but native Buffer methods
    // (copy, indexOf) see the whole buffer: a view of the exact size keeps them within the value.
    return bytes?.subarray(0, bytes.length);
  }

  getTx(id: string): TxShape | undefined {
    const json = this.txs.get(id);
    return json === undefined ? undefined : (JSON.parse(json) as TxShape);
  }

  has(id: string): boolean {
    return this.txs.doesExist(id);
  }

  heightOf(id: string): number | undefined {
    return this.positions.get(id)?.[0];
  }

  spentBy(txId: string, outputIndex: number): string | undefined {
    return this.spent.get([txId, outputIndex]);
  }

  /** Ids of the transactions of an asset, in commit order. */
  assetTransactionIds(assetId: string): string[] {
    const ids: string[] = [];
    for (const { value } of this.assetTxs.getRange({ start: [assetId, 0], end: [assetId, MAX_SEQ] })) ids.push(value);
    return ids;
  }

  lastAssetTransactionId(assetId: string, operation?: 'CREATE' | 'TRANSFER'): string | undefined {
    for (const { value } of this.assetTxs.getRange({ start: [assetId, MAX_SEQ], end: [assetId, 0], reverse: true })) {
      if (operation === undefined || (operation === 'CREATE') === (value === assetId)) return value;
    }
    return undefined;
  }

  /** Outputs listed for an owner, in commit order then output index (docs/PROTOCOL.md §5.6). */
  outputsOf(publicKey: string, spent?: boolean): { transaction_id: string; output_index: number }[] {
    const found: { transaction_id: string; output_index: number }[] = [];
    for (const { key, value } of this.outputs.getRange({ start: [publicKey, 0], end: [publicKey, MAX_SEQ] })) {
      const outputIndex = key[2] as number;
      if (spent !== undefined && this.spent.doesExist([value, outputIndex]) !== spent) continue;
      found.push({ transaction_id: value, output_index: outputIndex });
    }
    return found;
  }

  blockIds(height: number): string[] | undefined {
    return this.blocks.get(height);
  }

  /** The id of the transaction committed with this sequence number. */
  idAt(seq: number): string | undefined {
    return this.seqIds.get(seq);
  }

  /** Documents (by seq) containing a term, with their weights, in seq order; `kind` picks the index. */
  termPostings(kind: IndexKind, term: string): SearchHit[] {
    return this.indexes[kind].postings(indexTerm(term));
  }

  /** The stored runs of an index (tests and diagnostics). */
  indexRuns(kind: IndexKind): { first: number; level: number; last: number; chunks: number }[] {
    return this.indexes[kind].storedRuns();
  }

  /** Resolves once the indexes have no merge running or due (tests). */
  async settleIndexes(): Promise<void> {
    await this.indexes.assets.settle();
    await this.indexes.metadata.settle();
  }

  /**
   * Writes one block in one lmdb transaction. Resolves once the block is committed (visible to reads), with a
   * second promise for when it is flushed to disk. The block's height is taken synchronously, so further blocks
   * may be queued before this one commits (they join lmdb's next write transaction) and during its flush.
   */
  async writeBlock(entries: readonly CommitEntry[]): Promise<{ block: CommittedBlock; durable: Promise<void> }> {
    const height = this.queuedHeight + 1;
    let seq = this.queuedSeq;
    // Work out every key and value before the write transaction starts, so the callback only copies bytes.
    const writes: [Database<unknown, LmdbKey>, LmdbKey, unknown][] = [];
    const put = <V, K extends LmdbKey>(db: Database<V, K>, key: K, value: V) => {
      writes.push([db as unknown as Database<unknown, LmdbKey>, key, value]);
    };
    const ids: string[] = [];
    const postings = new BlockPostings();
    const firstSeq = seq + 1;
    for (const { tx, json } of entries) {
      seq += 1;
      ids.push(tx.id);
      put(this.txs, tx.id, json);
      put(this.positions, tx.id, [height, seq]);
      put(this.seqIds, seq, tx.id);
      put(this.assetTxs, [assetIdOf(tx), seq], tx.id);
      for (const input of tx.inputs) {
        if (input.fulfills) put(this.spent, [input.fulfills.transaction_id, input.fulfills.output_index], tx.id);
      }
      tx.outputs.forEach((output, index) => {
        for (const owner of outputOwners(output)) put(this.outputs, [owner, seq, index], tx.id);
      });
      postings.add(tx, seq);
    }
    const runs = (['assets', 'metadata'] as const).map((kind) => {
      const index = this.indexes[kind];
      return [index, index.addRun(postings[kind], firstSeq, seq, 0, put as Put)] as const;
    });
    put(this.blocks, height, ids);
    put(this.meta, 'height', height);
    put(this.meta, 'seq', seq);

    this.queuedHeight = height;
    this.queuedSeq = seq;
    // One explicit batch: lmdb-js writes it in ONE transaction (atomic), encoding on this thread and committing on
    // its write thread, without the round trip of an async transaction callback.
    const committed: Promise<boolean> & { flushed?: PromiseLike<unknown> } = this.root.batch(() => {
      for (const [db, key, value] of writes) void db.put(key, value);
    });
    // This transaction's own flush. The environment-wide `flushed` (the fallback) would also be safe, but it is
    // read lazily and so waits for whatever transaction is newest by then: under load every block would wait for
    // the next one's flush too.
    const ownFlush = committed.flushed;
    await committed;
    this.height = Math.max(this.height, height);
    for (const [index, run] of runs) if (run) index.committed(run);
    const durable = Promise.resolve(typeof ownFlush?.then === 'function' ? ownFlush : this.root.flushed).then(
      () => undefined,
    );
    return { block: { height, entries }, durable };
  }

  async close(): Promise<void> {
    await this.indexes.assets.close();
    await this.indexes.metadata.close();
    await this.root.flushed;
    await this.root.close();
  }
}

/**
 * lmdb creates its files 0644 (its mode under the usual umask) and mkdir a parent's 0755: narrowed to the owner
 * once they exist. They hold ciphertext and public keys only, but other local accounts have no business reading
 * them. Done at every open, so folders made by older versions are narrowed too. Windows has no such modes.
 */
function ownerOnly(dataDir: string): void {
  if (process.platform === 'win32') return;
  chmodSync(dataDir, 0o700);
  for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
    chmodSync(join(dataDir, entry.name), entry.isDirectory() ? 0o700 : 0o600);
  }
}
