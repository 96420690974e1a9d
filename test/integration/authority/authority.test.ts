// The hospital authority against the real embedded node over HTTP and the real keychain: the ceremony (officers
// signing a partially signed file on disk, one after the other), credentials issued, renewed and revoked by the
// quorum, and what the registry makes of forgeries the node itself accepts (BigchainDB ties a CREATE's fulfillment
// to no condition, so only our verification stands between a forged credential and the directory).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLedgerNode, type LedgerNode } from '../../../src-main/ledger-node/node';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { NodeRejectedError } from '../../../src-main/ledger/errors';
import { CredentialRegistry, AuthorityUnverifiedError } from '../../../src-main/authority/credential-registry';
import { OfficerKeychain } from '../../../src-main/authority/officer-keychain';
import {
  prepareCeremony,
  prepareIssue,
  prepareRenew,
  prepareRevoke,
  postPartial,
  setUpOneMachineAuthority,
  signPartial,
} from '../../../src-main/authority/hospital';
import {
  assemble,
  addSignatures,
  combineRecoveryShares,
  makeCredentialIssue,
  makeCredentialRevoke,
  parsePartial,
  sealedShareOf,
  type CeremonyMetadata,
  type Officer,
  type PartialTransaction,
} from '../../../src-shared/authority';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { newSeed } from '../../../src-shared/crypto/keys';
import { signTransaction, thresholdDetails } from '../../../src-shared/ledger';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const FAST = { N: 1024, r: 8, p: 1 } as const;
const holder = () => new SeedKeyHolder(newSeed());
const ann = holder();
const ben = holder();
const cat = holder();
const mallory = holder();
const officers: Officer[] = [ann, ben, cat].map((h, i) => ({
  name: `Officer ${i + 1}`,
  signKey: h.signKey,
  boxKey: h.boxKey,
}));

let dir: string;
let node: LedgerNode;
let client: LedgerNodeClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hc-authority-'));
  node = await startLedgerNode({ port: 0, dataDir: join(dir, 'ledger'), access: { kind: 'open' } });
  client = new LedgerNodeClient({ nodeUrls: [node.url] });
});

afterAll(async () => {
  client?.close();
  await node?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** An officer signs the file on disk and writes it back, as each would on their own machine. */
async function signFile(path: string, officer: SeedKeyHolder): Promise<void> {
  const partial = parsePartial(readFileSync(path, 'utf8'));
  writeFileSync(path, JSON.stringify(await signPartial(partial, officer), null, 2));
}

async function signedBy(partial: PartialTransaction, signers: SeedKeyHolder[]): Promise<PartialTransaction> {
  for (const s of signers) partial = await addSignatures(partial, s);
  return partial;
}

async function heightOf(txId: string): Promise<number> {
  const { value } = await client.blockHeights(txId);
  expect(value).toHaveLength(1);
  return value[0]!;
}

const doctor = (licence: string, name = 'Dr Ada Okafor') => {
  const key = holder();
  return {
    name,
    licence,
    specialty: 'Oncology',
    signKey: key.signKey,
    boxKey: key.boxKey,
    validFrom: '2026-01-01T00:00:00Z',
    validUntil: '2099-01-01T00:00:00Z',
  };
};

describe('a 2-of-3 hospital authority on the embedded node', () => {
  let authorityId: string;
  let ceremonyFile: string;

  it('the ceremony file passes between officers; with one signature missing it is refused before anything is posted', async () => {
    const { partial } = await prepareCeremony({ name: 'St Elsewhere', threshold: 2, officers });
    ceremonyFile = join(dir, 'ceremony.json');
    writeFileSync(ceremonyFile, JSON.stringify(partial, null, 2));
    await signFile(ceremonyFile, ann);
    await signFile(ceremonyFile, cat);
    await expect(postPartial(client, parsePartial(readFileSync(ceremonyFile, 'utf8')))).rejects.toThrow(
      /Not enough officer signatures yet/,
    );
    // A file whose signature was altered does not count either.
    const altered = parsePartial(readFileSync(ceremonyFile, 'utf8'));
    const sig = altered.signatures[ann.signKey]![0]!;
    altered.signatures[ann.signKey] = [`${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`];
    await signFile(ceremonyFile, ben);
    await expect(
      assemble({
        ...parsePartial(readFileSync(ceremonyFile, 'utf8')),
        signatures: { ...parsePartial(readFileSync(ceremonyFile, 'utf8')).signatures, ...altered.signatures },
      }),
    ).rejects.toThrow(/Not enough officer signatures yet \(2 valid/);

    const { tx, outcome } = await postPartial(client, parsePartial(readFileSync(ceremonyFile, 'utf8')));
    expect(outcome).toBe('committed');
    authorityId = tx.id;
    const authority = await new CredentialRegistry(client, authorityId).authority();
    expect(authority.data).toMatchObject({ name: 'St Elsewhere', threshold: 2, officers });
    expect(authority.height).toBe(await heightOf(authorityId));
  });

  it('an "authority" naming three officers but signed by two of them is posted by the node, and refused by the registry', async () => {
    const { partial } = await prepareCeremony({ name: 'Fake General', threshold: 2, officers });
    const twoOfThree = {
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
    };
    const forged = await signTransaction(twoOfThree, async (k, m) => (k === ann.signKey ? ann : ben).sign(m), {
      keys: [ann.signKey, ben.signKey],
    });
    expect((await client.post(forged)).value).toBe('committed');
    await expect(new CredentialRegistry(client, forged.id).load()).rejects.toThrow(AuthorityUnverifiedError);
    await expect(new CredentialRegistry(client, forged.id).load()).rejects.toThrow(
      /not signed by every officer it names/,
    );
  });

  it('credentials: quorum-issued ones count from their block height; forged ones (1 of the 2-of-3, or an outsider) are never returned', async () => {
    const registry = new CredentialRegistry(client, authorityId);
    const authority = await registry.authority();
    const ada = doctor('GMC-100');
    const issued = await postPartial(client, await signedBy(prepareIssue(authority, ada), [ben, cat]));
    const issuedAt = await heightOf(issued.tx.id);

    // The issue #12 attack: an attacker's key named "Dr Ada Okafor", issued by one officer, or by the attacker alone.
    const evil = doctor('GMC-666', 'Dr Ada Okafor');
    const single = makeCredentialIssue(authority.data, { ...evil, authority: authorityId }, new Date().toISOString());
    const byOneOfficer = await signTransaction(
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
    const evil2 = doctor('GMC-667', 'Dr Ada Okafor');
    const outsiderUnsigned = makeCredentialIssue(
      authority.data,
      { ...evil2, authority: authorityId },
      new Date().toISOString(),
    );
    const byOutsider = await signTransaction(
      {
        ...outsiderUnsigned,
        inputs: [
          {
            owners_before: [mallory.signKey],
            fulfills: null,
            fulfillment: { type: 'ed25519-sha-256', public_key: mallory.signKey },
          },
        ],
      },
      async (_k, m) => mallory.sign(m),
    );
    expect((await client.post(byOneOfficer)).value).toBe('committed');
    expect((await client.post(byOutsider)).value).toBe('committed');

    const view = await registry.load();
    expect(view.practitioners(new Date()).map((p) => p.credentialId)).toEqual([issued.tx.id]);
    expect(view.statusAt(ada.signKey, issuedAt - 1).status).toBe('not-yet');
    expect(view.statusAt(ada.signKey, issuedAt)).toMatchObject({
      status: 'valid',
      credentialId: issued.tx.id,
      name: 'Dr Ada Okafor',
    });
    for (const forged of [evil, evil2])
      expect(view.statusAt(forged.signKey, issuedAt + 100)).toEqual({ status: 'unknown' });
    expect(view.problems).toEqual(
      expect.arrayContaining([
        {
          id: byOneOfficer.id,
          reason: "not a credential of this authority: it was not issued by the authority's quorum",
        },
        {
          id: byOutsider.id,
          reason: "not a credential of this authority: it was not issued by the authority's quorum",
        },
      ]),
    );
  });

  it('revoked: valid at heights before the revocation and revoked after; one officer alone cannot revoke (the node refuses)', async () => {
    const registry = new CredentialRegistry(client, authorityId);
    const authority = await registry.authority();
    const bo = doctor('GMC-200', 'Dr Bo Lind');
    const issued = await postPartial(client, await signedBy(prepareIssue(authority, bo), [ann, ben]));
    let view = await registry.load();
    const renewed = await postPartial(
      client,
      await signedBy(prepareRenew(view, issued.tx.id, new Date('2100-01-01T00:00:00Z')), [ann, cat]),
    );

    // One officer alone: the node's own rule refuses a spend of the quorum's output.
    view = await registry.load();
    const lone = makeCredentialRevoke(authority.data, renewed.tx, new Date().toISOString(), new Date().toISOString());
    const loneSigned = await signTransaction(
      {
        ...lone,
        inputs: [
          {
            ...lone.inputs[0]!,
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
    await expect(client.post(loneSigned)).rejects.toThrow(NodeRejectedError);

    const revoked = await postPartial(
      client,
      await signedBy(prepareRevoke(view, issued.tx.id, 'left the hospital'), [ben, cat]),
    );
    const [issuedAt, renewedAt, revokedAt] = [
      await heightOf(issued.tx.id),
      await heightOf(renewed.tx.id),
      await heightOf(revoked.tx.id),
    ];
    expect(issuedAt < renewedAt && renewedAt < revokedAt).toBe(true);
    view = await registry.load();
    expect(view.statusAt(bo.signKey, issuedAt).status).toBe('valid');
    expect(view.statusAt(bo.signKey, revokedAt - 1).status).toBe('valid');
    expect(view.statusAt(bo.signKey, revokedAt).status).toBe('revoked');
    expect(view.statusAt(bo.signKey, revokedAt + 50).status).toBe('revoked');
    expect(view.currentStatus(bo.signKey, new Date()).status).toBe('revoked');
    const entry = view.practitioners(new Date()).find((p) => p.credentialId === issued.tx.id);
    expect(entry).toMatchObject({
      status: 'revoked',
      endHeight: revokedAt,
      endReason: 'revoked',
      validUntil: '2100-01-01T00:00:00.000Z',
    });
    expect(() => prepareRevoke(view, issued.tx.id, 'again')).toThrow(/already revoked/);
  });

  it('a second credential with the same licence is ignored (reported); a re-key the quorum marks as superseding replaces the first', async () => {
    const registry = new CredentialRegistry(client, authorityId);
    const authority = await registry.authority();
    const first = doctor('NMC 300', 'Dr Cy Moss');
    const one = await postPartial(client, await signedBy(prepareIssue(authority, first), [ann, ben]));
    const copy = doctor('nmc-300', 'Dr Cy Moss');
    const dup = await postPartial(client, await signedBy(prepareIssue(authority, copy), [ann, ben]));
    let view = await registry.load();
    expect(view.problems).toContainEqual({
      id: dup.tx.id,
      reason: `ignored: licence nmc-300 is already held by credential ${one.tx.id}`,
    });
    expect(view.currentStatus(copy.signKey, new Date()).status).toBe('unknown');

    const rekey = doctor('NMC300', 'Dr Cy Moss');
    const two = await postPartial(
      client,
      await signedBy(prepareIssue(authority, { ...rekey, supersedes: one.tx.id }), [ben, cat]),
    );
    const at = await heightOf(two.tx.id);
    view = await registry.load();
    expect(view.statusAt(first.signKey, at - 1).status).toBe('valid');
    expect(view.statusAt(first.signKey, at).status).toBe('revoked');
    expect(view.statusAt(rekey.signKey, at).status).toBe('valid');
    const mosses = view.practitioners(new Date()).filter((p) => p.name === 'Dr Cy Moss');
    expect(mosses.map((p) => p.credentialId)).toEqual([two.tx.id]);
  });

  it('the recovery key: 2 of the 3 officers open their ledger-held shares and rebuild it; 1 alone is refused', async () => {
    const authority = await new CredentialRegistry(client, authorityId).authority();
    const { recoveryShares } = authority.tx.metadata as unknown as CeremonyMetadata;
    const open = (h: SeedKeyHolder) => h.openSealed(sealedShareOf(recoveryShares, h.signKey));
    const secret = await combineRecoveryShares(
      [await open(ann), await open(cat)],
      authority.data.threshold,
      authority.data.recoveryKey,
    );
    expect(secret).toHaveLength(32);
    await expect(
      combineRecoveryShares([await open(ben)], authority.data.threshold, authority.data.recoveryKey),
    ).rejects.toThrow(/needs 2 officers' shares; only 1/);
  });
});

describe('the one-machine 1-of-1 authority, its officer sealed in the real keychain', () => {
  const service = `HealthChain-authority-test-${randomBytes(6).toString('hex')}`;
  const keychain = new OfficerKeychain({ service, params: FAST });

  afterAll(async () => {
    for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
  });

  it('sets up, stores the officer under its own service and password, and that officer alone issues and revokes', async () => {
    const password = 'officer passphrase for tests';
    const setUp = await setUpOneMachineAuthority(client, keychain, {
      hospitalName: 'Clinic on the Hill',
      officerName: 'IT desk',
      password,
    });
    expect(await keychain.list()).toEqual([
      expect.objectContaining({ signKey: setUp.officer.signKey, name: 'IT desk' }),
    ]);
    const stored = await keytar.getPassword(service, setUp.officer.signKey);
    expect(stored).not.toContain(password);
    expect(JSON.parse(stored!)).toMatchObject({
      format: 'healthchain.vault-entry',
      signKey: setUp.officer.signKey,
      cipher: 'xsalsa20-poly1305',
    });
    await expect(keychain.unlock(setUp.officer.signKey, 'not the password at all')).rejects.toThrow(
      /Wrong officer password/,
    );
    await keytar.setPassword(service, 'garbage', 'not a sealed entry');
    const unreadable: { account: string; problem: string }[] = [];
    expect((await keychain.list(unreadable)).map((o) => o.signKey)).toEqual([setUp.officer.signKey]);
    expect(unreadable).toEqual([{ account: 'garbage', problem: expect.stringContaining('it is not JSON') }]);
    await keytar.deletePassword(service, 'garbage');

    const registry = new CredentialRegistry(client, setUp.authorityId);
    const authority = await registry.authority();
    expect(authority.data).toMatchObject({ name: 'Clinic on the Hill', threshold: 1, recoveryKey: setUp.recoveryKey });
    const officer = await keychain.unlock(setUp.officer.signKey, password);
    try {
      const dee = doctor('LIC-1', 'Dr Dee Park');
      const issued = await postPartial(client, await signPartial(prepareIssue(authority, dee), officer));
      let view = await registry.load();
      expect(view.currentStatus(dee.signKey, new Date()).status).toBe('valid');
      await postPartial(client, await signPartial(prepareRevoke(view, issued.tx.id, undefined), officer));
      view = await registry.load();
      expect(view.currentStatus(dee.signKey, new Date()).status).toBe('revoked');

      // The recovery share of a 1-of-1 authority is the whole key, sealed to the officer.
      const { recoveryShares } = authority.tx.metadata as unknown as CeremonyMetadata;
      const share = await officer.openSealed(sealedShareOf(recoveryShares, officer.signKey));
      expect(await combineRecoveryShares([share], 1, setUp.recoveryKey)).toHaveLength(32);
    } finally {
      officer.lock();
    }
  });

  it('credentials of another authority never show up in this one', async () => {
    const other = await setUpOneMachineAuthority(client, keychain, {
      hospitalName: 'Other Clinic',
      officerName: 'Other IT',
      password: 'another officer passphrase',
    });
    const view = await new CredentialRegistry(client, other.authorityId).load();
    expect(view.practitioners(new Date())).toEqual([]);
  });
});
