// BigchainDB's HTTP API over kept-alive connections, with undici (the Node.js project's HTTP client, the one
// behind Node's own fetch). The app talks to nodes through this rather than through bigchaindb-driver's transport,
// which the tests keep using as the reference client: the driver hides the body of an error answer (the node's
// reason for a rejection is what the doctor must see), retries a node that refuses connections for its whole time
// budget (an offline save would wait 15 s, and fail-over to the next node as long), and costs several times the CPU
// per request (node-fetch behind Promise and core-js polyfills, a new connection each time) — most of a cold
// listing, which is one GET per chart. Requests go through undici's dispatch handlers, not `request()`: its
// AbortSignal, Readable body and async iterator doubled the CPU of a small GET (~120 µs against ~60 µs here).
import { Pool, type Dispatcher } from 'undici';

export interface HttpAnswer {
  status: number;
  /** The body as text (JSON for every endpoint of the API). */
  text: string;
}

export class TransportError extends Error {
  override readonly name = 'TransportError';
}

// The largest answer read: a metadata search returns the envelope of every version that lists a key (≈3 kB each).
export const MAX_ANSWER_BYTES = 512 * 1024 * 1024;
const CONNECTIONS_PER_NODE = 32;
// A connection the server may have closed while idle: undici's error codes for a request that never got an answer.
const STALE_CONNECTION = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);

export class HttpTransport {
  private readonly pools = new Map<string, Pool>();

  /** `maxAnswerBytes` exists for tests; the app keeps the default. */
  constructor(private readonly maxAnswerBytes = MAX_ANSWER_BYTES) {}

  /** `headers`: extra request headers, e.g. the embedded node's Authorization. */
  get(url: string, timeoutMs: number, headers?: Readonly<Record<string, string>>): Promise<HttpAnswer> {
    return this.send('GET', url, null, timeoutMs, headers);
  }

  /** POSTs a JSON body. Repeating a POST of the same transaction is harmless (the node answers a duplicate). */
  post(url: string, json: string, timeoutMs: number, headers?: Readonly<Record<string, string>>): Promise<HttpAnswer> {
    return this.send('POST', url, json, timeoutMs, headers);
  }

  close(): void {
    for (const pool of this.pools.values()) void pool.destroy().catch(() => undefined);
    this.pools.clear();
  }

  private async send(
    method: 'GET' | 'POST',
    url: string,
    body: string | null,
    timeoutMs: number,
    extra: Readonly<Record<string, string>> = {},
  ): Promise<HttpAnswer> {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new TransportError(`"${url}" is not an http(s) URL`);
    try {
      return await this.once(parsed, method, body, timeoutMs, extra);
    } catch (error) {
      // A kept-alive connection the server closed just as it was reused: the request never reached it; send again.
      if (STALE_CONNECTION.has((error as { code?: string }).code ?? ''))
        return this.once(parsed, method, body, timeoutMs, extra);
      throw error;
    }
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: CONNECTIONS_PER_NODE });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  private once(
    url: URL,
    method: 'GET' | 'POST',
    body: string | null,
    timeoutMs: number,
    extra: Readonly<Record<string, string>>,
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...extra, accept: 'application/json' };
    if (body !== null) headers['content-type'] = 'application/json';
    const maxBytes = this.maxAnswerBytes;
    return new Promise<HttpAnswer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let status = 0;
      let settled = false;
      let controller: Dispatcher.DispatchController | null = null;
      const settle = (error: Error | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        // Most answers (one chart's transactions) arrive in one chunk: decoded as it is, not copied first.
        else
          resolve({ status, text: (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).toString('utf8') });
      };
      // Settles first, then aborts: the caller learns of the failure now, whatever state the exchange is in.
      const fail = (error: Error): void => {
        settle(error);
        controller?.abort(error);
      };
      // One budget for the whole exchange (queueing, connecting, waiting and receiving), not per phase.
      const timer = setTimeout(() => fail(new TransportError(`no complete answer within ${timeoutMs} ms`)), timeoutMs);
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart(c) {
          controller = c;
          // Timed out while queued for a connection: never send it.
          if (settled) c.abort(new TransportError('the request was abandoned'));
        },
        onResponseStart(_c, statusCode) {
          status = statusCode;
        },
        onResponseData(_c, chunk) {
          size += chunk.length;
          if (size > maxBytes)
            fail(new TransportError(`the answer to ${url.href} is larger than ${formatBytes(maxBytes)}`));
          else chunks.push(chunk);
        },
        onResponseEnd() {
          settle(null);
        },
        onResponseError(_c, error) {
          settle(error);
        },
      };
      try {
        this.pool(url.origin).dispatch({ path: url.pathname + url.search, method, headers, body }, handler);
      } catch (error) {
        settle(error instanceof Error ? error : new TransportError(String(error)));
      }
    });
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 2 ** 20 ? `${bytes / 2 ** 20} MiB` : `${bytes} bytes`;
}
