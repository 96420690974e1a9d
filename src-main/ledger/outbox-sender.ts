// Posts what waits in the outbox, oldest first, and retries with exponential back-off while no node answers.
// Versions of one chart go strictly in order: a version spends the previous one, so it cannot be posted before
// the previous one is committed. A rejected version blocks the later versions of that chart (shown, not retried).
import { EventEmitter } from 'node:events';
import { NodeRejectedError, NodeUnreachableError } from './errors';
import type { LedgerNodeClient } from './node-client';
import type { Outbox, OutboxRecord } from './outbox';

export interface OutboxSenderOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How often the background loop looks for due items. */
  tickMs?: number;
}

export type SubmitOutcome = { status: 'committed'; nodeUrl: string } | { status: 'pending'; error: string };

/** Messages that mean "try again later" even though the node answered 4xx. */
const TRANSIENT = [/already exists in cache/i];

export interface OutboxSenderEvents {
  committed: [record: OutboxRecord, nodeUrl: string];
  rejected: [record: OutboxRecord, reason: string];
  changed: [];
}

export class OutboxSender extends EventEmitter<OutboxSenderEvents> {
  private queue: Promise<unknown> = Promise.resolve();
  /** Posts in flight, so the background flush never posts a record that submit() is already posting. */
  private readonly inFlight = new Map<string, Promise<SubmitOutcome>>();
  private timer: NodeJS.Timeout | null = null;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly tickMs: number;

  constructor(
    private readonly outbox: Outbox,
    private readonly client: LedgerNodeClient,
    options: OutboxSenderOptions = {},
  ) {
    super();
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.tickMs = options.tickMs ?? 1000;
  }

  /** Starts the background retry loop (resumes whatever a previous run left pending). */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.timer = setTimeout(() => {
        void this.flush({ force: false }).finally(() => {
          if (this.timer) tick();
        });
      }, this.tickMs);
      this.timer.unref?.();
    };
    tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Waits for any post in flight (used before shutdown and by tests). */
  async idle(): Promise<void> {
    await this.queue.catch(() => undefined);
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /**
   * Tries to post one new record at once. Committed → removed from the outbox. No node → stays pending and the
   * background loop retries. Rejected → kept as 'rejected' and the node's reason is thrown as NodeRejectedError.
   */
  submit(record: OutboxRecord): Promise<SubmitOutcome> {
    // Different charts post in parallel (the node commits them in one block); the chart service already writes
    // the versions of one chart one at a time, and blockerOf() holds a version back until its predecessor is in.
    const blocker = this.blockerOf(record);
    if (blocker) return Promise.resolve({ status: 'pending', error: blocker });
    return this.attempt(record);
  }

  /** Posts every record that is due (all of them with `force`), in order. */
  flush({ force = true }: { force?: boolean } = {}): Promise<void> {
    return this.serial(async () => {
      const now = Date.now();
      for (const record of this.outbox.all()) {
        const current = this.outbox.get(record.tx.id);
        if (!current || current.state !== 'pending' || this.inFlight.has(current.tx.id)) continue;
        if (!force && current.nextAttemptAt && Date.parse(current.nextAttemptAt) > now) continue;
        if (this.blockerOf(current)) continue;
        try {
          const outcome = await this.attempt(current);
          if (outcome.status === 'pending' && /No ledger node answered/.test(outcome.error)) break; // all down: stop here
        } catch (error) {
          if (!(error instanceof NodeRejectedError)) throw error;
        }
      }
    });
  }

  private attempt(record: OutboxRecord): Promise<SubmitOutcome> {
    const running = this.inFlight.get(record.tx.id);
    if (running) return running;
    const run = this.post(record).finally(() => this.inFlight.delete(record.tx.id));
    this.inFlight.set(record.tx.id, run);
    return run;
  }

  private async post(record: OutboxRecord): Promise<SubmitOutcome> {
    const at = new Date().toISOString();
    try {
      const { nodeUrl } = await this.client.post(record.tx);
      await this.outbox.remove(record.tx.id);
      this.emit('committed', record, nodeUrl);
      this.emit('changed');
      return { status: 'committed', nodeUrl };
    } catch (error) {
      const attempts = record.attempts + 1;
      if (error instanceof NodeRejectedError && !TRANSIENT.some((t) => t.test(error.reason))) {
        await this.outbox.update(record.tx.id, {
          attempts,
          lastAttemptAt: at,
          nextAttemptAt: null,
          lastError: error.reason,
          state: 'rejected',
        });
        this.emit('rejected', { ...record, state: 'rejected', lastError: error.reason }, error.reason);
        this.emit('changed');
        throw error;
      }
      const message = error instanceof Error ? error.message : String(error);
      const delay = Math.min(this.baseDelayMs * 2 ** (attempts - 1), this.maxDelayMs);
      const jitter = Math.floor(Math.random() * Math.min(delay / 4, 1000));
      await this.outbox.update(record.tx.id, {
        attempts,
        lastAttemptAt: at,
        nextAttemptAt: new Date(Date.now() + delay + jitter).toISOString(),
        lastError: message,
      });
      this.emit('changed');
      if (
        !(error instanceof NodeUnreachableError) &&
        !(error instanceof NodeRejectedError) &&
        !(error instanceof Error)
      )
        throw error;
      return { status: 'pending', error: message };
    }
  }

  /**
   * Why `record` cannot be posted yet: an earlier version of the same chart still waits or was rejected, or it spends
   * the output of a transaction still in the outbox (an authority act spending the act queued before it).
   */
  private blockerOf(record: OutboxRecord): string | null {
    return this.earlierVersionOf(record) ?? this.unpostedInputOf(record);
  }

  private earlierVersionOf(record: OutboxRecord): string | null {
    if (!record.chartId || record.seq === null) return null;
    // The chart's records come in seq order, kept so by the outbox: the first earlier one is the oldest, no sorting.
    const earlier = this.outbox.forChart(record.chartId).find((r) => r.seq !== null && r.seq < record.seq!);
    if (!earlier) return null;
    return earlier.state === 'rejected'
      ? `Waits for version ${earlier.seq}, which the node rejected: ${earlier.lastError ?? ''}`
      : `Waits for version ${earlier.seq} to be committed`;
  }

  private unpostedInputOf(record: OutboxRecord): string | null {
    for (const input of record.tx.inputs) {
      const spent = input.fulfills ? this.outbox.get(input.fulfills.transaction_id) : undefined;
      if (!spent) continue;
      return spent.state === 'rejected'
        ? `Spends ${spent.tx.id}, which the node rejected: ${spent.lastError ?? ''}`
        : `Waits for ${spent.tx.id}, which it spends, to be committed`;
    }
    return null;
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
