// A chart output under a hospital authority: the nested threshold 1-of-[custodian, 2-of-3 officers]. Its condition
// and both ways of spending it (the custodian alone; two officers through the quorum's branch) agree with the
// official bigchaindb-driver's crypto-conditions byte for byte, validate as the node validates, and one officer
// alone cannot spend it.
import { createHash } from 'node:crypto';
import driver from 'bigchaindb-driver';
import cc from 'crypto-conditions';
import { describe, expect, it } from 'vitest';
import { chartOwnership, custodyDetails, custodyOutput, inputSigners } from '../../../src-shared/authority/custody';
import {
  contextFromTransactions,
  ed25519Output,
  makeCreate,
  makeTransfer,
  signingBase,
  signTransaction,
  thresholdDetails,
  type Transaction,
  type UnsignedTransaction,
} from '../../../src-shared/ledger';
import { validateTransaction } from '../../../src-shared/ledger';
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
const { alice, bob, carol, dave, erin } = testKeys;
const officers = [alice.publicKey, bob.publicKey, carol.publicKey];
const quorum = thresholdDetails(2, officers);
const policy = { authorityId: 'a'.repeat(64), quorum, recoveryKey: erin.publicKey };

async function chartCreate(): Promise<Transaction> {
  return signTransaction(
    makeCreate({ type: 'hc.chart/1' }, null, [custodyOutput(dave.publicKey, policy)], [dave.publicKey]),
    signerFor(dave),
  );
}

const digestOf = (unsigned: UnsignedTransaction, spent: Transaction) =>
  createHash('sha3-256')
    .update(signingBase(unsigned) + spent.id + '0')
    .digest();

describe('the custodian-or-quorum chart output', () => {
  it("is the driver's nested threshold condition (URI, details, public keys)", () => {
    const theirs = Tx.makeOutput(
      Tx.makeThresholdCondition(1, [
        Tx.makeEd25519Condition(dave.publicKey, false),
        Tx.makeThresholdCondition(
          2,
          officers.map((k) => Tx.makeEd25519Condition(k, false)),
          false,
        ),
      ]),
    );
    const ours = custodyOutput(dave.publicKey, policy);
    expect(ours.condition.uri).toBe(theirs.condition.uri);
    expect(ours.condition.details).toEqual(theirs.condition.details);
    expect(ours.public_keys).toEqual(theirs.public_keys);
    expect(ours.condition.details).toEqual(custodyDetails(dave.publicKey, quorum));
    expect(chartOwnership(ours)).toEqual({ custodian: dave.publicKey, quorum });
  });

  it("spent by the custodian alone: the driver's fulfillment byte for byte, valid, signer = custodian", async () => {
    const create = await chartCreate();
    const unsigned = makeTransfer([{ tx: create, outputIndex: 0 }], [custodyOutput(dave.publicKey, policy)], {
      v: 2,
    });
    const spend = await signTransaction(unsigned, signerFor(dave), { keys: [dave.publicKey] });
    expect(validateTransaction(spend, contextFromTransactions([create]))).toMatchObject({ ok: true });

    const custodian = Tx.makeEd25519Condition(dave.publicKey, false);
    custodian.sign(digestOf(unsigned, create), Buffer.from(dave.seed));
    const theirQuorum = Tx.makeThresholdCondition(
      2,
      officers.map((k) => Tx.makeEd25519Condition(k, false)),
      false,
    );
    const outer = new cc.ThresholdSha256();
    outer.setThreshold(1);
    outer.addSubfulfillment(custodian as unknown as cc.Fulfillment);
    outer.addSubcondition(theirQuorum.getCondition() as cc.Condition);
    expect(spend.inputs[0]!.fulfillment).toBe(outer.serializeUri());
    expect(inputSigners(spend.inputs[0])).toEqual({ by: 'key', key: dave.publicKey });
  });

  it("spent by two officers through the quorum's branch: the driver's fulfillment byte for byte, valid", async () => {
    const create = await chartCreate();
    const unsigned = makeTransfer([{ tx: create, outputIndex: 0 }], [custodyOutput(erin.publicKey, policy)], {
      v: 2,
    });
    const spend = await signTransaction(unsigned, signerFor(alice, carol), {
      keys: [alice.publicKey, carol.publicKey],
    });
    expect(validateTransaction(spend, contextFromTransactions([create]))).toMatchObject({ ok: true });

    const digest = digestOf(unsigned, create);
    const leaves = officers.map((k) => Tx.makeEd25519Condition(k, false));
    leaves[0]!.sign(digest, Buffer.from(alice.seed));
    leaves[2]!.sign(digest, Buffer.from(carol.seed));
    const inner = new cc.ThresholdSha256();
    inner.setThreshold(2);
    inner.addSubfulfillment(leaves[0] as unknown as cc.Fulfillment);
    inner.addSubcondition(leaves[1]!.getCondition() as cc.Condition);
    inner.addSubfulfillment(leaves[2] as unknown as cc.Fulfillment);
    const outer = new cc.ThresholdSha256();
    outer.setThreshold(1);
    outer.addSubfulfillment(inner as unknown as cc.Fulfillment);
    outer.addSubcondition((Tx.makeEd25519Condition(dave.publicKey, false).getCondition() as cc.Condition) ?? null);
    expect(spend.inputs[0]!.fulfillment).toBe(outer.serializeUri());
    expect(inputSigners(spend.inputs[0])).toEqual({ by: 'quorum', officers: [alice.publicKey, carol.publicKey] });
  });

  it('one officer cannot spend it: refused before signing, and a hand-built 1-of-3 branch is invalid', async () => {
    const create = await chartCreate();
    const unsigned = makeTransfer([{ tx: create, outputIndex: 0 }], [ed25519Output(bob.publicKey)], { v: 2 });
    await expect(signTransaction(unsigned, signerFor(bob), { keys: [bob.publicKey] })).rejects.toThrow(
      /only 0 of the 1 required signers/,
    );
    const forged = await signTransaction(
      {
        ...unsigned,
        inputs: [
          { ...unsigned.inputs[0]!, fulfillment: custodyDetails(dave.publicKey, thresholdDetails(1, officers)) },
        ],
      },
      signerFor(bob),
      { keys: [bob.publicKey] },
    );
    expect(validateTransaction(forged, contextFromTransactions([create]))).toMatchObject({
      ok: false,
      error: { type: 'InvalidSignature' },
    });
  });

  it('reads no ownership from shapes that are not chart outputs', () => {
    expect(chartOwnership(ed25519Output(dave.publicKey))).toEqual({ custodian: dave.publicKey, quorum: null });
    expect(chartOwnership(ed25519Output(dave.publicKey, '2'))).toBeNull();
    expect(
      chartOwnership(custodyOutput(dave.publicKey, { ...policy, quorum: thresholdDetails(1, [dave.publicKey]) })),
    ).toBeNull();
  });
});
