// Verification in worker threads: opening a chart of 1,000 versions or listing 10,000 charts means thousands of
// Ed25519 verifications, SHA3 hashes and schema checks. Run on the main thread they would freeze the app (its IPC)
// for as long; here they run on the other cores while the main thread fetches, links the chain and decrypts.
//
//   const pool = new VerifyPool({ size: 2 });             // or { entry } in the built app: out/main/verify-worker.js
//   const verdicts = await pool.validate(answer, [0, 1, 2]);
//
// Large answers are split across the workers; small ones (one chart each, while listing) are gathered and sent to a
// worker together, so messaging costs little per chart. If a worker dies, what it had is validated on the main
// thread instead and a new worker is started for later jobs: a worker failure never becomes a verification failure.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CryptoProvider } from '../../src-shared/ledger';
import { validateWithinAnswer, type AnswerValidator, type NodeAnswer, type Verdict } from './answer-validation';
import type { VerifyJob, VerifyJobResult, VerifyRequest, VerifyResponse } from './verify-worker';

export interface VerifyPoolOptions {
  /**
   * Worker threads. Default: one fewer than the cores (at least one, at most 4): the main thread and the embedded
   * ledger node need a core too, and on two cores a second worker only made listing slower (measured).
   */
  size?: number;
  /** The worker's entry; defaults to the TypeScript source through tsx (development and tests). */
  entry?: URL;
  /**
   * Without `entry`, the TypeScript worker module run through tsx: verify-worker.ts by default, or a layer above's
   * module that imports it and registers tasks (src-main/records/verify-worker-v3.ts).
   */
  module?: URL;
  /** Crypto for the main-thread fallback. */
  crypto: CryptoProvider;
}

type Job =
  | {
      readonly answer: NodeAnswer;
      readonly indices: readonly number[];
      resolve(verdicts: Verdict[]): void;
      reject(error: unknown): void;
    }
  | {
      readonly task: string;
      readonly input: unknown;
      readonly size: number;
      readonly inline: () => Promise<unknown>;
      resolve(output: unknown): void;
      reject(error: unknown): void;
    };

/** What a job weighs in a worker's load: its transactions. */
const sizeOf = (job: Job) => ('task' in job ? job.size : job.indices.length);

interface Slot {
  worker: Worker | null;
  /** Transactions sent and not yet answered: new work goes to the least loaded worker. */
  load: number;
  readonly inFlight: Map<number, Job[]>;
}

// Below this many transactions an answer is not worth splitting across workers.
const SPLIT_MIN = 32;
// A batch of small jobs is sent once it holds this many transactions, or this long after its first job: a message
// costs tens of microseconds whatever it holds, and a listing's answers arrive one by one.
const BATCH_TXS = 64;
const BATCH_WAIT_MS = 1;
const MAX_STILLBORN = 3;

export class VerifyPool implements AnswerValidator {
  private readonly slots: Slot[];
  private readonly entry: { url: URL; workerData?: unknown };
  private readonly crypto: CryptoProvider;
  private queued: Job[] = [];
  private queuedTxs = 0;
  private flushScheduled = false;
  private nextId = 1;
  private closed = false;
  /** Workers that died before answering anything, in a row: past a few, the workers are given up (see start()). */
  private stillborn = 0;

  constructor(options: VerifyPoolOptions) {
    const size = Math.max(1, options.size ?? Math.min(4, availableParallelism() - 1));
    this.slots = Array.from({ length: size }, () => ({ worker: null, load: 0, inFlight: new Map() }));
    this.crypto = options.crypto;
    this.entry = options.entry
      ? { url: options.entry }
      : {
          url: new URL('./verify-worker-dev.mjs', import.meta.url),
          workerData: { entry: (options.module ?? new URL('./verify-worker.ts', import.meta.url)).href },
        };
  }

  /** Its worker threads (AnswerValidator.workers: the loader splits v3 opening only with enough of them). */
  get workers(): number {
    return this.slots.length;
  }

  /**
   * Starts every worker and waits until each has loaded and warmed its JIT (verify-warmup.ts). The app does this at
   * start-up, so the first chart opened neither waits for a worker nor runs on cold code.
   */
  async warm(): Promise<void> {
    if (this.closed) return;
    const nothing: NodeAnswer = { json: '[]', txs: [] };
    await Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<Verdict[]>((resolve, reject) =>
            this.send(slot, [{ answer: nothing, indices: [], resolve, reject }], true),
          ),
      ),
    );
  }

  validate(answer: NodeAnswer, indices: readonly number[]): Promise<Verdict[]> {
    if (indices.length === 0) return Promise.resolve([]);
    if (this.closed) return Promise.resolve(validateWithinAnswer(answer.txs, indices, this.crypto));
    if (indices.length >= SPLIT_MIN) return this.split(answer, indices);
    return new Promise((resolve, reject) => {
      this.queued.push({ answer, indices, resolve, reject });
      this.queuedTxs += indices.length;
      if (this.queuedTxs >= BATCH_TXS) this.flush();
      else this.scheduleFlush();
    });
  }

  runTask<R>(task: string, input: unknown, size: number, inline: () => Promise<R>): Promise<R> {
    if (this.closed) return inline();
    return new Promise<R>((resolve, reject) => {
      this.queued.push({ task, input, size, inline, resolve: resolve as (output: unknown) => void, reject });
      this.queuedTxs += size;
      if (this.queuedTxs >= BATCH_TXS) this.flush();
      else this.scheduleFlush();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.flush();
    await Promise.all(
      this.slots.map(async (slot) => {
        const worker = slot.worker;
        slot.worker = null;
        this.recover(slot);
        if (worker) await worker.terminate();
      }),
    );
  }

  /**
   * One long answer (a chart with many versions) is shared between every worker and this thread, which would
   * otherwise only wait: the first slice is validated here while the workers do the others.
   */
  private async split(answer: NodeAnswer, indices: readonly number[]): Promise<Verdict[]> {
    const parts = this.slots.length + 1;
    const size = Math.ceil(indices.length / parts);
    const slices = Array.from({ length: parts }, (_, i) => indices.slice(i * size, (i + 1) * size));
    const remote = slices.slice(1).map((slice, i) => {
      if (slice.length === 0) return Promise.resolve([]);
      const part = subAnswer(answer, slice);
      return new Promise<Verdict[]>((resolve, reject) => {
        this.send(this.slots[i]!, [{ answer: part.answer, indices: part.indices, resolve, reject }]);
      });
    });
    const local = validateWithinAnswer(answer.txs, slices[0]!, this.crypto);
    return [local, ...(await Promise.all(remote))].flat();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setTimeout(() => {
      this.flushScheduled = false;
      this.flush();
    }, BATCH_WAIT_MS);
  }

  private flush(): void {
    if (this.queued.length === 0) return;
    const jobs = this.queued;
    this.queued = [];
    this.queuedTxs = 0;
    const slot = this.slots.reduce((best, s) => (s.load < best.load ? s : best));
    this.send(slot, jobs);
  }

  private send(slot: Slot, jobs: Job[], warmUp = false): void {
    if (this.closed || this.stillborn >= MAX_STILLBORN) {
      this.runInline(jobs);
      return;
    }
    const worker = slot.worker ?? this.start(slot);
    const id = this.nextId++;
    slot.inFlight.set(id, jobs);
    slot.load += jobs.reduce((n, j) => n + sizeOf(j), 0);
    const request: VerifyRequest = {
      id,
      jobs: jobs.map((j): VerifyJob =>
        'task' in j ? { task: j.task, input: j.input } : { json: j.answer.json, indices: j.indices },
      ),
      ...(warmUp ? { warmUp } : {}),
    };
    worker.postMessage(request);
  }

  private start(slot: Slot): Worker {
    const worker = new Worker(this.entry.url, { workerData: this.entry.workerData });
    // Verification workers never keep the process alive on their own (the CLI exits when its work is done).
    worker.unref();
    let answered = false;
    worker.on('message', (response: VerifyResponse) => {
      answered = true;
      this.stillborn = 0;
      this.receive(slot, response);
    });
    const lost = (error?: unknown) => {
      if (slot.worker !== worker) return;
      slot.worker = null;
      if (!answered && ++this.stillborn === MAX_STILLBORN) {
        // A worker that cannot even start (a packaging problem, say) would fail again every time: validate on this
        // thread from now on. Slower, never wrong.
        console.error(
          `[verify-pool] verification workers do not start (${error instanceof Error ? error.message : 'exited'}); verifying on the main thread`,
        );
      }
      this.recover(slot);
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    slot.worker = worker;
    return worker;
  }

  private receive(slot: Slot, response: VerifyResponse): void {
    const jobs = slot.inFlight.get(response.id);
    if (!jobs) return;
    slot.inFlight.delete(response.id);
    jobs.forEach((job, i) => {
      slot.load -= sizeOf(job);
      const result: VerifyJobResult | undefined = response.results[i];
      // A worker that could not read an answer (it never should: main parsed the same text) or run a task (one it
      // does not have) leaves the decision to the main thread rather than inventing a verdict.
      if (result?.ok && 'task' in job && 'output' in result) job.resolve(result.output);
      else if (result?.ok && !('task' in job) && 'verdicts' in result) job.resolve(result.verdicts);
      else this.runInline([job]);
    });
  }

  /** The worker is gone: everything it had is validated here, so no caller waits forever or sees a false failure. */
  private recover(slot: Slot): void {
    const pending = [...slot.inFlight.values()].flat();
    slot.inFlight.clear();
    slot.load = 0;
    this.runInline(pending);
  }

  private runInline(jobs: Job[]): void {
    for (const job of jobs) {
      if ('task' in job) {
        job.inline().then(job.resolve, job.reject);
        continue;
      }
      try {
        job.resolve(validateWithinAnswer(job.answer.txs, job.indices, this.crypto));
      } catch (error) {
        job.reject(error);
      }
    }
  }
}

/**
 * The listed transactions plus those their inputs spend (their validation context), as an answer of their own: a
 * worker then parses its share of a long answer, not all of it.
 */
function subAnswer(answer: NodeAnswer, indices: readonly number[]): { answer: NodeAnswer; indices: number[] } {
  const byId = new Map<unknown, number>();
  answer.txs.forEach((tx, index) => byId.set((tx as { id?: unknown } | null)?.id, index));
  const picked = new Map<number, number>(); // index in the answer → index in the part
  const take = (index: number) => {
    if (!picked.has(index)) picked.set(index, picked.size);
    return picked.get(index)!;
  };
  const positions = indices.map(take);
  for (const index of indices) {
    const inputs = (answer.txs[index] as { inputs?: unknown } | null)?.inputs;
    if (!Array.isArray(inputs)) continue;
    for (const input of inputs) {
      const spent = byId.get(
        (input as { fulfills?: { transaction_id?: unknown } | null } | null)?.fulfills?.transaction_id,
      );
      if (spent !== undefined) take(spent);
    }
  }
  const txs = [...picked.keys()].map((index) => answer.txs[index]);
  return { answer: { json: JSON.stringify(txs), txs }, indices: positions };
}
