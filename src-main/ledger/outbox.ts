// The durable outbox: every signed transaction is written here before it is posted, one file per transaction,
// written atomically (temp file, fsync, rename, fsync of the directory) so a crash leaves either the old or the new
// record, never half of one. A record leaves only once the node has committed the transaction. Records hold the
// signed transaction as posted: its metadata is the sealed envelope, so no health data reaches the disk in clear.
import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChartAction, OutboxItem, OutboxState } from '../../src-shared/records/types';
import type { Transaction } from '../../src-shared/ledger';

export interface OutboxRecord {
  version: 1;
  tx: Transaction;
  kind: 'chart' | 'practitioner';
  chartId: string | null;
  action: ChartAction | 'publish';
  seq: number | null;
  /** signKey of the signer, so each doctor sees their own recent actions. */
  author: string;
  createdAt: string;
  attempts: number;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  lastError: string | null;
  state: OutboxState;
}

const TX_FILE = /^([0-9a-f]{64})\.json$/;

export class Outbox {
  private readonly records = new Map<string, OutboxRecord>();
  /** Group commit of directory fsyncs: see syncDir(). */
  private syncRunning: Promise<void> | null = null;
  private syncQueued: Promise<void> | null = null;
  /** Directory fsyncs done so far (diagnostics: shows the batching). */
  dirSyncs = 0;

  private constructor(readonly dir: string) {}

  /** Opens (creating if needed) the outbox in `dir`, loading what a previous run left pending. */
  static async open(dir: string): Promise<Outbox> {
    const outbox = new Outbox(dir);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    for (const name of await readdir(dir)) {
      if (name.endsWith('.tmp')) {
        await rm(join(dir, name), { force: true }); // an interrupted write; the previous record (if any) is intact
        continue;
      }
      const match = TX_FILE.exec(name);
      if (!match) continue;
      try {
        const record = JSON.parse(await readFile(join(dir, name), 'utf8')) as OutboxRecord;
        if (record.version === 1 && record.tx?.id === match[1]) outbox.records.set(record.tx.id, record);
      } catch {
        // Unreadable record: leave the file for inspection rather than losing a signed transaction silently.
      }
    }
    return outbox;
  }

  async add(record: Omit<OutboxRecord, 'version' | 'attempts' | 'lastAttemptAt' | 'nextAttemptAt' | 'lastError' | 'state'>): Promise<OutboxRecord> {
    const full: OutboxRecord = {
      version: 1, ...record, attempts: 0, lastAttemptAt: null, nextAttemptAt: null, lastError: null, state: 'pending',
    };
    await this.write(full);
    this.records.set(full.tx.id, full);
    return full;
  }

  async update(txId: string, patch: Partial<Pick<OutboxRecord, 'attempts' | 'lastAttemptAt' | 'nextAttemptAt' | 'lastError' | 'state'>>): Promise<void> {
    const current = this.records.get(txId);
    if (!current) return;
    const next = { ...current, ...patch };
    await this.write(next);
    this.records.set(txId, next);
  }

  /**
   * Called only once the node has committed the transaction (or already had it). The directory is not fsynced for
   * a removal: if a crash undoes it, the record is posted again on restart and the node's "already have it" answer
   * counts as committed, so nothing is lost or doubled either way.
   */
  async remove(txId: string): Promise<void> {
    try {
      await unlink(join(this.dir, `${txId}.json`)); // not fs.rm: it walks the path with extra lstat calls
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    this.records.delete(txId);
  }

  get(txId: string): OutboxRecord | undefined {
    return this.records.get(txId);
  }

  /** Oldest first: the order transactions must be posted in (a version spends the one before it). */
  all(): OutboxRecord[] {
    return [...this.records.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || (a.seq ?? 0) - (b.seq ?? 0));
  }

  forChart(chartId: string): OutboxRecord[] {
    return this.all().filter((r) => r.chartId === chartId);
  }

  items(): OutboxItem[] {
    return this.all().map(toItem);
  }

  private async write(record: OutboxRecord): Promise<void> {
    const final = join(this.dir, `${record.tx.id}.json`);
    const temp = `${final}.${process.pid}.${Date.now()}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(record));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, final);
    await this.syncDir();
  }

  /**
   * Makes every rename done before the call durable. Concurrent writers (a bulk import) share fsyncs: a caller
   * joins the next fsync that starts after its call (never one already running, which may predate its rename), so
   * each record is still durable before it is posted, with one directory fsync per batch instead of per record.
   */
  private syncDir(): Promise<void> {
    if (!this.syncRunning) {
      const run: Promise<void> = this.fsyncDir().finally(() => {
        if (this.syncRunning === run) this.syncRunning = null;
      });
      this.syncRunning = run;
      return run;
    }
    this.syncQueued ??= this.syncRunning.catch(() => undefined).then(() => {
      this.syncQueued = null;
      return this.syncDir();
    });
    return this.syncQueued;
  }

  private async fsyncDir(): Promise<void> {
    this.dirSyncs++;
    const handle = await open(this.dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

export function toItem(r: OutboxRecord): OutboxItem {
  return {
    txId: r.tx.id, kind: r.kind, chartId: r.chartId, action: r.action, seq: r.seq, createdAt: r.createdAt,
    attempts: r.attempts, lastAttemptAt: r.lastAttemptAt, nextAttemptAt: r.nextAttemptAt, lastError: r.lastError, state: r.state,
  };
}
