// Transactions made by the official bigchaindb-driver verify with our core (pure JS and OpenSSL providers), and
// ours are accepted by the driver's own crypto-conditions code: the two sides agree on ids, messages and DER.
import { describe, expect, it } from 'vitest';
import driver from 'bigchaindb-driver';
import { createHash } from 'node:crypto';
import {
  contextFromTransactions,
  ed25519Output,
  makeCreate,
  makeTransfer,
  pureCryptoProvider,
  signTransaction,
  thresholdOutput,
  validateTransaction,
  type CryptoProvider,
  type Transaction,
  type LedgerContext,
} from '../../../src-shared/ledger';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';
import { signerFor, testKeys } from './seed-signer';

// The driver's bundled typings are stricter than its JS (e.g. metadata null); this facade types what the test uses.
interface CcFulfillment {
  sign(message: Buffer, seed: Buffer): void;
  serializeUri(): string;
}
interface InputLink {
  fulfills: { transaction_id: string; output_index: number };
}
interface DriverTransaction {
  makeCreateTransaction(asset: object | null, metadata: object | null, outputs: object[], ...issuers: string[]): object;
  makeTransferTransaction(
    spends: { tx: object; output_index: number }[],
    outputs: object[],
    metadata: object | null,
  ): object;
  makeOutput(condition: object, amount?: string): object;
  makeEd25519Condition(publicKey: string, json?: true): object;
  makeEd25519Condition(publicKey: string, json: false): CcFulfillment;
  makeThresholdCondition(threshold: number, subconditions: CcFulfillment[], json?: true): object;
  makeThresholdCondition(threshold: number, subconditions: CcFulfillment[], json: false): CcFulfillment;
  signTransaction(tx: object, ...privateKeys: string[]): object;
  delegateSignTransaction(tx: object, sign: (serialized: string, input: InputLink, index: number) => string): object;
  serializeTransactionIntoCanonicalString(tx: object): string;
}
const Tx = driver.Transaction as unknown as DriverTransaction;
const { Ed25519Keypair } = driver;
const keypair = (seed: Uint8Array) => new Ed25519Keypair(Buffer.from(seed));
const alice = keypair(testKeys.alice.seed);
const bob = keypair(testKeys.bob.seed);
const carol = keypair(testKeys.carol.seed);

const providers: [string, CryptoProvider][] = [
  ['pure JS', pureCryptoProvider],
  ['libsodium + OpenSSL', nativeLedgerCrypto],
];
const asTx = (t: unknown) => JSON.parse(JSON.stringify(t)) as Transaction; // as it arrives over HTTP

function expectValid(tx: Transaction, ctx: LedgerContext) {
  for (const [name, crypto] of providers)
    expect(validateTransaction(tx, ctx, crypto), name).toMatchObject({ ok: true });
}

describe('driver-made transactions verify', () => {
  it('CREATE with two outputs and unicode metadata, then a two-input TRANSFER signed by both owners', () => {
    const create = asTx(
      Tx.signTransaction(
        Tx.makeCreateTransaction(
          { title: 'Befund – 肺炎 🫁', nested: { list: [1, 2.5, { deep: 'ok' }], empty: {} } },
          { note: 'Ünïcödé ✓ \u2028 / <script>', n: -3, big: 1e21, tiny: 0.0001 },
          [
            Tx.makeOutput(Tx.makeEd25519Condition(alice.publicKey)),
            Tx.makeOutput(Tx.makeEd25519Condition(bob.publicKey)),
          ],
          alice.publicKey,
        ),
        alice.privateKey,
      ),
    );
    expectValid(create, contextFromTransactions([]));

    const transfer = asTx(
      Tx.signTransaction(
        Tx.makeTransferTransaction(
          [
            { tx: create, output_index: 0 },
            { tx: create, output_index: 1 },
          ],
          [Tx.makeOutput(Tx.makeEd25519Condition(carol.publicKey), '2')],
          { merged: true },
        ),
        alice.privateKey,
        bob.privateKey,
      ),
    );
    expectValid(transfer, contextFromTransactions([create]));

    // a transfer of that transfer still names the CREATE as its asset
    const again = asTx(
      Tx.signTransaction(
        Tx.makeTransferTransaction(
          [{ tx: transfer, output_index: 0 }],
          [Tx.makeOutput(Tx.makeEd25519Condition(alice.publicKey), '2')],
          null,
        ),
        carol.privateKey,
      ),
    );
    expect(again.asset).toEqual({ id: create.id });
    expectValid(again, contextFromTransactions([create, transfer]));
  });

  it('a 2-of-2 threshold output, spent with a threshold fulfillment built through delegateSignTransaction', () => {
    const create = asTx(
      Tx.signTransaction(
        Tx.makeCreateTransaction(
          { shared: 'chart' },
          null,
          [
            Tx.makeOutput(
              Tx.makeThresholdCondition(2, [
                Tx.makeEd25519Condition(bob.publicKey, false),
                Tx.makeEd25519Condition(carol.publicKey, false),
              ]),
            ),
          ],
          alice.publicKey,
        ),
        alice.privateKey,
      ),
    );
    expectValid(create, contextFromTransactions([]));

    const unsigned = Tx.makeTransferTransaction(
      [{ tx: create, output_index: 0 }],
      [Tx.makeOutput(Tx.makeEd25519Condition(alice.publicKey))],
      { to: 'alice' },
    );
    const spend = asTx(
      Tx.delegateSignTransaction(unsigned, (serialized, input) => {
        const digest = createHash('sha3-256')
          .update(serialized + input.fulfills.transaction_id + input.fulfills.output_index)
          .digest();
        const bobPart = Tx.makeEd25519Condition(bob.publicKey, false);
        const carolPart = Tx.makeEd25519Condition(carol.publicKey, false);
        bobPart.sign(digest, Buffer.from(testKeys.bob.seed));
        carolPart.sign(digest, Buffer.from(testKeys.carol.seed));
        return Tx.makeThresholdCondition(2, [bobPart, carolPart], false).serializeUri();
      }),
    );
    expectValid(spend, contextFromTransactions([create]));
  });

  it('documented gap: the driver writes control characters in lower-case hex, the reference (and we) upper-case', () => {
    const tx = asTx(
      Tx.signTransaction(
        Tx.makeCreateTransaction(
          { ctl: 'unit\u001fseparator' },
          null,
          [Tx.makeOutput(Tx.makeEd25519Condition(alice.publicKey))],
          alice.publicKey,
        ),
        alice.privateKey,
      ),
    );
    // A real BigchainDB rejects this transaction the same way; see src-shared/ledger/README.md.
    expect(validateTransaction(tx, contextFromTransactions([]))).toMatchObject({
      ok: false,
      error: { type: 'InvalidHash' },
    });
  });
});

describe('our transactions satisfy the driver', () => {
  it('the driver computes the same id, and its crypto-conditions library validates our fulfillments', async () => {
    const create = await signTransaction(
      makeCreate(
        { päd: ['x', { y: null }] },
        { seq: 1 },
        [thresholdOutput(2, [testKeys.bob.publicKey, testKeys.carol.publicKey], '3')],
        [testKeys.alice.publicKey],
      ),
      signerFor(testKeys.alice),
    );
    const spend = await signTransaction(
      makeTransfer([{ tx: create, outputIndex: 0 }], [ed25519Output(testKeys.alice.publicKey, '3')], null),
      signerFor(testKeys.bob, testKeys.carol),
    );
    for (const tx of [create, spend]) {
      const driverId = createHash('sha3-256')
        .update(Tx.serializeTransactionIntoCanonicalString({ ...tx, id: null }))
        .digest('hex');
      expect(driverId).toBe(tx.id);
    }
    const unsignedText = Tx.serializeTransactionIntoCanonicalString({
      ...spend,
      id: null,
      inputs: spend.inputs.map((i) => ({ ...i, fulfillment: null })),
    });
    const digest = createHash('sha3-256')
      .update(unsignedText + create.id + '0')
      .digest();
    // the driver's own crypto-conditions package (a dependency of bigchaindb-driver), as an independent DER check
    const cc = (await import('crypto-conditions')).default as unknown as {
      validateFulfillment(f: string, c: string, m: Buffer): boolean;
    };
    expect(cc.validateFulfillment(spend.inputs[0]!.fulfillment, create.outputs[0]!.condition.uri, digest)).toBe(true);
  });
});
