// Test-only: an HTTP (and WebSocket-upgrade) proxy in front of the ledger node that, when switched on, flips one
// character inside every transaction it returns — the way a compromised node or a man in the middle would. The app
// must then show the chart as tampered, never as data.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TamperProxy {
  readonly url: string;
  tampering: boolean;
  /** How many answers were altered since start. */
  readonly altered: number;
  /** Every request passed on, as `METHOD /path?query` (tests count what the app asked the node). */
  readonly requests: string[];
  stop(): Promise<void>;
}

/** Changes the first character of every envelope `box` in a transaction JSON answer (keeps it valid base64/JSON). */
export function flipEnvelopeBytes(body: string): string {
  return body.replace(
    /("box"\s*:\s*")([A-Za-z0-9+/])/g,
    (_m, prefix: string, ch: string) => prefix + (ch === 'A' ? 'B' : 'A'),
  );
}

/**
 * `target`: the node's URL, or a function giving it once the node runs (the proxy passes the Host header through,
 * so the node must be started allowing the proxy's host:port, which is known only once the proxy listens).
 */
export async function startTamperProxy(target: string | (() => string)): Promise<TamperProxy> {
  let known: URL | null = null;
  const node = (): URL => (known ??= new URL(typeof target === 'string' ? target : target()));
  let altered = 0;
  const requests: string[] = [];
  const state = { tampering: false };
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    // Identity encoding only, so the body can be read and edited as text.
    const { 'accept-encoding': _encoding, ...headers } = req.headers;
    const upstream = node();
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (up) => {
        const isTxAnswer = req.method === 'GET' && /^\/api\/v1\/transactions(\/|\?)/.test(req.url ?? '');
        if (!state.tampering || !isTxAnswer) {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const original = Buffer.concat(chunks).toString('utf8');
          const changed = flipEnvelopeBytes(original);
          if (changed !== original) altered += 1;
          const headers = { ...up.headers, 'content-length': String(Buffer.byteLength(changed)) };
          res.writeHead(up.statusCode ?? 502, headers);
          res.end(changed);
        });
      },
    );
    forward.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `proxy: ${error.message}`, status: 502 }));
    });
    req.pipe(forward);
  });
  // The node's WebSocket stream passes through untouched (raw TCP after the upgrade request).
  server.on('upgrade', (req, socket, head) => {
    const upstream = node();
    const up = net.connect(Number(upstream.port), upstream.hostname, () => {
      const lines = [
        `${req.method} ${req.url} HTTP/${req.httpVersion}`,
        ...Object.entries(req.headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`),
      ];
      up.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get tampering() {
      return state.tampering;
    },
    set tampering(on: boolean) {
      state.tampering = on;
    },
    get altered() {
      return altered;
    },
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
