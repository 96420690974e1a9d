// What validation needs to know about ledger state (docs/PROTOCOL.md §4.5–§4.7). The node answers from its committed
// store plus the block being built; the app answers from transactions it fetched. Synchronous on purpose: the node can
// run "validate + append" as one critical section with no await in between (docs/PROTOCOL.md §4.7).
import type { Transaction } from './types';

export interface LedgerContext {
  /** A committed transaction (or one earlier in the current block) with this id; null/undefined when unknown. */
  getTransaction(id: string): Transaction | null | undefined;
  /** Id of the committed (or in-block) transaction spending this output; null/undefined while it is unspent. */
  spentBy(txId: string, outputIndex: number): string | null | undefined;
}

/** The same questions answered asynchronously (e.g. over HTTP); see `validateTransactionAsync`. */
export interface AsyncLedgerContext {
  getTransaction(id: string): Promise<Transaction | null | undefined>;
  spentBy(txId: string, outputIndex: number): Promise<string | null | undefined>;
}

/** A context over an in-memory set of transactions, which are trusted to be valid. */
export function contextFromTransactions(transactions: Iterable<Transaction>): LedgerContext {
  const byId = new Map<string, Transaction>();
  const spenders = new Map<string, string>();
  for (const tx of transactions) {
    byId.set(tx.id, tx);
    for (const input of tx.inputs) {
      if (input.fulfills) spenders.set(`${input.fulfills.transaction_id}:${input.fulfills.output_index}`, tx.id);
    }
  }
  return {
    getTransaction: (id) => byId.get(id) ?? null,
    spentBy: (txId, outputIndex) => spenders.get(`${txId}:${outputIndex}`) ?? null,
  };
}
