// A man-in-the-middle for tests: an HTTP proxy on 127.0.0.1 in front of a real node that can rewrite answers.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Rewrite = (path: string, body: string) => string;

export interface TamperProxy {
  url: string;
  /** Rewrites answers from now on (null: pass through). */
  setRewrite(rewrite: Rewrite | null): void;
  close(): Promise<void>;
}

export async function startTamperProxy(target: string): Promise<TamperProxy> {
  let rewrite: Rewrite | null = null;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const upstream = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers: {
        'content-type': req.headers['content-type'] ?? 'application/json',
        accept: 'application/json',
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      },
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    let body = await upstream.text();
    if (rewrite) body = rewrite(req.url ?? '', body);
    res.writeHead(upstream.status, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setRewrite: (r) => {
      rewrite = r;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
