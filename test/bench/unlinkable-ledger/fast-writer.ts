// Writes transactions straight into the embedded node's store, in blocks exactly as its committer stores them
// (src-main/ledger-node/commit/committer.ts): a signed transaction is checked by the node's own validator against the
// store plus the block being built (the committer's pending set), and its entry is `{ tx: validated, json:
// JSON.stringify(body) }`; blocks hold at most the committer's 2,000 transactions. Building a benchmark ledger this way
// skips the HTTP round trips and the durable flush per block, not a check. Foreign transactions of the benchmark are
// unsigned (v3's shape and sizes only): they go in unvalidated, as `raw` entries, and nothing reads them but searches.
import type { CommitEntry, LedgerStore } from '../../../src-main/ledger-node/store/ledger-store';
import type { TxShape } from '../../../src-main/ledger-node/store/tx-shape';
import { createValidator } from '../../../src-main/ledger-node/validation';
import type { NodeLedgerContext } from '../../../src-main/ledger-node/commit/committer';

/** The committer's MAX_BLOCK_TRANSACTIONS. */
export const BLOCK_TRANSACTIONS = 2000;

export class FastLedgerWriter {
  private readonly validate = createValidator();
  private pending: CommitEntry[] = [];
  private readonly pendingById = new Map<string, TxShape>();
  private readonly pendingSpends = new Map<string, string>();
  private durable: Promise<void> = Promise.resolve();
  private readonly ctx: NodeLedgerContext;
  written = 0;

  constructor(
    private readonly store: LedgerStore,
    private readonly perBlock = BLOCK_TRANSACTIONS,
  ) {
    this.ctx = {
      getTransaction: (id) => this.pendingById.get(id) ?? this.store.getTx(id),
      spentBy: (txId, i) => this.pendingSpends.get(`${txId}:${i}`) ?? this.store.spentBy(txId, i),
    };
  }

  /** A signed transaction, validated as a POST is (a refusal throws: the benchmark's ledger must be valid). */
  async addSigned(body: unknown): Promise<void> {
    const result = this.validate(body, this.ctx);
    if (!result.ok)
      throw new Error(`the node would refuse this transaction: ${result.error.type}: ${result.error.message}`);
    await this.push({ tx: result.tx, json: JSON.stringify(body) });
  }

  /** An unsigned stand-in (a foreign transaction of the benchmark), stored as given. */
  async addRaw(entry: CommitEntry): Promise<void> {
    await this.push(entry);
  }

  /** Closes the block being built (the next transaction starts a new one). */
  async endBlock(): Promise<void> {
    if (this.pending.length === 0) return;
    const entries = this.pending;
    this.pending = [];
    const { durable } = await this.store.writeBlock(entries);
    this.durable = durable;
    this.pendingById.clear();
    this.pendingSpends.clear();
    this.written += entries.length;
  }

  async finish(): Promise<void> {
    await this.endBlock();
    await this.durable;
  }

  get inBlock(): number {
    return this.pending.length;
  }

  private async push(entry: CommitEntry): Promise<void> {
    this.pending.push(entry);
    this.pendingById.set(entry.tx.id, entry.tx);
    for (const input of entry.tx.inputs)
      if (input.fulfills)
        this.pendingSpends.set(`${input.fulfills.transaction_id}:${input.fulfills.output_index}`, entry.tx.id);
    if (this.pending.length >= this.perBlock) await this.endBlock();
  }
}
