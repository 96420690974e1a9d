// What a workstation can learn from one BigchainDB 2.2.2 node over its HTTP API and event stream, for the network
// check (network-check.ts): root document, validators, latest height, a block's transactions, the stream opening.
import WebSocket from 'ws';
import type { NetworkNodeCheck } from '../../src-shared/ipc/network-check';
import { nodeBase } from './node-url';

export interface Probe {
  index: number;
  base: string | null;
  check: NetworkNodeCheck;
  validators: { key: string; power: number }[] | null;
}

const LOOPBACK = /^(localhost|127(\.\d+){3}|0\.0\.0\.0|\[::1?\])$/i;
const MAX_PROBED_HEIGHT = 2 ** 40;

export class NodeAnswerError extends Error {}

export function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof NodeAnswerError) return error.message;
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
    return error.cause instanceof Error ? error.cause.message : error.message;
  }
  return String(error);
}

/** Extra request headers for one node: the embedded node's bearer token, nothing for a hospital's BigchainDB. */
export type HeadersFor = (base: string) => Record<string, string>;

async function getJson(
  url: string,
  timeoutMs: number,
  headers: Record<string, string>,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'error',
    headers: { ...headers, accept: 'application/json' },
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    if (res.status === 200) throw new NodeAnswerError(`${url} answered with something that is not JSON`);
  }
  return { status: res.status, body };
}

/** HEAD, so probing the height does not download whole blocks (Flask answers HEAD for every GET route). */
async function blockExists(
  base: string,
  height: number,
  timeoutMs: number,
  headers: Record<string, string>,
): Promise<boolean> {
  const { status } = await fetch(`${base}/api/v1/blocks/${height}`, {
    method: 'HEAD',
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'error',
    headers,
  });
  if (status === 200) return true;
  if (status === 404) return false;
  throw new NodeAnswerError(`GET /api/v1/blocks/${height} answered HTTP ${status}`);
}

/** The latest height: doubling from 1 until a block is missing, then bisecting. Height 0 is the genesis record. */
async function latestHeight(base: string, timeoutMs: number, headers: Record<string, string>): Promise<number> {
  let known = 0;
  let probe = 1;
  while (probe <= MAX_PROBED_HEIGHT && (await blockExists(base, probe, timeoutMs, headers))) {
    known = probe;
    probe *= 2;
  }
  let missing = probe;
  while (missing - known > 1) {
    const mid = Math.floor((known + missing) / 2);
    if (await blockExists(base, mid, timeoutMs, headers)) known = mid;
    else missing = mid;
  }
  return known;
}

export async function blockTransactionIds(
  base: string,
  height: number,
  timeoutMs: number,
  headers: Record<string, string>,
): Promise<string[]> {
  const { status, body } = await getJson(`${base}/api/v1/blocks/${height}`, timeoutMs, headers);
  if (status !== 200) throw new NodeAnswerError(`GET /api/v1/blocks/${height} answered HTTP ${status}`);
  const txs = (body as { transactions?: unknown }).transactions;
  if (!Array.isArray(txs)) throw new NodeAnswerError(`block ${height} has no transactions list`);
  return txs.map((tx) => String((tx as { id?: unknown }).id));
}

export function parseValidators(body: unknown): { key: string; power: number }[] {
  if (!Array.isArray(body)) throw new NodeAnswerError('GET /api/v1/validators did not answer a list');
  return body
    .map(
      (v: {
        public_key?: { value?: unknown };
        pub_key?: { value?: unknown; data?: unknown };
        voting_power?: unknown;
        power?: unknown;
      }) => ({
        key: String(v.public_key?.value ?? v.pub_key?.value ?? v.pub_key?.data ?? ''),
        power: Number(v.voting_power ?? v.power ?? 0),
      }),
    )
    .sort((a, b) => a.key.localeCompare(b.key));
}

export function openStream(url: string, timeoutMs: number, headers: Record<string, string>): Promise<string | null> {
  return new Promise((resolve) => {
    let socket: WebSocket;
    try {
      socket = new WebSocket(url, { handshakeTimeout: timeoutMs, followRedirects: false, headers });
    } catch (error) {
      resolve(error instanceof Error ? error.message : String(error));
      return;
    }
    const done = (error: string | null) => {
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.terminate();
      resolve(error);
    };
    socket.once('open', () => done(null));
    socket.once('unexpected-response', (_req, res) =>
      done(`the server answered HTTP ${res.statusCode} instead of opening a WebSocket`),
    );
    socket.once('error', (error) => done(error.message || String(error)));
  });
}

export async function probeNode(index: number, url: string, timeoutMs: number, headersFor: HeadersFor): Promise<Probe> {
  const check: NetworkNodeCheck = {
    url,
    reachable: false,
    version: null,
    latencyMs: null,
    height: null,
    chain: null,
    streamUrl: null,
    streamOpens: null,
    error: null,
  };
  let base: string;
  try {
    base = nodeBase(url);
  } catch {
    return { index, base: null, check: { ...check, error: 'not an http(s) URL' }, validators: null };
  }
  check.url = base;
  const headers = headersFor(base);
  const started = performance.now();
  try {
    const root = await getJson(`${base}/`, timeoutMs, headers);
    check.latencyMs = Math.round(performance.now() - started);
    if (root.status !== 200) throw new NodeAnswerError(`GET / answered HTTP ${root.status}`);
    const doc = root.body as { version?: unknown; api?: { v1?: { streams?: unknown } } } | null;
    if (!doc || typeof doc !== 'object' || !doc.api?.v1)
      throw new NodeAnswerError(
        'this server answered, but it is not a BigchainDB node (no api.v1 in its root document)',
      );
    check.reachable = true;
    check.version = typeof doc.version === 'string' ? doc.version : null;
    check.streamUrl = typeof doc.api.v1.streams === 'string' ? doc.api.v1.streams : null;
  } catch (error) {
    return {
      index,
      base,
      check: { ...check, error: `does not answer: ${describeFailure(error, timeoutMs)}` },
      validators: null,
    };
  }
  let validators: Probe['validators'] = null;
  try {
    const answer = await getJson(`${base}/api/v1/validators`, timeoutMs, headers);
    if (answer.status !== 200) throw new NodeAnswerError(`GET /api/v1/validators answered HTTP ${answer.status}`);
    validators = parseValidators(answer.body);
    check.height = await latestHeight(base, timeoutMs, headers);
  } catch (error) {
    check.error = `answers, but its chain data cannot be read: ${describeFailure(error, timeoutMs)}`;
  }
  return { index, base, check, validators };
}

/** What is wrong with the stream URL a node advertises, before trying it; null when it is worth opening. */
export function advertisedStreamProblem(nodeUrl: string, streamUrl: string | null): string | null {
  if (!streamUrl) return 'advertises no event-stream URL';
  let stream: URL;
  try {
    stream = new URL(streamUrl);
  } catch {
    return `advertises an event-stream URL that is not a URL: ${streamUrl}`;
  }
  if (stream.protocol !== 'ws:' && stream.protocol !== 'wss:')
    return `advertises an event stream that is not ws:// or wss://: ${streamUrl}`;
  // The classic mistake: BigchainDB started without BDB_PUBLIC_HOST advertises localhost (or the 0.0.0.0 bind address).
  if (LOOPBACK.test(stream.hostname) && !LOOPBACK.test(new URL(nodeUrl).hostname)) {
    return `advertises its event stream at ${streamUrl}, which workstations cannot reach: set BDB_PUBLIC_HOST in the node's .env (docker/README.md)`;
  }
  return null;
}
