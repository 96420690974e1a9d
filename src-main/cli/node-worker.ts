// The CLI's embedded ledger node in a worker thread (node-thread.ts): the same startLedgerNode as in-process, so the
// node validates, commits and answers HTTP on its own thread while the CLI's main thread builds and signs versions.
// The thread loads the node's code as soon as it runs; `start` then takes the folder's lock, opens the store and
// listens, and it reports `listening` (or the error that stopped it). On `stop` it writes every accepted
// transaction, closes the store and releases the lock, reports `stopped` and lets the thread end.
import { parentPort } from 'node:worker_threads';
import { startLedgerNode, type LedgerNode } from '../ledger-node/node';
import type { NodeWorkerCommand, NodeWorkerError, NodeWorkerMessage } from './node-thread-protocol';

const port = parentPort!;
const report = (message: NodeWorkerMessage) => port.postMessage(message);

function describe(error: unknown): NodeWorkerError {
  if (!(error instanceof Error)) return { message: String(error) };
  const e = error as Error & { code?: unknown; folder?: unknown; owner?: NodeWorkerError['owner'] };
  return {
    message: e.message,
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.folder === 'string' ? { folder: e.folder } : {}),
    ...(e.owner !== undefined ? { owner: e.owner } : {}),
  };
}

let node: Promise<LedgerNode | null> | null = null;

port.on('message', (command: NodeWorkerCommand) => {
  if (command.type === 'start' && !node) {
    node = startLedgerNode({
      port: 0,
      dataDir: command.dataDir,
      access: { kind: 'token', token: command.token },
      program: command.program,
    }).then(
      (started) => {
        report({ type: 'listening', url: started.url, port: started.port, host: started.host });
        return started;
      },
      (error: unknown) => {
        report({ type: 'error', error: describe(error) });
        port.close();
        return null;
      },
    );
  } else if (command.type === 'stop') {
    void (node ?? Promise.resolve(null))
      .then((started) => started?.stop())
      .then(
        () => report({ type: 'stopped' }),
        (error: unknown) => report({ type: 'error', error: describe(error) }),
      )
      .finally(() => port.close());
  }
});
