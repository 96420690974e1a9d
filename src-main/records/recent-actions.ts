// This doctor's latest actions: versions they wrote, seen committed (from the node's stream, or when a chart was
// loaded) merged with what still waits in the outbox. Held in memory only; patient names are dropped on forget().
import type { RecentEntry } from './model';
import type { OutboxRecord } from '../ledger/outbox';

const LIMIT = 50;

export class RecentActions {
  private readonly byTx = new Map<string, RecentEntry & { author: string }>();

  has(txId: string): boolean {
    return this.byTx.has(txId);
  }

  add(author: string, action: RecentEntry): void {
    const known = this.byTx.get(action.txId);
    // Never downgrade: a stale 'pending' report must not hide that the node committed it.
    const status = known?.status === 'committed' ? 'committed' : action.status;
    this.byTx.set(action.txId, {
      ...known,
      ...action,
      patientName: action.patientName ?? known?.patientName ?? null,
      status,
      author,
    });
    if (this.byTx.size > LIMIT * 20) this.trim();
  }

  committed(txId: string, _nodeUrl: string | null): void {
    const known = this.byTx.get(txId);
    if (known) known.status = 'committed';
  }

  rejected(txId: string): void {
    const known = this.byTx.get(txId);
    if (known) known.status = 'rejected';
  }

  /** A rejected version the doctor discarded never happened: it leaves the list. */
  discarded(txId: string): void {
    if (this.byTx.get(txId)?.status === 'rejected') this.byTx.delete(txId);
  }

  list(author: string, outbox: readonly OutboxRecord[]): RecentEntry[] {
    const merged = new Map<string, RecentEntry>();
    for (const [txId, a] of this.byTx) {
      if (a.author !== author) continue;
      const { author: _author, ...action } = a;
      merged.set(txId, action);
    }
    for (const record of outbox) {
      if (
        record.kind !== 'chart' ||
        record.author !== author ||
        !record.chartId ||
        record.action === 'publish' ||
        record.action === 'act'
      )
        continue;
      const status = record.state === 'rejected' ? 'rejected' : 'pending';
      const known = merged.get(record.tx.id);
      const at = (record.tx.metadata as { at?: string } | null)?.at ?? record.createdAt;
      merged.set(
        record.tx.id,
        known
          ? { ...known, status }
          : {
              txId: record.tx.id,
              chartId: record.chartId,
              action: record.action,
              seq: record.seq ?? 0,
              at,
              patientName: null,
              status,
            },
      );
    }
    return [...merged.values()].sort((a, b) => b.at.localeCompare(a.at) || b.seq - a.seq).slice(0, LIMIT);
  }

  /** Drops the actions (and decrypted patient names) of every author not in `keep`. */
  forget(keep: readonly string[]): void {
    for (const [txId, a] of this.byTx) if (!keep.includes(a.author)) this.byTx.delete(txId);
  }

  private trim(): void {
    const sorted = [...this.byTx.entries()].sort((a, b) => b[1].at.localeCompare(a[1].at));
    for (const [txId] of sorted.slice(LIMIT * 10)) this.byTx.delete(txId);
  }
}
