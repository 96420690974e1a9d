// Runs the embedded ledger node (src-main/ledger-node/process-entry.ts, built to out/main/ledger-node.js) in an
// Electron utilityProcess, so validation and storage never stall the UI's event loop. Used when no node URL is set.
// Each launch makes a new bearer token here and hands it to the node over the utility-process channel; the app's
// node client sends it, and no other local process or web page has it (issue #14).
import { generateToken } from '../ledger-node/http/access';
import { APP_PROGRAM } from '../ledger-node/store/folder-lock';
import type { LedgerProcessCommand, LedgerProcessMessage } from '../ledger-node/process-entry';

/** The part of Electron's UtilityProcess this module uses. */
export interface UtilityChild {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  once(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export type ForkUtility = (
  modulePath: string,
  args: string[],
  options: { serviceName: string; stdio: 'inherit' | 'pipe' },
) => UtilityChild;

export interface EmbeddedNode {
  readonly url: string;
  /** This launch's bearer token: only the app's own clients of this node get it. */
  readonly token: string;
  /** Resolves when the node process has exited (after a clean stop, or a kill if it hangs). */
  stop(): Promise<void>;
  /** Called if the process dies on its own. */
  onUnexpectedExit(listener: (code: number) => void): void;
}

export interface EmbeddedNodeOptions {
  entryPath: string;
  dataDir: string;
  port?: number;
  /** Until the process reports that it runs ('opening'). */
  startTimeoutMs?: number;
  /** From then until it listens: opening the store may upgrade an older data format, minutes for a large ledger. */
  openTimeoutMs?: number;
  stopTimeoutMs?: number;
}

const START_TIMEOUT_MS = 30_000;
const OPEN_TIMEOUT_MS = 15 * 60_000;

function isMessage(value: unknown): value is LedgerProcessMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

export function startEmbeddedNode(fork: ForkUtility, options: EmbeddedNodeOptions): Promise<EmbeddedNode> {
  const token = generateToken();
  const child = fork(options.entryPath, ['--data', options.dataDir, '--port', String(options.port ?? 0)], {
    serviceName: 'HealthChain ledger node',
    stdio: 'inherit',
  });
  let exited = false;
  let stopping = false;
  const exitListeners: ((code: number) => void)[] = [];
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code) => {
      exited = true;
      if (!stopping) exitListeners.forEach((l) => l(code));
      resolve();
    });
  });

  return new Promise((resolve, reject) => {
    let settled = false;
    const giveUp = (what: string) => () => {
      if (settled) return;
      settled = true;
      child.kill();
      reject(new Error(`the embedded ledger node ${what}`));
    };
    const startMs = options.startTimeoutMs ?? START_TIMEOUT_MS;
    let timer = setTimeout(giveUp(`did not start within ${startMs} ms`), startMs);
    void exitPromise.then(() => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error('the embedded ledger node exited before it was ready'));
    });
    child.on('message', (message) => {
      if (settled || !isMessage(message)) return;
      if (message.type === 'opening') {
        // The process is up and listening to its channel: now it may have the token.
        child.postMessage({ type: 'token', token, program: APP_PROGRAM } satisfies LedgerProcessCommand);
        clearTimeout(timer);
        const openMs = options.openTimeoutMs ?? OPEN_TIMEOUT_MS;
        timer = setTimeout(giveUp(`did not open its data within ${openMs} ms`), openMs);
      } else if (message.type === 'error') {
        settled = true;
        clearTimeout(timer);
        child.kill();
        reject(new Error(`the embedded ledger node could not start: ${message.message}`));
      } else if (message.type === 'listening') {
        settled = true;
        clearTimeout(timer);
        resolve({
          url: message.url,
          token,
          onUnexpectedExit: (listener) => exitListeners.push(listener),
          async stop() {
            if (exited) return;
            stopping = true;
            child.postMessage({ type: 'stop' });
            const killer = setTimeout(() => child.kill(), options.stopTimeoutMs ?? 10_000);
            await exitPromise;
            clearTimeout(killer);
          },
        });
      }
    });
  });
}
