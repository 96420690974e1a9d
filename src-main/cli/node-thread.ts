// The CLI's embedded node in a worker thread (node-worker.ts), answered as a LedgerNode. The node's work (checking
// each POST: schema, signatures, conditions, spent outputs; committing blocks: index terms, lmdb) then runs beside
// the CLI's own (building, sealing and signing versions, FHIR conversion) on the second core, instead of taking
// turns with it on the main thread (issue #16's import figure: docs/BENCHMARKS.md). Nothing crosses the thread but
// these start and stop messages: the CLI talks to the node over HTTP on 127.0.0.1 with its token, as before.
// The thread is spawned early (`new NodeThread`), so loading the node's code overlaps the keychain and the identity's
// unlock; the folder's lock, the store and the port are taken only by start().
import { Worker } from 'node:worker_threads';
import type { LedgerNode } from '../ledger-node/node';
import { FolderLockedError } from '../ledger-node/store/folder-lock';
import type { NodeWorkerCommand, NodeWorkerData, NodeWorkerError, NodeWorkerMessage } from './node-thread-protocol';
import { err } from './context';
import { mark } from './timeline';

export interface NodeThreadStart {
  readonly dataDir: string;
  readonly token: string;
  readonly program: string;
}

/** The worker's error as the in-process node would have thrown it: the app's lock keeps its class and owner. */
function rebuilt(error: NodeWorkerError): Error {
  if (error.code === 'FolderLocked' && error.folder !== undefined)
    return new FolderLockedError(error.folder, error.owner ?? null);
  return Object.assign(new Error(error.message), error.code ? { code: error.code } : {});
}

export class NodeThread {
  private readonly worker: Worker;
  private readonly ended: Promise<void>;
  private exited = false;
  private listening = false;
  private started = false;
  private token: string | null = null;
  /** A failure of the thread itself (its code did not load), answered by start(). */
  private fault: Error | null = null;
  private stopError: Error | null = null;
  private waiting: { resolve(node: LedgerNode): void; reject(error: Error): void } | null = null;

  /** `entry`: the built worker (the bundle's entry and its workerData); default the TypeScript module through tsx. */
  constructor(entry?: { url: URL; workerData: Record<string, unknown> }) {
    const data: NodeWorkerData = { entry: new URL('./node-worker.ts', import.meta.url).href };
    this.worker = entry
      ? new Worker(entry.url, { workerData: entry.workerData })
      : new Worker(new URL('../ledger/verify-worker-dev.mjs', import.meta.url), { workerData: data });
    // Until start(): a command that fails before it needs the node is not kept alive by a thread loading code.
    this.worker.unref();
    mark('node thread spawned');
    this.ended = new Promise((resolve) =>
      this.worker.once('exit', () => {
        this.exited = true;
        this.waiting?.reject(this.fault ?? new Error('the embedded ledger node ended before it started'));
        resolve();
      }),
    );
    this.worker.on('message', (message: NodeWorkerMessage) => this.receive(message));
    this.worker.on('error', (error) => {
      if (!this.listening) {
        this.fault = error;
        return;
      }
      // A fault in the node's thread after it started (an exception nothing caught; in-process it ended the CLI):
      // said at once, its requests then find no node, and stop() throws it, so the command fails with it.
      err(`healthchain: the embedded ledger node stopped: ${error.message}`);
      this.stopError ??= error;
    });
  }

  /** Takes the folder's lock, opens the store and listens on a free port of 127.0.0.1, in the thread. */
  start(options: NodeThreadStart): Promise<LedgerNode> {
    if (this.started) return Promise.reject(new Error('the embedded ledger node was started already'));
    this.started = true;
    if (this.exited) return Promise.reject(this.fault ?? new Error('the embedded ledger node ended before it started'));
    this.worker.ref();
    this.token = options.token;
    const answer = new Promise<LedgerNode>((resolve, reject) => (this.waiting = { resolve, reject }));
    this.send({ type: 'start', ...options });
    return answer;
  }

  /** Ends a thread that was never started (the command uses other nodes, or failed before it needed one). */
  discard(): void {
    if (!this.started) void this.worker.terminate();
  }

  private send(command: NodeWorkerCommand): void {
    this.worker.postMessage(command);
  }

  private receive(message: NodeWorkerMessage): void {
    if (message.type === 'listening') {
      this.listening = true;
      let stopping: Promise<void> | null = null;
      const stop = () =>
        (stopping ??= (async () => {
          if (!this.exited) this.send({ type: 'stop' });
          await this.ended;
          if (this.stopError) throw this.stopError;
        })());
      const { url, port, host } = message;
      this.waiting?.resolve({ url, apiUrl: `${url}/api/v1/`, port, host, token: this.token, stop });
      this.waiting = null;
    } else if (message.type === 'error') {
      if (this.listening) this.stopError = rebuilt(message.error);
      else {
        this.waiting?.reject(rebuilt(message.error));
        this.waiting = null;
      }
    }
  }
}
