// When a chart version written by an officer (no practitioner credential) is vouched for by the pinned authority's
// quorum (src-main/records/chart-authorship.ts, isQuorumMove): only a custody move that at least `threshold` distinct
// officers of the pinned authority signed, its author among them. Attacks: a custodian who made the chart's output
// spendable by a quorum of their own choosing (one pinned officer alone, or keys of their own), a quorum writing
// something other than custody, an author who did not sign.
import { describe, expect, it } from 'vitest';
import { custodyOutput } from '../../../src-shared/authority/custody';
import type { VerifiedAuthority } from '../../../src-shared/authority';
import {
  makeCreate,
  makeTransfer,
  signTransaction,
  thresholdDetails,
  type Transaction,
} from '../../../src-shared/ledger';
import type { VerifiedVersion } from '../../../src-main/ledger/chain';
import { isQuorumMove } from '../../../src-main/records/chart-authorship';
import { signerFor, testKeys } from './seed-signer';

const { alice, bob, carol, dave, erin } = testKeys;
const officers = [alice.publicKey, bob.publicKey, carol.publicKey];
const pinned = {
  data: { threshold: 2, officers: officers.map((signKey) => ({ name: signKey, signKey, boxKey: signKey })) },
} as unknown as VerifiedAuthority;

/** A chart whose output the custodian (dave) made spendable by `quorum`, then spent through it by `signers`. */
async function movedBy(quorum: ReturnType<typeof thresholdDetails>, signers: (typeof alice)[]): Promise<Transaction> {
  const policy = { authorityId: 'a'.repeat(64), quorum, recoveryKey: erin.publicKey };
  const create = await signTransaction(
    makeCreate({ type: 'hc.chart/1' }, null, [custodyOutput(dave.publicKey, policy)], [dave.publicKey]),
    signerFor(dave),
  );
  return signTransaction(
    makeTransfer([{ tx: create, outputIndex: 0 }], [custodyOutput(bob.publicKey, policy)], { v: 2 }),
    signerFor(...signers),
    { keys: signers.map((s) => s.publicKey) },
  );
}

const version = (tx: Transaction, action: string, author: string) =>
  ({ tx, envelope: { action }, author }) as unknown as VerifiedVersion;

describe('a custody move by the quorum', () => {
  it('counts when two of the three pinned officers signed it, the author among them', async () => {
    const tx = await movedBy(thresholdDetails(2, officers), [alice, carol]);
    expect(isQuorumMove(version(tx, 'custody', alice.publicKey), pinned)).toBe(true);
  });

  it('does not count for a quorum the custodian chose: one pinned officer alone (1-of-[alice])', async () => {
    const tx = await movedBy(thresholdDetails(1, [alice.publicKey]), [alice]);
    expect(isQuorumMove(version(tx, 'custody', alice.publicKey), pinned)).toBe(false);
  });

  it('does not count for a quorum of keys that are not the pinned officers', async () => {
    const tx = await movedBy(thresholdDetails(2, [dave.publicKey, erin.publicKey]), [dave, erin]);
    expect(isQuorumMove(version(tx, 'custody', dave.publicKey), pinned)).toBe(false);
  });

  it('does not count for anything but custody, nor for an author who did not sign', async () => {
    const tx = await movedBy(thresholdDetails(2, officers), [alice, carol]);
    expect(isQuorumMove(version(tx, 'update', alice.publicKey), pinned)).toBe(false);
    expect(isQuorumMove(version(tx, 'custody', bob.publicKey), pinned)).toBe(false);
  });

  it("does not count for the custodian's own spend", async () => {
    const policy = { authorityId: 'a'.repeat(64), quorum: thresholdDetails(2, officers), recoveryKey: erin.publicKey };
    const create = await signTransaction(
      makeCreate({ type: 'hc.chart/1' }, null, [custodyOutput(dave.publicKey, policy)], [dave.publicKey]),
      signerFor(dave),
    );
    const own = await signTransaction(
      makeTransfer([{ tx: create, outputIndex: 0 }], [custodyOutput(bob.publicKey, policy)], { v: 2 }),
      signerFor(dave),
      { keys: [dave.publicKey] },
    );
    expect(isQuorumMove(version(own, 'custody', dave.publicKey), pinned)).toBe(false);
  });
});
