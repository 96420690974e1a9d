// The read routes' answers byte for byte, status line and headers included, against answers built the plain way
// from what was posted: the routes copy stored bytes and write their JSON and headers by hand (a cold list is ~2
// requests a chart, issue #15), and any fast path that answered differently from JSON.stringify and Node's object
// headers would fail here. Over a ledger of several owners, chains with spent and unspent outputs, shared keys.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { makeKey, type TestKey } from './support/keys';
import { postTx, useEmbeddedNode } from './support/target';
import { createTx, ed25519Output, transferTx, type SignedTx } from './support/transactions';

/** GETs `path` on a fresh connection and returns the raw answer (status line, headers, body) with its Date blanked. */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const lines = Object.entries({ Host: `127.0.0.1:${port}`, ...headers, Connection: 'close' })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () =>
      resolve(
        Buffer.concat(chunks)
          .toString('utf8')
          .replace(/\r\nDate: [^\r]*\r\n/, '\r\nDate: -\r\n'),
      ),
    );
    socket.on('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\n${lines}\r\n`);
  });
}

/** The answer as the node's reply.send wrote it before its headers became a flat array. */
function expected(status: string, body: string, extra: Record<string, string> = {}): string {
  const headers = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  };
  const lines = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `HTTP/1.1 ${status}\r\n${lines}Date: -\r\nConnection: close\r\n\r\n${body}`;
}

describe('read answers of the embedded node, byte for byte', () => {
  const node = useEmbeddedNode('token');

  it('transactions, outputs, searches, blocks and errors answer exactly the plain serialisation', async () => {
    const target = () => ({ apiUrl: node().apiUrl }) as Parameters<typeof postTx>[0];
    const keys = Array.from({ length: 4 }, () => makeKey());
    const [alice, bob, carol, shared] = keys as [TestKey, TestKey, TestKey, TestKey];
    const posted: SignedTx[] = [];
    const post = async (tx: SignedTx) => {
      const answer = await postTx(target(), tx, 'commit');
      expect(answer.status).toBe(202);
      posted.push(tx);
      return tx;
    };
    // Chains of 1, 2 and 3 versions, a two-output CREATE (one output spent, one not), a key owning many outputs,
    // non-ASCII text and a JSON escape in metadata.
    const single = await post(createTx(alice, { kind: 'single', n: 1 }, { note: 'Straße café 😀 "quoted"' }));
    const chain = await post(createTx(alice, { kind: 'chain' }, { note: 'first' }));
    const second = await post(
      transferTx([{ tx: chain, outputIndex: 0, signer: alice }], [ed25519Output(bob)], { note: 'second' }),
    );
    const third = await post(
      transferTx([{ tx: second, outputIndex: 0, signer: bob }], [ed25519Output(carol)], { note: 'third' }),
    );
    const pair = await post(
      createTx(bob, { kind: 'pair' }, { note: 'pair' }, [ed25519Output(bob), ed25519Output(shared)]),
    );
    await post(transferTx([{ tx: pair, outputIndex: 1, signer: shared }], [ed25519Output(shared)], { note: 'moved' }));
    for (let i = 0; i < 5; i += 1) await post(createTx(shared, { kind: 'many', i }, { note: `many${i}` }));

    const { port, token } = node();
    const auth = { Authorization: `Bearer ${token}` };
    const get = (path: string, headers: Record<string, string> = auth) => rawGet(port, path, headers);
    const json = (value: unknown) => JSON.stringify(value);

    for (const [asset, txs] of [
      [single.id, [single]],
      [chain.id, [chain, second, third]],
      [pair.id, posted.filter((tx) => tx.id === pair.id || tx.asset.id === pair.id)],
    ] as const) {
      expect(await get(`/api/v1/transactions?asset_id=${asset}`)).toBe(expected('200 OK', json(txs)));
      expect(await get(`/api/v1/transactions?asset_id=${asset}&last_tx=true`)).toBe(
        expected('200 OK', json(txs.slice(-1))),
      );
      expect(await get(`/api/v1/transactions?asset_id=${asset}&operation=TRANSFER`)).toBe(
        expected('200 OK', json(txs.filter((tx) => tx.operation === 'TRANSFER'))),
      );
      // The same path percent-encoded: decoded, the same answer.
      expect(await get(`/api/v1/transaction%73?asset_id=${asset}`)).toBe(expected('200 OK', json(txs)));
    }
    expect(await get(`/api/v1/transactions?asset_id=${'0'.repeat(64)}`)).toBe(expected('200 OK', '[]'));
    expect(await get(`/api/v1/transactions/${third.id}`, {})).toBe(expected('200 OK', json(third)));

    // Outputs computed from what was posted: every output an owner holds, in commit order, and which are spent.
    const spent = new Set(
      posted.flatMap((tx) =>
        (tx.inputs as { fulfills: { transaction_id: string; output_index: number } | null }[])
          .filter((input) => input.fulfills)
          .map((input) => `${input.fulfills!.transaction_id}:${input.fulfills!.output_index}`),
      ),
    );
    for (const key of keys) {
      const held = posted.flatMap((tx) =>
        tx.outputs.flatMap((output, index) =>
          output.public_keys.includes(key.publicKey) ? [{ transaction_id: tx.id, output_index: index }] : [],
        ),
      );
      const isSpent = (o: { transaction_id: string; output_index: number }) =>
        spent.has(`${o.transaction_id}:${o.output_index}`);
      const path = `/api/v1/outputs?public_key=${key.publicKey}`;
      expect(await get(path)).toBe(expected('200 OK', json(held)));
      expect(await get(`${path}&spent=false`)).toBe(expected('200 OK', json(held.filter((o) => !isSpent(o)))));
      expect(await get(`${path}&spent=true`)).toBe(expected('200 OK', json(held.filter(isSpent))));
    }
    expect(await get(`/api/v1/outputs?public_key=${makeKey().publicKey}&spent=false`)).toBe(expected('200 OK', '[]'));

    expect(await get('/api/v1/metadata?search=third')).toBe(
      expected('200 OK', json([{ id: third.id, metadata: third.metadata }])),
    );
    expect(await get('/api/v1/assets?search=pair')).toBe(
      expected('200 OK', json([{ data: pair.asset.data, id: pair.id }])),
    );

    // Errors and the answers that carry extra headers (the object path of send).
    expect(await get('/api/v1/outputs')).toBe(
      expected(
        '400 BAD REQUEST',
        json({
          message: { public_key: 'Missing required parameter in the JSON body or the post body or the query string' },
        }),
      ),
    );
    expect(await get('/api/v1/nothing')).toBe(expected('404 NOT FOUND', json({ message: 'Not found', status: 404 })));
    expect(await get('/api/v1/transaction%zz')).toBe(
      expected('404 NOT FOUND', json({ message: 'Not found', status: 404 })),
    );
    expect(await get(`/api/v1/outputs?public_key=${alice.publicKey}`, {})).toBe(
      expected(
        '401 UNAUTHORIZED',
        json({
          message: 'This node needs "Authorization: Bearer <token>" (the token it was started with).',
          status: 401,
        }),
        { 'WWW-Authenticate': 'Bearer realm="HealthChain ledger node"' },
      ),
    );
    const answers = await Promise.all(
      posted.map((tx) =>
        get(`/api/v1/blocks?transaction_id=${tx.id}`).then(
          (text) => JSON.parse(text.split('\r\n\r\n')[1]!) as number[],
        ),
      ),
    );
    const height = answers[answers.length - 1]![0]!;
    const block = `{"height":${height},"transactions":${json([posted[posted.length - 1]])}}`;
    expect(await get(`/api/v1/blocks/${height}`)).toBe(expected('200 OK', block));
  });
});
