// The durable outbox (docs/DESIGN.md §2 "Nothing is lost"): every signed transaction is written here before it is
// posted, and leaves only once the node has committed it. Records live in one lmdb environment in the outbox
// directory, one entry per transaction (key: its id, value: the record as JSON). An lmdb commit is atomic, so a
// crash leaves each record whole or absent; and lmdb puts every write queued while a commit is busy into the next
// one, so the adds of a bulk import share a commit and its fsync instead of paying files, renames and fsyncs each.
// Records hold the signed transaction as posted: its metadata is the sealed envelope, so no health data reaches the
// disk in clear (nor is the store compressed: a scan of its files for clear text means what it says).
import { chmod, mkdir } from 'node:fs/promises';
import { open, type Database, type RootDatabase, type RootDatabaseOptionsWithPath } from 'lmdb';
import { HEX64 } from '../../src-shared/ledger/patterns';
import { readLegacyFiles, removeLegacyFiles } from './outbox-legacy';
import { OutboxOrder } from './outbox-order';
import {
  parseOutboxRecord,
  toItem,
  type NewOutboxRecord,
  type OutboxEntry,
  type OutboxRecord,
  type RetryState,
} from './outbox-record';

export type { OutboxEntry, OutboxRecord } from './outbox-record';

/** A write's commit promise; with separateFlushed it carries the promise of that commit's fsync. */
type Write = Promise<unknown> & { flushed?: PromiseLike<unknown> };

const TX_ID = HEX64;

export class Outbox {
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly root: RootDatabase,
    private readonly store: Database<string, string>,
    private readonly records: OutboxOrder,
    /** Entries (or files of the old format) that could not be read: left in place, never deleted, never loaded. */
    readonly unreadable: readonly string[],
  ) {}

  /** Opens (creating if needed) the outbox in `dir`, loading what a previous run left pending. */
  static async open(dir: string): Promise<Outbox> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700); // mkdir's mode does not apply to a directory that exists (the CLI creates it 0755)
    const options: RootDatabaseOptionsWithPath & { permissionsMode: number } = {
      path: dir,
      noSubdir: false, // lmdb would take a directory whose name has a dot for a file
      maxDbs: 2,
      // Commits are reported when visible, each with a promise for its own fsync: add() waits for that one, so it
      // never waits for writes queued after it. lmdb's default overlappingSync lets the next commit proceed meanwhile.
      separateFlushed: true,
      permissionsMode: 0o600, // lmdb's own default is 0664
    };
    const root = open(options);
    try {
      const store = root.openDB<string, string>('records', { encoding: 'string' });
      const unreadable = await migrateLegacyFiles(dir, root, store);
      const loaded: OutboxRecord[] = [];
      for (const { key, value } of store.getRange()) {
        const record = parseOutboxRecord(value, key);
        if (record) loaded.push(record);
        else unreadable.push(key);
      }
      return new Outbox(dir, root, store, new OutboxOrder(loaded), unreadable);
    } catch (error) {
      await root.close();
      throw error;
    }
  }

  /** Resolves once the record is on disk (fsynced), and only then lists it, so nothing is posted before that. */
  async add(record: NewOutboxRecord): Promise<OutboxRecord> {
    this.checkOpen();
    if (typeof record.tx?.id !== 'string' || !TX_ID.test(record.tx.id)) {
      throw new Error(
        `An outbox record needs a signed transaction (its id is 64 hex digits, got ${JSON.stringify(record.tx?.id)})`,
      );
    }
    const full: OutboxRecord = {
      version: 1,
      ...record,
      attempts: 0,
      lastAttemptAt: null,
      nextAttemptAt: null,
      lastError: null,
      state: 'pending',
    };
    await durable(this.root, this.store.put(full.tx.id, JSON.stringify(full)));
    this.records.set(full);
    return full;
  }

  /**
   * Records a retry or a rejection. Memory changes at once, in the order the writes are queued, so a removal that
   * follows wins in memory as on disk. Resolves when committed, without waiting for the fsync: if a power cut
   * undoes it, the record is posted again and the node answers again (commits it, or rejects it once more).
   */
  async update(txId: string, patch: Partial<RetryState>): Promise<void> {
    this.checkOpen();
    const current = this.records.get(txId);
    if (!current) return;
    const next = { ...current, ...patch };
    this.records.set(next);
    await this.store.put(txId, JSON.stringify(next));
  }

  /**
   * Called only once the node has committed the transaction (or already had it), or to discard a rejected one.
   * Resolves when committed, without waiting for the fsync: if a power cut undoes it, the record is posted again
   * on restart and the node's "already have it" answer counts as committed, so nothing is lost or doubled.
   */
  async remove(txId: string): Promise<void> {
    this.checkOpen();
    this.records.delete(txId);
    await this.store.remove(txId);
  }

  get(txId: string): OutboxRecord | undefined {
    return this.records.get(txId);
  }

  /** Oldest first: the order transactions must be posted in (a version spends the one before it). */
  all(): readonly OutboxRecord[] {
    return this.records.all();
  }

  /** The chart's records by version (seq). */
  forChart(chartId: string): readonly OutboxRecord[] {
    return this.records.forChart(chartId);
  }

  items(): OutboxEntry[] {
    return this.all().map(toItem);
  }

  /** lmdb write transactions this store has committed so far (diagnostics: shows concurrent writes sharing one). */
  get commits(): number {
    return (this.root.getStats() as { lastTxnId: number }).lastTxnId;
  }

  /** Waits until every write is on disk, then closes the store (further writes throw). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.root.flushed;
    await this.root.close();
  }

  // lmdb would fail a write after close only later, in a timer, as an uncaught exception.
  private checkOpen(): void {
    if (this.closed) throw new Error(`The outbox in ${this.dir} is closed`);
  }
}

/** Resolves once `write` is committed and fsynced (lmdb resolves a write at commit, and flushes after). */
async function durable(root: RootDatabase, write: Write): Promise<void> {
  await write;
  await (write.flushed ?? root.flushed);
}

/**
 * Moves the records of the one-file-per-record format into the store, and removes their files only once the records
 * are on disk in the store: a crash in between leaves both, and the next open keeps the store's copy (the one later
 * updates went to). Returns the files it could not read, which stay where they are.
 */
async function migrateLegacyFiles(dir: string, root: RootDatabase, store: Database<string, string>): Promise<string[]> {
  const legacy = await readLegacyFiles(dir);
  const writes: Write[] = legacy.records
    .filter((r) => !store.doesExist(r.tx.id))
    .map((r) => store.put(r.tx.id, JSON.stringify(r)));
  await Promise.all(writes.map((write) => durable(root, write)));
  await removeLegacyFiles(dir, legacy.done);
  return legacy.unreadable;
}
