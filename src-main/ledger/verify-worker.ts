// A verification worker thread (started by verify-pool.ts): parses node answers and validates the transactions it is
// given, so the crypto and canonical-JSON work of opening or listing charts runs beside the main thread, not on it.
// It holds no key. Validation sees only what any node serves to anyone (sealed envelopes, public keys); a task a layer
// above registers may see more (opening a v3 chart: the opened inner envelopes the main thread hands it, never a key;
// docs/SECURITY.md "Verification workers").
import { parentPort } from 'node:worker_threads';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { validateWithinAnswer, type Verdict } from './answer-validation';
import { warmUpValidation } from './verify-warmup';

export type VerifyJob =
  { readonly json: string; readonly indices: readonly number[] } | { readonly task: string; readonly input: unknown };

export interface VerifyRequest {
  readonly id: number;
  readonly jobs: readonly VerifyJob[];
  /** Warm the JIT first (the pool's warm(), at start-up): see verify-warmup.ts. */
  readonly warmUp?: boolean;
}

export type VerifyJobResult =
  { ok: true; verdicts: Verdict[] } | { ok: true; output: unknown } | { ok: false; error: string };

export interface VerifyResponse {
  readonly id: number;
  readonly results: VerifyJobResult[];
}

const tasks = new Map<string, (input: unknown) => Promise<unknown>>();

/** Makes `name` runnable in this worker (VerifyPool.runTask): the entry of a layer above registers its tasks here. */
export function registerTask(name: string, run: (input: unknown) => Promise<unknown>): void {
  tasks.set(name, run);
}

async function run(job: VerifyJob): Promise<VerifyJobResult> {
  if ('task' in job) {
    const task = tasks.get(job.task);
    if (!task) return { ok: false, error: `no task ${job.task} in this worker` };
    try {
      return { ok: true, output: await task(job.input) };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }
  try {
    const txs = JSON.parse(job.json) as unknown;
    if (!Array.isArray(txs)) return { ok: false, error: 'the answer is not a list' };
    return { ok: true, verdicts: validateWithinAnswer(txs, job.indices, nativeLedgerCrypto) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.on('message', (request: VerifyRequest) => {
  const answer = async () => {
    const response: VerifyResponse = { id: request.id, results: await Promise.all(request.jobs.map(run)) };
    parentPort!.postMessage(response);
  };
  // A failed warm-up only means a slower first job.
  if (request.warmUp)
    void warmUpValidation()
      .catch(() => false)
      .then(answer);
  else void answer();
});
