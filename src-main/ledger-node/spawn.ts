// Starts the node in a child Node process (child_process.fork, through tsx so the TypeScript sources run as they
// are) and resolves once it reports that it is listening. Used by tests and tools; the Electron app uses
// utilityProcess with the same process-entry, and hands it its bearer token the same way (a `token` message).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateToken } from './http/access';
import type { LedgerProcessCommand, LedgerProcessMessage } from './process-entry';

export interface SpawnedLedgerNode {
  readonly url: string;
  readonly apiUrl: string;
  readonly port: number;
  /** The bearer token the node was given: clients send `Authorization: Bearer <token>`. */
  readonly token: string;
  readonly child: ChildProcess;
  /** Asks the node to stop cleanly and waits for the process to exit. */
  stop(): Promise<void>;
  /** SIGKILLs the process (crash simulation) and waits for it to be gone. */
  kill(): Promise<void>;
}

export interface SpawnOptions {
  readonly dataDir: string;
  readonly port?: number;
  readonly host?: string;
  /** Generated when not given. */
  readonly token?: string;
  readonly startTimeoutMs?: number;
  /** Who runs the node, for the folder lock's refusal message (the app's own is APP_PROGRAM). */
  readonly program?: string;
  /** Extra Node flags for the child, e.g. ['--cpu-prof'] when profiling. */
  readonly nodeFlags?: readonly string[];
}

const entry = fileURLToPath(new URL('./process-entry.ts', import.meta.url));

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export function spawnLedgerNode(options: SpawnOptions): Promise<SpawnedLedgerNode> {
  // Resolved from this file, so the child finds tsx whatever its working directory.
  const tsxLoader = import.meta.resolve('tsx');
  const args = ['--data', options.dataDir, '--port', String(options.port ?? 0)];
  const token = options.token ?? generateToken();
  if (options.host) args.push('--host', options.host);
  const child = fork(entry, args, {
    execArgv: [...(options.nodeFlags ?? []), '--import', tsxLoader],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('ledger node did not report listening in time'));
    }, options.startTimeoutMs ?? 30_000);
    const onExit = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      reject(new Error(`ledger node exited before listening (code ${code}, signal ${signal})`));
    };
    child.once('exit', onExit);
    child.on('message', (message: LedgerProcessMessage) => {
      if (message.type === 'opening') {
        child.send({
          type: 'token',
          token,
          ...(options.program ? { program: options.program } : {}),
        } satisfies LedgerProcessCommand);
      } else if (message.type === 'error') {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.kill('SIGKILL');
        reject(new Error(`ledger node failed to start: ${message.message}`));
      } else if (message.type === 'listening') {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({
          url: message.url,
          apiUrl: `${message.url}/api/v1/`,
          port: message.port,
          token,
          child,
          stop: async () => {
            if (child.connected) child.send({ type: 'stop' });
            else child.kill('SIGTERM');
            await exited(child);
          },
          kill: async () => {
            child.kill('SIGKILL');
            await exited(child);
          },
        });
      }
    });
  });
}
