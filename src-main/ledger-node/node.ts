// The embedded BigchainDB-compatible ledger node as a module: storage, validation, group commit, HTTP API and
// WebSocket stream on one port. The app runs it in a utility/child process (process-entry.ts); tests and the
// CLI start it directly.
import type { AddressInfo } from 'node:net';
import { Committer, type Validator } from './commit/committer';
import { EventStream } from './http/event-stream';
import { createLedgerHttpServer } from './http/server';
import type { RouteContext } from './http/routes';
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
  /** Replaces the transaction core's validator (only the node's own unit tests need this). */
  readonly validator?: Validator;
}

export interface LedgerNode {
  /** Root URL, e.g. `http://127.0.0.1:9984`; the driver's endpoint is `${url}/api/v1/`. */
  readonly url: string;
  readonly apiUrl: string;
  readonly port: number;
  readonly host: string;
  /** Stops accepting requests, writes every accepted transaction, closes the store. */
  stop(): Promise<void>;
}

const HOST_HEADER = /^[A-Za-z0-9.\-[\]:]+$/;

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startLedgerNode(options: LedgerNodeOptions): Promise<LedgerNode> {
  const host = options.host ?? DEFAULT_HOST;
  const store = LedgerStore.open(options.dataDir);
  const stream = new EventStream();
  const committer = new Committer(store, options.validator ?? createValidator(), (block) => stream.publish(block));
  let listenHost = '';
  const server = createLedgerHttpServer({
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    stream,
    context: (req): RouteContext => {
      const hostHeader = req.headers.host;
      return {
        store,
        committer,
        advertisedHost: hostHeader && HOST_HEADER.test(hostHeader) ? hostHeader : listenHost,
      };
    },
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
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  listenHost = `${urlHost(host)}:${port}`;
  const url = `http://${listenHost}`;

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
    })();
    return stopping;
  };

  return { url, apiUrl: `${url}/api/v1/`, port, host, stop };
}
