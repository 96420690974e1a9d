// Issue #14 (High): the node must not be usable by web pages or by local processes without its token. Each check
// runs against the real node over real HTTP / WebSocket on 127.0.0.1; the requests are the ones a hostile page or
// process would make (raw node:http where a browser-like header — Host, Origin — must be set by hand).
import { request } from 'node:http';
import { connect } from 'node:net';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startEmbeddedNode, type UtilityChild } from '../../../src-main/app/embedded-node';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { NodeRejectedError, NodeUnreachableError } from '../../../src-main/ledger/errors';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { ValidTransactionStream } from '../../../src-main/ledger/stream';
import { makeKey } from './support/keys';
import { tempDataDir, useEmbeddedNode } from './support/target';
import { createTx } from './support/transactions';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request with exactly these headers (node:http lets a test set Host, which fetch forbids). */
function raw(
  node: LedgerNode,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: node.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens the stream with these headers: 'open', or the refusal's status and body. */
function streamAttempt(
  node: LedgerNode,
  headers: Record<string, string>,
): Promise<{ opened: true; socket: WebSocket } | { opened: false; status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${node.port}/api/v1/streams/valid_transactions`, { headers });
    socket.once('open', () => resolve({ opened: true, socket }));
    socket.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ opened: false, status: res.statusCode ?? 0, text }));
    });
    socket.once('error', (error) => reject(error));
  });
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const cors = (r: Raw) => Object.keys(r.headers).filter((name) => name.startsWith('access-control-'));

async function stored(node: LedgerNode, id: string): Promise<number> {
  return (await raw(node, 'GET', `/api/v1/transactions/${id}`, bearer(node.token ?? ''))).status;
}

describe('ledger node access, token mode (as the app runs its embedded node)', () => {
  const node = useEmbeddedNode('token');
  const token = () => node().token as string;

  it('sends no CORS headers, and a browser preflight gets no grant', async () => {
    const answers = [
      await raw(node(), 'GET', '/'),
      await raw(node(), 'GET', '/api/v1/validators', bearer(token())),
      await raw(node(), 'GET', '/api/v1/validators'),
      await raw(node(), 'OPTIONS', '/api/v1/transactions', {
        Origin: 'https://evil.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type, authorization',
      }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 401, 403]);
    for (const answer of answers) expect(cors(answer)).toEqual([]);
  });

  it('refuses a POST that is not application/json with 415 (text/plain, a form, none) and stores nothing', async () => {
    const tx = createTx(makeKey(), { n: 'text-plain' }, null);
    const body = JSON.stringify(tx);
    for (const type of [
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      null,
    ]) {
      const headers: Record<string, string> = { ...bearer(token()), ...(type ? { 'Content-Type': type } : {}) };
      const answer = await raw(node(), 'POST', '/api/v1/transactions?mode=commit', headers, body);
      expect([type, answer.status]).toEqual([type, 415]);
      expect(JSON.parse(answer.text)).toMatchObject({
        status: 415,
        message: expect.stringMatching(/application\/json/),
      });
    }
    expect(await stored(node(), tx.id)).toBe(404);
    const json = await raw(
      node(),
      'POST',
      '/api/v1/transactions?mode=commit',
      { ...bearer(token()), 'Content-Type': 'application/json; charset=utf-8' },
      body,
    );
    expect(json.status).toBe(202);
    expect(await stored(node(), tx.id)).toBe(200);
  });

  it('refuses a Host it does not know with 421 and never puts it in the advertised stream URL', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${node().port}`,
      `127.0.0.1.nip.io:${node().port}`,
      'localhost:1',
    ]) {
      for (const path of ['/', '/api/v1', '/api/v1/transactions/' + 'a'.repeat(64)]) {
        const answer = await raw(node(), 'GET', path, { ...bearer(token()), Host: host });
        expect([host, path, answer.status]).toEqual([host, path, 421]);
        expect(answer.text).not.toContain('evil');
        expect(answer.text).not.toContain('ws://');
      }
    }
    // The allowed names advertise themselves, and only themselves.
    for (const host of [`127.0.0.1:${node().port}`, `localhost:${node().port}`, `[::1]:${node().port}`]) {
      const root = JSON.parse((await raw(node(), 'GET', '/', { Host: host })).text) as {
        api: { v1: { streams: string } };
      };
      expect(root.api.v1.streams).toBe(`ws://${host}/api/v1/streams/valid_transactions`);
    }
    const ws = await streamAttempt(node(), { ...bearer(token()), Host: `evil.example:${node().port}` });
    expect(ws).toMatchObject({ opened: false, status: 421 });
    // HTTP/1.0 without a Host header at all: 400, not served.
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(node().port, '127.0.0.1', () =>
        socket.end(`GET / HTTP/1.0\r\nAuthorization: Bearer ${token()}\r\n\r\n`),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 BAD REQUEST\r\n/);
    expect(answer).not.toContain('ws://');
  });

  it('refuses requests that carry a foreign Origin, HTTP and WebSocket, even with the token', async () => {
    for (const origin of ['https://evil.example', 'null', `http://localhost:${node().port + 1}`]) {
      const get = await raw(node(), 'GET', '/api/v1/validators', { ...bearer(token()), Origin: origin });
      expect([origin, get.status]).toEqual([origin, 403]);
      const ws = await streamAttempt(node(), { ...bearer(token()), Origin: origin });
      expect([origin, ws.opened, ws.opened ? 0 : ws.status]).toEqual([origin, false, 403]);
    }
  });

  it('needs the bearer token for ledger data, writes and the stream; the right one is accepted', async () => {
    const tx = createTx(makeKey(), { n: 'no-token' }, null);
    const body = JSON.stringify(tx);
    const json = { 'Content-Type': 'application/json' };
    const wrong = `${token().slice(0, -1)}${token().endsWith('A') ? 'B' : 'A'}`;
    for (const auth of [
      {},
      bearer(wrong),
      bearer(''),
      { Authorization: `Basic ${Buffer.from(`x:${token()}`).toString('base64')}` },
      { Authorization: token() },
    ]) {
      const post = await raw(node(), 'POST', '/api/v1/transactions?mode=commit', { ...json, ...auth }, body);
      expect([auth, post.status]).toEqual([auth, 401]);
      expect(post.headers['www-authenticate']).toMatch(/^Bearer /);
      const paths = [
        `/api/v1/transactions?asset_id=${tx.id}`,
        `/api/v1/outputs?public_key=${'1'.repeat(44)}`,
        '/api/v1/metadata?search=x',
        '/api/v1/assets?search=x',
        '/api/v1/blocks/0',
        `/api/v1/blocks?transaction_id=${tx.id}`,
        '/api/v1/validators',
      ];
      for (const path of paths) {
        expect([auth, path, (await raw(node(), 'GET', path, auth)).status]).toEqual([auth, path, 401]);
      }
      const ws = await streamAttempt(node(), auth);
      expect([auth, ws.opened ? 'open' : ws.status]).toEqual([auth, 401]);
    }
    expect(await stored(node(), tx.id)).toBe(404);
    // One transaction by its id is served without the token (the Verify panel's link opens it in a browser).
    expect((await raw(node(), 'GET', `/api/v1/transactions/${tx.id}`)).status).toBe(404);

    const ws = await streamAttempt(node(), bearer(token()));
    if (!ws.opened) throw new Error(`stream refused: ${ws.status} ${ws.text}`);
    const event = new Promise<string>((resolve) => ws.socket.once('message', (data) => resolve(String(data))));
    expect(
      (await raw(node(), 'POST', '/api/v1/transactions?mode=commit', { ...json, ...bearer(token()) }, body)).status,
    ).toBe(202);
    expect(JSON.parse(await event)).toMatchObject({ transaction_id: tx.id });
    ws.socket.close();
    expect(JSON.parse((await raw(node(), 'GET', `/api/v1/transactions/${tx.id}`)).text)).toEqual(tx);
    expect((await raw(node(), 'GET', `/api/v1/transactions/${tx.id}?x=1`)).status).toBe(200);
    expect((await raw(node(), 'GET', `/api/v1/transactions?asset_id=${tx.id}`)).status).toBe(401);
  });

  it("the app's client and stream send the token to that node only, and work", async () => {
    const base = node().url;
    const asked: string[] = [];
    const client = new LedgerNodeClient({
      nodeUrls: [base],
      bearerTokenFor: (b) => (asked.push(b), b === base ? token() : null),
    });
    const stream = new ValidTransactionStream(client);
    try {
      const opened = new Promise<string>((resolve) => stream.once('open', resolve));
      stream.start();
      expect(await opened).toBe(`ws://127.0.0.1:${node().port}/api/v1/streams/valid_transactions`);
      const tx = createTx(makeKey(), { n: 'app-client' }, null);
      const seen = new Promise<string>((resolve) =>
        stream.on('event', (e) => e.transaction_id === tx.id && resolve(e.transaction_id)),
      );
      expect((await client.post(tx)).value).toBe('committed');
      expect((await client.getTransaction(tx.id)).value).toEqual(tx);
      expect(await seen).toBe(tx.id);
      expect(new Set(asked)).toEqual(new Set([base]));
      // Without the token the same client is refused, as any other local process would be — as a node it cannot
      // use (fail over, the outbox retries), never as a rejection of the transaction (which would drop it).
      const stranger = new LedgerNodeClient({ nodeUrls: [base] });
      await expect(stranger.listTransactions(tx.id)).rejects.toThrow(/401/);
      stranger.close();
      const poster = new LedgerNodeClient({ nodeUrls: [base] }); // fresh: not quarantined by the failure above
      const unsent = createTx(makeKey(), { n: 'stranger' }, null);
      const refused = await poster.post(unsent).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(NodeUnreachableError);
      expect(refused).not.toBeInstanceOf(NodeRejectedError);
      expect(String(refused)).toMatch(/answered 401/);
      expect(await stored(node(), unsent.id)).toBe(404);
      poster.close();
    } finally {
      stream.stop();
      client.close();
    }
  });
});

describe('ledger node access, open mode (npm run ledger -- --open)', () => {
  const node = useEmbeddedNode('open');

  it('takes requests without a token, but still no web page: no CORS, JSON only, Host and Origin checked', async () => {
    const tx = createTx(makeKey(), { n: 'open' }, null);
    const body = JSON.stringify(tx);
    const plain = await raw(node(), 'POST', '/api/v1/transactions?mode=commit', { 'Content-Type': 'text/plain' }, body);
    expect(plain.status).toBe(415);
    const rebound = await raw(
      node(),
      'POST',
      '/api/v1/transactions?mode=commit',
      { 'Content-Type': 'application/json', Host: `evil.example:${node().port}` },
      body,
    );
    expect(rebound.status).toBe(421);
    const page = await raw(
      node(),
      'POST',
      '/api/v1/transactions?mode=commit',
      { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
      body,
    );
    expect(page.status).toBe(403);
    expect(await stored(node(), tx.id)).toBe(404);
    const ok = await raw(
      node(),
      'POST',
      '/api/v1/transactions?mode=commit',
      { 'Content-Type': 'application/json' },
      body,
    );
    expect([ok.status, cors(ok)]).toEqual([202, []]);
    expect(await streamAttempt(node(), { Origin: 'https://evil.example' })).toMatchObject({
      opened: false,
      status: 403,
    });
    const ws = await streamAttempt(node(), {});
    expect(ws.opened).toBe(true);
    if (ws.opened) ws.socket.close();
  });
});

describe('embedded node process: the token goes over the IPC channel', () => {
  // The entry the app runs in an Electron utilityProcess, run here with child_process.fork (no Electron binary
  // exists here): the same messages over the same kind of channel. Named as the stand-in it is.
  const entry = fileURLToPath(new URL('../../../src-main/ledger-node/process-entry.ts', import.meta.url));
  const forkAsUtility = (modulePath: string, args: string[]): UtilityChild => {
    const child = fork(modulePath, args, {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const adapter = {
      postMessage: (message: unknown) => void child.send(message as object),
      on: (event: string, listener: (...a: unknown[]) => void) => child.on(event, listener),
      once: (event: string, listener: (...a: unknown[]) => void) => child.once(event, listener),
      kill: () => child.kill(),
    };
    return adapter as unknown as UtilityChild;
  };

  it(
    'starts with a fresh token per launch that is not on its command line, and needs it',
    { timeout: 60_000 },
    async () => {
      const dir = tempDataDir('ledger-embedded-');
      const spawned: string[][] = [];
      const forkUtility = (path: string, args: string[]) => {
        spawned.push(args);
        return forkAsUtility(path, args);
      };
      try {
        const first = await startEmbeddedNode(forkUtility, { entryPath: entry, dataDir: dir.path });
        const firstToken = first.token;
        expect(firstToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(spawned[0]!.join(' ')).not.toContain(firstToken);
        const tx = createTx(makeKey(), { n: 'embedded' }, null);
        const post = (token: string | null) =>
          fetch(`${first.url}/api/v1/transactions?mode=commit`, {
            method: 'POST',
            body: JSON.stringify(tx),
            headers: { 'Content-Type': 'application/json', ...(token ? bearer(token) : {}) },
          });
        expect((await post(null)).status).toBe(401);
        expect((await post(firstToken)).status).toBe(202);
        await first.stop();

        const second = await startEmbeddedNode(forkUtility, { entryPath: entry, dataDir: dir.path });
        try {
          expect(second.token).not.toBe(firstToken);
          const read = (token: string) =>
            fetch(`${second.url}/api/v1/transactions?asset_id=${tx.id}`, { headers: bearer(token) });
          expect((await read(firstToken)).status).toBe(401);
          expect((await read(second.token)).status).toBe(200);
        } finally {
          await second.stop();
        }
      } finally {
        dir.remove();
      }
    },
  );
});
