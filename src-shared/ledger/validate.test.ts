// Verification fails with the reference's error class and exact text for each kind of bad transaction
// (docs/PROTOCOL.md §4).
import { describe, expect, it } from 'vitest';
import vectorsFile from '../../test/fixtures/bigchaindb/test-vectors.json';
import { signerFor, testKeys } from '../../test/unit/ledger/seed-signer';
import {
  contextFromTransactions,
  ed25519Output,
  fromBase64Url,
  makeCreate,
  makeTransfer,
  referenceErrorMessage,
  signTransaction,
  thresholdOutput,
  toBase64Url,
  transactionId,
  validateTransaction,
  validateTransactionAsync,
  checkTransactionStructure,
  conditionUriFromDetails,
  encodeFulfillment,
  fromBase58,
  type Fulfillment,
  type LedgerContext,
  type Transaction,
  type ValidationResult,
  type JsonObject,
} from './index';

const { alice, bob, carol, dave } = testKeys;
const v = vectorsFile.vectors as unknown as Record<string, { transaction: Transaction }>;
const create = v.create_ed25519!.transaction;
const split = v.transfer_ed25519_split_3_2!.transaction;
const empty = contextFromTransactions([]);
const afterCreate = contextFromTransactions([create]);

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
/** Re-hash after a mutation, as an attacker would, so that checks after the id check are reached. */
const rehash = <T extends object>(tx: T): T => ({ ...tx, id: transactionId(tx) });
const errorOf = (r: ValidationResult<Transaction>) => (r.ok ? null : r.error);
const mutate = (tx: Transaction, change: (t: Transaction & Record<string, unknown>) => void): Transaction => {
  const copy = clone(tx) as Transaction & Record<string, unknown>;
  change(copy);
  return copy;
};
const flipChar = (s: string, at: number): string => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);

describe('valid transactions', () => {
  it('accepts every vector against the state it was made in', () => {
    expect(validateTransaction(create, empty)).toEqual({ ok: true, tx: create, assetId: create.id });
    expect(validateTransaction(split, afterCreate)).toEqual({ ok: true, tx: split, assetId: create.id });
  });
});

describe('id (InvalidHash)', () => {
  it('a missing id and a wrong id give the reference texts', () => {
    const { id: _id, ...noId } = create;
    expect(errorOf(validateTransaction(noId, empty))).toEqual({
      type: 'InvalidHash',
      message: 'No transaction id found!',
    });
    const wrong = flipChar(create.id, 0).replace(/^[AB]/, 'f');
    expect(errorOf(validateTransaction({ ...create, id: wrong }, empty))).toEqual({
      type: 'InvalidHash',
      message: `The transaction's id '${wrong}' isn't equal to the hash of its body, i.e. it's not valid.`,
    });
    expect(errorOf(validateTransaction({ ...create, id: null }, empty))?.message).toContain("id 'None' isn't equal");
    expect(errorOf(validateTransaction({ ...create, id: create.id.toUpperCase() }, empty))?.type).toBe('InvalidHash');
  });

  const oneChange: [string, (t: Transaction & Record<string, unknown>) => void][] = [
    ['asset data', (t) => ((t.asset as { data: JsonObject }).data.msg = 'hellp')],
    ['metadata', (t) => (t.metadata = { n: 2 })],
    ['amount', (t) => (t.outputs[0]!.amount = '6')],
    [
      'output public key',
      (t) => ((t.outputs[0]!.condition.details as { public_key: string }).public_key = bob.publicKey),
    ],
    ['condition uri', (t) => (t.outputs[0]!.condition.uri = flipChar(t.outputs[0]!.condition.uri, 20))],
    ['fulfillment', (t) => (t.inputs[0]!.fulfillment = flipChar(t.inputs[0]!.fulfillment, 100))],
    ['owners_before', (t) => (t.inputs[0]!.owners_before = [bob.publicKey])],
    ['version', (t) => (t.version = '2.1' as '2.0')],
  ];
  for (const [what, change] of oneChange) {
    it(`one changed value in ${what} breaks the id`, () => {
      expect(errorOf(validateTransaction(mutate(create, change), empty))?.type).toBe('InvalidHash');
    });
  }
});

describe('signatures (InvalidSignature) when the attacker re-hashes', () => {
  it('changed asset data, metadata or amount no longer match the signature', () => {
    for (const change of [
      (t: Transaction) => ((t.asset as { data: JsonObject }).data.msg = 'hellp'),
      (t: Transaction) => (t.metadata = { n: 2 }),
      (t: Transaction) => (t.outputs[0]!.amount = '6'),
    ]) {
      expect(errorOf(validateTransaction(rehash(mutate(create, change)), empty))).toEqual({
        type: 'InvalidSignature',
        message: 'Transaction signature is invalid.',
      });
    }
  });

  it('a flipped signature byte is invalid; a broken DER header cannot be parsed', () => {
    const sig = rehash(mutate(create, (t) => (t.inputs[0]!.fulfillment = flipChar(t.inputs[0]!.fulfillment, 120))));
    expect(errorOf(validateTransaction(sig, empty))?.message).toBe('Transaction signature is invalid.');
    for (const bad of ['AAAA', '', 'pGSA', 'not_base64url_@', create.inputs[0]!.fulfillment + 'AA']) {
      const tx = rehash(mutate(create, (t) => (t.inputs[0]!.fulfillment = bad)));
      const err = errorOf(validateTransaction(tx, empty));
      expect(err, bad).toEqual(
        bad.includes('@')
          ? expect.objectContaining({ type: 'SchemaValidationError' })
          : { type: 'InvalidSignature', message: "Fulfillment URI couldn't been parsed" },
      );
    }
  });

  it('an output key changed together with its uri only breaks the signature; a uri that disagrees with details is refused', () => {
    const both = rehash(
      mutate(create, (t) => {
        t.outputs[0]!.condition = ed25519Output(bob.publicKey, '5').condition;
      }),
    );
    expect(errorOf(validateTransaction(both, empty))?.type).toBe('InvalidSignature');
    const uriOnly = rehash(
      mutate(create, (t) => (t.outputs[0]!.condition.uri = ed25519Output(bob.publicKey).condition.uri)),
    );
    expect(errorOf(validateTransaction(uriOnly, empty))).toEqual({
      type: 'ValidationError',
      message: 'The condition uri of output 0 does not match its details',
    });
  });

  it('a TRANSFER signed by someone other than the owner fails the condition check', async () => {
    const unsigned = makeTransfer([{ tx: create, outputIndex: 0 }], [ed25519Output(bob.publicKey, '5')], null);
    unsigned.inputs[0]!.fulfillment = { type: 'ed25519-sha-256', public_key: bob.publicKey };
    const forged = await signTransaction(unsigned, signerFor(bob));
    expect(errorOf(validateTransaction(forged, afterCreate))?.message).toBe('Transaction signature is invalid.');
  });

  it('an unsigned input (condition details instead of a fulfillment) is not a signature', () => {
    const unsigned = makeCreate({ a: 1 }, null, [ed25519Output(alice.publicKey)], [alice.publicKey]);
    const tx = rehash(unsigned);
    expect(errorOf(validateTransaction(tx, empty))).toEqual({
      type: 'InvalidSignature',
      message: 'Transaction signature is invalid.',
    });
  });
});

describe('schema (SchemaValidationError, jsonschema best-match texts)', () => {
  const cases: [string, (t: Transaction & Record<string, unknown>) => void, string][] = [
    ['missing version', (t) => delete (t as Partial<Transaction>).version, "'version' is a required property"],
    ['extra key', (t) => (t.foo = 1), "Additional properties are not allowed ('foo' was unexpected)"],
    [
      'two extra keys',
      (t) => ((t.foo = 1), (t.bar = 2)),
      "Additional properties are not allowed ('foo', 'bar' were unexpected)",
    ],
    // jsonschema 3.2's best_match descends into the anyOf and keeps the first deepest error
    ['empty metadata', (t) => (t.metadata = {}), '{} does not have enough properties'],
    [
      'unknown operation',
      (t) => (t.operation = 'FOO' as 'CREATE'),
      "'FOO' is not one of ['CREATE', 'TRANSFER', 'VALIDATOR_ELECTION', 'CHAIN_MIGRATION_ELECTION', 'VOTE']",
    ],
    [
      'numeric amount',
      (t) => ((t.outputs[0] as unknown as { amount: number }).amount = 5),
      "5 is not of type 'string'",
    ],
    ['bad version', (t) => (t.version = '1.0' as '2.0'), "'1.0' does not match '^2\\\\.0$'"],
    ['amount with a sign', (t) => (t.outputs[0]!.amount = '-5'), "'-5' does not match '^[0-9]{1,20}$'"],
    [
      'fulfills on a CREATE',
      (t) => (t.inputs[0]!.fulfills = { transaction_id: 'a'.repeat(64), output_index: 0 }),
      `{'transaction_id': '${'a'.repeat(64)}', 'output_index': 0} is not of type 'null'`,
    ],
    ['outputs not an array', (t) => ((t as Record<string, unknown>).outputs = 'x'), "'x' is not of type 'array'"],
    [
      'threshold above 100',
      (t) => (t.outputs[0]!.condition.details = { type: 'threshold-sha-256', threshold: 101, subconditions: [] }),
      "'threshold-sha-256' does not match '^ed25519-sha-256$'",
    ], // same rule: the ed25519 branch's error comes first
  ];
  for (const [what, change, message] of cases) {
    it(what, () => {
      expect(errorOf(validateTransaction(rehash(mutate(create, change)), empty))).toEqual({
        type: 'SchemaValidationError',
        message,
      });
    });
  }

  it('a CREATE with two inputs is too long; a TRANSFER without fulfills is not an object; a negative index is below the minimum', () => {
    const two = rehash(mutate(create, (t) => t.inputs.push(clone(t.inputs[0]!))));
    expect(errorOf(validateTransaction(two, empty))?.message).toMatch(/^\[\{'fulfillment': 'pGSA.*\] is too long$/);
    const noLink = rehash(mutate(split, (t) => (t.inputs[0]!.fulfills = null)));
    expect(errorOf(validateTransaction(noLink, empty))?.message).toBe("None is not of type 'object'");
    const negative = rehash(mutate(split, (t) => (t.inputs[0]!.fulfills!.output_index = -1)));
    expect(errorOf(validateTransaction(negative, empty))?.message).toBe('-1 is less than the minimum of 0');
    const fractional = rehash(mutate(split, (t) => (t.inputs[0]!.fulfills!.output_index = 0.5)));
    expect(errorOf(validateTransaction(fractional, empty))?.message).toBe("0.5 is not of type 'integer'");
  });

  it('refuses non-objects and governance operations clearly', () => {
    expect(errorOf(validateTransaction([], empty))).toEqual({
      type: 'SchemaValidationError',
      message: "[] is not of type 'object'",
    });
    expect(errorOf(validateTransaction('tx', empty))?.message).toBe("'tx' is not of type 'object'");
    expect(errorOf(validateTransaction(null, empty))?.message).toBe("None is not of type 'object'");
    const vote = rehash(mutate(create, (t) => (t.operation = 'VOTE' as 'CREATE')));
    expect(errorOf(validateTransaction(vote, empty))).toEqual({
      type: 'ValidationError',
      message: 'operation not supported',
    });
  });
});

describe('key and language rules (ValidationError)', () => {
  const keyMessage = (key: string, where: string) =>
    `Invalid key name "${key}" in ${where} object. The key name cannot contain characters ".", "$" or null characters`;
  const withData = (data: JsonObject | null, metadata: JsonObject | null) =>
    rehash(mutate(create, (t) => ((t.asset = { data }), (t.metadata = metadata))));

  it('refuses ".", a leading "$" and NUL in keys at any depth, including inside arrays', () => {
    const cases: [JsonObject | null, JsonObject | null, string, string][] = [
      [{ 'bad.key': 1 }, null, 'bad.key', 'asset'],
      [{ $where: 1 }, null, '$where', 'asset'],
      [{ a: { 'nul\u0000': 1 } }, null, 'nul\u0000', 'asset'],
      [null, { list: [1, [{ 'x.y': 2 }]] }, 'x.y', 'metadata'],
      [{ 'a.b': 1 }, { 'c.d': 1 }, 'a.b', 'asset'], // asset keys are checked before metadata keys
    ];
    for (const [data, metadata, key, where] of cases) {
      expect(errorOf(validateTransaction(withData(data, metadata), empty)), key).toEqual({
        type: 'ValidationError',
        message: keyMessage(key, where),
      });
    }
    expect(errorOf(validateTransaction(withData({ price$: 1, 'ok key': 2 }, null), empty))?.type).toBe(
      'InvalidSignature',
    ); // passes the key rules
  });

  it('allows only MongoDB text-search languages as the value of any "language" key', () => {
    const message = (v: string) =>
      `MongoDB does not support text search for the language "${v}". If you do not understand this error message then please rename key/field "language" to something else like "lang".`;
    expect(errorOf(validateTransaction(withData({ language: 'any' }, null), empty))).toEqual({
      type: 'ValidationError',
      message: message('any'),
    });
    expect(errorOf(validateTransaction(withData(null, { deep: [{ language: 5 }] }), empty))?.message).toBe(
      message('5'),
    );
    expect(errorOf(validateTransaction(withData(null, { language: 'English' }), empty))?.message).toBe(
      message('English'),
    );
    expect(errorOf(validateTransaction(withData({ language: ['en'] }, null), empty))?.message).toBe(message("['en']"));
    // keys before languages, whatever object they are in
    expect(errorOf(validateTransaction(withData({ language: 'xx' }, { 'k.k': 1 }), empty))?.message).toBe(
      keyMessage('k.k', 'metadata'),
    );
    expect(
      errorOf(validateTransaction(withData({ language: 'en', x: { language: 'none' } }, { language: 'ru' }), empty))
        ?.type,
    ).toBe('InvalidSignature');
  });
});

describe('amounts (AmountError)', () => {
  it('an amount must be 1 … 9×10^18', async () => {
    for (const [amount, message] of [
      ['0', '`amount` must be greater than 0'],
      ['00000000000000000000', '`amount` must be greater than 0'],
      ['9000000000000000001', '`amount` must be <= 9000000000000000000'],
      ['99999999999999999999', '`amount` must be <= 9000000000000000000'],
    ]) {
      const tx = rehash(mutate(create, (t) => (t.outputs[0]!.amount = amount!)));
      expect(errorOf(validateTransaction(tx, empty)), amount).toEqual({ type: 'AmountError', message });
    }
    const max = await signTransaction(
      makeCreate(null, null, [ed25519Output(alice.publicKey, '9000000000000000000')], [alice.publicKey]),
      signerFor(alice),
    );
    expect(validateTransaction(max, empty).ok).toBe(true);
  });

  it('leading zeros are accepted and signed as the reference re-serializes them ("007" → "7")', async () => {
    const tx = await signTransaction(
      makeCreate(null, null, [ed25519Output(alice.publicKey, '007')], [alice.publicKey]),
      signerFor(alice),
    );
    expect(validateTransaction(tx, empty).ok).toBe(true);
  });
});

describe('CREATE rules', () => {
  it('a CREATE already on the ledger is a DuplicateTransaction', () => {
    expect(errorOf(validateTransaction(create, afterCreate))).toEqual({
      type: 'DuplicateTransaction',
      message: `transaction \`${create.id}\` already exists`,
    });
  });

  it('several issuers sign one n-of-n threshold input, which verifies; CREATE accepts any valid signer', async () => {
    const tx = await signTransaction(
      makeCreate({ k: 1 }, null, [ed25519Output(carol.publicKey)], [alice.publicKey, bob.publicKey]),
      signerFor(alice, bob),
    );
    expect(tx.inputs).toHaveLength(1);
    expect(tx.inputs[0]!.fulfillment.startsWith('o')).toBe(true); // threshold tag 0xA2
    expect(validateTransaction(tx, empty).ok).toBe(true);
  });
});

describe('TRANSFER rules, in the reference order', () => {
  it('an input whose transaction is unknown does not exist; neither does an output index past the end', () => {
    expect(errorOf(validateTransaction(split, empty))).toEqual({
      type: 'InputDoesNotExist',
      message: `input \`${create.id}\` doesn't exist`,
    });
    const past = rehash(mutate(split, (t) => (t.inputs[0]!.fulfills!.output_index = 7)));
    expect(errorOf(validateTransaction(past, afterCreate))).toEqual({
      type: 'InputDoesNotExist',
      message: `input \`${create.id}\` doesn't exist`,
    });
  });

  it('a spent output is a DoubleSpend, checked before the signature', () => {
    const spent: LedgerContext = { getTransaction: afterCreate.getTransaction, spentBy: () => 'f'.repeat(64) };
    const badSig = rehash(mutate(split, (t) => (t.metadata = { x: 1 })));
    expect(errorOf(validateTransaction(badSig, spent))).toEqual({
      type: 'DoubleSpend',
      message: `input \`${create.id}\` was already spent`,
    });
    // re-posting a committed TRANSFER fails the same way: its own inputs are spent
    expect(errorOf(validateTransaction(split, contextFromTransactions([create, split])))?.type).toBe('DoubleSpend');
  });

  it('the same output twice in one transaction "spends inputs twice"', async () => {
    const two = await signTransaction(
      makeCreate(null, null, [ed25519Output(alice.publicKey, '2')], [alice.publicKey]),
      signerFor(alice),
    );
    const unsigned = makeTransfer([{ tx: two, outputIndex: 0 }], [ed25519Output(bob.publicKey, '2')], null);
    unsigned.inputs.push(clone(unsigned.inputs[0]!));
    unsigned.outputs[0] = ed25519Output(bob.publicKey, '4');
    const tx = await signTransaction(unsigned, signerFor(alice));
    expect(errorOf(validateTransaction(tx, contextFromTransactions([two])))).toEqual({
      type: 'DoubleSpend',
      message: `tx "${tx.id}" spends inputs twice`,
    });
  });

  it('asset ids must agree among the inputs and with the transaction', async () => {
    const wrongAsset = rehash(mutate(split, (t) => (t.asset = { id: 'e'.repeat(64) })));
    expect(errorOf(validateTransaction(wrongAsset, afterCreate))).toEqual({
      type: 'AssetIdMismatch',
      message: 'The asset id of the input does not match the asset id of the transaction',
    });

    const other = await signTransaction(
      makeCreate({ other: true }, null, [ed25519Output(alice.publicKey, '1')], [alice.publicKey]),
      signerFor(alice),
    );
    const unsigned = makeTransfer([{ tx: create, outputIndex: 0 }], [ed25519Output(bob.publicKey, '5')], null);
    unsigned.outputs[0] = ed25519Output(bob.publicKey, '6');
    const otherInput = makeTransfer([{ tx: other, outputIndex: 0 }], [ed25519Output(bob.publicKey, '1')], null)
      .inputs[0]!;
    unsigned.inputs.push(otherInput);
    const mixed = await signTransaction(unsigned, signerFor(alice));
    expect(errorOf(validateTransaction(mixed, contextFromTransactions([create, other])))).toEqual({
      type: 'AssetIdMismatch',
      message: 'All inputs of all transactions passed need to have the same asset id',
    });
  });

  it('amounts must balance (the reference acceptance test: 8 out of a 7-token output)', async () => {
    const mint = await signTransaction(
      makeCreate({ t: 'divisible' }, null, [ed25519Output(bob.publicKey, '10')], [bob.publicKey]),
      signerFor(bob),
    );
    const pay = await signTransaction(
      makeTransfer(
        [{ tx: mint, outputIndex: 0 }],
        [ed25519Output(alice.publicKey, '3'), ed25519Output(bob.publicKey, '7')],
        null,
      ),
      signerFor(bob),
    );
    const overspend = makeTransfer([{ tx: pay, outputIndex: 1 }], [ed25519Output(alice.publicKey, '7')], null);
    overspend.outputs[0] = ed25519Output(alice.publicKey, '8');
    const tx = await signTransaction(overspend, signerFor(bob));
    const ledger = contextFromTransactions([mint, pay]);
    expect(validateTransaction(pay, contextFromTransactions([mint])).ok).toBe(true);
    const error = errorOf(validateTransaction(tx, ledger))!;
    expect(referenceErrorMessage(error)).toBe(
      'Invalid transaction (AmountError): The amount used in the inputs `7` needs to be same as the amount used in the outputs `8`',
    );
  });

  it('a threshold output is spent by exactly `threshold` signers; more or fewer change the condition', async () => {
    const shared = await signTransaction(
      makeCreate(
        { t: 'shared' },
        null,
        [thresholdOutput(2, [alice.publicKey, bob.publicKey, carol.publicKey])],
        [dave.publicKey],
      ),
      signerFor(dave),
    );
    const ledger = contextFromTransactions([shared]);
    const unsigned = makeTransfer([{ tx: shared, outputIndex: 0 }], [ed25519Output(dave.publicKey)], null);
    const byTwo = await signTransaction(unsigned, signerFor(bob, carol), { keys: [bob.publicKey, carol.publicKey] });
    expect(validateTransaction(byTwo, ledger).ok).toBe(true);

    const allThree = clone(unsigned);
    const details = allThree.inputs[0]!.fulfillment as { threshold: number };
    details.threshold = 3; // sign as if 3-of-3: three sub-fulfillments derive a different condition
    const byThree = await signTransaction(allThree, signerFor(alice, bob, carol));
    expect(errorOf(validateTransaction(byThree, ledger))?.type).toBe('InvalidSignature');

    await expect(signTransaction(unsigned, signerFor(alice), { keys: [alice.publicKey] })).rejects.toMatchObject({
      code: 'SigningFailed',
    });
  });
});

describe('hostile input never throws', () => {
  it('deep nesting, lone surrogates, huge numbers, odd ids and bad thresholds give typed errors', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(errorOf(validateTransaction({ ...create, metadata: { deep } }, empty))?.message).toMatch(
      /nested too deeply/,
    );
    expect(errorOf(validateTransaction({ ...create, metadata: { s: '\ud800' } }, empty))).toEqual({
      type: 'ValidationError',
      message: 'transaction is not valid JSON data: string contains an unpaired UTF-16 surrogate',
    });
    expect(errorOf(validateTransaction(rehash({ ...create, metadata: { n: 1e308, m: -5e-324 } }), empty))?.type).toBe(
      'InvalidSignature',
    );
    expect(errorOf(validateTransaction({ ...create, id: { x: [1, true] } }, empty))?.message).toContain(
      "id '{'x': [1, True]}' isn't equal",
    );

    const impossible = rehash(
      mutate(create, (t) => {
        t.outputs[0]!.condition.details = {
          type: 'threshold-sha-256',
          threshold: 2,
          subconditions: [{ type: 'ed25519-sha-256', public_key: alice.publicKey }],
        };
      }),
    );
    expect(errorOf(validateTransaction(impossible, empty))).toEqual({
      type: 'ValidationError',
      message: 'Threshold 2 cannot be met by 1 subcondition(s)',
    });
    const badKey = rehash(
      mutate(create, (t) => ((t.outputs[0]!.condition.details as { public_key: string }).public_key = 'O'.repeat(44))),
    );
    expect(errorOf(validateTransaction(badKey, empty))?.type).toBe('ValidationError');
  });

  it('a hostile threshold fulfillment whose cost overflows is an invalid signature, not a crash', () => {
    const bigCondition = { typeId: 4, fingerprint: new Uint8Array(32), cost: 2 ** 47 - 1, subtypes: 0 }; // the largest cost DER may carry here
    const leaf: Fulfillment = {
      type: 'ed25519-sha-256',
      publicKey: fromBase58(bob.publicKey)!,
      signature: new Uint8Array(64),
    };
    const nested: Fulfillment = { type: 'threshold-sha-256', subfulfillments: [leaf], subconditions: [bigCondition] };
    const top: Fulfillment = {
      type: 'threshold-sha-256',
      subfulfillments: Array.from({ length: 70 }, () => nested),
      subconditions: [],
    };
    // wrapped once more, so the overflowing cost must be DER-encoded inside the outer fingerprint
    const outer: Fulfillment = { type: 'threshold-sha-256', subfulfillments: [top], subconditions: [] };
    const tx = rehash(mutate(split, (t) => (t.inputs[0]!.fulfillment = toBase64Url(encodeFulfillment(outer)))));
    expect(errorOf(validateTransaction(tx, afterCreate))).toEqual({
      type: 'InvalidSignature',
      message: 'Transaction signature is invalid.',
    });
  });

  it('100 nested thresholds in an output are ThresholdTooDeep', () => {
    let details: unknown = { type: 'ed25519-sha-256', public_key: alice.publicKey };
    for (let i = 0; i < 100; i++) details = { type: 'threshold-sha-256', threshold: 1, subconditions: [details] };
    const tx = rehash(mutate(create, (t) => (t.outputs[0]!.condition.details = details as never)));
    const error = errorOf(validateTransaction(tx, empty))!;
    expect(error).toEqual({ type: 'ThresholdTooDeep', message: '' });
    expect(referenceErrorMessage(error)).toBe('Invalid transaction (ThresholdTooDeep): ');
  });
});

describe('API helpers', () => {
  it('referenceErrorMessage words errors like the reference 400 bodies', () => {
    expect(referenceErrorMessage({ type: 'SchemaValidationError', message: "'version' is a required property" })).toBe(
      "Invalid transaction schema: 'version' is a required property",
    );
    expect(referenceErrorMessage({ type: 'InvalidSignature', message: 'Transaction signature is invalid.' })).toBe(
      'Invalid transaction (InvalidSignature): Transaction signature is invalid.',
    );
  });

  it('checkTransactionStructure checks everything stateless and nothing stateful', () => {
    expect(checkTransactionStructure(split)).toEqual({ ok: true, tx: split, assetId: create.id });
    expect(errorOf(checkTransactionStructure(rehash(mutate(split, (t) => (t.metadata = {})))))?.type).toBe(
      'SchemaValidationError',
    );
  });

  it('validateTransactionAsync asks an async context only what the rules need', async () => {
    const asked: string[] = [];
    const ctx = {
      getTransaction: async (id: string) => (asked.push(`tx ${id}`), id === create.id ? create : null),
      spentBy: async (id: string, index: number) => (asked.push(`spent ${id}:${index}`), null),
    };
    expect(await validateTransactionAsync(split, ctx)).toEqual({ ok: true, tx: split, assetId: create.id });
    expect(asked).toEqual([`tx ${create.id}`, `spent ${create.id}:0`]);
    expect(errorOf(await validateTransactionAsync(create, { ...ctx, getTransaction: async () => create }))?.type).toBe(
      'DuplicateTransaction',
    );
    expect(errorOf(await validateTransactionAsync({ ...split, id: 'x' }, ctx))?.type).toBe('InvalidHash');
  });

  it('the uri the builders write is the uri derived from details', () => {
    const o = thresholdOutput(1, [alice.publicKey, bob.publicKey], '3');
    expect(o.condition.uri).toBe(conditionUriFromDetails(o.condition.details));
    expect(toBase64Url(fromBase64Url('pGSA')!)).toBe('pGSA');
  });
});
