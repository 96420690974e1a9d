// Starts the ledger node (node.ts) in a worker thread of this process and answers with the same LedgerNode: the same
// HTTP API on a local port, the same data folder, its token given here. The CLI runs its embedded node this way, so
// the node's work overlaps the command's own on a second core (docs/BENCHMARKS.md, issue #16's import).
import { Worker } from 'node:worker_threads';
import type { LedgerNode } from './node';

export interface LedgerNodeWorkerData {
  readonly dataDir: string;
  readonly port: number;
  readonly host?: string;
  readonly token: string;
}

export type NodeWorkerMessage =
  | { type: 'listening'; url: string; port: number; host: string }
  | { type: 'error'; message: string }
  | { type: 'stopped' };

export interface NodeWorkerOptions extends LedgerNodeWorkerData {
  /** The built worker-entry.js (a bundle); defaults to the TypeScript source through tsx (development and tests). */
  readonly entry?: URL;
}

export function startLedgerNodeInWorker(options: NodeWorkerOptions): Promise<LedgerNode> {
  const { entry, ...data } = options;
  const worker = entry
    ? new Worker(entry, { workerData: data })
    : // Worker threads do not inherit tsx's loader: the dev entry registers it, then imports the TypeScript entry.
      new Worker(new URL('../ledger/verify-worker-dev.mjs', import.meta.url), {
        workerData: { ...data, entry: new URL('./worker-entry.ts', import.meta.url).href },
      });
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`ledger node worker exited before listening (code ${code})`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (message: NodeWorkerMessage) => {
      worker.off('error', reject);
      worker.off('exit', onExit);
      if (message.type !== 'listening') {
        void worker.terminate();
        reject(new Error(`ledger node failed to start: ${message.type === 'error' ? message.message : message.type}`));
        return;
      }
      let stopping: Promise<void> | null = null;
      const stop = () =>
        (stopping ??= new Promise<void>((done, fail) => {
          // The node writes every accepted transaction and closes its store before it answers: only then does the
          // thread end, so nothing it accepted is cut short.
          const onStopped = (answer: NodeWorkerMessage) => {
            if (answer.type === 'stopped') done();
            else if (answer.type === 'error') fail(new Error(`ledger node failed to stop: ${answer.message}`));
          };
          worker.on('message', onStopped);
          worker.once('exit', (code) => (code === 0 ? done() : fail(new Error(`ledger node worker exited ${code}`))));
          worker.postMessage({ type: 'stop' });
        }).then(() => worker.terminate().then(() => undefined)));
      resolve({
        url: message.url,
        apiUrl: `${message.url}/api/v1/`,
        port: message.port,
        host: message.host,
        token: data.token,
        stop,
      });
    });
  });
}
