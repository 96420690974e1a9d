// Entry point of the node as a separate process: an Electron utilityProcess (messages through
// `process.parentPort`) or a Node child_process.fork (messages through `process.send`). It reports
// `{type: 'opening'}` as soon as it runs (opening the store can take minutes when an older data format is upgraded,
// so the app stops counting the start-up timeout from there), `{type: 'listening', url}` once it answers,
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

export type LedgerProcessCommand = { type: 'stop' };

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
    if (data && typeof data === 'object' && (data as { type?: unknown }).type === 'stop') listener({ type: 'stop' });
  };
  if (parentPort) parentPort.on('message', (event) => accept(event.data));
  else process.on('message', accept);
}

async function run(): Promise<void> {
  const parsed = parseCliArgs(process.argv.slice(2));
  if (parsed.kind !== 'run') {
    report({ type: 'error', message: parsed.kind === 'error' ? parsed.message : 'no options given' });
    process.exit(2);
  }
  report({ type: 'opening' });
  // The store opens synchronously (an upgrade included): let the message leave first.
  await new Promise((resolve) => setTimeout(resolve, 20));
  let node: LedgerNode;
  try {
    node = await startLedgerNode(parsed.options);
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
