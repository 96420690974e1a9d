// m-of-n quorums (a hospital's officers): a 2-of-3 threshold output and its partial fulfillment (two signatures, one
// unfulfilled subcondition) agree with the official bigchaindb-driver's crypto-conditions code byte for byte, and a
// CREATE issued by a threshold condition (makeCreateBy) carries exactly the signatures that condition needs.
import { createHash } from 'node:crypto';
import driver from 'bigchaindb-driver';
import cc from 'crypto-conditions';
import { describe, expect, it } from 'vitest';
import {
  contextFromTransactions,
  conditionFromDetails,
  conditionUri,
  ed25519Output,
  fromBase64Url,
  fulfillmentCondition,
  makeCreate,
  makeCreateBy,
  makeTransfer,
  parseFulfillment,
  signingBase,
  signTransaction,
  thresholdDetails,
  thresholdOutput,
  validateTransaction,
  type Transaction,
} from '../../../src-shared/ledger';
import { signerFor, testKeys } from './seed-signer';

interface CcFulfillment {
  sign(message: Buffer, seed: Buffer): void;
  serializeUri(): string;
  getCondition(): unknown;
}
interface DriverTransaction {
  makeOutput(
    condition: object,
    amount?: string,
  ): { condition: { uri: string; details: unknown }; public_keys: string[] };
  makeEd25519Condition(publicKey: string, json: false): CcFulfillment;
  makeThresholdCondition(threshold: number, subconditions: CcFulfillment[], json?: true): object;
  makeThresholdCondition(threshold: number, subconditions: CcFulfillment[], json: false): CcFulfillment;
}
const Tx = driver.Transaction as unknown as DriverTransaction;
const { alice, bob, carol, dave } = testKeys;
const officers = [alice.publicKey, bob.publicKey, carol.publicKey];

describe('a 2-of-3 quorum condition', () => {
  it('is the condition the driver builds (URI, details, public keys)', () => {
    const theirs = Tx.makeOutput(
      Tx.makeThresholdCondition(
        2,
        officers.map((k) => Tx.makeEd25519Condition(k, false)),
      ),
    );
    const ours = thresholdOutput(2, officers);
    expect(ours.condition.uri).toBe(theirs.condition.uri);
    expect(ours.condition.details).toEqual(theirs.condition.details);
    expect(ours.public_keys).toEqual(theirs.public_keys);
  });

  it("spent by two of the three officers: our fulfillment is the driver's, byte for byte, and validates", async () => {
    const create = await signTransaction(
      makeCreate({ quorum: 'test' }, null, [thresholdOutput(2, officers)], [dave.publicKey]),
      signerFor(dave),
    );
    const unsigned = makeTransfer([{ tx: create, outputIndex: 0 }], [thresholdOutput(2, officers)], { act: 'renew' });
    const spend = await signTransaction(unsigned, signerFor(alice, carol), {
      keys: [alice.publicKey, carol.publicKey],
    });
    expect(validateTransaction(spend, contextFromTransactions([create]))).toMatchObject({ ok: true });

    // The driver's crypto-conditions: sign alice's and carol's leaves, leave bob's unfulfilled.
    const digest = createHash('sha3-256')
      .update(signingBase(unsigned) + create.id + '0')
      .digest();
    const parts = officers.map((k) => Tx.makeEd25519Condition(k, false));
    parts[0]!.sign(digest, Buffer.from(alice.seed));
    parts[2]!.sign(digest, Buffer.from(carol.seed));
    // crypto-conditions (the driver's own library): two sub-fulfillments and bob's leaf as a bare condition.
    const threshold = new cc.ThresholdSha256();
    threshold.setThreshold(2);
    threshold.addSubfulfillment(parts[0] as unknown as cc.Fulfillment);
    threshold.addSubcondition(parts[1]!.getCondition() as cc.Condition);
    threshold.addSubfulfillment(parts[2] as unknown as cc.Fulfillment);
    const theirs = threshold.serializeUri();
    expect(spend.inputs[0]!.fulfillment).toBe(theirs);
  });

  it("one officer alone cannot spend it (the node's rule: the fulfillment must prove the output's condition)", async () => {
    const create = await signTransaction(
      makeCreate({ quorum: 'test' }, null, [thresholdOutput(2, officers)], [dave.publicKey]),
      signerFor(dave),
    );
    const unsigned = makeTransfer([{ tx: create, outputIndex: 0 }], [ed25519Output(bob.publicKey)], { act: 'steal' });
    await expect(signTransaction(unsigned, signerFor(bob), { keys: [bob.publicKey] })).rejects.toThrow(
      /only 1 of the 2 required signers/,
    );
    // Forged by hand: a 1-of-3 fulfillment signed by bob proves a different condition, and is refused.
    const oneOfThree = await signTransaction(
      { ...unsigned, inputs: [{ ...unsigned.inputs[0]!, fulfillment: thresholdDetails(1, officers) }] },
      signerFor(bob),
      { keys: [bob.publicKey] },
    );
    expect(validateTransaction(oneOfThree, contextFromTransactions([create]))).toMatchObject({
      ok: false,
      error: { type: 'InvalidSignature' },
    });
  });
});

describe('makeCreateBy', () => {
  it('a CREATE issued by the quorum carries a 2-of-3 fulfillment proving exactly the quorum condition', async () => {
    const quorum = thresholdDetails(2, officers);
    const unsigned = makeCreateBy({ type: 'hc.test/1' }, null, [thresholdOutput(2, officers)], quorum);
    expect(unsigned.inputs[0]!.owners_before).toEqual(officers);
    const tx: Transaction = await signTransaction(unsigned, signerFor(bob, carol), {
      keys: [bob.publicKey, carol.publicKey],
    });
    expect(validateTransaction(tx, contextFromTransactions([]))).toMatchObject({ ok: true });
    const proved = fulfillmentCondition(parseFulfillment(fromBase64Url(tx.inputs[0]!.fulfillment)!));
    expect(conditionUri(proved)).toBe(conditionUri(conditionFromDetails(quorum)));
  });

  it('refuses impossible issuer details', () => {
    expect(() =>
      makeCreateBy(null, null, [ed25519Output(alice.publicKey)], {
        type: 'threshold-sha-256',
        threshold: 3,
        subconditions: [],
      }),
    ).toThrow(/threshold/i);
  });
});
