// A verification worker thread (started by verify-pool.ts): parses node answers and validates the transactions it is
// given, so the crypto and canonical-JSON work of opening or listing charts runs beside the main thread, not on it.
// It holds no key and sees only what any node serves to anyone (sealed envelopes, public keys).
import { parentPort } from 'node:worker_threads';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { validateWithinAnswer, type Verdict } from './answer-validation';
import { warmUpValidation } from './verify-warmup';

export interface VerifyRequest {
  readonly id: number;
  readonly jobs: readonly { readonly json: string; readonly indices: readonly number[] }[];
  /** Warm the JIT first (the pool's warm(), at start-up): see verify-warmup.ts. */
  readonly warmUp?: boolean;
}

export type VerifyJobResult = { ok: true; verdicts: Verdict[] } | { ok: false; error: string };

export interface VerifyResponse {
  readonly id: number;
  readonly results: VerifyJobResult[];
}

function run(job: VerifyRequest['jobs'][number]): VerifyJobResult {
  try {
    const txs = JSON.parse(job.json) as unknown;
    if (!Array.isArray(txs)) return { ok: false, error: 'the answer is not a list' };
    return { ok: true, verdicts: validateWithinAnswer(txs, job.indices, nativeLedgerCrypto) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.on('message', (request: VerifyRequest) => {
  const answer = () => {
    const response: VerifyResponse = { id: request.id, results: request.jobs.map(run) };
    parentPort!.postMessage(response);
  };
  // A failed warm-up only means a slower first job.
  if (request.warmUp)
    void warmUpValidation()
      .catch(() => false)
      .then(answer);
  else answer();
});
