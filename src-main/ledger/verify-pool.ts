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
//
// A listing's reads can be made by the workers too (fetchAnswer): the worker GETs a chart's transactions, validates a
// short answer and hands back its text with the verdicts, so the main thread's share of each chart is the chain
// check and opening the head. The caller (node-client.ts) keeps its own failover, timeouts and errors around it.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CryptoProvider } from '../../src-shared/ledger';
import { validateWithinAnswer, type AnswerValidator, type NodeAnswer, type Verdict } from './answer-validation';
import { HttpTransport, TransportError, type HttpAnswer } from './http-transport';
import type { FetchJob, FetchResult, VerifyJobResult, VerifyRequest, VerifyResponse } from './verify-worker';

export interface VerifyPoolOptions {
  /**
   * Worker threads. Default: one fewer than the cores (at least one, at most 4): the main thread and the embedded
   * ledger node need a core too, and on two cores a second worker only made listing slower (measured).
   */
  size?: number;
  /** The worker's entry; defaults to the TypeScript source through tsx (development and tests). */
  entry?: URL;
  /** Crypto for the main-thread fallback. */
  crypto: CryptoProvider;
}

interface Job {
  readonly answer: NodeAnswer;
  readonly indices: readonly number[];
  resolve(verdicts: Verdict[]): void;
  reject(error: unknown): void;
}

interface Fetch {
  readonly job: FetchJob;
  resolve(answer: FetchedAnswer): void;
  reject(error: unknown): void;
}

/** A node's answer, with the verdict on each transaction it lists when the worker validated it (null: it did not). */
export interface FetchedAnswer extends HttpAnswer {
  verdicts: Verdict[] | null;
}

interface Slot {
  worker: Worker | null;
  /** Transactions sent and not yet answered: new work goes to the least loaded worker. */
  load: number;
  readonly inFlight: Map<number, Job[]>;
  /** GETs sent and not yet answered: the worker keeps the process alive meanwhile (see fetchAnswer). */
  readonly fetching: Map<number, Fetch>;
}

// Below this many transactions an answer is not worth splitting across workers.
const SPLIT_MIN = 32;
// A batch of small jobs is sent once it holds this many transactions, or this long after its first job: a message
// costs tens of microseconds whatever it holds, and a listing's answers arrive one by one.
const BATCH_TXS = 64;
const BATCH_WAIT_MS = 1;
const MAX_STILLBORN = 3;
// Reads a worker holds at most: past this, the caller's thread makes the read (and the worker validates it as any
// answer). A worker that made every read of a list became its busiest thread (its HTTP work cost more than the main
// thread's had), so the reads are shared, the busier side taking fewer.
const FETCH_SHARE = 16;

export class VerifyPool implements AnswerValidator {
  private readonly slots: Slot[];
  private readonly entry: { url: URL; workerData?: unknown };
  private readonly crypto: CryptoProvider;
  private queued: Job[] = [];
  private queuedTxs = 0;
  private flushScheduled = false;
  private queuedFetches: Fetch[] = [];
  /** For GETs made on this thread when no worker can (closed, given up, or lost with the request). */
  private fallback: HttpTransport | null = null;
  private nextId = 1;
  private closed = false;
  /** Workers that died before answering anything, in a row: past a few, the workers are given up (see start()). */
  private stillborn = 0;

  constructor(options: VerifyPoolOptions) {
    const size = Math.max(1, options.size ?? Math.min(4, availableParallelism() - 1));
    this.slots = Array.from({ length: size }, () => ({
      worker: null,
      load: 0,
      inFlight: new Map(),
      fetching: new Map(),
    }));
    this.crypto = options.crypto;
    this.entry = options.entry
      ? { url: options.entry }
      : {
          url: new URL('./verify-worker-dev.mjs', import.meta.url),
          workerData: { entry: new URL('./verify-worker.ts', import.meta.url).href },
        };
  }

  get size(): number {
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

  /**
   * GETs `url` in a worker, which also validates the answer when it is a short JSON list of a v1 chart `assetId`
   * (FetchResult). A transport failure rejects with the transport's own message, as HttpTransport.get would. Requests
   * made in one turn of the event loop go to the worker in one message. Without workers, this thread makes the GET.
   */
  fetchAnswer(
    url: string,
    timeoutMs: number,
    headers: Readonly<Record<string, string>>,
    assetId?: string,
  ): Promise<FetchedAnswer> {
    const job: FetchJob = { id: this.nextId++, url, timeoutMs, headers, ...(assetId ? { assetId } : {}) };
    if (this.closed || this.stillborn >= MAX_STILLBORN || this.fetchesInHand() >= FETCH_SHARE * this.slots.length)
      return this.fetchInline(job);
    return new Promise((resolve, reject) => {
      if (this.queuedFetches.push({ job, resolve, reject }) > 1) return;
      setImmediate(() => this.flushFetches());
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.flush();
    this.flushFetches();
    await Promise.all(
      this.slots.map(async (slot) => {
        const worker = slot.worker;
        slot.worker = null;
        this.recover(slot);
        if (worker) await worker.terminate();
      }),
    );
    this.fallback?.close();
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

  private fetchesInHand(): number {
    return this.queuedFetches.length + this.slots.reduce((n, slot) => n + slot.fetching.size, 0);
  }

  private flushFetches(): void {
    const fetches = this.queuedFetches;
    if (fetches.length === 0) return;
    this.queuedFetches = [];
    const slot = this.slots.reduce((best, s) => (s.fetching.size < best.fetching.size ? s : best));
    if (this.closed || this.stillborn >= MAX_STILLBORN) {
      this.runFetchesInline(fetches);
      return;
    }
    const worker = slot.worker ?? this.start(slot);
    // A worker is unref'd (it never keeps the process alive on its own), but a caller waiting on its GET must be.
    if (slot.fetching.size === 0) worker.ref();
    for (const fetch of fetches) slot.fetching.set(fetch.job.id, fetch);
    const request: VerifyRequest = { id: this.nextId++, jobs: [], fetches: fetches.map((f) => f.job) };
    worker.postMessage(request);
  }

  private async fetchInline(job: FetchJob): Promise<FetchedAnswer> {
    const { status, text } = await (this.fallback ??= new HttpTransport()).get(job.url, job.timeoutMs, job.headers);
    return { status, text, verdicts: null };
  }

  private runFetchesInline(fetches: readonly Fetch[]): void {
    for (const { job, resolve, reject } of fetches) this.fetchInline(job).then(resolve, reject);
  }

  private receiveFetched(slot: Slot, fetched: NonNullable<VerifyResponse['fetched']>): void {
    for (const { id, result } of fetched) {
      const fetch = slot.fetching.get(id);
      if (!fetch) continue;
      slot.fetching.delete(id);
      settleFetch(fetch, result);
    }
    if (slot.fetching.size === 0) slot.worker?.unref();
  }

  private send(slot: Slot, jobs: Job[], warmUp = false): void {
    if (this.closed || this.stillborn >= MAX_STILLBORN) {
      this.runInline(jobs);
      return;
    }
    const worker = slot.worker ?? this.start(slot);
    const id = this.nextId++;
    slot.inFlight.set(id, jobs);
    slot.load += jobs.reduce((n, j) => n + j.indices.length, 0);
    const request: VerifyRequest = {
      id,
      jobs: jobs.map((j) => ({ json: j.answer.json, indices: j.indices })),
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
    if (response.fetched) this.receiveFetched(slot, response.fetched);
    const jobs = slot.inFlight.get(response.id);
    if (!jobs) return;
    slot.inFlight.delete(response.id);
    jobs.forEach((job, i) => {
      slot.load -= job.indices.length;
      const result: VerifyJobResult | undefined = response.results[i];
      // A worker that could not read an answer (it never should: main parsed the same text) leaves the decision
      // to the main thread rather than inventing a verdict.
      if (result?.ok) job.resolve(result.verdicts);
      else this.runInline([job]);
    });
  }

  /** The worker is gone: everything it had is validated here, so no caller waits forever or sees a false failure. */
  private recover(slot: Slot): void {
    const pending = [...slot.inFlight.values()].flat();
    slot.inFlight.clear();
    slot.load = 0;
    this.runInline(pending);
    // Its GETs are made again here: a GET changes nothing on the node, and the caller must not see a failure that
    // was the worker's, not the node's.
    const fetches = [...slot.fetching.values()];
    slot.fetching.clear();
    this.runFetchesInline(fetches);
  }

  private runInline(jobs: Job[]): void {
    for (const job of jobs) {
      try {
        job.resolve(validateWithinAnswer(job.answer.txs, job.indices, this.crypto));
      } catch (error) {
        job.reject(error);
      }
    }
  }
}

function settleFetch(fetch: Fetch, result: FetchResult): void {
  if (result.ok) fetch.resolve({ status: result.status, text: result.text, verdicts: result.verdicts });
  else fetch.reject(new TransportError(result.error));
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
