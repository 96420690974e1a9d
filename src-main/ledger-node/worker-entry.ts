// Entry of the ledger node in a worker thread (worker.ts starts it): the node of node.ts, unchanged, on a thread of
// its own, so its validation, commits and index writes run beside the thread that uses it instead of taking turns
// with it (the CLI's import: docs/BENCHMARKS.md). It reports `{type: 'listening', url, port, host}` or
// `{type: 'error', message}`, and on `{type: 'stop'}` stops the node and reports `{type: 'stopped'}`.
import { parentPort, workerData } from 'node:worker_threads';
import { startLedgerNode } from './node';
import type { LedgerNodeWorkerData, NodeWorkerMessage } from './worker';

const port = parentPort!;
const report = (message: NodeWorkerMessage) => port.postMessage(message);
const options = workerData as LedgerNodeWorkerData;

try {
  const node = await startLedgerNode({
    dataDir: options.dataDir,
    port: options.port,
    ...(options.host ? { host: options.host } : {}),
    access: { kind: 'token', token: options.token },
  });
  port.on('message', (command: { type?: unknown }) => {
    if (command?.type !== 'stop') return;
    node.stop().then(
      () => report({ type: 'stopped' }),
      (error: unknown) => report({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  });
  report({ type: 'listening', url: node.url, port: node.port, host: node.host });
} catch (error) {
  report({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
