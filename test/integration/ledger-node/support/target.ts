// Where the scenario suites run: always against the embedded node (in-process, port 0, fresh data directory), and
// also against a real BigchainDB when BIGCHAINDB_URL names one (e.g. http://localhost:9984). Without it, those
// copies are reported as skipped with "[needs BIGCHAINDB_URL]" in their names.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import driver from 'bigchaindb-driver';
import { afterAll, beforeAll, describe, vi } from 'vitest';
import { generateToken } from '../../../../src-main/ledger-node/http/access';
import { startLedgerNode, type LedgerNode } from '../../../../src-main/ledger-node/node';

// The vitest projects do not inherit the root config's 30 s test timeout (they run with vitest's 5 s default), and
// these suites drive a real node with fsyncs on a shared 2-core machine: every file that imports this gets 60 s.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

export interface LedgerTarget {
  readonly name: string;
  /** Root URL without trailing slash, e.g. http://127.0.0.1:9984 */
  readonly rootUrl: string;
  /** The driver's endpoint, ending in /api/v1/ */
  readonly apiUrl: string;
  readonly embedded: boolean;
  /** The official driver. It cannot send a bearer token (see useEmbeddedNode), so its targets are open nodes. */
  readonly conn: InstanceType<typeof driver.Connection>;
}

// Bearer tokens of the nodes these suites started, by origin: `http()` sends the right one unless told not to.
const tokens = new Map<string, string>();

/** Lets `http()` and the driver send `token` to the node at `url` (one started outside useEmbeddedNode). */
export function useToken(url: string, token: string): void {
  tokens.set(new URL(url).origin, token);
}

/** Headers that authorise a request to `url` on a node started here (none for other nodes). */
export function authHeaders(url: string): Record<string, string> {
  const token = tokens.get(new URL(url).origin);
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export function tempDataDir(prefix = 'ledger-node-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Starts an in-process node for the enclosing describe block. Open by default, as `npm run ledger -- --open`
 * serves the driver: bigchaindb-driver 4.3.0 takes extra headers in Connection(url, headers) but never sends them
 * (its request.js spreads them into fetch's options, not into `headers`), so it cannot present a bearer token.
 * `'token'` starts it as the app's embedded node runs, and `http()` then sends the token.
 */
export function useEmbeddedNode(mode: 'open' | 'token' = 'open'): () => LedgerNode {
  let node: LedgerNode | undefined;
  let dir: ReturnType<typeof tempDataDir> | undefined;
  beforeAll(async () => {
    dir = tempDataDir();
    const access = mode === 'open' ? ({ kind: 'open' } as const) : ({ kind: 'token', token: generateToken() } as const);
    node = await startLedgerNode({ dataDir: dir.path, port: 0, access });
    if (node.token) tokens.set(new URL(node.url).origin, node.token);
  });
  afterAll(async () => {
    if (node) tokens.delete(new URL(node.url).origin);
    await node?.stop();
    dir?.remove();
  });
  return () => {
    if (!node) throw new Error('embedded node not started');
    return node;
  };
}

function targetFor(name: string, rootUrl: string, embedded: boolean): LedgerTarget {
  const root = rootUrl.replace(/\/+$/, '');
  const apiUrl = `${root}/api/v1/`;
  return { name, rootUrl: root, apiUrl, embedded, conn: new driver.Connection(apiUrl) };
}

export const externalUrl = process.env.BIGCHAINDB_URL;

/** Declares the same scenarios against the embedded node and, when configured, a real BigchainDB. */
export function describeOnLedgers(title: string, body: (target: () => LedgerTarget) => void): void {
  describe(`${title} [embedded node]`, () => {
    const node = useEmbeddedNode();
    let target: LedgerTarget | undefined;
    body(() => (target ??= targetFor('embedded', node().url, true)));
  });
  describe.skipIf(!externalUrl)(`${title} [needs BIGCHAINDB_URL]`, () => {
    body(() => targetFor('BIGCHAINDB_URL', externalUrl ?? 'http://unset.invalid', false));
  });
}

export interface HttpAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed body; throws in the test if the body is not JSON. */
  json<T = unknown>(): T;
}

/**
 * One request with fetch. A body goes out as application/json unless `headers` names another Content-Type, and
 * the node's bearer token is sent unless `auth` is false (the access tests send their own or none).
 */
export async function http(
  method: string,
  url: string,
  options: { body?: string | Uint8Array; headers?: Record<string, string>; auth?: boolean } = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = {
    ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    ...(options.auth === false ? {} : authHeaders(url)),
    ...options.headers,
  };
  const res = await fetch(url, { method, body: options.body as BodyInit | undefined, headers });
  const text = await res.text();
  return {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
    text,
    json: <T>() => JSON.parse(text) as T,
  };
}

export function postTx(target: LedgerTarget, tx: unknown, mode?: 'async' | 'sync' | 'commit'): Promise<HttpAnswer> {
  const query = mode ? `?mode=${mode}` : '';
  return http('POST', `${target.apiUrl}transactions${query}`, {
    body: JSON.stringify(tx),
    headers: { 'Content-Type': 'application/json' },
  });
}
