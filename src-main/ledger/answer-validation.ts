// Full validation (id, schema, signatures, what each input spends) of transactions as one node answer returned them,
// each checked against the other transactions of the same answer — never against the node's word about anything
// else. Spent state is not consulted: a committed version has of course been spent by its successor; chain.ts
// checks linearity instead. Runs on the main thread or in the verification workers (verify-pool.ts). Every
// transaction listed is validated, not only up to the first failure (the work is spread over threads), so nothing
// in the answer may make validation throw.
import type { CryptoProvider, LedgerContext, LedgerValidationError, Transaction } from '../../src-shared/ledger';
import { validateTransaction } from '../../src-shared/ledger';

/** null: valid. Otherwise the validator's typed error (the reference's class name and message). */
export type Verdict = LedgerValidationError | null;

/** One node answer (e.g. every transaction of a chart) as text and as parsed by whoever read it. */
export interface NodeAnswer {
  readonly json: string;
  readonly txs: readonly unknown[];
}

export function validateWithinAnswer(
  txs: readonly unknown[],
  indices: readonly number[],
  crypto: CryptoProvider,
): Verdict[] {
  const byId = new Map<string, Transaction>();
  for (const tx of txs) {
    const id = (tx as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && !byId.has(id)) byId.set(id, tx as Transaction);
  }
  return indices.map((index) => {
    const tx = txs[index];
    const ownId = (tx as { id?: unknown } | null)?.id;
    const context: LedgerContext = {
      getTransaction: (id: string) => (id === ownId ? null : (byId.get(id) ?? null)),
      spentBy: () => null,
    };
    try {
      const result = validateTransaction(tx, context, crypto);
      return result.ok ? null : result.error;
    } catch {
      // The validator trusts the context it is given (on the node, committed transactions); here the context is the
      // same untrusted answer, and a malformed transaction it spends can make that trust fail. That transaction
      // gets its own verdict, earlier in the chain; this one is simply not valid either.
      return { type: 'ValidationError', message: 'A transaction it spends is not a valid transaction' };
    }
  });
}

/** Validates the listed transactions of an answer; a pool of worker threads or the calling thread. */
export interface AnswerValidator {
  validate(answer: NodeAnswer, indices: readonly number[]): Promise<Verdict[]>;
  /**
   * Runs a task registered in the workers by a layer above (verify-worker.ts `registerTask`, e.g. opening a v3
   * chart: src-main/records/v3-open-split.ts) on `input`; `inline` computes the same on the calling thread, used when
   * no worker can (none started, one died, the task unknown to it). `size` weighs it against validations (links).
   */
  /** How many worker threads run its validations and tasks (absent: none, everything runs on the calling thread). */
  readonly workers?: number;
  runTask?<R>(task: string, input: unknown, size: number, inline: () => Promise<R>): Promise<R>;
  /** Gets ready for work (starts worker threads); resolves when ready. */
  warm?(): Promise<void>;
  close(): Promise<void>;
}

export function inlineValidator(crypto: CryptoProvider): AnswerValidator {
  return {
    validate: async (answer, indices) => validateWithinAnswer(answer.txs, indices, crypto),
    close: async () => undefined,
  };
}
