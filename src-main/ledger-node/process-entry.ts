// Entry point of the node as a separate process: an Electron utilityProcess (messages through
// `process.parentPort`) or a Node child_process.fork (messages through `process.send`). It reports
// `{type: 'opening'}` as soon as it runs (opening the store can take minutes when an older data format is upgraded,
// so the app stops counting the start-up timeout from there), then waits for `{type: 'token', token}`: the
// per-launch bearer token the parent generated, which every request for ledger data must carry (issue #14). It
// comes over the IPC channel, not the command line or environment, where other local processes could read it.
// It reports `{type: 'listening', url}` once it answers,
// `{type: 'error', message}` if it cannot start, and stops cleanly on `{type: 'stop'}`, SIGTERM or SIGINT, then
// reports `{type: 'stopped'}` and exits.
import type { LedgerNode } from './node';
import { startLedgerNode } from './node';
import { parseCliArgs } from './process/cli-args';

export type LedgerProcessMessage =
  | { type: 'opening' }
  | { type: 'listening'; url: string; port: number }
  | { type: 'error'; message: string }
  | { type: 'stopped' };

/** `program`: who the parent is, named to a second node refused the folder (the app sends APP_PROGRAM). */
export type LedgerProcessCommand = { type: 'stop' } | { type: 'token'; token: string; program?: string };

const TOKEN_WAIT_MS = 30_000;

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function report(message: LedgerProcessMessage): void {
  if (parentPort) parentPort.postMessage(message);
  else if (process.send) process.send(message);
  else console.log(JSON.stringify(message));
}

function onCommand(listener: (command: LedgerProcessCommand) => void): void {
  const accept = (data: unknown) => {
    const command =
      data && typeof data === 'object' ? (data as { type?: unknown; token?: unknown; program?: unknown }) : null;
    if (command?.type === 'stop') listener({ type: 'stop' });
    else if (command?.type === 'token' && typeof command.token === 'string')
      listener({
        type: 'token',
        token: command.token,
        ...(typeof command.program === 'string' ? { program: command.program.slice(0, 100) } : {}),
      });
  };
  if (parentPort) parentPort.on('message', (event) => accept(event.data));
  else process.on('message', accept);
}

/** The parent's token (and who the parent is), or null if none came in time. */
function tokenFromParent(): Promise<{ token: string; program?: string } | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), TOKEN_WAIT_MS);
    onCommand((command) => {
      if (command.type !== 'token') return;
      clearTimeout(timer);
      resolve(command);
    });
  });
}

async function run(): Promise<void> {
  // The environment is not read: HC_LEDGER_TOKEN is `npm run ledger`'s, and a child takes its token from the parent.
  const parsed = parseCliArgs(process.argv.slice(2), undefined, {});
  if (parsed.kind !== 'run' || parsed.options.access.kind !== 'generate') {
    const message =
      parsed.kind === 'error'
        ? parsed.message
        : parsed.kind === 'help'
          ? 'no options given'
          : 'the node process takes its token from its parent (a token message), not from --token or --open';
    report({ type: 'error', message });
    process.exit(2);
  }
  const token = tokenFromParent();
  report({ type: 'opening' });
  // The store opens synchronously (an upgrade included): let the message leave first.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const given = await token;
  if (given === null) {
    report({ type: 'error', message: `no token message from the parent within ${TOKEN_WAIT_MS} ms` });
    process.exit(2);
  }
  let node: LedgerNode;
  try {
    const { host, port, dataDir, allowedHosts } = parsed.options;
    node = await startLedgerNode({
      host,
      port,
      dataDir,
      allowedHosts,
      access: { kind: 'token', token: given.token },
      program: given.program ?? 'a ledger node process',
    });
  } catch (error) {
    report({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    node.stop().then(
      () => {
        report({ type: 'stopped' });
        // Let the IPC message flush before the channel goes.
        setTimeout(() => process.exit(0), 50);
      },
      (error: unknown) => {
        report({ type: 'error', message: error instanceof Error ? error.message : String(error) });
        process.exit(1);
      },
    );
  };
  onCommand(stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // If the parent dies, the IPC channel closes: stop rather than linger as an orphan holding the port and store.
  process.on('disconnect', stop);
  report({ type: 'listening', url: node.url, port: node.port });
}

void run();
