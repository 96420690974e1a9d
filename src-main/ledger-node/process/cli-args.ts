// Command line of `npm run ledger`: parsed strictly, so a typo is an error rather than a silently ignored flag.
import { defaultDataDir } from './data-dir';
import { DEFAULT_HOST, DEFAULT_PORT } from '../node';

export interface CliOptions {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
}

export type CliParse = { kind: 'run'; options: CliOptions } | { kind: 'help' } | { kind: 'error'; message: string };

export const USAGE = `Usage: npm run ledger -- [--port <port>] [--data <dir>] [--host <host>]

Runs the embedded BigchainDB-compatible ledger node (HTTP API v1 and the WebSocket
stream /api/v1/streams/valid_transactions) in the foreground until SIGINT or SIGTERM.

  --port <port>   TCP port, 0 for any free port (default ${DEFAULT_PORT})
  --data <dir>    data directory (default: ${defaultDataDir()})
  --host <host>   address to listen on (default ${DEFAULT_HOST}; other values expose the node
                  to the network: the API has no authentication)
  -h, --help      show this help

Prints "ledger listening on http://<host>:<port>" once it answers requests.`;

export function parseCliArgs(argv: readonly string[], dataDirDefault: () => string = defaultDataDir): CliParse {
  let host = DEFAULT_HOST;
  let port = DEFAULT_PORT;
  let dataDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq !== -1 ? arg.slice(0, eq) : arg;
    if (name !== '--port' && name !== '--data' && name !== '--host') {
      return { kind: 'error', message: `unknown argument "${arg}"` };
    }
    let value: string | undefined;
    if (eq !== -1 && arg.startsWith('--')) value = arg.slice(eq + 1);
    else value = argv[++i];
    if (value === undefined || value === '') return { kind: 'error', message: `${name} needs a value` };
    if (name === '--port') {
      if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
        return { kind: 'error', message: `--port must be an integer from 0 to 65535, got "${value}"` };
      }
      port = Number(value);
    } else if (name === '--data') dataDir = value;
    else host = value;
  }
  return { kind: 'run', options: { host, port, dataDir: dataDir ?? dataDirDefault() } };
}
