// A verification worker thread (started by verify-pool.ts): parses node answers and validates the transactions it is
// given, so the crypto and canonical-JSON work of opening or listing charts runs beside the main thread, not on it.
// While listing, it also fetches charts' answers itself (the pool's fetchAnswer, a share of the reads): the HTTP
// client's work for those then costs the main thread nothing, which only reads the text and links the chain.
// It holds no key and sees only what any node serves to anyone (sealed envelopes, public keys), plus the embedded
// node's per-launch bearer token for the requests it makes (docs/SECURITY.md).
import { parentPort } from 'node:worker_threads';
import { isV3Metadata } from '../../src-shared/unlinkable/envelope-v3';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { validateWithinAnswer, type Verdict } from './answer-validation';
import { HttpTransport } from './http-transport';
import { warmUpFetching } from './fetch-warmup';
import { sampleAnswer, warmUpValidation } from './verify-warmup';

export interface VerifyRequest {
  readonly id: number;
  readonly jobs: readonly { readonly json: string; readonly indices: readonly number[] }[];
  /** Warm the JIT first (the pool's warm(), at start-up): see verify-warmup.ts. */
  readonly warmUp?: boolean;
  /** GETs to make, each answered on its own as soon as it is done (FetchResponse). */
  readonly fetches?: readonly FetchJob[];
}

export type VerifyJobResult = { ok: true; verdicts: Verdict[] } | { ok: false; error: string };

export interface VerifyResponse {
  readonly id: number;
  readonly results: VerifyJobResult[];
  /** Fetches finished since the last message. */
  readonly fetched?: readonly { readonly id: number; readonly result: FetchResult }[];
}

export interface FetchJob {
  readonly id: number;
  readonly url: string;
  readonly timeoutMs: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The asset whose transactions the answer lists: an envelope v3 chart's is left to its own reader (v3-loaded.ts). */
  readonly assetId?: string;
}

/**
 * The node's answer, and the verdict on every transaction it lists (validated within the answer) when it is a short
 * JSON list of a v1 chart; null verdicts leave validation to the caller (an error answer, a long chart that is better
 * split across the workers, an envelope v3 chart). A request that got no answer: its error, as the transport said it.
 */
export type FetchResult =
  { ok: true; status: number; text: string; verdicts: Verdict[] | null } | { ok: false; error: string };

/** Above this many transactions an answer is validated by the pool's split (verify-pool.ts SPLIT_MIN), not here. */
const VALIDATE_MAX = 32;
/**
 * An answer this long holds more than VALIDATE_MAX versions of any usual size (one is ~3 kB): it is not parsed here
 * only to be left to the split (opening a chart of 1,000 versions would pay a useless parse of megabytes).
 */
const PARSE_MAX_CHARS = 1024 * 1024;

export function verdictsOf(status: number, text: string, assetId: string | undefined): Verdict[] | null {
  if (status < 200 || status > 299 || text.length > PARSE_MAX_CHARS) return null;
  let txs: unknown;
  try {
    txs = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(txs) || txs.length === 0 || txs.length > VALIDATE_MAX) return null;
  const create = txs.find((tx) => (tx as { id?: unknown } | null)?.id === assetId) as
    { metadata?: unknown } | undefined;
  if (create && isV3Metadata(create.metadata)) return null;
  return validateWithinAnswer(
    txs,
    txs.map((_, i) => i),
    nativeLedgerCrypto,
  );
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

const transport = new HttpTransport();
let fetched: { id: number; result: FetchResult }[] = [];
let flushing = false;

/** Finished fetches go back together, once per event-loop turn: a message costs tens of microseconds whatever it holds. */
function answerFetch(id: number, result: FetchResult): void {
  fetched.push({ id, result });
  if (flushing) return;
  flushing = true;
  setImmediate(() => {
    flushing = false;
    const response: VerifyResponse = { id: 0, results: [], fetched };
    fetched = [];
    parentPort!.postMessage(response);
  });
}

async function fetchOne(job: FetchJob): Promise<FetchResult> {
  try {
    const { status, text } = await transport.get(job.url, job.timeoutMs, job.headers);
    return { ok: true, status, text, verdicts: verdictsOf(status, text, job.assetId) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Validation, then the reads a list has this worker make (fetch-warmup.ts). */
async function warmUp(): Promise<boolean> {
  const sample = await sampleAnswer();
  const validated = await warmUpValidation(sample);
  return (await warmUpFetching(sample)) && validated;
}

parentPort?.on('message', (request: VerifyRequest) => {
  for (const job of request.fetches ?? []) void fetchOne(job).then((result) => answerFetch(job.id, result));
  if (request.jobs.length === 0 && !request.warmUp) return;
  const answer = () => {
    const response: VerifyResponse = { id: request.id, results: request.jobs.map(run) };
    parentPort!.postMessage(response);
  };
  // A failed warm-up only means a slower first job.
  if (request.warmUp)
    void warmUp()
      .catch(() => false)
      .then(answer);
  else answer();
});
