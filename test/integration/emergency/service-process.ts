// The emergency service as its own child process (`tsx src-main/emergency/cli.ts`, what `npm run emergency-service`
// runs), with its key in the real keychain under a service name of its own. Its stdout is one JSON event a line.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { createInterface } from 'node:readline';

const run = promisify(execFile);
const ENTRY = ['src-main/emergency/cli.ts'];
const TSX = 'node_modules/.bin/tsx';

export async function initEmergencyKey(keychainService: string): Promise<{ signKey: string; boxKey: string }> {
  const { stdout } = await run(TSX, [...ENTRY, '--init', '--keychain-service', keychainService]);
  return JSON.parse(stdout.trim()) as { signKey: string; boxKey: string };
}

export class ServiceProcess {
  readonly events: Record<string, unknown>[] = [];
  readonly stderr: string[] = [];
  readonly child: ChildProcess;

  constructor(args: string[], token: string) {
    // node itself with tsx's loader, not the tsx wrapper: the wrapper runs the program in a child of its own, so a
    // SIGKILL to the wrapper would leave the service running as an orphan (and "killed" would not be killed).
    this.child = spawn(process.execPath, ['--import', 'tsx', ...ENTRY, ...args], {
      env: { ...process.env, HC_LEDGER_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        this.stderr.push(`not JSON on stdout: ${line}`);
      }
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => this.stderr.push(line));
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill(signal);
    await exited;
  }
}
