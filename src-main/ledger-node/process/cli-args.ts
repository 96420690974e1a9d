// Command line of `npm run ledger`: parsed strictly, so a typo is an error rather than a silently ignored flag.
import { defaultDataDir } from './data-dir';
import { DEFAULT_HOST, DEFAULT_PORT } from '../node';
import { parseAllowedHost, tokenProblem } from '../http/access';

/**
 * How requests are authorised: a token given (`--token`, or HC_LEDGER_TOKEN), none given (the CLI generates one
 * and prints it once), or `--open` (no token: the driver suites, or a LAN node behind its own access control).
 */
export type CliAccess = { kind: 'token'; token: string } | { kind: 'generate' } | { kind: 'open' };

export interface CliOptions {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly access: CliAccess;
  readonly allowedHosts: readonly string[];
}

export type CliParse = { kind: 'run'; options: CliOptions } | { kind: 'help' } | { kind: 'error'; message: string };

export const TOKEN_ENV = 'HC_LEDGER_TOKEN';

export const USAGE = `Usage: npm run ledger -- [--port <port>] [--data <dir>] [--host <host>]
                      [--token <token> | --open] [--allow-host <name>]...

Runs the embedded BigchainDB-compatible ledger node (HTTP API v1 and the WebSocket
stream /api/v1/streams/valid_transactions) in the foreground until SIGINT or SIGTERM.

  --port <port>        TCP port, 0 for any free port (default ${DEFAULT_PORT})
  --data <dir>         data directory (default: ${defaultDataDir()})
  --host <host>        address to listen on (default ${DEFAULT_HOST}; other values expose the node
                       to the network)
  --token <token>      requests for ledger data (and the stream) must carry
                       "Authorization: Bearer <token>"; 32 to 512 characters.
                       Also read from ${TOKEN_ENV}. Without --token or --open a token
                       is generated and printed once.
  --open               no token at all: any client that reaches the port may read and write
                       (the bigchaindb-driver suites; a LAN node behind its own access control)
  --allow-host <name>  also answer to this Host name (name or name:port; repeatable).
                       127.0.0.1, localhost and [::1] with the node's port are always allowed;
                       anything else is refused (DNS rebinding)
  -h, --help           show this help

Web pages cannot use the node in any mode: no CORS headers, POST needs
Content-Type: application/json, foreign Origin headers are refused.

Prints "ledger listening on http://<host>:<port>" once it answers requests.`;

const VALUED = new Set(['--port', '--data', '--host', '--token', '--allow-host']);

export function parseCliArgs(
  argv: readonly string[],
  dataDirDefault: () => string = defaultDataDir,
  env: Readonly<Record<string, string | undefined>> = process.env,
): CliParse {
  let host = DEFAULT_HOST;
  let port = DEFAULT_PORT;
  let dataDir: string | undefined;
  let token: string | undefined;
  let open = false;
  const allowedHosts: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (arg === '--open') {
      open = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq !== -1 ? arg.slice(0, eq) : arg;
    if (!VALUED.has(name)) return { kind: 'error', message: `unknown argument "${arg}"` };
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
    else if (name === '--token') token = value;
    else if (name === '--allow-host') {
      const parsed = parseAllowedHost(value);
      if (typeof parsed === 'string') return { kind: 'error', message: `--allow-host ${parsed}` };
      allowedHosts.push(value);
    } else host = value;
  }
  const fromEnv = env[TOKEN_ENV];
  if (token === undefined && fromEnv !== undefined && fromEnv !== '') token = fromEnv;
  if (open && token !== undefined) {
    return { kind: 'error', message: `--open and a token (--token or ${TOKEN_ENV}) exclude each other` };
  }
  if (token !== undefined) {
    const problem = tokenProblem(token);
    if (problem) return { kind: 'error', message: `bad token: ${problem}` };
  }
  const access: CliAccess = open
    ? { kind: 'open' }
    : token !== undefined
      ? { kind: 'token', token }
      : { kind: 'generate' };
  return { kind: 'run', options: { host, port, dataDir: dataDir ?? dataDirDefault(), access, allowedHosts } };
}
