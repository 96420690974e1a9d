// Builders refuse what would never validate; signing asks the signer only for the keys a condition needs.
import { describe, expect, it } from 'vitest';
import { signerFor, testKeys } from '../../test/unit/ledger/seed-signer';
import {
  contextFromTransactions,
  ed25519Output,
  LedgerInputError,
  makeCreate,
  makeTransfer,
  signTransaction,
  thresholdDetails,
  thresholdOutput,
  validateTransaction,
  type JsonObject,
  type Signer,
} from './index';

const { alice, bob, carol, dave } = testKeys;
const code = (run: () => unknown) => {
  try {
    run();
  } catch (e) {
    return e instanceof LedgerInputError ? e.code : `untyped: ${String(e)}`;
  }
  return 'no error';
};

describe('builders', () => {
  it('outputs: default amount "1", public_keys from details without duplicates, bad keys and amounts refused', () => {
    expect(ed25519Output(alice.publicKey)).toMatchObject({ amount: '1', public_keys: [alice.publicKey] });
    expect(
      thresholdOutput(1, [alice.publicKey, thresholdDetails(1, [alice.publicKey, bob.publicKey])]).public_keys,
    ).toEqual([alice.publicKey, bob.publicKey]);
    expect(code(() => ed25519Output('not a key'))).toBe('InvalidKey');
    expect(code(() => ed25519Output(alice.publicKey.slice(0, 40)))).toBe('InvalidKey');
    for (const amount of ['0', '-1', '1.5', '9000000000000000001', '', 7 as unknown as string]) {
      expect(
        code(() => ed25519Output(alice.publicKey, amount)),
        String(amount),
      ).toBe('InvalidAmount');
    }
    expect(code(() => thresholdOutput(3, [alice.publicKey, bob.publicKey]))).toBe('InvalidCondition');
    expect(code(() => thresholdOutput(0, [alice.publicKey]))).toBe('InvalidCondition');
  });

  it('CREATE: data must be JSON objects that pass the key rules; metadata never {}', () => {
    const out = [ed25519Output(alice.publicKey)];
    expect(code(() => makeCreate({ 'a.b': 1 }, null, out, [alice.publicKey]))).toBe('InvalidJson');
    expect(code(() => makeCreate(null, { language: 'klingon' }, out, [alice.publicKey]))).toBe('InvalidJson');
    expect(code(() => makeCreate(null, {}, out, [alice.publicKey]))).toBe('InvalidJson');
    expect(code(() => makeCreate([1] as unknown as JsonObject, null, out, [alice.publicKey]))).toBe('InvalidJson');
    expect(code(() => makeCreate({ n: NaN }, null, out, [alice.publicKey]))).toBe('InvalidJson');
    expect(code(() => makeCreate(null, null, [], [alice.publicKey]))).toBe('InvalidSpend');
    expect(code(() => makeCreate(null, null, out, []))).toBe('InvalidKey');
    expect(makeCreate(null, null, out, [alice.publicKey])).toMatchObject({
      id: null,
      operation: 'CREATE',
      asset: { data: null },
      inputs: [{ fulfills: null, owners_before: [alice.publicKey] }],
    });
  });

  it('TRANSFER: amounts must balance, one asset only, no output twice, the output must exist', async () => {
    const a = await signTransaction(
      makeCreate({ a: 1 }, null, [ed25519Output(alice.publicKey, '2')], [alice.publicKey]),
      signerFor(alice),
    );
    const b = await signTransaction(
      makeCreate({ b: 1 }, null, [ed25519Output(alice.publicKey, '2')], [alice.publicKey]),
      signerFor(alice),
    );
    expect(code(() => makeTransfer([{ tx: a, outputIndex: 0 }], [ed25519Output(bob.publicKey, '3')], null))).toBe(
      'InvalidAmount',
    );
    expect(
      code(() =>
        makeTransfer(
          [
            { tx: a, outputIndex: 0 },
            { tx: b, outputIndex: 0 },
          ],
          [ed25519Output(bob.publicKey, '4')],
          null,
        ),
      ),
    ).toBe('InvalidSpend');
    expect(
      code(() =>
        makeTransfer(
          [
            { tx: a, outputIndex: 0 },
            { tx: a, outputIndex: 0 },
          ],
          [ed25519Output(bob.publicKey, '4')],
          null,
        ),
      ),
    ).toBe('InvalidSpend');
    expect(code(() => makeTransfer([{ tx: a, outputIndex: 1 }], [ed25519Output(bob.publicKey, '2')], null))).toBe(
      'InvalidSpend',
    );
    expect(code(() => makeTransfer([], [ed25519Output(bob.publicKey, '2')], null))).toBe('InvalidSpend');
    // a transfer of a transfer carries the original CREATE's id as its asset id
    const t1 = await signTransaction(
      makeTransfer([{ tx: a, outputIndex: 0 }], [ed25519Output(bob.publicKey, '2')], null),
      signerFor(alice),
    );
    expect(makeTransfer([{ tx: t1, outputIndex: 0 }], [ed25519Output(carol.publicKey, '2')], null).asset).toEqual({
      id: a.id,
    });
  });
});

describe('signTransaction', () => {
  it('asks the signer once per Ed25519 leaf, with the 32-byte digest, and never for a key it does not need', async () => {
    const calls: string[] = [];
    const inner = signerFor(alice, bob, carol);
    const spy: Signer = async (pk, msg) => {
      calls.push(pk);
      expect(msg).toHaveLength(32);
      return inner(pk, msg);
    };
    const shared = await signTransaction(
      makeCreate(null, null, [thresholdOutput(2, [alice.publicKey, bob.publicKey, carol.publicKey])], [dave.publicKey]),
      signerFor(dave),
    );
    const tx = await signTransaction(
      makeTransfer([{ tx: shared, outputIndex: 0 }], [ed25519Output(dave.publicKey)], null),
      spy,
      { keys: [carol.publicKey, alice.publicKey] },
    );
    expect(calls).toEqual([alice.publicKey, carol.publicKey]);
    expect(validateTransaction(tx, contextFromTransactions([shared])).ok).toBe(true);
  });

  it('a signer that fails or returns a wrong signature is a SigningFailed error, not a bad transaction', async () => {
    const unsigned = makeCreate(null, null, [ed25519Output(alice.publicKey)], [alice.publicKey]);
    await expect(signTransaction(unsigned, async () => new Uint8Array(64))).rejects.toMatchObject({
      code: 'SigningFailed',
    });
    // Unchecked (a trusted signer): a signature of the wrong shape is still refused; a wrong one is embedded as is,
    // for the node to refuse.
    await expect(
      signTransaction(unsigned, async () => new Uint8Array(63), { checkSignatures: false }),
    ).rejects.toMatchObject({ code: 'SigningFailed' });
    const unchecked = await signTransaction(unsigned, async () => new Uint8Array(64), { checkSignatures: false });
    expect(validateTransaction(unchecked, { getTransaction: () => null, spentBy: () => null })).toMatchObject({
      ok: false,
      error: { type: 'InvalidSignature' },
    });
    await expect(signTransaction(unsigned, signerFor(bob))).rejects.toMatchObject({ code: 'SigningFailed' });
    await expect(
      signTransaction(unsigned, async () => {
        throw new Error('vault locked');
      }),
    ).rejects.toThrow(/vault locked/);
  });

  it('signs a driver-style template whose inputs carry no details (single owner)', async () => {
    const unsigned = makeCreate({ k: 'v' }, null, [ed25519Output(alice.publicKey)], [alice.publicKey]);
    unsigned.inputs[0]!.fulfillment = null;
    const tx = await signTransaction(unsigned, signerFor(alice));
    expect(validateTransaction(tx, contextFromTransactions([])).ok).toBe(true);
    unsigned.inputs[0]!.owners_before = [alice.publicKey, bob.publicKey];
    await expect(signTransaction(unsigned, signerFor(alice, bob))).rejects.toMatchObject({ code: 'SigningFailed' });
  });
});
