// The embedded node in a worker thread of the process that needs it (started by worker-node.ts): the same
// startLedgerNode, on 127.0.0.1 with the bearer token the parent generated, so its validation, commits and lmdb writes
// run beside the parent's main thread instead of on it (the CLI's bulk import: docs/BENCHMARKS.md). The token comes
// in workerData: memory of this process, never a command line, the environment or another process's channel.
// Reports `listening` once it answers, or `error` (a folder held by another node names its holder, so the parent can
// throw the same FolderLockedError); stops cleanly on `stop`, then reports `stopped`.
import { parentPort, workerData } from 'node:worker_threads';
import { startLedgerNode, type LedgerNode } from './node';
import { FolderLockedError, type LockOwner } from './store/folder-lock';

export interface NodeWorkerData {
  readonly dataDir: string;
  readonly host?: string;
  readonly port: number;
  readonly token: string;
  readonly program: string;
}

export type NodeWorkerMessage =
  | { type: 'listening'; url: string; port: number; host: string }
  | { type: 'error'; message: string; locked?: { folder: string; owner: LockOwner | null } }
  | { type: 'stopped' }
  | { type: 'stop-failed'; message: string };

export type NodeWorkerCommand = { type: 'stop' };

const port = parentPort!;
const given = workerData as NodeWorkerData;
const post = (message: NodeWorkerMessage) => port.postMessage(message);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function run(): Promise<void> {
  let node: LedgerNode;
  try {
    node = await startLedgerNode({
      dataDir: given.dataDir,
      ...(given.host ? { host: given.host } : {}),
      port: given.port,
      access: { kind: 'token', token: given.token },
      program: given.program,
    });
  } catch (error) {
    post({
      type: 'error',
      message: messageOf(error),
      ...(error instanceof FolderLockedError ? { locked: { folder: error.folder, owner: error.owner } } : {}),
    });
    port.close();
    return;
  }
  port.on('message', (command: NodeWorkerCommand) => {
    if (command?.type !== 'stop') return;
    node.stop().then(
      () => post({ type: 'stopped' }),
      (error: unknown) => post({ type: 'stop-failed', message: messageOf(error) }),
    );
  });
  post({ type: 'listening', url: node.url, port: node.port, host: node.host });
}

void run();
