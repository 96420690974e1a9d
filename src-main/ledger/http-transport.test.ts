// The transport against real HTTP servers on 127.0.0.1: connections are reused, a stale kept-alive connection is
// retried once, a slow, stalled or oversized answer fails with a clear error, and a refused connection fails at once.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpTransport } from './http-transport';

const servers: http.Server[] = [];
const transports: HttpTransport[] = [];

afterEach(async () => {
  for (const t of transports.splice(0)) t.close();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(
  handler: http.RequestListener,
  options: http.ServerOptions = {},
): Promise<{ url: string; sockets: () => number }> {
  let sockets = 0;
  const server = http.createServer(options, handler);
  server.on('connection', () => sockets++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sockets: () => sockets };
}

function transport(maxAnswerBytes?: number): HttpTransport {
  const t = new HttpTransport(maxAnswerBytes);
  transports.push(t);
  return t;
}

describe('HttpTransport', () => {
  it('reuses connections (not one per request) and sends POST bodies as JSON', async () => {
    const bodies: string[] = [];
    const server = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(`${req.method} ${req.headers['content-type'] ?? ''} ${body}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    const t = transport();
    for (let i = 0; i < 20; i++)
      expect(await t.get(`${server.url}/x`, 1000)).toEqual({ status: 200, text: '{"ok":true}' });
    expect(await t.post(`${server.url}/y`, '{"a":"é"}', 1000)).toMatchObject({ status: 200 });
    // undici may open a second connection while the first is being handed back to its pool; never one per request.
    expect(server.sockets()).toBeLessThanOrEqual(2);
    expect(bodies.at(-1)).toBe('POST application/json {"a":"é"}');
  });

  it('gives back error answers with their body (the node’s reason), not as exceptions', async () => {
    const server = await serve((_req, res) =>
      res
        .writeHead(400)
        .end('{"message":"Invalid transaction (DoubleSpend): input `x` was already spent","status":400}'),
    );
    expect(await transport().post(`${server.url}/api/v1/transactions`, '{}', 1000)).toEqual({
      status: 400,
      text: '{"message":"Invalid transaction (DoubleSpend): input `x` was already spent","status":400}',
    });
  });

  it('sends again, once, when a kept-alive connection was closed by the server meanwhile', async () => {
    // The server drops idle connections after 50 ms without telling the client first.
    const server = await serve((_req, res) => res.end('ok'), { keepAliveTimeout: 50 });
    const t = transport();
    expect((await t.get(server.url, 1000)).text).toBe('ok');
    await new Promise((r) => setTimeout(r, 120));
    expect((await t.get(server.url, 1000)).text).toBe('ok');
  });

  it('fails at once when nothing listens, and within its budget when the server never answers', async () => {
    const refused = Date.now();
    await expect(transport().get('http://127.0.0.1:9/', 5000)).rejects.toThrow(/ECONNREFUSED/);
    expect(Date.now() - refused).toBeLessThan(1000);
    const silent = await serve(() => undefined);
    const started = Date.now();
    await expect(transport().get(silent.url, 200)).rejects.toThrow(/no complete answer within 200 ms/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('fails within its budget when an answer starts but its body stalls, and keeps working afterwards', async () => {
    const server = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === '/stall') res.write('[{"id":');
      else res.end('[]');
    });
    const t = transport();
    const started = Date.now();
    await expect(t.get(`${server.url}/stall`, 200)).rejects.toThrow(/no complete answer within 200 ms/);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await t.get(`${server.url}/ok`, 1000)).toEqual({ status: 200, text: '[]' });
  });

  it('refuses an answer larger than its cap with a clear error, and keeps working afterwards', async () => {
    const server = await serve((req, res) => {
      res.writeHead(200);
      if (req.url === '/big') for (let i = 0; i < 64; i++) res.write('x'.repeat(1024));
      res.end('y');
    });
    const t = transport(16 * 1024);
    await expect(t.get(`${server.url}/big`, 2000)).rejects.toThrow(
      /the answer to http:\/\/127\.0\.0\.1:\d+\/big is larger than 16384 bytes/,
    );
    expect(await t.get(`${server.url}/small`, 1000)).toEqual({ status: 200, text: 'y' });
  });

  it('answers many concurrent requests, each with its own body', async () => {
    const server = await serve((req, res) => res.end(JSON.stringify({ path: req.url, pad: 'p'.repeat(5000) })));
    const t = transport();
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => t.get(`${server.url}/n/${i}?q=${i}`, 5000)),
    );
    answers.forEach((a, i) => expect((JSON.parse(a.text) as { path: string }).path).toBe(`/n/${i}?q=${i}`));
  });

  it('refuses what is not http(s)', async () => {
    await expect(transport().get('ftp://127.0.0.1/', 100)).rejects.toThrow(/not an http\(s\) URL/);
  });
});
