// docs/PROTOCOL.md §7, first lists: the driver's integration scenarios and the reference's acceptance scenarios, driven
// with the official bigchaindb-driver (and raw HTTP where the scenario is about HTTP), against the embedded node and,
// with BIGCHAINDB_URL, against a real BigchainDB.
import { randomBytes } from 'node:crypto';
import driver from 'bigchaindb-driver';
import { expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeKey, signTx } from './support/keys';
import { authHeaders, describeOnLedgers, http, postTx } from './support/target';
import { createTx, ed25519Output, transferTx, type SignedTx } from './support/transactions';

const { Transaction, Connection } = driver;

const word = () => `w${randomBytes(6).toString('hex')}`;

describeOnLedgers('driver: connection and HTTP', (target) => {
  it('answers an unknown path with 404 and the reason phrase NOT FOUND', async () => {
    const res = await http('GET', `${target().rootUrl}/api/wrong/transactions/transactionId`);
    expect(res.status).toBe(404);
    expect(res.statusText).toBe('NOT FOUND');
  });

  it('makes the driver reject an unknown transaction with status "404 NOT FOUND"', async () => {
    const error = await target()
      .conn.getTransaction('a'.repeat(64))
      .then(
        () => null,
        (e: unknown) => e as { status?: string; name?: string },
      );
    expect(error?.name).toBe('ResponseError');
    expect(error?.status).toBe('404 NOT FOUND');
  });

  it('is found by the driver after an unreachable node, and answers an empty search with []', async () => {
    const conn = new Connection(['http://127.0.0.1:9/api/v1/', target().apiUrl]);
    await expect(conn.searchAssets(`example${word()}`)).resolves.toEqual([]);
  });
});

describeOnLedgers('driver: transactions', (target) => {
  it('accepts a CREATE through postTransaction (commit) and echoes it', async () => {
    const alice = makeKey();
    const tx = createTx(alice, { msg: 'hello' }, { n: 1 });
    const echoed = await target().conn.postTransaction(tx as never);
    expect(echoed).toBeTruthy();
    expect(echoed.id).toBe(tx.id);
    await expect(target().conn.getTransaction(tx.id)).resolves.toEqual(tx);
  });

  it('accepts CREATEs through postTransactionAsync and postTransactionSync', async () => {
    const alice = makeKey();
    const a = createTx(alice, { n: word() }, null);
    const s = createTx(alice, { n: word() }, null);
    await expect(target().conn.postTransactionAsync(a as never)).resolves.toMatchObject({ id: a.id });
    await expect(target().conn.postTransactionSync(s as never)).resolves.toMatchObject({ id: s.id });
    const async202 = await postTx(target(), createTx(alice, { n: word() }, null), 'async');
    expect([async202.status, async202.statusText]).toEqual([202, 'ACCEPTED']);
  });

  it('CREATE then TRANSFER of output 0 back to the same owner (one Ed25519 input)', async () => {
    const alice = makeKey();
    const create = createTx(alice, { chart: word() }, { v: 1 });
    await target().conn.postTransactionCommit(create as never);
    const transfer = transferTx([{ tx: create, outputIndex: 0, signer: alice }], [ed25519Output(alice)], { v: 2 });
    await target().conn.postTransactionCommit(transfer as never);
    await expect(target().conn.getTransaction(transfer.id)).resolves.toMatchObject({
      id: transfer.id,
      operation: 'TRANSFER',
      asset: { id: create.id },
    });
  });

  it('spends two outputs of one CREATE with one TRANSFER of two inputs (1 + 1 = 2)', async () => {
    const alice = makeKey();
    const bob = makeKey();
    const create = createTx(alice, { n: word() }, null, [ed25519Output(alice), ed25519Output(bob)]);
    await target().conn.postTransactionCommit(create as never);
    const transfer = transferTx(
      [
        { tx: create, outputIndex: 0, signer: alice },
        { tx: create, outputIndex: 1, signer: bob },
      ],
      [ed25519Output(alice, '2')],
    );
    const echoed = await target().conn.postTransactionCommit(transfer as never);
    expect(echoed.outputs[0]?.amount).toBe('2');
  });

  it('spends inputs from different transactions (a transfer of transfers)', async () => {
    const alice = makeKey();
    const carol = makeKey();
    const trent = makeKey();
    const eli = makeKey();
    const create = createTx(alice, { n: word() }, null, [ed25519Output(alice), ed25519Output(alice)]);
    await target().conn.postTransactionCommit(create as never);
    const toCarol = transferTx([{ tx: create, outputIndex: 0, signer: alice }], [ed25519Output(carol)]);
    const toTrent = transferTx([{ tx: create, outputIndex: 1, signer: alice }], [ed25519Output(trent)]);
    await target().conn.postTransactionCommit(toCarol as never);
    await target().conn.postTransactionCommit(toTrent as never);
    const toEli = transferTx(
      [
        { tx: toCarol, outputIndex: 0, signer: carol },
        { tx: toTrent, outputIndex: 0, signer: trent },
      ],
      [ed25519Output(eli, '2')],
    );
    expect(toEli.asset.id).toBe(create.id);
    await target().conn.postTransactionCommit(toEli as never);
    await expect(target().conn.listOutputs(eli.publicKey)).resolves.toEqual([
      { transaction_id: toEli.id, output_index: 0 },
    ]);
  });

  it('accepts delegated signing, identical to signTransaction', async () => {
    const alice = makeKey();
    const bob = makeKey();
    const unsigned = Transaction.makeCreateTransaction(
      { n: word() },
      null,
      [ed25519Output(alice), ed25519Output(bob)],
      alice.publicKey,
    );
    const delegated = signTx(unsigned, [alice]);
    const classic = Transaction.signTransaction(unsigned as never, alice.privateKey);
    expect(delegated).toEqual(classic);
    await target().conn.postTransactionCommit(delegated as never);
    const unsignedTransfer = Transaction.makeTransferTransaction(
      [
        { tx: delegated as never, output_index: 0 },
        { tx: delegated as never, output_index: 1 },
      ],
      [ed25519Output(alice, '2')],
      null,
    );
    const delegatedTransfer = signTx(unsignedTransfer, [alice, bob]);
    expect(delegatedTransfer).toEqual(
      Transaction.signTransaction(unsignedTransfer as never, alice.privateKey, bob.privateKey),
    );
    await expect(target().conn.postTransactionCommit(delegatedTransfer as never)).resolves.toMatchObject({
      id: delegatedTransfer.id,
    });
  });

  it('lists outputs by owner, all / unspent / spent', async () => {
    const alice = makeKey();
    const carol = makeKey();
    const trent = makeKey();
    const create = createTx(alice, { n: word() }, null, [
      ed25519Output(carol),
      ed25519Output(carol),
      ed25519Output(carol),
    ]);
    await target().conn.postTransactionCommit(create as never);
    const transfer = transferTx([{ tx: create, outputIndex: 1, signer: carol }], [ed25519Output(trent)]);
    await target().conn.postTransactionCommit(transfer as never);
    const out = (i: number) => ({ transaction_id: create.id, output_index: i });
    await expect(target().conn.listOutputs(carol.publicKey)).resolves.toEqual([out(0), out(1), out(2)]);
    await expect(target().conn.listOutputs(carol.publicKey, 'false' as never)).resolves.toEqual([out(0), out(2)]);
    await expect(target().conn.listOutputs(carol.publicKey, true)).resolves.toEqual([out(1)]);
    await expect(target().conn.listOutputs(trent.publicKey, false)).resolves.toEqual([
      { transaction_id: transfer.id, output_index: 0 },
    ]);
  });

  it('finds an asset by a random string right after the commit, and metadata by a shared word', async () => {
    const alice = makeKey();
    const message = String(Math.random());
    const shared = `metaDataMessage${word()}`;
    const first = createTx(alice, { message }, { metakey: shared });
    const second = createTx(alice, { other: word() }, { metakey: shared });
    await target().conn.postTransactionCommit(first as never);
    await target().conn.postTransactionCommit(second as never);
    const assets = await target().conn.searchAssets(message);
    expect(assets.length).toBeGreaterThan(0);
    expect(assets.map((a: { id: string }) => a.id)).toContain(first.id);
    const metadata = await target().conn.searchMetadata(shared);
    expect(metadata).toEqual([
      { id: first.id, metadata: { metakey: shared } },
      { id: second.id, metadata: { metakey: shared } },
    ]);
    await expect(target().conn.searchMetadata(shared, 1)).resolves.toHaveLength(1);
  });

  it('lists the block of a transaction, and that block holds it exactly once', async () => {
    const alice = makeKey();
    const tx = createTx(alice, { n: word() }, null);
    await target().conn.postTransactionCommit(tx as never);
    const heights = await target().conn.listBlocks(tx.id);
    expect(heights).toHaveLength(1);
    const block = await target().conn.getBlock(heights.pop() as number);
    expect(block.transactions.filter((t: { id: string }) => t.id === tx.id)).toHaveLength(1);
  });

  it('lists exactly one transaction for a fresh asset, and its history with operation and last_tx', async () => {
    const alice = makeKey();
    const create = createTx(alice, { n: word() }, null);
    await target().conn.postTransactionCommit(create as never);
    await expect(target().conn.listTransactions(create.id)).resolves.toHaveLength(1);
    const t1 = transferTx([{ tx: create, outputIndex: 0, signer: alice }], [ed25519Output(alice)], { v: 2 });
    await target().conn.postTransactionCommit(t1 as never);
    const t2 = transferTx([{ tx: t1, outputIndex: 0, signer: alice }], [ed25519Output(alice)], { v: 3 });
    await target().conn.postTransactionCommit(t2 as never);
    const ids = (txs: { id: string }[]) => txs.map((t) => t.id);
    expect(ids(await target().conn.listTransactions(create.id))).toEqual([create.id, t1.id, t2.id]);
    expect(ids(await target().conn.listTransactions(create.id, 'CREATE' as never))).toEqual([create.id]);
    expect(ids(await target().conn.listTransactions(create.id, 'TRANSFER' as never))).toEqual([t1.id, t2.id]);
    const last = await http('GET', `${target().apiUrl}transactions?asset_id=${create.id}&last_tx=true`);
    expect(ids(last.json())).toEqual([t2.id]);
  });
});

describeOnLedgers('driver: transaction building the node must accept or reject', (target) => {
  it('accepts makeOutput defaults (amount "1") and a 1-of-2 threshold with one key twice', async () => {
    const alice = makeKey();
    const output = Transaction.makeOutput(Transaction.makeEd25519Condition(alice.publicKey));
    expect(output.amount).toBe('1');
    const threshold = Transaction.makeThresholdCondition(1, [
      Transaction.makeEd25519Condition(alice.publicKey, false),
      Transaction.makeEd25519Condition(alice.publicKey, false),
    ]);
    const thresholdOutput = Transaction.makeOutput(threshold);
    expect(thresholdOutput.public_keys).toEqual([alice.publicKey]);
    expect(thresholdOutput.condition.uri).toContain('cost=133120');
    const tx = createTx(alice, { n: word() }, null, [output, thresholdOutput]);
    await expect(target().conn.postTransactionCommit(tx as never)).resolves.toMatchObject({ id: tx.id });
  });

  it('takes asset.id of a TRANSFER of a TRANSFER from the original CREATE', async () => {
    const alice = makeKey();
    const create = createTx(alice, { n: word() }, null);
    await target().conn.postTransactionCommit(create as never);
    const t1 = transferTx([{ tx: create, outputIndex: 0, signer: alice }], [ed25519Output(alice)]);
    await target().conn.postTransactionCommit(t1 as never);
    const t2 = transferTx([{ tx: t1, outputIndex: 0, signer: alice }], [ed25519Output(alice)]);
    expect(t2.asset.id).toBe(create.id);
    await expect(target().conn.postTransactionCommit(t2 as never)).resolves.toMatchObject({ id: t2.id });
  });

  it('rejects a preimage (sha-256) condition output: the v2.0 schema does not allow it', async () => {
    const alice = makeKey();
    const output = Transaction.makeOutput(Transaction.makeSha256Condition('secret'));
    const res = await postTx(target(), createTx(alice, { n: word() }, null, [output]), 'commit');
    expect(res.status).toBe(400);
    expect(res.json<{ message: string }>().message).toMatch(/^Invalid transaction schema: /);
  });

  it('rejects `hash` condition stubs (ccJsonLoad) inside threshold details', async () => {
    const alice = makeKey();
    const output = ed25519Output(alice);
    const stub = {
      ...output,
      condition: {
        ...output.condition,
        details: {
          type: 'threshold-sha-256',
          threshold: 1,
          subconditions: [
            { type: 'ed25519-sha-256', public_key: alice.publicKey },
            { hash: 'abc', type: 'fulfillment' },
          ],
        },
      },
    };
    const res = await postTx(target(), createTx(alice, { n: word() }, null, [stub as never]), 'commit');
    expect(res.status).toBe(400);
  });

  it('rejects a CREATE with two issuers (one input per issuer is too many)', async () => {
    const alice = makeKey();
    const bob = makeKey();
    const unsigned = Transaction.makeCreateTransaction(
      { n: word() },
      null,
      [ed25519Output(alice)],
      alice.publicKey,
      bob.publicKey,
    );
    const res = await postTx(target(), signTx(unsigned, [alice, bob]), 'commit');
    expect(res.status).toBe(400);
    expect(res.json<{ message: string }>().message).toMatch(/^Invalid transaction schema: .* is too long$/);
  });
});

describeOnLedgers('reference acceptance scenarios', (target) => {
  it('divisible asset: 10 tokens, 3 + 7, then spending 8 from 7 fails with the exact AmountError', async () => {
    const alice = makeKey();
    const bob = makeKey();
    const create = createTx(bob, { n: word() }, null, [ed25519Output(bob, '10')]);
    await target().conn.postTransactionCommit(create as never);
    const split = transferTx(
      [{ tx: create, outputIndex: 0, signer: bob }],
      [ed25519Output(alice, '3'), ed25519Output(bob, '7')],
    );
    await target().conn.postTransactionCommit(split as never);
    const overspend = transferTx([{ tx: split, outputIndex: 1, signer: bob }], [ed25519Output(alice, '8')]);
    const res = await postTx(target(), overspend, 'commit');
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      message:
        'Invalid transaction (AmountError): The amount used in the inputs `7` needs to be same as the amount used in the outputs `8`',
      status: 400,
    });
  });

  it('multiple owners: a 2-of-2 output spent with a threshold fulfillment of two signatures', async () => {
    const alice = makeKey();
    const bob = makeKey();
    const carol = makeKey();
    const condition = Transaction.makeThresholdCondition(2, [
      Transaction.makeEd25519Condition(alice.publicKey, false),
      Transaction.makeEd25519Condition(bob.publicKey, false),
    ]);
    const create = createTx(alice, { n: word() }, null, [Transaction.makeOutput(condition)]);
    expect(create.outputs[0]?.public_keys).toEqual([alice.publicKey, bob.publicKey]);
    await target().conn.postTransactionCommit(create as never);
    const transfer = transferTx([{ tx: create, outputIndex: 0, signer: [alice, bob] }], [ed25519Output(carol)]);
    await target().conn.postTransactionCommit(transfer as never);
    const stored = await target().conn.getTransaction(transfer.id);
    expect(stored.inputs[0]?.owners_before).toEqual([alice.publicKey, bob.publicKey]);
    expect(stored.outputs[0]?.public_keys).toEqual([carol.publicKey]);
    // Alice alone cannot spend a 2-of-2 output.
    const alone = transferTx([{ tx: transfer, outputIndex: 0, signer: alice }], [ed25519Output(alice)]);
    expect((await postTx(target(), alone, 'commit')).status).toBe(400);
  });

  it('double CREATE: the same CREATE posted twice at once in commit mode succeeds exactly once', async () => {
    const alice = makeKey();
    const tx = createTx(alice, { n: word() }, null);
    const answers = await Promise.all([postTx(target(), tx, 'commit'), postTx(target(), tx, 'commit')]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses[0]).toBe(202);
    expect(statuses[1]).toBeGreaterThanOrEqual(400);
    const again = await postTx(target(), tx, 'commit');
    expect(again.json()).toEqual({
      message: `Invalid transaction (DuplicateTransaction): transaction \`${tx.id}\` already exists`,
      status: 400,
    });
  });

  it('naughty strings: bad key names are refused with the reference message, everything else round-trips', async () => {
    const alice = makeKey();
    for (const [key, where] of [
      ['bad.key', 'metadata'],
      ['$where', 'asset'],
      ['nul\u0000key', 'metadata'],
    ] as const) {
      const payload = { [key]: 'x' };
      const tx = where === 'asset' ? createTx(alice, payload, null) : createTx(alice, { n: word() }, payload);
      const res = await postTx(target(), tx, 'commit');
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({
        message: `Invalid transaction (ValidationError): Invalid key name "${key}" in ${where} object. The key name cannot contain characters ".", "$" or null characters`,
        status: 400,
      });
    }
    const naughty = [
      '\u202eRTL override',
      'שלום עולם',
      '👩‍⚕️💊🩺',
      'Ω≈ç√∫˜µ≤≥÷',
      "'; DROP TABLE charts; --",
      '<script>alert(1)</script>',
      '\t\n\r\b\f escapes',
      '\u2028\u2029',
      'ＡＢＣ full width',
      'null',
      '-1e400',
    ];
    // No value above contains ".", "$" or NUL, so each can also serve as a key.
    for (const value of naughty) {
      const tx = createTx(alice, { [value]: value }, { naughty: value, [`k${value}`]: [value] });
      await target().conn.postTransactionCommit(tx as never);
      await expect(target().conn.getTransaction(tx.id)).resolves.toEqual(tx);
    }
    // Other control characters are escaped `\u001f` by the driver but `\u001F` by the reference's hash
    // (docs/PROTOCOL.md §2.1.3): the reference, and so this node, reject such a driver-signed transaction as
    // InvalidHash.
    const control = createTx(alice, { n: word() }, { text: '\u0001\u001f' });
    const res = await postTx(target(), control, 'commit');
    expect(res.status).toBe(400);
    expect(res.json<{ message: string }>().message).toMatch(/^Invalid transaction \(InvalidHash\)/);
  });

  it('stream: 10 CREATEs posted in async mode all arrive on the WebSocket within 5 s', async () => {
    const info = (await http('GET', `${target().rootUrl}/`)).json<{ api: { v1: { streams: string } } }>();
    const socket = new WebSocket(info.api.v1.streams, { headers: authHeaders(target().rootUrl) });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const seen = new Map<string, { height: number; asset_id: string; transaction_id: string }>();
    const raw: string[] = [];
    socket.on('message', (data) => {
      raw.push(String(data));
      const event = JSON.parse(String(data));
      seen.set(event.transaction_id, event);
    });
    socket.send('clients may talk; the server ignores it');
    const alice = makeKey();
    const txs: SignedTx[] = Array.from({ length: 10 }, (_, i) => createTx(alice, { n: word(), i }, null));
    for (const tx of txs) expect((await postTx(target(), tx, 'async')).status).toBe(202);
    const deadline = Date.now() + 5000;
    while (txs.some((tx) => !seen.has(tx.id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    socket.close();
    for (const tx of txs) expect(seen.get(tx.id)).toMatchObject({ asset_id: tx.id, transaction_id: tx.id });
    expect(raw[0]).toMatch(/^\{"height": \d+, "asset_id": "[0-9a-f]{64}", "transaction_id": "[0-9a-f]{64}"\}$/);
  });
});
