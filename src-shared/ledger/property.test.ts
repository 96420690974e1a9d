// Property: any asset / metadata (unicode, nesting, odd numbers) survives build → sign → wire → verify, and any
// single change to a signed transaction is caught (InvalidHash, or InvalidSignature when the attacker re-hashes).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import vectorsFile from '../../test/fixtures/bigchaindb/test-vectors.json';
import { signerFor, testKeys } from '../../test/unit/ledger/seed-signer';
import {
  contextFromTransactions,
  ed25519Output,
  fromBase64Url,
  isValidKeyName,
  toBase64Url,
  makeCreate,
  makeTransfer,
  signTransaction,
  transactionId,
  validateTransaction,
  MAX_AMOUNT,
  type Json,
  type JsonObject,
  type Transaction,
} from './index';

const { alice, bob } = testKeys;
const wellFormed = (s: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
const text = fc
  .oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary-ascii' }))
  .filter(wellFormed);
const key = text.filter((k) => isValidKeyName(k) && k !== 'language');

const { object: jsonObject } = fc.letrec<{ value: Json; object: JsonObject }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    tie('object'),
  ),
  object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
}));
const metadata = fc.option(
  jsonObject.filter((o) => Object.keys(o).length > 0),
  { nil: null },
);
const amount = fc.bigInt({ min: 1n, max: MAX_AMOUNT }).map(String);

/** Every place a value can be changed: [container, key] pairs, depth first. */
function slots(value: Json, out: [Record<string, Json> | Json[], string | number][] = []) {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([value, i]);
      slots(v, out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push([value, k]);
      slots(v, out);
    }
  }
  return out;
}

const wire = <T>(tx: T): T => JSON.parse(JSON.stringify(tx)) as T;

describe('build → sign → verify round trip', () => {
  it('holds for random assets and metadata, for CREATE and then TRANSFER', async () => {
    await fc.assert(
      fc.asyncProperty(jsonObject, metadata, metadata, amount, async (asset, meta, meta2, units) => {
        const create = wire(
          await signTransaction(
            makeCreate(asset, meta, [ed25519Output(alice.publicKey, units)], [alice.publicKey]),
            signerFor(alice),
          ),
        );
        // signTransaction writes the id preimage from its signing text: the same as hashing the signed transaction.
        expect(create.id).toBe(transactionId(create));
        expect(validateTransaction(create, contextFromTransactions([]))).toMatchObject({
          ok: true,
          assetId: create.id,
        });
        const transfer = wire(
          await signTransaction(
            makeTransfer([{ tx: create, outputIndex: 0 }], [ed25519Output(bob.publicKey, units)], meta2),
            signerFor(alice),
          ),
        );
        expect(validateTransaction(transfer, contextFromTransactions([create]))).toMatchObject({
          ok: true,
          assetId: create.id,
        });
      }),
      { numRuns: 40 },
    );
  });

  it('any single change to asset data or metadata is caught', async () => {
    await fc.assert(
      fc.asyncProperty(jsonObject, jsonObject, fc.nat(), fc.boolean(), async (asset, meta, pick, rehash) => {
        const signed = await signTransaction(
          makeCreate(
            asset,
            Object.keys(meta).length ? meta : { m: 1 },
            [ed25519Output(alice.publicKey)],
            [alice.publicKey],
          ),
          signerFor(alice),
        );
        const tampered = wire(signed) as Transaction & { asset: { data: JsonObject } };
        const places = [...slots(tampered.asset.data), ...slots(tampered.metadata!)];
        const marker = `tampered ${signed.id}`;
        if (places.length === 0) tampered.asset.data[marker] = 1;
        else {
          const [container, slot] = places[pick % places.length]!;
          (container as Record<string | number, Json>)[slot] = marker;
        }
        const posted = rehash ? { ...tampered, id: transactionId(tampered) } : tampered;
        const result = validateTransaction(posted, contextFromTransactions([]));
        expect(result.ok ? null : result.error.type).toBe(rehash ? 'InvalidSignature' : 'InvalidHash');
      }),
      { numRuns: 60 },
    );
  });

  it('never throws for arbitrary or corrupted fulfillment bytes, and never accepts them', () => {
    const spend = vectorsFile.vectors.transfer_spending_2of2_threshold.transaction as unknown as Transaction;
    const ledger = contextFromTransactions([
      vectorsFile.vectors.transfer_to_2of2_threshold.transaction as unknown as Transaction,
    ]);
    const good = fromBase64Url(spend.inputs[0]!.fulfillment)!;
    const corrupted = fc
      .array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 })
      .map((flips) => {
        const bytes = good.slice();
        for (const [at, xor] of flips) bytes[at] = bytes[at]! ^ xor;
        return bytes;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), corrupted), (bytes) => {
        const tampered = { ...spend, inputs: [{ ...spend.inputs[0]!, fulfillment: toBase64Url(bytes) }] };
        const result = validateTransaction({ ...tampered, id: transactionId(tampered) }, ledger);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error.type).toBe('InvalidSignature');
      }),
      { numRuns: 400 },
    );
  });

  it('never throws and always types its failure, whatever JSON arrives', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything()), (value) => {
        const result = validateTransaction(value, contextFromTransactions([]));
        expect(result.ok).toBe(false);
        if (!result.ok) expect(typeof result.error.message).toBe('string');
      }),
      { numRuns: 300 },
    );
  });
});
