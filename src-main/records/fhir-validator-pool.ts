// FHIR R4 validation in worker threads, for bulk imports (the CLI's `import` of a folder): each bundle is checked in a
// worker while the main thread seals, signs and posts the bundles already checked. The answers are those of
// fhirStructureErrors (fhir-validation.ts), the same function run elsewhere: same definitions, same errors. If a
// worker fails, what it had is validated on the main thread instead: a worker failure is never a validation result.
//
//   const pool = new FhirValidatorPool({ entry });   // entry: the built worker; default the TypeScript one (tsx)
//   void pool.warm();                                 // index the definitions while the node starts
//   const errors = await pool.validate(bundle);       // [] when valid
//   const errors = await pool.validate(bundle, text); // the same, sent as the JSON text `bundle` was parsed from
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FieldError } from '../../src-shared/records/validate';
import type { FhirValidateRequest, FhirValidateResponse } from './fhir-validate-worker';

/** What the chart service's importFhir needs: the structural problems of one input ([] when valid). */
export interface FhirValidator {
  /** `json`, when given, is the exact text `input` was parsed from; a validator may use either. */
  validate(input: unknown, json?: string): Promise<FieldError[]>;
}

/** Validation on the calling thread, loading @medplum/core only when first needed (it is not light to load). */
export const inProcessFhirValidator: FhirValidator = {
  async validate(input) {
    const { fhirStructureErrors } = await import('./fhir-validation');
    return fhirStructureErrors(input);
  },
};

export interface FhirValidatorPoolOptions {
  /** Worker threads. Default: one fewer than the cores (at least one, at most 4): the main thread needs one. */
  size?: number;
  /** The worker's entry; defaults to the TypeScript source through tsx (development and tests). */
  entry?: URL;
  /** Index every R4 definition at start instead of those each input needs (the old way; tests compare the two). */
  indexEverything?: boolean;
}

interface Job {
  /** Kept for the calling thread to validate itself should the worker fail. */
  readonly input: unknown;
  resolve(errors: FieldError[]): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker | null;
  readonly inFlight: Map<number, Job>;
}

export class FhirValidatorPool implements FhirValidator {
  private readonly slots: Slot[];
  private readonly url: URL;
  private readonly workerData: Record<string, unknown>;
  private nextId = 1;
  private closed = false;
  /** Set once a worker failed: everything is validated on the calling thread from then on. */
  private inline = false;

  constructor(options: FhirValidatorPoolOptions = {}) {
    const size = Math.max(1, options.size ?? Math.min(4, availableParallelism() - 1));
    this.slots = Array.from({ length: size }, () => ({ worker: null, inFlight: new Map() }));
    const everything = { indexEverything: options.indexEverything ?? false };
    if (options.entry) {
      this.url = options.entry;
      this.workerData = everything;
    } else {
      this.url = new URL('../ledger/verify-worker-dev.mjs', import.meta.url);
      this.workerData = { ...everything, entry: new URL('./fhir-validate-worker.ts', import.meta.url).href };
    }
  }

  /** Starts every worker and has each index the definitions an import needs; resolves when all are ready. */
  async warm(): Promise<void> {
    await Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<FieldError[]>((resolve, reject) =>
            this.send(slot, { warmUp: true }, { input: null, resolve, reject }),
          ),
      ),
    );
  }

  validate(input: unknown, json?: string): Promise<FieldError[]> {
    if (this.closed || this.inline) return inProcessFhirValidator.validate(input);
    return new Promise((resolve, reject) => {
      const slot = this.slots.reduce((best, s) => (s.inFlight.size < best.inFlight.size ? s : best));
      // A string crosses to the worker as one copy; a parsed bundle is cloned object by object, which cost the main
      // thread more than the worker's JSON.parse of the same text.
      this.send(slot, json === undefined ? { input } : { json }, { input, resolve, reject });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
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
   * Stops the workers without answering what they still had: those checks reject. For a command giving up before it
   * uses them (an import whose identity did not unlock), where close() would validate them on this thread for nobody.
   */
  async abandon(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.slots.map(async (slot) => {
        const worker = slot.worker;
        slot.worker = null;
        const pending = [...slot.inFlight.values()];
        slot.inFlight.clear();
        for (const job of pending) job.reject(new Error('validation abandoned: the import stopped'));
        if (worker) await worker.terminate();
      }),
    );
  }

  private send(slot: Slot, body: { warmUp: true } | { input: unknown } | { json: string }, job: Job): void {
    const worker = slot.worker ?? this.start(slot);
    const id = this.nextId++;
    // A caller may be waiting on nothing but this answer: the worker keeps the process alive while it has work.
    if (slot.inFlight.size === 0) worker.ref();
    slot.inFlight.set(id, job);
    const request: FhirValidateRequest = { id, ...body };
    try {
      worker.postMessage(request);
    } catch {
      // Not cloneable (a function, say): no JSON input is like that; the calling thread answers as it would.
      slot.inFlight.delete(id);
      this.runInline(job);
    }
  }

  private start(slot: Slot): Worker {
    const worker = new Worker(this.url, { workerData: this.workerData });
    // Idle, it never keeps the process alive (the CLI exits when its work is done); see send().
    worker.unref();
    worker.on('message', (response: FhirValidateResponse) => {
      const job = slot.inFlight.get(response.id);
      if (!job) return;
      slot.inFlight.delete(response.id);
      if (slot.inFlight.size === 0) worker.unref();
      // A worker that threw leaves the answer to this thread rather than inventing one.
      if (response.ok) job.resolve(response.errors);
      else this.runInline(job);
    });
    const lost = (error?: unknown) => {
      if (slot.worker !== worker) return;
      slot.worker = null;
      if (!this.closed) {
        this.inline = true;
        console.error(
          `[fhir-validator-pool] a validation worker stopped (${error instanceof Error ? error.message : 'exited'}); validating on the main thread`,
        );
      }
      this.recover(slot);
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    slot.worker = worker;
    return worker;
  }

  private recover(slot: Slot): void {
    const pending = [...slot.inFlight.values()];
    slot.inFlight.clear();
    for (const job of pending) this.runInline(job);
  }

  private runInline(job: Job): void {
    inProcessFhirValidator.validate(job.input).then(job.resolve, job.reject);
  }
}
