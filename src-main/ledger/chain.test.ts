import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signerFor } from '../../src-shared/crypto/keyholder';
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import { sealEnvelope } from '../../src-shared/crypto/envelope';
import {
  ed25519Output,
  encodeFulfillment,
  fromBase58,
  inputDigest,
  makeTransfer,
  signTransaction,
  toBase64Url,
  transactionId,
  type JsonObject,
  type Transaction,
} from '../../src-shared/ledger';
import { sampleChart } from '../../test/fixtures/sample-chart';
import { encodePayload, payloadOf } from '../../src-shared/records/payload';
import { buildCreate, buildVersion } from '../records/version-builder';
import { FUTURE_SKEW_MS, verifyChartChain } from './chain';
import { forgeCreate } from '../../test/fixtures/forged-create';
import { nativeLedgerCrypto as crypto } from '../crypto/ledger-crypto';

const doctor = () => new SeedKeyHolder(randomBytes(32));
const custodianOf = (h: SeedKeyHolder) => ({ signKey: h.signKey, boxKey: h.boxKey, name: '' });

async function chainOf(a: SeedKeyHolder, length: number): Promise<Transaction[]> {
  const payload = payloadOf(sampleChart(), null, custodianOf(a), []);
  const txs = [(await buildCreate(a, payload, crypto)).tx];
  for (let seq = 2; seq <= length; seq++)
    txs.push((await buildVersion(a, txs.at(-1)!, txs[0]!.id, 'update', seq, payload, crypto)).tx);
  return txs;
}

/** A TRANSFER spending `head`, with an envelope whose fields the test chooses, signed by `signer`. */
async function forged(
  signer: SeedKeyHolder,
  head: Transaction,
  chartId: string,
  envelope: { seq: number; author: string },
  owner = signer,
): Promise<Transaction> {
  const env = sealEnvelope(
    { action: 'update', seq: envelope.seq, at: new Date().toISOString(), author: envelope.author, chart: chartId },
    encodePayload(payloadOf(sampleChart(), null, custodianOf(owner), [])),
    [owner.boxKey],
  );
  const unsigned = makeTransfer(
    [{ tx: head, outputIndex: 0 }],
    [ed25519Output(owner.signKey)],
    env as unknown as JsonObject,
  );
  const spentOwner = head.outputs[0]!.public_keys[0];
  if (spentOwner === signer.signKey) return signTransaction(unsigned, signerFor(signer), { crypto });
  // Not the owner: a well-formed fulfillment with the signer's own key and a valid signature of the right message,
  // as an attacker would make; only the check against the spent output's condition can refuse it.
  const signature = await signer.sign(inputDigest(unsigned, 0, crypto));
  const fulfillment = toBase64Url(
    encodeFulfillment({ type: 'ed25519-sha-256', publicKey: fromBase58(signer.signKey)!, signature }),
  );
  const tx = { ...unsigned, inputs: [{ ...unsigned.inputs[0]!, fulfillment }], id: '' } as Transaction;
  return { ...tx, id: transactionId({ ...tx, id: null }, crypto) };
}

describe('verifyChartChain', () => {
  it('accepts a chain in any order and reports it oldest first', async () => {
    const a = doctor();
    const txs = await chainOf(a, 4);
    const result = await verifyChartChain(txs[0]!.id, [txs[2], txs[0], txs[3], txs[1]], { crypto });
    expect(result.failure).toBeNull();
    expect(result.versions.map((v) => v.seq)).toEqual([1, 2, 3, 4]);
    expect(result.versions.every((v) => v.author === a.signKey && v.owner === a.signKey)).toBe(true);
  });

  it('the author named in the envelope must be the signer', async () => {
    const [a, b] = [doctor(), doctor()];
    const txs = await chainOf(a, 2);
    const bad = await forged(a, txs[1]!, txs[0]!.id, { seq: 3, author: b.signKey });
    const result = await verifyChartChain(txs[0]!.id, [...txs, bad], { crypto });
    expect(result.failure?.reason).toBe(
      `Version 3 (transaction ${bad.id}): The envelope names author ${b.signKey} but ${a.signKey} signed`,
    );
    expect(result.versions).toHaveLength(2);
  });

  it('someone who does not own the chart cannot append a version', async () => {
    const [a, b] = [doctor(), doctor()];
    const txs = await chainOf(a, 2);
    const bad = await forged(b, txs[1]!, txs[0]!.id, { seq: 3, author: b.signKey });
    const result = await verifyChartChain(txs[0]!.id, [...txs, bad], { crypto });
    expect(result.failure?.reason).toBe(
      `Version 3 (transaction ${bad.id}): InvalidSignature: Transaction signature is invalid.`,
    );
  });

  it('after custody passes, the new custodian writes and the old one no longer can', async () => {
    const [a, b] = [doctor(), doctor()];
    const txs = await chainOf(a, 1);
    const handover = await forged(a, txs[0]!, txs[0]!.id, { seq: 2, author: a.signKey }, b);
    const byB = await forged(b, handover, txs[0]!.id, { seq: 3, author: b.signKey });
    const ok = await verifyChartChain(txs[0]!.id, [txs[0], handover, byB], { crypto });
    expect(ok.failure).toBeNull();
    expect(ok.versions.map((v) => v.owner)).toEqual([a.signKey, b.signKey, b.signKey]);
    const byA = await forged(a, handover, txs[0]!.id, { seq: 3, author: a.signKey });
    expect((await verifyChartChain(txs[0]!.id, [txs[0], handover, byA], { crypto })).failure?.reason).toMatch(
      /InvalidSignature/,
    );
  });

  it('a version numbered out of order, a fork, and a missing CREATE are each named', async () => {
    const a = doctor();
    const txs = await chainOf(a, 2);
    const skipped = await forged(a, txs[1]!, txs[0]!.id, { seq: 5, author: a.signKey });
    expect((await verifyChartChain(txs[0]!.id, [...txs, skipped], { crypto })).failure?.reason).toBe(
      `Version 3 (transaction ${skipped.id}): The envelope says version 5 where version 3 stands`,
    );
    const sibling = await forged(a, txs[0]!, txs[0]!.id, { seq: 2, author: a.signKey });
    expect((await verifyChartChain(txs[0]!.id, [...txs, sibling], { crypto })).failure?.reason).toBe(
      '2 transactions spend version 1: the history forks',
    );
    expect((await verifyChartChain(txs[0]!.id, [txs[1]], { crypto })).failure?.reason).toBe(
      `The chart's CREATE transaction ${txs[0]!.id} is missing from the node's answer`,
    );
    expect((await verifyChartChain(txs[0]!.id, [txs[0], txs[0]], { crypto })).failure?.reason).toBe(
      `The node returned transaction ${txs[0]!.id} twice`,
    );
  });

  it('skips full validation of transactions it already knows, but still checks how they link', async () => {
    const a = doctor();
    const txs = await chainOf(a, 3);
    const validated: number[][] = [];
    const validator = {
      validate: async (_answer: unknown, indices: readonly number[]) => {
        validated.push([...indices]);
        return indices.map(() => null);
      },
      close: async () => undefined,
    };
    const known = new Set([txs[0]!.id, txs[1]!.id]);
    const result = await verifyChartChain(txs[0]!.id, txs, {
      crypto,
      validator,
      known: (tx) => known.has((tx as Transaction).id),
    });
    expect(result.failure).toBeNull();
    expect(validated).toEqual([[2]]);
    // A known transaction in the wrong place is still refused: knowing it proves its content, not its position.
    const swapped = await verifyChartChain(txs[0]!.id, [txs[0], txs[2]], { crypto, validator, known: () => true });
    expect(swapped.failure?.reason).toMatch(/does not spend version 1|does not continue/);
  });

  it('reports the validator’s verdict exactly as the reference words it', async () => {
    const a = doctor();
    const txs = await chainOf(a, 2);
    const validator = {
      validate: async (_answer: unknown, indices: readonly number[]) =>
        indices.map((i) =>
          i === 1 ? { type: 'InvalidSignature' as const, message: 'Transaction signature is invalid.' } : null,
        ),
      close: async () => undefined,
    };
    const result = await verifyChartChain(txs[0]!.id, txs, { crypto, validator });
    expect(result.failure?.reason).toBe(
      `Version 2 (transaction ${txs[1]!.id}): InvalidSignature: Transaction signature is invalid.`,
    );
    expect(result.failure?.checks.at(-1)).toMatchObject({ check: 'signatures', ok: false });
  });

  it('a version too malformed to link is named by its validation failure, with the versions before it', async () => {
    const a = doctor();
    const txs = await chainOf(a, 3);
    const broken = { ...txs[1]!, outputs: null } as unknown as Transaction;
    const result = await verifyChartChain(txs[0]!.id, [txs[0], broken, txs[2]], { crypto });
    expect(result.versions).toHaveLength(1);
    expect(result.failure?.reason).toMatch(
      /^Version 2 \(transaction [0-9a-f]{64}\): (InvalidHash|SchemaValidationError): /,
    );
  });
});

describe('verifyChartChain: what the node accepts but a chart must not (issue #12)', () => {
  const payloadFor = (h: SeedKeyHolder) => payloadOf(sampleChart(), null, custodianOf(h), []);

  it('refuses a CREATE whose input names another key than the one that signed', async () => {
    const [attacker, victim] = [doctor(), doctor()];
    const tx = await forgeCreate(
      {
        signer: attacker,
        payload: payloadFor(attacker),
        readers: [attacker.boxKey],
        at: new Date(),
        ownerBefore: victim.signKey,
      },
      crypto,
    );
    const result = await verifyChartChain(tx.id, [tx], { crypto });
    expect(result.versions).toEqual([]);
    expect(result.failure?.checks.at(-1)).toEqual({
      check: 'owner',
      ok: false,
      detail: `The input names ${victim.signKey} as its owner but ${attacker.signKey} signed`,
    });
  });

  it('refuses an envelope dated beyond the reader clock and its skew, and accepts one within it', async () => {
    const a = doctor();
    const now = Date.parse('2026-12-04T12:00:00Z');
    const ahead = (ms: number) => buildCreate(a, payloadFor(a), crypto, null, new Date(now + ms));
    const late = (await ahead(FUTURE_SKEW_MS + 1000)).tx;
    const refused = await verifyChartChain(late.id, [late], { crypto, now: () => now });
    expect(refused.failure?.reason).toBe(
      `Version 1 (transaction ${late.id}): The envelope is dated 2026-12-04T12:05:01.000Z, in the future (this computer's clock reads 2026-12-04T12:00:00.000Z)`,
    );
    const skewed = (await ahead(FUTURE_SKEW_MS - 1000)).tx;
    expect((await verifyChartChain(skewed.id, [skewed], { crypto, now: () => now })).failure).toBeNull();
  });
});
