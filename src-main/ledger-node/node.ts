// The embedded BigchainDB-compatible ledger node as a module: storage, validation, group commit, HTTP API and
// WebSocket stream on one port. The app runs it in a utility/child process (process-entry.ts); tests start it
// directly, the CLI in a worker thread of its own (cli/node-thread.ts). Who may use it (token or open, allowed Host
// names) is decided by every caller: see http/access.ts.
import type { AddressInfo } from 'node:net';
import { Committer, type Validator } from './commit/committer';
import { AccessPolicy, allowedHostHeaders, type LedgerAccess } from './http/access';
import { EventStream } from './http/event-stream';
import { createLedgerHttpServer } from './http/server';
import type { RouteContext } from './http/routes';
import { lockFolder } from './store/folder-lock';
import { LedgerStore } from './store/ledger-store';
import { createValidator } from './validation';

export const DEFAULT_PORT = 9984;
export const DEFAULT_HOST = '127.0.0.1';
// Generous next to the reference deployments' 15 kB nginx cap (docs/PROTOCOL.md §1.6); a chart version is a few kB.
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface LedgerNodeOptions {
  readonly dataDir: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly maxBodyBytes?: number;
  /**
   * Required, so that every caller decides: a bearer token (the app's embedded node, `npm run ledger` by default)
   * or open (the driver suites, a node serving a LAN behind its own access control). See http/access.ts.
   */
  readonly access: LedgerAccess;
  /** Host names (optionally `name:port`) the node answers to besides 127.0.0.1, localhost and [::1] (`--allow-host`). */
  readonly allowedHosts?: readonly string[];
  /**
   * Who runs this node, named to a second node refused the same folder (store/folder-lock.ts): e.g. "the HealthChain
   * app" (APP_PROGRAM), "the healthchain CLI", "npm run ledger".
   */
  readonly program?: string;
  /** Replaces the transaction core's validator (only the node's own unit tests need this). */
  readonly validator?: Validator;
}

export interface LedgerNode {
  /** Root URL, e.g. `http://127.0.0.1:9984`; the driver's endpoint is `${url}/api/v1/`. */
  readonly url: string;
  readonly apiUrl: string;
  readonly port: number;
  readonly host: string;
  /** The bearer token requests must carry, or null for an open node. */
  readonly token: string | null;
  /** Stops accepting requests, writes every accepted transaction, closes the store. */
  stop(): Promise<void>;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startLedgerNode(options: LedgerNodeOptions): Promise<LedgerNode> {
  const host = options.host ?? DEFAULT_HOST;
  // Checked before the store opens: a bad token or --allow-host entry must not cost a start-up.
  let allowedHosts: ReadonlySet<string> = new Set();
  const access = new AccessPolicy(options.access, () => allowedHosts);
  allowedHostHeaders(0, host, options.allowedHosts ?? []);
  // Before the store opens: a second node on the folder is refused with nothing changed (one node per folder).
  const lock = lockFolder(options.dataDir, options.program ?? 'a ledger node');
  let store: LedgerStore;
  try {
    store = LedgerStore.open(options.dataDir);
  } catch (error) {
    lock.release();
    throw error;
  }
  const stream = new EventStream();
  const committer = new Committer(store, options.validator ?? createValidator(), (block) => stream.publish(block));
  const server = createLedgerHttpServer({
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    stream,
    access,
    // Only ever a Host header from the allow-list: the advertised stream URL cannot point a client elsewhere.
    context: (checkedHost): RouteContext => ({ store, committer, advertisedHost: checkedHost }),
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? DEFAULT_PORT, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await store.close();
    lock.release();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  allowedHosts = allowedHostHeaders(port, host, options.allowedHosts ?? []);
  const url = `http://${urlHost(host)}:${port}`;

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await committer.close();
      // Requests still in flight have had their transactions written; give their answers a moment to go out.
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      server.closeAllConnections();
      stream.close();
      await store.close();
      lock.release();
    })();
    return stopping;
  };

  const token = options.access.kind === 'token' ? options.access.token : null;
  return { url, apiUrl: `${url}/api/v1/`, port, host, token, stop };
}
