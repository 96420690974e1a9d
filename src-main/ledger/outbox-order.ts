// The outbox's records in memory, kept in the two orders its readers ask for, so that no call sorts: oldest first
// overall (the order to post in), and each chart's versions by seq (a version spends the one before it). The
// sender asks for a chart's versions on every submit and the chart service for all of them on every listing.
import type { OutboxRecord } from './outbox-record';

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Oldest first; then by seq (versions written in the same millisecond); the id makes the order total and stable. */
function postingOrder(a: OutboxRecord, b: OutboxRecord): number {
  return byText(a.createdAt, b.createdAt) || (a.seq ?? 0) - (b.seq ?? 0) || byText(a.tx.id, b.tx.id);
}

function versionOrder(a: OutboxRecord, b: OutboxRecord): number {
  return (a.seq ?? 0) - (b.seq ?? 0) || postingOrder(a, b);
}

/** Where `record` goes in `sorted` (after its equals). New records are nearly always the newest: checked first. */
function insertionPoint(sorted: readonly OutboxRecord[], record: OutboxRecord, order: typeof postingOrder): number {
  const last = sorted[sorted.length - 1];
  if (!last || order(last, record) <= 0) return sorted.length;
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (order(sorted[mid]!, record) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

function indexOf(sorted: readonly OutboxRecord[], record: OutboxRecord, order: typeof postingOrder): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (order(sorted[mid]!, record) < 0) low = mid + 1;
    else high = mid;
  }
  // Sort keys never change (an update replaces retry state only), so the search lands on it; the scan is a safety net.
  return sorted[low] === record ? low : sorted.indexOf(record);
}

const NONE: readonly OutboxRecord[] = Object.freeze([]);

export class OutboxOrder {
  private readonly byId = new Map<string, OutboxRecord>();
  private readonly ordered: OutboxRecord[];
  /** Replaced, never changed in place: a caller may iterate a chart's list across awaits while records come and go. */
  private readonly byChart = new Map<string, readonly OutboxRecord[]>();
  /** all()'s answer until the next change (copied once per change, not per call, and never sorted). */
  private snapshot: readonly OutboxRecord[] | null = null;

  constructor(records: Iterable<OutboxRecord> = []) {
    for (const record of records) this.byId.set(record.tx.id, record);
    this.ordered = [...this.byId.values()].sort(postingOrder);
    const charts = new Map<string, OutboxRecord[]>();
    for (const record of this.ordered) {
      if (record.chartId === null) continue;
      const list = charts.get(record.chartId);
      if (list) list.push(record);
      else charts.set(record.chartId, [record]);
    }
    for (const [chartId, list] of charts) this.byChart.set(chartId, list.sort(versionOrder));
  }

  get(txId: string): OutboxRecord | undefined {
    return this.byId.get(txId);
  }

  all(): readonly OutboxRecord[] {
    return (this.snapshot ??= this.ordered.slice());
  }

  forChart(chartId: string): readonly OutboxRecord[] {
    return this.byChart.get(chartId) ?? NONE;
  }

  /** Adds `record`, or replaces the record with the same transaction id. */
  set(record: OutboxRecord): void {
    this.delete(record.tx.id);
    this.byId.set(record.tx.id, record);
    this.ordered.splice(insertionPoint(this.ordered, record, postingOrder), 0, record);
    if (record.chartId !== null) {
      const list = [...this.forChart(record.chartId)];
      list.splice(insertionPoint(list, record, versionOrder), 0, record);
      this.byChart.set(record.chartId, list);
    }
    this.snapshot = null;
  }

  delete(txId: string): boolean {
    const record = this.byId.get(txId);
    if (!record) return false;
    this.byId.delete(txId);
    this.ordered.splice(indexOf(this.ordered, record, postingOrder), 1);
    if (record.chartId !== null) {
      const list = this.forChart(record.chartId).filter((r) => r !== record);
      if (list.length) this.byChart.set(record.chartId, list);
      else this.byChart.delete(record.chartId);
    }
    this.snapshot = null;
    return true;
  }
}
