// BigchainDB's HTTP API over kept-alive connections (node:http / node:https). The app talks to nodes through this
// rather than through bigchaindb-driver's transport, which the tests keep using as the reference client: the
// driver hides the body of an error answer (the node's reason for a rejection is what the doctor must see), retries
// a node that refuses connections for its whole time budget (an offline save would wait 15 s, and fail-over to the
// next node as long), and costs about three times the CPU per request (node-fetch behind Promise and core-js
// polyfills, a new connection each time) — most of a cold listing, which is one GET per chart.
import http from 'node:http';
import https from 'node:https';

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

export class HttpTransport {
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 32 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 32 }),
  };

  get(url: string, timeoutMs: number): Promise<HttpAnswer> {
    return this.send('GET', url, null, timeoutMs);
  }

  /** POSTs a JSON body. Repeating a POST of the same transaction is harmless (the node answers a duplicate). */
  post(url: string, json: string, timeoutMs: number): Promise<HttpAnswer> {
    return this.send('POST', url, json, timeoutMs);
  }

  private async send(method: 'GET' | 'POST', url: string, body: string | null, timeoutMs: number): Promise<HttpAnswer> {
    try {
      return await this.once(method, url, body, timeoutMs);
    } catch (error) {
      // A kept-alive connection the server closed just as we reused it: the request never reached it; send it again.
      if ((error as { reusedSocket?: boolean }).reusedSocket) return this.once(method, url, body, timeoutMs);
      throw error;
    }
  }

  close(): void {
    for (const agent of Object.values(this.agents)) agent.destroy();
  }

  private once(method: 'GET' | 'POST', url: string, body: string | null, timeoutMs: number): Promise<HttpAnswer> {
    const parsed = new URL(url);
    const transport = parsed.protocol === 'https:' ? https : parsed.protocol === 'http:' ? http : null;
    if (!transport) return Promise.reject(new TransportError(`"${url}" is not an http(s) URL`));
    const agent = this.agents[parsed.protocol as 'http:' | 'https:'];
    const headers: http.OutgoingHttpHeaders = { Accept: 'application/json' };
    const payload = body === null ? null : Buffer.from(body, 'utf8');
    if (payload) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': payload.length });
    return new Promise<HttpAnswer>((resolve, reject) => {
      const request = transport.request(parsed, { method, agent, headers }, (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            request.destroy(new TransportError(`the answer to ${url} is larger than ${MAX_ANSWER_BYTES / 2 ** 20} MiB`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      // One budget for the whole read (connecting, waiting and receiving), not per idle gap.
      const timer = setTimeout(() => request.destroy(new TransportError(`no complete answer within ${timeoutMs} ms`)), timeoutMs);
      request.on('close', () => clearTimeout(timer));
      request.on('error', (error) => {
        Object.assign(error, { reusedSocket: request.reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET' });
        reject(error);
      });
      request.end(payload ?? undefined);
    });
  }
}
