// Starts the embedded node in a worker thread (worker-entry.ts) and answers the same LedgerNode as startLedgerNode:
// for a command whose own main thread is busy the whole time (the CLI's bulk import seals, signs and posts while the
// node validates and writes each transaction), the node's work moves to another thread; it checks and stores exactly
// as in-thread (the same startLedgerNode: folder lock, token, validation, group commit). Clients still reach it over
// HTTP on 127.0.0.1 with its bearer token.
//
// A worker that ends before stop() (an uncaught error in the node, the thread ended) is a crash: `crashed` settles
// with the reason, requests to the node then fail as for a node that does not answer (what was not committed stays
// in the caller's outbox), and the folder lock the thread left is released, since no node of this process holds the
// folder any more and the process may live on.
import { Worker } from 'node:worker_threads';
import type { LedgerNode } from './node';
import { FolderLockedError, releaseLockOfThisProcess } from './store/folder-lock';
import type { NodeWorkerCommand, NodeWorkerData, NodeWorkerMessage } from './worker-entry';

export interface WorkerLedgerNodeOptions {
  readonly dataDir: string;
  readonly token: string;
  readonly program: string;
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** The built entry (the CLI's bundle); default the TypeScript source through tsx (development and tests). */
  readonly entry?: URL;
}

export interface WorkerLedgerNode extends LedgerNode {
  /** Settles with why the thread ended if it ends before stop() is asked; stays pending otherwise. */
  readonly crashed: Promise<Error>;
  /** Ends the thread at once, mid-work, as a crash would (tests). */
  terminate(): Promise<void>;
}

/**
 * A larger young generation than a worker's default: with it, the node's thread spent less on scavenges during a bulk
 * import, where each request allocates its body, parsed transaction and block entries (~0.3 s of CPU less per 1,000
 * imports, same-run A/B: docs/BENCHMARKS.md). The old generation keeps V8's default limit.
 */
const NODE_WORKER_LIMITS = { maxYoungGenerationSizeMb: 32 };

export function startLedgerNodeInWorker(options: WorkerLedgerNodeOptions): Promise<WorkerLedgerNode> {
  const data: NodeWorkerData = {
    dataDir: options.dataDir,
    port: options.port ?? 0,
    token: options.token,
    program: options.program,
    ...(options.host ? { host: options.host } : {}),
  };
  const worker = options.entry
    ? new Worker(options.entry, { workerData: data, resourceLimits: NODE_WORKER_LIMITS })
    : new Worker(new URL('../ledger/verify-worker-dev.mjs', import.meta.url), {
        workerData: { ...data, entry: new URL('./worker-entry.ts', import.meta.url).href },
        resourceLimits: NODE_WORKER_LIMITS,
      });
  let stopAsked = false;
  let reportCrash: (error: Error) => void = () => {};
  const crashed = new Promise<Error>((resolve) => (reportCrash = resolve));
  let lastError: Error | null = null;
  worker.on('error', (error) => (lastError = error));

  return new Promise((resolve, reject) => {
    let started = false;
    const onMessage = (message: NodeWorkerMessage) => {
      if (message.type === 'error' && !started) {
        worker.off('exit', onEarlyExit);
        void worker.terminate();
        reject(
          message.locked
            ? new FolderLockedError(message.locked.folder, message.locked.owner)
            : new Error(message.message),
        );
      } else if (message.type === 'listening') {
        started = true;
        worker.off('exit', onEarlyExit);
        worker.on('exit', (code) => {
          if (stopAsked) return;
          releaseLockOfThisProcess(options.dataDir);
          reportCrash(
            new Error(
              `the embedded ledger node stopped unexpectedly (${lastError ? lastError.message : `its thread exited with code ${code}`})`,
            ),
          );
        });
        resolve(handle(message));
      }
    };
    const onEarlyExit = (code: number) =>
      reject(
        new Error(
          `the embedded ledger node ended before it listened (${lastError ? lastError.message : `exit code ${code}`})`,
        ),
      );
    worker.on('message', onMessage);
    worker.once('exit', onEarlyExit);
  });

  function handle(listening: Extract<NodeWorkerMessage, { type: 'listening' }>): WorkerLedgerNode {
    let stopping: Promise<void> | null = null;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const stop = () =>
      (stopping ??= (async () => {
        stopAsked = true;
        const answer = new Promise<void>((resolve, reject) => {
          worker.on('message', (message: NodeWorkerMessage) => {
            if (message.type === 'stopped') resolve();
            else if (message.type === 'stop-failed') reject(new Error(message.message));
          });
          // A thread that ended already (a crash) has nothing left to stop.
          void exited.then(() => resolve());
        });
        worker.postMessage({ type: 'stop' } satisfies NodeWorkerCommand);
        try {
          await answer;
        } finally {
          await worker.terminate();
        }
      })());
    return {
      url: listening.url,
      apiUrl: `${listening.url}/api/v1/`,
      port: listening.port,
      host: listening.host,
      token: options.token,
      stop,
      crashed,
      terminate: async () => {
        await worker.terminate();
        await exited;
      },
    };
  }
}
