// The messages between the CLI and its embedded node's worker thread (node-thread.ts, node-worker.ts).
import type { LockOwner } from '../ledger-node/store/folder-lock';

export interface NodeWorkerData {
  /** From source: the TypeScript worker module the tsx loader (ledger/verify-worker-dev.mjs) runs. */
  readonly entry?: string;
}

/**
 * An error crosses the thread as its parts: a structured clone keeps an Error's message but not its class, and the
 * CLI tells the app's lock (FolderLockedError with the app's owner) from other failures by class.
 */
export interface NodeWorkerError {
  readonly message: string;
  readonly code?: string;
  readonly folder?: string;
  readonly owner?: LockOwner | null;
}

export type NodeWorkerMessage =
  | { readonly type: 'listening'; readonly url: string; readonly port: number; readonly host: string }
  | { readonly type: 'error'; readonly error: NodeWorkerError }
  | { readonly type: 'stopped' };

export type NodeWorkerCommand =
  | { readonly type: 'start'; readonly dataDir: string; readonly token: string; readonly program: string }
  | { readonly type: 'stop' };
