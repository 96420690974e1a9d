// Every endpoint's success and error bodies (docs/PROTOCOL.md §5), including the reference server's own HTTP unit tests
// (docs/PROTOCOL.md §7, last list), over raw HTTP.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { makeKey } from './support/keys';
import { describeOnLedgers, http, postTx, type LedgerTarget } from './support/target';
import { createTx, ed25519Output, transferTx } from './support/transactions';

const word = () => `w${randomBytes(6).toString('hex')}`;
const MISSING = 'Missing required parameter in the JSON body or the post body or the query string';

const LANGUAGES =
  'danish dutch english finnish french german hungarian italian norwegian portuguese romanian russian spanish swedish turkish none da nl en fi fr de hu it nb pt ro ru es sv tr'.split(
    ' ',
  );

async function get(target: LedgerTarget, path: string) {
  return http('GET', `${target.rootUrl}${path}`);
}

describeOnLedgers('HTTP API: info, transactions, outputs', (target) => {
  it('GET / and /api/v1[/] describe the API', async () => {
    const root = await get(target(), '/');
    expect(root.status).toBe(200);
    expect(root.headers.get('content-type')).toMatch(/^application\/json/);
    const body = root.json<{ software: string; version: string; api: { v1: Record<string, string> } }>();
    expect(body.software).toBe('BigchainDB');
    expect(body.version).toMatch(/^2\./);
    expect(body.api.v1).toMatchObject({
      transactions: '/api/v1/transactions/',
      blocks: '/api/v1/blocks/',
      assets: '/api/v1/assets/',
      outputs: '/api/v1/outputs/',
      metadata: '/api/v1/metadata/',
      validators: '/api/v1/validators',
    });
    expect(body.api.v1.streams).toMatch(/^ws:\/\/.+\/api\/v1\/streams\/valid_transactions$/);
    for (const path of ['/api/v1', '/api/v1/']) {
      const v1 = (await get(target(), path)).json<Record<string, string>>();
      expect(v1).toMatchObject({
        transactions: '/transactions/',
        validators: '/validators',
        streams: body.api.v1.streams,
      });
    }
  });

  it('GET /transactions/{id} answers 404 "Not found" for unknown ids, with or without a trailing slash', async () => {
    for (const path of ['/api/v1/transactions/123', '/api/v1/transactions/123/']) {
      const res = await get(target(), path);
      expect([res.status, res.statusText]).toEqual([404, 'NOT FOUND']);
      expect(res.json()).toEqual({ message: 'Not found', status: 404 });
    }
  });

  it('POST {} is refused: no transaction id', async () => {
    const res = await http('POST', `${target().apiUrl}transactions`, { body: '{}' });
    expect([res.status, res.statusText]).toEqual([400, 'BAD REQUEST']);
    expect(res.json()).toEqual({ message: 'Invalid transaction (InvalidHash): No transaction id found!', status: 400 });
  });

  it('POST with an invalid mode answers 400 BAD REQUEST with message.mode', async () => {
    const res = await postTx(target(), createTx(makeKey(), { n: word() }, null), 'fast' as never);
    expect([res.status, res.statusText]).toEqual([400, 'BAD REQUEST']);
    expect(res.json()).toEqual({ message: { mode: 'Mode must be "async", "sync" or "commit"' } });
  });

  it('POST answers the reference bodies for a wrong id, a schema error, a bad signature and a missing input', async () => {
    const alice = makeKey();
    const tx = createTx(alice, { n: word() }, null);
    const wrongId = { ...tx, id: 'ab'.repeat(32) };
    expect((await postTx(target(), wrongId)).json()).toEqual({
      message: `Invalid transaction (InvalidHash): The transaction's id '${'ab'.repeat(32)}' isn't equal to the hash of its body, i.e. it's not valid.`,
      status: 400,
    });
    const { version: _version, ...noVersion } = createTx(alice, { n: word() }, null);
    expect((await postTx(target(), noVersion)).json()).toEqual({
      message: expect.stringMatching(/^Invalid transaction/),
      status: 400,
    });

    const other = makeKey();
    const forged = createTx(alice, { n: word() }, null);
    const stolenSignature = createTx(other, { n: word() }, null);
    const tampered = { ...forged, inputs: stolenSignature.inputs };
    const res = await postTx(target(), tampered);
    expect(res.status).toBe(400);

    const create = createTx(alice, { n: word() }, null);
    const orphan = transferTx([{ tx: create, outputIndex: 0, signer: alice }], [ed25519Output(alice)]);
    expect((await postTx(target(), orphan, 'commit')).json()).toEqual({
      message: `Invalid transaction (InputDoesNotExist): input \`${create.id}\` doesn't exist`,
      status: 400,
    });
  });

  it('POST refuses a double spend and a transfer signed by the wrong owner', async () => {
    const alice = makeKey();
    const bob = makeKey();
    const create = createTx(alice, { n: word() }, null);
    await target().conn.postTransactionCommit(create as never);
    const first = transferTx([{ tx: create, outputIndex: 0, signer: alice }], [ed25519Output(bob)]);
    const wrongSigner = transferTx([{ tx: create, outputIndex: 0, signer: bob }], [ed25519Output(bob)]);
    expect((await postTx(target(), wrongSigner, 'commit')).json()).toEqual({
      message: 'Invalid transaction (InvalidSignature): Transaction signature is invalid.',
      status: 400,
    });
    expect((await postTx(target(), first, 'commit')).status).toBe(202);
    const second = transferTx([{ tx: create, outputIndex: 0, signer: alice }], [ed25519Output(alice)]);
    expect((await postTx(target(), second, 'commit')).json()).toEqual({
      message: `Invalid transaction (DoubleSpend): input \`${create.id}\` was already spent`,
      status: 400,
    });
  });

  it('GET /transactions checks asset_id, operation and last_tx like reqparse', async () => {
    const api = target().apiUrl;
    expect((await http('GET', `${api}transactions`)).json()).toEqual({ message: { asset_id: MISSING } });
    expect((await http('GET', `${api}transactions?asset_id=xyz`)).json()).toEqual({
      message: { asset_id: 'Invalid hash' },
    });
    const id = 'A'.repeat(64);
    expect((await http('GET', `${api}transactions?asset_id=${id}&operation=MINT`)).json()).toEqual({
      message: { operation: 'Operation must be "CREATE" or "TRANSFER"' },
    });
    expect((await http('GET', `${api}transactions?asset_id=${id}&last_tx=yes`)).json()).toEqual({
      message: { last_tx: 'Boolean value must be "true" or "false" (lowercase)' },
    });
    const unknown = await http('GET', `${api}transactions?asset_id=${id}&operation=create`);
    expect([unknown.status, unknown.json()]).toEqual([200, []]);
  });

  it("GET /transactions answers an asset's transactions as posted, in commit order, non-ASCII text intact", async () => {
    // The embedded node answers from the stored bytes (routes.ts): what it sends must still be what was posted.
    const alice = makeKey();
    const bob = makeKey();
    const create = createTx(alice, { n: word(), note: 'Zoë — 東京 🩺' }, { at: 'première' });
    const transfer = transferTx([{ tx: create, outputIndex: 0, signer: alice }], [ed25519Output(bob)], {
      note: 'ünïcödé ✓',
    });
    for (const tx of [create, transfer]) expect((await postTx(target(), tx, 'commit')).status).toBe(202);
    const api = target().apiUrl;
    const all = await http('GET', `${api}transactions?asset_id=${create.id}`);
    expect([all.status, all.json()]).toEqual([200, [create, transfer]]);
    const last = await http('GET', `${api}transactions?asset_id=${create.id}&last_tx=true`);
    expect(last.json()).toEqual([transfer]);
    const creates = await http('GET', `${api}transactions?asset_id=${create.id}&operation=CREATE`);
    expect(creates.json()).toEqual([create]);
    const one = await http('GET', `${api}transactions/${transfer.id}`);
    expect([one.status, one.json()]).toEqual([200, transfer]);
    const [height] = (await http('GET', `${api}blocks?transaction_id=${transfer.id}`)).json<number[]>();
    const block = (await http('GET', `${api}blocks/${height}`)).json<{ height: number; transactions: unknown[] }>();
    expect(block.height).toBe(height);
    expect(block.transactions).toContainEqual(transfer);
  });

  it('GET /outputs validates its strict arguments', async () => {
    const api = target().apiUrl;
    const key = makeKey().publicKey;
    expect((await http('GET', `${api}outputs?public_key=abc`)).json()).toEqual({
      message: { public_key: 'Invalid base58 ed25519 key' },
    });
    expect((await http('GET', `${api}outputs?spent=tru&public_key=${key}`)).json()).toEqual({
      message: { spent: 'Boolean value must be "true" or "false" (lowercase)' },
    });
    expect((await http('GET', `${api}outputs`)).json()).toEqual({ message: { public_key: MISSING } });
    const extra = await http('GET', `${api}outputs?public_key=${key}&foo=1&bar=2`);
    expect([extra.status, extra.json()]).toEqual([400, { message: 'Unknown arguments: foo, bar' }]);
    const none = await http('GET', `${api}outputs?public_key=${key}&spent=FALSE`);
    expect([none.status, none.json()]).toEqual([200, []]);
  });

  it('a GET carrying Content-Type: application/json and no body is answered normally', async () => {
    const res = await http('GET', `${target().apiUrl}outputs?public_key=${makeKey().publicKey}`, {
      headers: { 'Content-Type': 'application/json' },
    });
    expect([res.status, res.json()]).toEqual([200, []]);
  });
});

describeOnLedgers('HTTP API: search, blocks, validators, language rules', (target) => {
  it('assets search: empty text, missing text, exact result shape, limit', async () => {
    const api = target().apiUrl;
    expect((await http('GET', `${api}assets/?search=`)).json()).toEqual({
      status: 400,
      message: 'text_search cannot be empty',
    });
    expect((await http('GET', `${api}assets`)).json()).toEqual({ message: { search: MISSING } });
    expect((await http('GET', `${api}assets?search=x&limit=ten`)).json()).toEqual({
      message: { limit: "invalid literal for int() with base 10: 'ten'" },
    });
    const alice = makeKey();
    const msg = word();
    const first = createTx(alice, { msg }, null);
    const second = createTx(alice, { msg, extra: 'more words here' }, null);
    await target().conn.postTransactionCommit(first as never);
    await target().conn.postTransactionCommit(second as never);
    const found = (await http('GET', `${api}assets/?search=${msg}`)).json<{ id: string; data: unknown }[]>();
    expect(found).toHaveLength(2);
    expect(found).toContainEqual({ data: { msg }, id: first.id });
    expect((await http('GET', `${api}assets/?search=${msg}&limit=1`)).json()).toHaveLength(1);
  });

  it('metadata search covers CREATE and TRANSFER metadata and answers {id, metadata}', async () => {
    const alice = makeKey();
    const tag = word();
    const create = createTx(alice, { n: word() }, { note: `created ${tag}` });
    await target().conn.postTransactionCommit(create as never);
    const transfer = transferTx([{ tx: create, outputIndex: 0, signer: alice }], [ed25519Output(alice)], {
      note: `moved ${tag}`,
    });
    await target().conn.postTransactionCommit(transfer as never);
    const found = (await http('GET', `${target().apiUrl}metadata?search=${tag}`)).json<{ id: string }[]>();
    expect(found).toHaveLength(2);
    expect(found).toContainEqual({ id: transfer.id, metadata: { note: `moved ${tag}` } });
    expect(found).toContainEqual({ id: create.id, metadata: { note: `created ${tag}` } });
  });

  it('GET /blocks checks its strict arguments and answers [] for unknown ids', async () => {
    const api = target().apiUrl;
    expect((await http('GET', `${api}blocks?ts_id=123`)).json()).toEqual({ message: { transaction_id: MISSING } });
    expect((await http('GET', `${api}blocks?transaction_id=123&foo=123`)).json()).toEqual({
      message: 'Unknown arguments: foo',
    });
    expect((await http('GET', `${api}blocks?transaction_id=`)).json()).toEqual([]);
    expect((await http('GET', `${api}blocks?transaction_id=${'0'.repeat(64)}`)).json()).toEqual([]);
  });

  it('GET /blocks/{height}: a committed block, 404 above the latest height, 404 for non-integers', async () => {
    const alice = makeKey();
    const tx = createTx(alice, { n: word() }, null);
    await target().conn.postTransactionCommit(tx as never);
    const [height] = (await http('GET', `${target().apiUrl}blocks?transaction_id=${tx.id}`)).json<number[]>();
    const block = (await http('GET', `${target().apiUrl}blocks/${height}`)).json<{
      height: number;
      transactions: { id: string }[];
    }>();
    expect(block.height).toBe(height);
    expect(block.transactions.map((t) => t.id)).toContain(tx.id);
    for (const path of [
      `blocks/${(height as number) + 1000000}`,
      'blocks/99999999999999999999999999',
      'blocks/abc',
      'blocks/-1',
      'blocks/1.5',
    ]) {
      const res = await http('GET', `${target().apiUrl}${path}`);
      expect([path, res.status]).toEqual([path, 404]);
    }
  });

  it('GET /validators answers the 2.x shape', async () => {
    const validators = (await http('GET', `${target().apiUrl}validators`)).json<
      { public_key: { type: string; value: string }; voting_power: number }[]
    >();
    expect(validators.length).toBeGreaterThan(0);
    expect(validators[0]?.public_key.type).toBe('ed25519-base64');
    expect(Buffer.from(validators[0]?.public_key.value ?? '', 'base64')).toHaveLength(32);
    expect(typeof validators[0]?.voting_power).toBe('number');
  });

  it('refuses a `language` of "any" with the MongoDB message and accepts all 31 languages, top level and nested', async () => {
    const alice = makeKey();
    const bad = await postTx(target(), createTx(alice, { language: 'any' }, null), 'commit');
    expect(bad.json()).toEqual({
      message:
        'Invalid transaction (ValidationError): MongoDB does not support text search for the language "any". If you do not understand this error message then please rename key/field "language" to something else like "lang".',
      status: 400,
    });
    const answers = await Promise.all(
      LANGUAGES.flatMap((language) => [
        postTx(target(), createTx(alice, { language, n: word() }, null), 'sync'),
        postTx(target(), createTx(alice, { n: word() }, { nested: { language } }), 'sync'),
      ]),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 202));
  });
});
