// Stricter than the reference where the reference crashes (docs/PROTOCOL.md §4.9): every malformed request gets a 4xx
// with a JSON body — never a 5xx, never a dropped connection — and the node keeps serving afterwards.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { makeKey } from './support/keys';
import { authHeaders, http, postTx, useEmbeddedNode } from './support/target';
import { createTx, ed25519Output, transferTx } from './support/transactions';

const word = () => `w${randomBytes(6).toString('hex')}`;

/** Sends raw bytes and returns everything the server writes back until it closes or goes quiet. */
function rawExchange(port: number, payload: string | Buffer, quietMs = 500): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      clearTimeout(timer);
      timer = setTimeout(finish, quietMs);
    });
    socket.on('end', finish);
    socket.on('error', reject);
    socket.write(payload);
  });
}

function expectJson4xx(res: { status: number; text: string; headers: Headers }) {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return JSON.parse(res.text) as { message: unknown; status?: number };
}

describe('bad requests to the embedded node', () => {
  // With a token, as the app runs it: every answer below is the one an authorised client gets.
  const node = useEmbeddedNode('token');
  const api = () => node().apiUrl;
  const target = () => ({ apiUrl: node().apiUrl }) as Parameters<typeof postTx>[0];

  it('answers malformed JSON bodies with 400 and the parser error', async () => {
    for (const body of ['{', '{"id": }', 'not json', '', '\u0000', '{"a":1}}']) {
      const res = await http('POST', `${api()}transactions`, { body });
      const json = expectJson4xx(res);
      expect(res.status).toBe(400);
      expect(json.message).toMatch(/^Failed to decode JSON object: /);
    }
  });

  it('answers bodies of the wrong JSON type with 400', async () => {
    for (const body of ['[]', '"tx"', '42', 'null', 'true', '[{"id": "x"}]']) {
      const res = await http('POST', `${api()}transactions`, { body });
      expect([body, res.status]).toEqual([body, 400]);
      expectJson4xx(res);
    }
  });

  it('answers fields of the wrong type with 400 where the reference crashes', async () => {
    const alice = makeKey();
    const create = createTx(alice, { n: word() }, null);
    await postTx(target(), create, 'commit');
    const transfer = transferTx([{ tx: create, outputIndex: 0, signer: alice }], [ed25519Output(alice)]);
    const variants: Record<string, unknown>[] = [
      { ...create, inputs: [{ ...(create.inputs as object[])[0], owners_before: null }] },
      { ...create, inputs: 'nope' },
      { ...create, outputs: [{ amount: 1 }] },
      { ...create, outputs: null },
      { ...create, metadata: {} },
      { ...create, version: 2 },
      { ...create, operation: 'VALIDATOR_ELECTION' },
      { ...create, id: 12 },
      { ...create, id: null },
      { ...create, inputs: [{ ...(create.inputs as object[])[0], fulfillment: 'pGSAI!!' }] },
      { ...create, inputs: [{ ...(create.inputs as object[])[0], fulfillment: 'AAAA' }] },
      {
        ...transfer,
        inputs: [{ ...(transfer.inputs as object[])[0], fulfills: { transaction_id: create.id, output_index: '0' } }],
      },
      {
        ...transfer,
        inputs: [{ ...(transfer.inputs as object[])[0], fulfills: { transaction_id: create.id, output_index: -1 } }],
      },
      {
        ...transfer,
        inputs: [{ ...(transfer.inputs as object[])[0], fulfills: { transaction_id: create.id, output_index: 1.5 } }],
      },
    ];
    for (const variant of variants) {
      const res = await postTx(target(), variant, 'commit');
      expect([JSON.stringify(variant).slice(0, 80), res.status]).toEqual([JSON.stringify(variant).slice(0, 80), 400]);
      expectJson4xx(res);
    }
  });

  it('answers a spend of an output index past the end with 400 InputDoesNotExist (the reference answers 500)', async () => {
    const alice = makeKey();
    const create = createTx(alice, { n: word() }, null);
    await postTx(target(), create, 'commit');
    const unsignedPastEnd = transferTx(
      [
        {
          tx: { ...create, outputs: [...create.outputs, ...create.outputs] } as typeof create,
          outputIndex: 1,
          signer: alice,
        },
      ],
      [ed25519Output(alice)],
    );
    const res = await postTx(target(), unsignedPastEnd, 'commit');
    expect(res.status).toBe(400);
    expect(expectJson4xx(res).message).toMatch(/^Invalid transaction \(InputDoesNotExist\)/);
  });

  it('answers deeply nested JSON with 400, not a stack overflow', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const res = await http('POST', `${api()}transactions`, { body: deep });
    expectJson4xx(res);
    const alice = makeKey();
    // Written as text: building it as an object would overflow the test's own JSON.stringify.
    const nested = '{"n":'.repeat(20_000) + '"leaf"' + '}'.repeat(20_000);
    const tx = createTx(alice, { n: word() }, null);
    const body = JSON.stringify({ ...tx, metadata: 'NESTED' }).replace('"NESTED"', nested);
    const res2 = await http('POST', `${api()}transactions?mode=commit`, { body });
    expectJson4xx(res2);
  });

  it('answers a body above 1 MiB with 413 JSON and keeps the connection usable', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) });
    const res = await http('POST', `${api()}transactions`, { body: big });
    expect([res.status, res.statusText]).toEqual([413, 'REQUEST ENTITY TOO LARGE']);
    expect(expectJson4xx(res).status).toBe(413);
    // Chunked upload (no Content-Length) of the same size.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const headers = { ...authHeaders(api()), 'Content-Type': 'application/json' };
      const req = request(`${api()}transactions`, { method: 'POST', headers }, (r) => {
        let body = '';
        r.on('data', (c) => (body += c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      for (let i = 0; i < 32; i++) req.write('x'.repeat(64 * 1024));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toMatchObject({ status: 413 });
    expect((await http('GET', `${node().url}/`)).status).toBe(200);
  });

  it('answers out-of-range limits and heights with 4xx JSON', async () => {
    for (const query of ['limit=-1', 'limit=99999999999999999999', 'limit=1e3', 'limit=', 'limit=0x10']) {
      const res = await http('GET', `${api()}assets?search=x&${query}`);
      expect([query, res.status]).toEqual([query, 400]);
      expect(expectJson4xx(res).message).toHaveProperty('limit');
    }
    expect((await http('GET', `${api()}assets?search=x&limit=%2B3`)).status).toBe(200);
    const huge = await http('GET', `${api()}blocks/${'9'.repeat(400)}`);
    expect(expectJson4xx(huge)).toEqual({ message: 'Not found', status: 404 });
  });

  it('answers unknown paths 404 JSON, wrong methods 405 JSON, and OPTIONS without granting CORS', async () => {
    const unknown = await http('GET', `${node().url}/nothing/here`);
    expect(expectJson4xx(unknown)).toEqual({ message: 'Not found', status: 404 });
    const badEscape = await http('GET', `${api()}transactions/%E0%A4%A`);
    expect(badEscape.status).toBe(404);
    const wrong = await http('PUT', `${api()}transactions`, { body: '{}' });
    expect([wrong.status, wrong.statusText]).toEqual([405, 'METHOD NOT ALLOWED']);
    expect(expectJson4xx(wrong)).toEqual({ message: 'The method is not allowed for the requested URL.' });
    const del = await http('DELETE', `${api()}blocks/1`);
    expect(del.status).toBe(405);
    // A browser's preflight (with its Origin) is refused; an OPTIONS without one lists the methods, and neither
    // carries a CORS grant (issue #14: the reference's flask-cors let every web page in).
    const preflight = await http('OPTIONS', `${api()}transactions`, {
      headers: {
        Origin: 'http://example.test',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(403);
    const options = await http('OPTIONS', `${api()}transactions`);
    expect([options.status, options.headers.get('allow')]).toEqual([200, 'GET, POST, HEAD, OPTIONS']);
    for (const answer of [preflight, options]) {
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
      expect(answer.headers.get('access-control-allow-headers')).toBeNull();
      expect(answer.headers.get('access-control-allow-methods')).toBeNull();
    }
    const head = await http('HEAD', `${node().url}/`);
    expect([head.status, head.text]).toEqual([200, '']);
  });

  it('answers malformed HTTP with a JSON 4xx instead of a bare reset', async () => {
    const answer = await rawExchange(node().port, 'THIS IS NOT HTTP\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 BAD REQUEST\r\n/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 400 });
    const hugeHeader = await rawExchange(
      node().port,
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`,
    );
    expect(hugeHeader).toMatch(/^HTTP\/1\.1 431 /);
    const ws = await http('GET', `${api()}streams/valid_transactions`);
    expect(ws.status).toBe(426);
    expectJson4xx(ws);
  });

  it('still serves normally after all of the above', async () => {
    const alice = makeKey();
    const tx = createTx(alice, { n: word() }, null);
    expect((await postTx(target(), tx, 'commit')).status).toBe(202);
    expect((await http('GET', `${api()}transactions/${tx.id}`)).json()).toEqual(tx);
  });
});
