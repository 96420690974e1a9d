// Credential status along one chart with as few block heights as possible: the two ends when every author's
// credential counts throughout, a bisection otherwise; validThroughout sees a lapse between two valid ends.
import { describe, expect, it } from 'vitest';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { newSeed } from '../crypto/keys';
import type { Transaction } from '../ledger';
import {
  addSignatures,
  assemble,
  authorsAtHeights,
  badRanges,
  CredentialRegistryView,
  makeAuthorityCreate,
  makeCredentialIssue,
  makeCredentialRenew,
  makeCredentialRevoke,
  newRecoveryKeyPair,
  splitRecoverySecret,
  startPartial,
  verifyAuthority,
  verifyCredential,
  type CredentialData,
  type Positioned,
  type VerifiedAuthority,
} from './index';

const holder = () => new SeedKeyHolder(newSeed());
const [ann, ben] = [holder(), holder()];
const officers = [ann, ben].map((h, i) => ({ name: `Officer ${i + 1}`, signKey: h.signKey, boxKey: h.boxKey }));
const [ada, bea, mallory] = [holder(), holder(), holder()];

async function quorum(unsigned: Parameters<typeof startPartial>[0], signers = [ann, ben]): Promise<Transaction> {
  let partial = startPartial(unsigned, 'test');
  for (const s of signers) partial = await addSignatures(partial, s);
  return assemble(partial);
}

async function pinned(): Promise<VerifiedAuthority> {
  const recovery = newRecoveryKeyPair();
  const tx = await quorum(
    makeAuthorityCreate({
      name: 'St Elsewhere',
      threshold: 2,
      officers,
      recoveryKey: recovery.publicKey,
      recoveryShares: await splitRecoverySecret(recovery.secret, officers, 2),
      at: '2026-01-01T00:00:00Z',
    }),
  );
  const checked = verifyAuthority(tx.id, { tx, height: 1 });
  if (!checked.ok) throw new Error(checked.reason);
  return checked.value;
}

const data = (a: VerifiedAuthority, who: SeedKeyHolder, over: Partial<CredentialData> = {}) => ({
  authority: a.id,
  name: `Dr ${who.signKey.slice(0, 4)}`,
  licence: `GMC-${who.signKey.slice(0, 6)}`,
  specialty: 'Oncology',
  signKey: who.signKey,
  boxKey: who.boxKey,
  validFrom: '2026-01-01T00:00:00Z',
  validUntil: '2099-01-01T00:00:00Z',
  ...over,
});

function credential(a: VerifiedAuthority, chain: Positioned[]) {
  const result = verifyCredential(a, (chain[0]!.tx as Transaction).id, chain);
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

/** heightOf over fixed heights, recording which versions were asked for. */
function heights(list: (number | null)[]) {
  const asked: number[] = [];
  return { asked, heightOf: async (i: number) => (asked.push(i), list[i]!) };
}

describe('authorsAtHeights', () => {
  it('asks only the two ends when every author counts throughout', async () => {
    const a = await pinned();
    const issueAda = await quorum(makeCredentialIssue(a.data, data(a, ada), '2026-02-01T00:00:00Z'));
    const issueBea = await quorum(makeCredentialIssue(a.data, data(a, bea), '2026-02-01T00:00:00Z'));
    const view = new CredentialRegistryView(a, [
      credential(a, [{ tx: issueAda, height: 10 }]),
      credential(a, [{ tx: issueBea, height: 11 }]),
    ]);
    const { asked, heightOf } = heights([20, 21, 22, 23, 24, 25]);
    const result = await authorsAtHeights(
      [ada, ada, bea, ada, bea, ada].map((h) => h.signKey),
      heightOf,
      view,
    );
    expect(result.map((r) => r.status)).toEqual(Array(6).fill('valid'));
    expect(asked.sort()).toEqual([0, 5]);
  });

  it('bisects around a revocation: versions before it are valid, those at or after it revoked', async () => {
    const a = await pinned();
    const issue = await quorum(makeCredentialIssue(a.data, data(a, ada), '2026-02-01T00:00:00Z'));
    const revoke = await quorum(
      makeCredentialRevoke(a.data, issue, '2026-05-01T00:00:00Z', '2026-05-01T00:00:00Z', 'left the hospital'),
    );
    const view = new CredentialRegistryView(a, [
      credential(a, [
        { tx: issue, height: 10 },
        { tx: revoke, height: 40 },
      ]),
    ]);
    const { asked, heightOf } = heights([20, 25, 30, 45, 50]);
    const result = await authorsAtHeights(Array(5).fill(ada.signKey), heightOf, view);
    expect(result.map((r) => r.status)).toEqual(['valid', 'valid', 'valid', 'revoked', 'revoked']);
    expect(result[3]).toMatchObject({ height: 45 });
    expect(asked.sort()).toEqual([0, 2, 3, 4]); // version 2 (index 1) is between two valid ends: never asked
  });

  it('an uncredentialed author is unknown; a version before issuance is not-yet', async () => {
    const a = await pinned();
    const issue = await quorum(makeCredentialIssue(a.data, data(a, ada), '2026-02-01T00:00:00Z'));
    const view = new CredentialRegistryView(a, [credential(a, [{ tx: issue, height: 10 }])]);
    expect((await authorsAtHeights([mallory.signKey], heights([20]).heightOf, view))[0]).toEqual({
      status: 'unknown',
      height: 20,
    });
    const early = await authorsAtHeights([ada.signKey, ada.signKey], heights([5, 12]).heightOf, view);
    expect(early.map((r) => r.status)).toEqual(['not-yet', 'valid']);
  });

  it('a version the node puts in no block, or below the one before, is unplaced', async () => {
    const a = await pinned();
    const issue = await quorum(makeCredentialIssue(a.data, data(a, ada), '2026-02-01T00:00:00Z'));
    const view = new CredentialRegistryView(a, [credential(a, [{ tx: issue, height: 10 }])]);
    const none = await authorsAtHeights(Array(3).fill(ada.signKey), heights([20, 21, null]).heightOf, view);
    expect(none.map((r) => r.status)).toEqual(['valid', 'valid', 'unplaced']);
    // A middle height is never asked while the ends decide; ends out of order are caught.
    const backwards = await authorsAtHeights(Array(3).fill(ada.signKey), heights([30, 25, 20]).heightOf, view);
    expect(backwards.map((r) => r.status)).toEqual(['valid', 'unplaced', 'unplaced']);
  });
});

describe('CredentialRegistryView.validThroughout', () => {
  it('sees a lapse between two valid ends (expired, then renewed)', async () => {
    const a = await pinned();
    const issue = await quorum(
      makeCredentialIssue(a.data, data(a, ada, { validUntil: '2026-06-01T00:00:00Z' }), '2026-02-01T00:00:00Z'),
    );
    // Another act at height 50, signed 2026-08-01, proves every later height late for ada's first term.
    const other = await quorum(makeCredentialIssue(a.data, data(a, bea), '2026-08-01T00:00:00Z'));
    const renew = await quorum(makeCredentialRenew(a.data, issue, '2027-06-01T00:00:00Z', '2026-08-02T00:00:00Z'));
    const view = new CredentialRegistryView(a, [
      credential(a, [
        { tx: issue, height: 10 },
        { tx: renew, height: 60 },
      ]),
      credential(a, [{ tx: other, height: 50 }]),
    ]);
    expect(view.statusAt(ada.signKey, 40).status).toBe('valid');
    expect(view.statusAt(ada.signKey, 55).status).toBe('expired');
    expect(view.statusAt(ada.signKey, 70).status).toBe('valid');
    expect(view.validThroughout(ada.signKey, 40, 70)).toBe(false);
    expect(view.validThroughout(ada.signKey, 10, 49)).toBe(true);
    expect(view.validThroughout(ada.signKey, 60, 1000)).toBe(true);
    expect(view.validThroughout(mallory.signKey, 10, 20)).toBe(false);
  });
});

describe('badRanges', () => {
  it('gives exactly the heights where statusAt is not valid: before issuance, a proven lapse, after revocation', async () => {
    const a = await pinned();
    const issue = await quorum(
      makeCredentialIssue(a.data, data(a, ada, { validUntil: '2026-06-01T00:00:00Z' }), '2026-02-01T00:00:00Z'),
    );
    const other = await quorum(makeCredentialIssue(a.data, data(a, bea), '2026-08-01T00:00:00Z'));
    const renew = await quorum(makeCredentialRenew(a.data, issue, '2027-06-01T00:00:00Z', '2026-08-02T00:00:00Z'));
    const revoke = await quorum(
      makeCredentialRevoke(a.data, renew, '2026-09-01T00:00:00Z', '2026-09-01T00:00:00Z', 'left the hospital'),
    );
    const view = new CredentialRegistryView(a, [
      credential(a, [
        { tx: issue, height: 10 },
        { tx: renew, height: 60 },
        { tx: revoke, height: 80 },
      ]),
      credential(a, [{ tx: other, height: 50 }]),
    ]);
    const tip = 120;
    for (const who of [ada, bea, mallory]) {
      const statusAt = (h: number) => view.statusAt(who.signKey, h).status;
      const ranges = badRanges(statusAt, view.changeHeights(who.signKey), tip);
      const inRange = (h: number) => ranges.some((r) => r.from <= h && h <= r.to);
      for (let h = 0; h <= tip; h++)
        expect([who.signKey.slice(0, 4), h, inRange(h)]).toEqual([who.signKey.slice(0, 4), h, statusAt(h) !== 'valid']);
    }
    expect(badRanges((h) => view.statusAt(ada.signKey, h).status, view.changeHeights(ada.signKey), tip)).toEqual([
      { from: 0, to: 9 },
      { from: 50, to: 59 },
      { from: 80, to: 120 },
    ]);
    expect(
      badRanges((h) => view.statusAt(mallory.signKey, h).status, view.changeHeights(mallory.signKey), tip),
    ).toEqual([{ from: 0, to: 120 }]);
  });
});
