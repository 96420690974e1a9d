// The chain's owner check with custodian-or-quorum outputs: the custodian writes by their branch; two officers of a
// 2-of-3 quorum may move custody (and only that: the act must be "custody", authored by one of them); a quorum
// branch on an output that never granted one is refused by validation; the custodian is still read from the output.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { custodyDetails, custodyOutput, type CustodyPolicy } from '../../src-shared/authority/custody';
import { sealEnvelope, type EnvelopeAction } from '../../src-shared/crypto/envelope';
import {
  makeTransfer,
  thresholdDetails,
  signTransaction,
  type JsonObject,
  type Transaction,
} from '../../src-shared/ledger';
import { encodePayload, payloadOf } from '../../src-shared/records/payload';
import { sampleChart } from '../../test/fixtures/sample-chart';
import { nativeLedgerCrypto as crypto } from '../crypto/ledger-crypto';
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import { buildCreate, buildVersion } from '../records/version-builder';
import { verifyChartChain } from './chain';

const holder = () => new SeedKeyHolder(randomBytes(32));
const [ann, ben, cat] = [holder(), holder(), holder()];
const ada = holder();
const bob = holder();
const policy: CustodyPolicy = {
  authorityId: 'a'.repeat(64),
  quorum: thresholdDetails(
    2,
    [ann, ben, cat].map((o) => o.signKey),
  ),
  recoveryKey: holder().boxKey,
};
const custodianOf = (h: SeedKeyHolder) => ({ signKey: h.signKey, boxKey: h.boxKey, name: '' });
const officerSigner = (...hs: SeedKeyHolder[]) => {
  const by = new Map(hs.map((h) => [h.signKey, h]));
  return async (key: string, message: Uint8Array) => by.get(key)!.sign(message);
};

async function chart(custody: CustodyPolicy | null): Promise<Transaction[]> {
  const payload = payloadOf(sampleChart(), null, custodianOf(ada), []);
  const create = (await buildCreate(ada, payload, crypto, custody)).tx;
  const update = (await buildVersion(ada, create, create.id, 'update', 2, payload, crypto, custody)).tx;
  return [create, update];
}

async function quorumMove(
  head: Transaction,
  chartId: string,
  options: { action?: EnvelopeAction; author?: string; officers?: SeedKeyHolder[] } = {},
): Promise<Transaction> {
  const officers = options.officers ?? [ann, cat];
  const envelope = sealEnvelope(
    {
      action: options.action ?? 'custody',
      seq: 3,
      at: new Date().toISOString(),
      author: options.author ?? officers[0]!.signKey,
      chart: chartId,
    },
    encodePayload(payloadOf(sampleChart(), null, custodianOf(bob), [])),
    [bob.boxKey, policy.recoveryKey],
  );
  const unsigned = makeTransfer(
    [{ tx: head, outputIndex: 0 }],
    [custodyOutput(bob.signKey, policy)],
    envelope as unknown as JsonObject,
  );
  return signTransaction(unsigned, officerSigner(...officers), { keys: officers.map((o) => o.signKey), crypto });
}

describe('owner check under custodian-or-quorum outputs', () => {
  it("the custodian's branch writes; the custodian is read from the nested output", async () => {
    const txs = await chart(policy);
    const result = await verifyChartChain(txs[0]!.id, txs, { crypto });
    expect(result.failure).toBeNull();
    expect(result.versions.map((v) => v.owner)).toEqual([ada.signKey, ada.signKey]);
  });

  it('two officers move custody; the new custodian is the owner after it', async () => {
    const txs = await chart(policy);
    const move = await quorumMove(txs[1]!, txs[0]!.id);
    const result = await verifyChartChain(txs[0]!.id, [...txs, move], { crypto });
    expect(result.failure).toBeNull();
    expect(result.versions[2]).toMatchObject({ owner: bob.signKey, author: ann.signKey });
    expect(result.versions[2]!.checks.find((c) => c.check === 'owner')?.detail).toMatch(/quorum moved custody/);
  });

  it('the quorum may only move custody, as one of the officers who signed', async () => {
    const txs = await chart(policy);
    const update = await quorumMove(txs[1]!, txs[0]!.id, { action: 'update' });
    expect((await verifyChartChain(txs[0]!.id, [...txs, update], { crypto })).failure?.reason).toMatch(
      /may only move custody/,
    );
    const outsider = await quorumMove(txs[1]!, txs[0]!.id, { author: ben.signKey });
    expect((await verifyChartChain(txs[0]!.id, [...txs, outsider], { crypto })).failure?.reason).toMatch(
      /not among the officers who signed/,
    );
  });

  it('a quorum branch on a chart written without an authority is refused', async () => {
    const txs = await chart(null);
    await expect(quorumMove(txs[1]!, txs[0]!.id)).rejects.toThrow(/signer failed/);
    // Hand-built: the officers sign a 1-of-[custodian, quorum] fulfillment for ada's plain Ed25519 output.
    const envelope = sealEnvelope(
      { action: 'custody', seq: 3, at: new Date().toISOString(), author: ann.signKey, chart: txs[0]!.id },
      encodePayload(payloadOf(sampleChart(), null, custodianOf(bob), [])),
      [bob.boxKey],
    );
    const unsigned = makeTransfer(
      [{ tx: txs[1]!, outputIndex: 0 }],
      [custodyOutput(bob.signKey, policy)],
      envelope as unknown as JsonObject,
    );
    const forged = await signTransaction(
      { ...unsigned, inputs: [{ ...unsigned.inputs[0]!, fulfillment: custodyDetails(ada.signKey, policy.quorum) }] },
      officerSigner(ann, cat),
      { keys: [ann.signKey, cat.signKey], crypto },
    );
    const result = await verifyChartChain(txs[0]!.id, [...txs, forged], { crypto });
    expect(result.failure).toMatchObject({ seq: 3 });
    expect(result.failure?.checks.at(-1)).toMatchObject({ check: 'signatures', ok: false });
  });
});
