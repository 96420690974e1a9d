// The authority's pure parts with real signatures (pure-JS keys): the ceremony needs every officer, credentials need
// exactly the pinned quorum, status follows ledger position, licences are unique, and the recovery key rebuilds
// from m shares only. The same rules over the real node: test/integration/authority/.
import { describe, expect, it } from 'vitest';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { newSeed } from '../crypto/keys';
import { fromBase64 } from '../crypto/bytes';
import { signTransaction, thresholdDetails, type Transaction } from '../ledger';
import {
  addSignatures,
  assemble,
  combineRecoveryShares,
  describePartial,
  CredentialRegistryView,
  makeAuthorityCreate,
  makeCredentialIssue,
  makeCredentialRenew,
  makeCredentialRevoke,
  newRecoveryKeyPair,
  parsePartial,
  sealedShareOf,
  splitRecoverySecret,
  startPartial,
  verifyAuthority,
  verifyCredential,
  type AuthorityData,
  type CredentialData,
  type Positioned,
  type VerifiedAuthority,
  type VerifiedCredential,
} from './index';

const holder = () => new SeedKeyHolder(newSeed());
const [ann, ben, cat, mallory] = [holder(), holder(), holder(), holder()];
const officers = [ann, ben, cat].map((h, i) => ({ name: `Officer ${i + 1}`, signKey: h.signKey, boxKey: h.boxKey }));

async function ceremony(threshold = 2, signers = [ann, ben, cat]) {
  const recovery = newRecoveryKeyPair();
  const recoveryShares = await splitRecoverySecret(recovery.secret, officers, threshold);
  const unsigned = makeAuthorityCreate({
    name: 'St Elsewhere',
    threshold,
    officers,
    recoveryKey: recovery.publicKey,
    recoveryShares,
    at: '2026-01-01T00:00:00Z',
  });
  let partial = startPartial(unsigned, 'set up St Elsewhere');
  for (const s of signers) partial = parsePartial(JSON.stringify(await addSignatures(partial, s)));
  return { partial, recovery, recoveryShares };
}

let pinned: { tx: Transaction; authority: VerifiedAuthority } | undefined;
async function authority(): Promise<{ tx: Transaction; authority: VerifiedAuthority }> {
  if (pinned) return pinned;
  const tx = await assemble((await ceremony()).partial);
  const checked = verifyAuthority(tx.id, { tx, height: 1 });
  if (!checked.ok) throw new Error(checked.reason);
  return (pinned = { tx, authority: checked.value });
}

function credentialData(a: VerifiedAuthority, over: Partial<CredentialData> = {}): Omit<CredentialData, 'type'> {
  const doctor = holder();
  return {
    authority: a.id,
    name: 'Dr Ada Okafor',
    licence: 'GMC-1234567',
    specialty: 'Oncology',
    signKey: doctor.signKey,
    boxKey: doctor.boxKey,
    validFrom: '2026-01-01T00:00:00Z',
    validUntil: '2027-01-01T00:00:00Z',
    ...over,
  };
}

async function bySigners(unsigned: Parameters<typeof startPartial>[0], signers: SeedKeyHolder[]): Promise<Transaction> {
  let partial = startPartial(unsigned, 'test');
  for (const s of signers) partial = await addSignatures(partial, s);
  return assemble(partial);
}

function verified(
  a: VerifiedAuthority,
  chain: Positioned[],
  id = (chain[0]!.tx as Transaction).id,
): VerifiedCredential {
  const result = verifyCredential(a, id, chain);
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

describe('the ceremony', () => {
  it('needs every officer: with one signature missing the transaction is not assembled', async () => {
    const { partial } = await ceremony(2, [ann, cat]);
    await expect(assemble(partial)).rejects.toThrow(/Not enough officer signatures yet \(2 valid signature/);
  });

  it('a CREATE naming three officers but signed by two of them is not an authority', async () => {
    const { partial } = await ceremony(2, [ann, ben]);
    const forged = await signTransaction(
      {
        ...partial.unsigned,
        inputs: [
          {
            ...partial.unsigned.inputs[0]!,
            fulfillment: thresholdDetails(
              2,
              officers.map((o) => o.signKey),
            ),
          },
        ],
      },
      async (k, m) => (k === ann.signKey ? ann : ben).sign(m),
      { keys: [ann.signKey, ben.signKey] },
    );
    expect(verifyAuthority(forged.id, { tx: forged, height: 1 })).toEqual({
      ok: false,
      reason: 'the authority was not signed by every officer it names',
    });
  });

  it("an officer is shown what they sign, read from the transaction, not from the file's own purpose", async () => {
    const { partial } = await ceremony(2, []);
    const lying = { ...partial, purpose: 'renew a parking permit' };
    expect(describePartial(lying)).toBe(
      `set up the hospital authority "St Elsewhere": 2 of 3 officers (${officers.map((o) => `${o.name} ${o.signKey}`).join('; ')}), recovery key ${(partial.unsigned.asset as { data: AuthorityData }).data.recoveryKey}`,
    );
  });

  it('a signature by someone who is not an officer is refused when added', async () => {
    const { partial } = await ceremony(2, []);
    await expect(addSignatures(partial, mallory)).rejects.toThrow(/is not one of the keys this transaction needs/);
  });

  it('with all three, the authority verifies, and a tampered asset does not', async () => {
    const { tx, authority: a } = await authority();
    expect(a.data.threshold).toBe(2);
    const tampered = { ...tx, asset: { data: { ...(tx.asset as { data: AuthorityData }).data, threshold: 1 } } };
    expect(verifyAuthority(tx.id, { tx: tampered, height: 1 }).ok).toBe(false);
    expect(verifyAuthority('0'.repeat(64), { tx, height: 1 })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/returned transaction/),
    });
  });
});

describe('credentials', () => {
  it('issued by 2 of 3 officers: valid from its height; forged by 1 officer or an outsider: never returned', async () => {
    const { authority: a } = await authority();
    const good = await bySigners(makeCredentialIssue(a.data, credentialData(a), '2026-02-01T00:00:00Z'), [ben, cat]);
    expect(verifyCredential(a, good.id, [{ tx: good, height: 5 }]).ok).toBe(true);

    // One officer alone: the signer picks a 1-of-3 fulfillment by hand (the node would accept it: any signer).
    const single = makeCredentialIssue(a.data, credentialData(a, { licence: 'X-1' }), '2026-02-01T00:00:00Z');
    const oneOfficer = await signTransaction(
      {
        ...single,
        inputs: [
          {
            ...single.inputs[0]!,
            fulfillment: thresholdDetails(
              1,
              officers.map((o) => o.signKey),
            ),
          },
        ],
      },
      async (_k, m) => ann.sign(m),
      { keys: [ann.signKey] },
    );
    expect(verifyCredential(a, oneOfficer.id, [{ tx: oneOfficer, height: 6 }])).toEqual({
      ok: false,
      reason: "it was not issued by the authority's quorum",
    });

    const outsider = await signTransaction(
      {
        ...single,
        inputs: [
          {
            ...single.inputs[0]!,
            owners_before: [mallory.signKey],
            fulfillment: { type: 'ed25519-sha-256', public_key: mallory.signKey },
          },
        ],
      },
      async (_k, m) => mallory.sign(m),
    );
    expect(verifyCredential(a, outsider.id, [{ tx: outsider, height: 7 }])).toEqual({
      ok: false,
      reason: "it was not issued by the authority's quorum",
    });
  });

  it('with verdicts validated elsewhere (the verification workers): the same result, and an error verdict fails it', async () => {
    const { authority: a } = await authority();
    const good = await bySigners(makeCredentialIssue(a.data, credentialData(a), '2026-02-01T00:00:00Z'), [ann, cat]);
    const chain = [{ tx: good, height: 5 }];
    expect(verifyCredential(a, good.id, chain, undefined, [null])).toEqual(verifyCredential(a, good.id, chain));
    // The validator's verdict is the one used: the same refusal as when it runs here.
    const renamed = { ...good, asset: { data: { ...(good.asset as { data: object }).data, name: 'Dr Evil Twin' } } };
    const here = verifyCredential(a, good.id, [{ tx: renamed, height: 5 }]);
    expect(here).toEqual({ ok: false, reason: expect.stringMatching(/^its CREATE is invalid \(.*: InvalidHash\)$/) });
    expect(
      verifyCredential(a, good.id, [{ tx: renamed, height: 5 }], undefined, [{ type: 'InvalidHash', message: 'x' }]),
    ).toEqual(here);
    expect(verifyCredential(a, good.id, chain, undefined, [{ type: 'InvalidSignature', message: 'x' }])).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/InvalidSignature/),
    });
    expect(() => verifyCredential(a, good.id, chain, undefined, [])).toThrow(/0 verdicts for 1 transactions/);
  });

  it('revoked: valid at heights before the revocation, revoked from it on; renewal extends validUntil from its height', async () => {
    const { authority: a } = await authority();
    const data = credentialData(a, { validUntil: '2026-06-01T00:00:00Z' });
    const issue = await bySigners(makeCredentialIssue(a.data, data, '2026-02-01T00:00:00Z'), [ann, ben]);
    const renew = await bySigners(makeCredentialRenew(a.data, issue, '2027-06-01T00:00:00Z', '2026-05-01T00:00:00Z'), [
      ann,
      cat,
    ]);
    const revoke = await bySigners(
      makeCredentialRevoke(a.data, renew, '2026-09-01T00:00:00Z', '2026-09-01T00:00:00Z', 'left the hospital'),
      [ben, cat],
    );
    const chain = [
      { tx: revoke, height: 40 },
      { tx: issue, height: 10 },
      { tx: renew, height: 20 },
    ];
    const view = new CredentialRegistryView(a, [verified(a, chain, issue.id)]);
    expect(view.statusAt(data.signKey, 9).status).toBe('not-yet');
    expect(view.statusAt(data.signKey, 10).status).toBe('valid');
    expect(view.statusAt(data.signKey, 39).status).toBe('valid');
    expect(view.statusAt(data.signKey, 40).status).toBe('revoked');
    expect(view.statusAt(data.signKey, 1000).status).toBe('revoked');
    expect(view.statusAt(mallory.signKey, 20)).toEqual({ status: 'unknown' });
    expect(view.currentStatus(data.signKey, new Date('2026-07-01T00:00:00Z')).status).toBe('revoked');
    expect(view.problems).toEqual([]);
  });

  it("expiry is decided by the quorum's signed times around a height, never by anything else", async () => {
    const { authority: a } = await authority();
    const data = credentialData(a, { validUntil: '2026-06-01T00:00:00Z' });
    const issue = await bySigners(makeCredentialIssue(a.data, data, '2026-02-01T00:00:00Z'), [ann, ben]);
    // Another credential issued later gives an anchor: at height 50 the quorum signed 2026-08-01.
    const other = await bySigners(
      makeCredentialIssue(a.data, credentialData(a, { licence: 'OTHER-1' }), '2026-08-01T00:00:00Z'),
      [ann, ben],
    );
    const view = new CredentialRegistryView(a, [
      verified(a, [{ tx: issue, height: 10 }]),
      verified(a, [{ tx: other, height: 50 }]),
    ]);
    expect(view.statusAt(data.signKey, 30).status).toBe('valid'); // between anchors 2026-02-01 and 2026-08-01: not proven late
    expect(view.statusAt(data.signKey, 50).status).toBe('expired'); // at or after a 2026-08-01 anchor: proven late
    expect(view.statusAt(data.signKey, 80).status).toBe('expired');
    expect(view.currentStatus(data.signKey, new Date('2026-03-01T00:00:00Z')).status).toBe('valid');
    expect(view.currentStatus(data.signKey, new Date('2026-07-01T00:00:00Z')).status).toBe('expired');
  });

  it('a second credential with the same licence is ignored and reported, unless the quorum marked it as superseding the first', async () => {
    const { authority: a } = await authority();
    const first = credentialData(a, { licence: 'GMC 777' });
    const issue1 = await bySigners(makeCredentialIssue(a.data, first, '2026-02-01T00:00:00Z'), [ann, ben]);
    const dup = credentialData(a, { licence: 'gmc-777', name: 'Dr Ada Okafor (copy)' });
    const issueDup = await bySigners(makeCredentialIssue(a.data, dup, '2026-02-02T00:00:00Z'), [ann, ben]);
    const rekey = credentialData(a, { licence: 'GMC777', supersedes: issue1.id });
    const issueRekey = await bySigners(makeCredentialIssue(a.data, rekey, '2026-03-01T00:00:00Z'), [ben, cat]);
    const view = new CredentialRegistryView(a, [
      verified(a, [{ tx: issueRekey, height: 30 }]),
      verified(a, [{ tx: issueDup, height: 20 }]),
      verified(a, [{ tx: issue1, height: 10 }]),
    ]);
    expect(view.problems).toEqual([
      { id: issueDup.id, reason: `ignored: licence gmc-777 is already held by credential ${issue1.id}` },
    ]);
    expect(view.statusAt(dup.signKey, 25).status).toBe('unknown');
    expect(view.statusAt(first.signKey, 29).status).toBe('valid');
    expect(view.statusAt(first.signKey, 30).status).toBe('revoked'); // superseded by the re-key
    expect(view.statusAt(rekey.signKey, 30).status).toBe('valid');
    const listed = view.practitioners(new Date('2026-04-01T00:00:00Z'));
    expect(listed.map((p) => [p.credentialId, p.status])).toEqual([[issueRekey.id, 'valid']]);
  });

  it('a node answer with an altered act fails closed: reported, and the credential ends at the last good act', async () => {
    const { authority: a } = await authority();
    const data = credentialData(a, { licence: 'FAIL-CLOSED-1' });
    const issue = await bySigners(makeCredentialIssue(a.data, data, '2026-02-01T00:00:00Z'), [ann, ben]);
    const renew = await bySigners(makeCredentialRenew(a.data, issue, '2099-01-01T00:00:00Z', '2026-03-01T00:00:00Z'), [
      ann,
      ben,
    ]);
    const altered = { ...renew, metadata: { ...renew.metadata, validUntil: '2199-01-01T00:00:00Z' } };
    const credential = verified(
      a,
      [
        { tx: issue, height: 10 },
        { tx: altered, height: 20 },
      ],
      issue.id,
    );
    expect(credential.problem).toMatch(/^the node returned invalid transactions for it \(.*InvalidHash\)$/);
    const view = new CredentialRegistryView(a, [credential]);
    expect(view.statusAt(data.signKey, 9).status).toBe('not-yet');
    expect(view.statusAt(data.signKey, 10).status).toBe('revoked');
    expect(view.problems).toEqual([{ id: issue.id, reason: credential.problem }]);
  });

  it('a node that places an act before the transaction it spends is caught', async () => {
    const { authority: a } = await authority();
    const data = credentialData(a, { licence: 'ORDER-1' });
    const issue = await bySigners(makeCredentialIssue(a.data, data, '2026-02-01T00:00:00Z'), [ann, ben]);
    const revoke = await bySigners(
      makeCredentialRevoke(a.data, issue, '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z'),
      [ann, cat],
    );
    const credential = verified(
      a,
      [
        { tx: issue, height: 30 },
        { tx: revoke, height: 20 },
      ],
      issue.id,
    );
    expect(credential.problem).toBe(`the node puts transaction ${revoke.id} before the one it spends`);
    expect(new CredentialRegistryView(a, [credential]).statusAt(data.signKey, 30).status).toBe('revoked');
  });

  it('a revocation signed by one officer is refused by the ledger rule, so the chain ignores a forged act', async () => {
    const { authority: a } = await authority();
    const issue = await bySigners(makeCredentialIssue(a.data, credentialData(a), '2026-02-01T00:00:00Z'), [ann, ben]);
    const unsigned = makeCredentialRevoke(a.data, issue, '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z');
    await expect(bySigners(unsigned, [cat])).rejects.toThrow(/Not enough officer signatures/);
  });
});

describe('the recovery key', () => {
  it('2 of 3 officers rebuild it; 1 of 3 is refused; a garbled or foreign share is detected', async () => {
    const { recovery, recoveryShares } = await ceremony(2, []);
    const open = (h: SeedKeyHolder) => h.openSealed(sealedShareOf(recoveryShares, h.signKey));
    const [a, b, c] = [await open(ann), await open(ben), await open(cat)];
    expect(await combineRecoveryShares([a, c], 2, recovery.publicKey)).toEqual(recovery.secret);
    expect(await combineRecoveryShares([b, c], 2, recovery.publicKey)).toEqual(recovery.secret);
    await expect(combineRecoveryShares([b], 2, recovery.publicKey)).rejects.toThrow(
      /needs 2 officers' shares; only 1 given/,
    );
    const garbled = Uint8Array.from(b);
    garbled[5]! ^= 0x40;
    await expect(combineRecoveryShares([a, garbled], 2, recovery.publicKey)).rejects.toThrow(
      /not the hospital's recovery key/,
    );
    await expect(combineRecoveryShares([a, a], 2, recovery.publicKey)).rejects.toThrow(/same share was given twice/);
    const other = await ceremony(2, []);
    const foreign = await ann.openSealed(fromBase64(other.recoveryShares[0]!.share));
    await expect(combineRecoveryShares([foreign, b], 2, recovery.publicKey)).rejects.toThrow(
      /not the hospital's recovery key/,
    );
    // Only the officer can open their own share.
    await expect(mallory.openSealed(sealedShareOf(recoveryShares, ann.signKey))).rejects.toThrow();
  });

  it('a 1-of-1 authority: the one officer holds the whole secret', async () => {
    const recovery = newRecoveryKeyPair();
    const [share] = await splitRecoverySecret(recovery.secret, [officers[0]!], 1);
    const opened = await ann.openSealed(fromBase64(share!.share));
    expect(await combineRecoveryShares([opened], 1, recovery.publicKey)).toEqual(recovery.secret);
  });
});
