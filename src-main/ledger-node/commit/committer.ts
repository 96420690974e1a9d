// Validation and group commit.
//
// Every POST is validated against committed state PLUS the transactions accepted but not yet written (pending),
// and is reserved (its id and the outputs it spends) in the same synchronous step: there is no `await` between the
// check and the reservation, so of two conflicting transactions arriving together exactly one is accepted.
// Accepted transactions are written in batches — one batch is one block, written atomically by lmdb (group commit).
// Blocks are pipelined: a new block is queued to lmdb while earlier ones are still committing or being flushed
// (up to MAX_BLOCKS_IN_FLIGHT not yet committed), since the disk flush, not the CPU, is what takes the time.
// `sync` and `commit` answers wait for their own block to be durable (and for the blocks before it);
// `async` answers once the transaction is reserved.
import type { CommitEntry, CommittedBlock, LedgerStore } from '../store/ledger-store';
import type { TxShape } from '../store/tx-shape';

export interface NodeLedgerContext {
  getTransaction(id: string): TxShape | undefined;
  /** Id of the transaction (committed or pending) that spends this output, if any. */
  spentBy(txId: string, outputIndex: number): string | undefined;
}

export interface NodeValidationError {
  readonly type: string;
  readonly message: string;
}

export type ValidationOutcome = { ok: true; tx: TxShape } | { ok: false; error: NodeValidationError };

/** Checks a parsed POST body as the reference does (docs/PROTOCOL.md §4); must not throw for any JSON value. */
export type Validator = (body: unknown, ctx: NodeLedgerContext) => ValidationOutcome;

export type SubmitMode = 'async' | 'sync' | 'commit';

export type SubmitOutcome =
  | { kind: 'accepted'; json: string }
  | { kind: 'rejected'; error: NodeValidationError }
  /** Tendermint's mempool answer for a transaction already pending (docs/PROTOCOL.md §4.7). */
  | { kind: 'pending-duplicate' }
  | { kind: 'unavailable'; message: string };

interface Pending {
  readonly entry: CommitEntry;
  readonly waiters: ((outcome: SubmitOutcome) => void)[];
}

// Bounds one block (and one lmdb write transaction) under overload.
const MAX_BLOCK_TRANSACTIONS = 2000;
// Blocks handed to lmdb but not yet committed; past this, new transactions wait for the next block.
const MAX_BLOCKS_IN_FLIGHT = 4;

const spendKey = (txId: string, outputIndex: number) => `${txId}:${outputIndex}`;

export class Committer {
  private readonly pendingById = new Map<string, Pending>();
  private readonly pendingSpends = new Map<string, string>();
  private queue: Pending[] = [];
  private readonly writing = new Set<Promise<void>>();
  private readonly flushing = new Set<Promise<void>>();
  // Blocks are announced (stream, answers) in height order even if lmdb reports their flushes out of order.
  private announced: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  private failure: Error | null = null;
  private closed = false;
  private readonly ctx: NodeLedgerContext;

  constructor(
    private readonly store: LedgerStore,
    private readonly validate: Validator,
    private readonly onBlock: (block: CommittedBlock) => void,
  ) {
    this.ctx = {
      getTransaction: (id) => this.pendingById.get(id)?.entry.tx ?? this.store.getTx(id),
      spentBy: (txId, outputIndex) =>
        this.pendingSpends.get(spendKey(txId, outputIndex)) ?? this.store.spentBy(txId, outputIndex),
    };
  }

  get pendingCount(): number {
    return this.pendingById.size;
  }

  submit(body: unknown, mode: SubmitMode): SubmitOutcome | Promise<SubmitOutcome> {
    if (this.failure) return { kind: 'unavailable', message: `ledger storage failed: ${this.failure.message}` };
    if (this.closed) return { kind: 'unavailable', message: 'ledger node is shutting down' };

    let result: ValidationOutcome;
    try {
      result = this.validate(body, this.ctx);
    } catch (error) {
      // The validator's contract is to return typed errors; a throw means input it did not foresee. Still 400.
      return {
        kind: 'rejected',
        error: { type: 'ValidationError', message: error instanceof Error ? error.message : String(error) },
      };
    }
    if (!result.ok) {
      // The id check runs first, so an error past it names an authentic id: if that id is pending, the
      // reference's answer is its mempool's duplicate message.
      const id = (body as { id?: unknown } | null)?.id;
      const pendingDuplicate =
        typeof id === 'string' &&
        this.pendingById.has(id) &&
        (result.error.type === 'DuplicateTransaction' || result.error.type === 'DoubleSpend');
      return pendingDuplicate ? { kind: 'pending-duplicate' } : { kind: 'rejected', error: result.error };
    }

    const tx = result.tx;
    const pending: Pending = { entry: { tx, json: JSON.stringify(body) }, waiters: [] };
    this.pendingById.set(tx.id, pending);
    for (const input of tx.inputs) {
      if (input.fulfills)
        this.pendingSpends.set(spendKey(input.fulfills.transaction_id, input.fulfills.output_index), tx.id);
    }
    this.queue.push(pending);
    this.scheduleFlush();

    if (mode === 'async') return { kind: 'accepted', json: pending.entry.json };
    return new Promise((resolve) => pending.waiters.push(resolve));
  }

  /** Stops accepting transactions and resolves once everything accepted is durable. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.writing.size > 0 || this.queue.length > 0 || this.flushing.size > 0) {
      if (this.queue.length > 0 && this.writing.size < MAX_BLOCKS_IN_FLIGHT) this.flush();
      else if (this.writing.size > 0) await Promise.race([...this.writing]);
      else await Promise.allSettled([...this.flushing]);
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.writing.size >= MAX_BLOCKS_IN_FLIGHT) return;
    this.flushScheduled = true;
    // setImmediate lets every request already read in this event-loop turn join the block.
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  private flush(): void {
    if (this.writing.size >= MAX_BLOCKS_IN_FLIGHT || this.queue.length === 0 || this.failure) return;
    const batch = this.queue.slice(0, MAX_BLOCK_TRANSACTIONS);
    this.queue = this.queue.slice(batch.length);
    const writing: Promise<void> = this.write(batch).finally(() => {
      this.writing.delete(writing);
      if (this.queue.length > 0) this.scheduleFlush();
    });
    this.writing.add(writing);
  }

  // Resolves when the block is committed (visible to reads); its sync/commit answers go out only once it is durable.
  private async write(batch: Pending[]): Promise<void> {
    let written: { block: CommittedBlock; durable: Promise<void> };
    try {
      // writeBlock takes the block's height synchronously, before this function's first await.
      written = await this.store.writeBlock(batch.map((pending) => pending.entry));
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)), batch);
      return;
    }
    // Committed state now holds the block, so the reservations can go.
    for (const pending of batch) this.release(pending);
    const announced = Promise.all([this.announced, written.durable]).then(
      () => {
        this.flushing.delete(announced);
        for (const pending of batch)
          for (const waiter of pending.waiters) waiter({ kind: 'accepted', json: pending.entry.json });
        this.onBlock(written.block);
      },
      (error: unknown) => {
        this.flushing.delete(announced);
        this.fail(error instanceof Error ? error : new Error(String(error)), batch);
      },
    );
    this.announced = announced;
    this.flushing.add(announced);
  }

  private release(pending: Pending): void {
    const tx = pending.entry.tx;
    this.pendingById.delete(tx.id);
    for (const input of tx.inputs) {
      if (input.fulfills)
        this.pendingSpends.delete(spendKey(input.fulfills.transaction_id, input.fulfills.output_index));
    }
  }

  // A failed write leaves the disk at the previous block, but later pending transactions may build on the lost
  // ones; the node refuses writes from here on rather than store a chain with a hole in it.
  private fail(error: Error, batch: Pending[]): void {
    this.failure = error;
    const outcome: SubmitOutcome = { kind: 'unavailable', message: `ledger storage failed: ${error.message}` };
    for (const pending of [...batch, ...this.queue]) {
      this.release(pending);
      for (const waiter of pending.waiters) waiter(outcome);
    }
    this.queue = [];
  }
}
