// What a hostile node (here a rewriting proxy in front of the real embedded node) can and cannot do to the
// credential registry at this stage (docs/AUTHORITY.md §"Threats"). It cannot forge or alter a credential or the
// authority; it can hide what it likes, and hiding a revocation is the one that matters: AuthorityTrust (what the app
// uses) keeps the highest act it saw per credential and asks a second node when there is one; the gap that remains (a
// reader that never saw the revocation, with one node) is pinned here so it is visible.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLedgerNode, type LedgerNode } from '../../../src-main/ledger-node/node';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import { prepareCeremony, prepareIssue, prepareRevoke, postPartial } from '../../../src-main/authority/hospital';
import { addSignatures, type PartialTransaction } from '../../../src-shared/authority';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { newSeed } from '../../../src-shared/crypto/keys';
import { startTamperProxy, type TamperProxy } from '../charts/tamper-proxy';
import { AuthorityTrust } from '../../../src-main/authority/trust';
import { ChartAuthorship } from '../../../src-main/records/chart-authorship';
import type { VerifiedVersion } from '../../../src-main/ledger/chain';
import { VerifyPool } from '../../../src-main/ledger/verify-pool';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const holder = () => new SeedKeyHolder(newSeed());
const [ann, ben] = [holder(), holder()];
const officers = [ann, ben].map((h, i) => ({ name: `Officer ${i + 1}`, signKey: h.signKey, boxKey: h.boxKey }));

let dir: string;
let node: LedgerNode;
let proxy: TamperProxy;
let honest: LedgerNodeClient;
let viaProxy: LedgerNodeClient;
let authorityId: string;
let adaId: string;
let adaKey: string;
let revokeId: string;

async function both(partial: PartialTransaction): Promise<PartialTransaction> {
  return addSignatures(await addSignatures(partial, ann), ben);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hc-authority-hostile-'));
  node = await startLedgerNode({ port: 0, dataDir: dir, access: { kind: 'open' } });
  proxy = await startTamperProxy(node.url);
  honest = new LedgerNodeClient({ nodeUrls: [node.url] });
  viaProxy = new LedgerNodeClient({ nodeUrls: [proxy.url] });
  authorityId = (
    await postPartial(
      honest,
      await both((await prepareCeremony({ name: 'St Elsewhere', threshold: 2, officers })).partial),
    )
  ).tx.id;
  const authority = await new CredentialRegistry(honest, authorityId).authority();
  const ada = holder();
  adaKey = ada.signKey;
  adaId = (
    await postPartial(
      honest,
      await both(
        prepareIssue(authority, {
          name: 'Dr Ada Okafor',
          licence: 'GMC-1',
          specialty: 'Oncology',
          signKey: ada.signKey,
          boxKey: ada.boxKey,
          validFrom: '2026-01-01T00:00:00Z',
          validUntil: '2099-01-01T00:00:00Z',
        }),
      ),
    )
  ).tx.id;
  const view = await new CredentialRegistry(honest, authorityId).load();
  revokeId = (await postPartial(honest, await both(prepareRevoke(view, adaId, 'left')))).tx.id;
});

afterAll(async () => {
  honest?.close();
  viaProxy?.close();
  await proxy?.close();
  await node?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a hostile node', () => {
  it('cannot rename a credential: the altered credential is dropped and reported, never shown under the new name', async () => {
    proxy.setRewrite((path, body) =>
      path.includes(`asset_id=${adaId}`) ? body.replaceAll('Dr Ada Okafor', 'Dr Evil Twin') : body,
    );
    const view = await new CredentialRegistry(viaProxy, authorityId).load();
    proxy.setRewrite(null);
    expect(view.practitioners(new Date())).toEqual([]);
    expect(view.problems).toEqual([
      {
        id: adaId,
        reason: expect.stringMatching(/^not a credential of this authority: its CREATE is invalid \(.*InvalidHash/),
      },
    ]);
  });

  it('with the credentials validated in the verification workers (as the chart service does): the same registry, the altered credential dropped with the same reason', async () => {
    const pool = new VerifyPool({ crypto: nativeLedgerCrypto, size: 1 });
    let validated = 0;
    const workers = {
      validate: (answer: Parameters<VerifyPool['validate']>[0], indices: readonly number[]) => {
        validated += indices.length;
        return pool.validate(answer, indices);
      },
    };
    try {
      const here = await new CredentialRegistry(honest, authorityId).load();
      const there = await new CredentialRegistry(honest, authorityId, nativeLedgerCrypto, workers).load();
      expect(validated).toBe(2); // Ada's issue and revocation
      expect(there.problems).toEqual([]);
      expect(there.statusAt(adaKey, 1_000_000)).toEqual(here.statusAt(adaKey, 1_000_000));
      expect(there.credential(adaId)).toEqual(here.credential(adaId));

      proxy.setRewrite((path, body) =>
        path.includes(`asset_id=${adaId}`) ? body.replaceAll('Dr Ada Okafor', 'Dr Evil Twin') : body,
      );
      const view = await new CredentialRegistry(viaProxy, authorityId, nativeLedgerCrypto, workers).load();
      proxy.setRewrite(null);
      expect(view.practitioners(new Date())).toEqual([]);
      expect(view.problems).toEqual([
        {
          id: adaId,
          reason: expect.stringMatching(/^not a credential of this authority: its CREATE is invalid \(.*InvalidHash/),
        },
      ]);
    } finally {
      proxy.setRewrite(null);
      await pool.close();
    }
  });

  it('cannot alter the authority (e.g. lower its threshold)', async () => {
    proxy.setRewrite((path, body) =>
      path.includes(`transactions/${authorityId}`) ? body.replace('"threshold":2', '"threshold":1') : body,
    );
    await expect(new CredentialRegistry(viaProxy, authorityId).load()).rejects.toThrow(
      /cannot be verified: the authority transaction is invalid/,
    );
    proxy.setRewrite(null);
  });

  it('a credential the node places in no block does not count', async () => {
    proxy.setRewrite((path, body) => (path.includes(`blocks?transaction_id=${adaId}`) ? '[]' : body));
    const view = await new CredentialRegistry(viaProxy, authorityId).load();
    proxy.setRewrite(null);
    expect(view.currentStatus(adaKey, new Date())).toEqual({ status: 'unknown' });
  });

  it("a block height that is not a whole number is named as the node's fault", async () => {
    proxy.setRewrite((path, body) => (path.includes(`blocks?transaction_id=${adaId}`) ? '["12"]' : body));
    await expect(new CredentialRegistry(viaProxy, authorityId).load()).rejects.toThrow(
      /a block height is not a whole number/,
    );
    proxy.setRewrite(null);
  });

  it('KNOWN GAP (one node, revocation never seen): withholding the revocation makes the credential look valid', async () => {
    const honestView = await new CredentialRegistry(honest, authorityId).load();
    expect(honestView.currentStatus(adaKey, new Date()).status).toBe('revoked');
    proxy.setRewrite((path, body) => {
      if (!path.includes(`asset_id=${adaId}`)) return body;
      return JSON.stringify((JSON.parse(body) as { id: string }[]).filter((tx) => tx.id !== revokeId));
    });
    const view = await new CredentialRegistry(viaProxy, authorityId).load();
    proxy.setRewrite(null);
    expect(view.currentStatus(adaKey, new Date()).status).toBe('valid');
  });
});

describe('fresh credential chains (AuthorityTrust)', () => {
  const withholdRevocation = () =>
    proxy.setRewrite((path, body) => {
      if (!path.includes(`asset_id=${adaId}`)) return body;
      return JSON.stringify((JSON.parse(body) as { id: string }[]).filter((tx) => tx.id !== revokeId));
    });
  const statusOf = async (trust: AuthorityTrust) => {
    const state = await trust.state();
    if (state.kind !== 'pinned') throw new Error(`not pinned: ${state.kind}`);
    return { status: state.registry.currentStatus(adaKey, new Date()).status, problems: state.registry.problems };
  };

  it('keeps the highest act seen: a revocation withheld later leaves the credential unused, reported', async () => {
    const trust = new AuthorityTrust(viaProxy, { authorityId: () => authorityId });
    expect((await statusOf(trust)).status).toBe('revoked');
    trust.invalidate();
    withholdRevocation();
    const after = await statusOf(trust);
    proxy.setRewrite(null);
    expect(after).toEqual({
      status: 'unknown',
      problems: [
        { id: adaId, reason: 'not used: the node withheld act 2 of this credential, seen before (it returned 1)' },
      ],
    });
  });

  it('a second node that knows a later act is believed over the one withholding it', async () => {
    const both = new LedgerNodeClient({ nodeUrls: [proxy.url, node.url] });
    const trust = new AuthorityTrust(both, { authorityId: () => authorityId, secondOpinion: both });
    withholdRevocation();
    const seen = await statusOf(trust);
    proxy.setRewrite(null);
    both.close();
    expect(seen).toEqual({
      status: 'unknown',
      problems: [
        {
          id: adaId,
          reason: `not used: nodes disagree on its newest act: ${node.url} has transaction ${revokeId}, which the node answering did not return`,
        },
      ],
    });
  });

  it('is refreshed by what concerns it: the authority and its credentials, not other assets; and when old', async () => {
    let now = 0;
    const trust = new AuthorityTrust(honest, { authorityId: () => authorityId, now: () => now });
    await trust.state();
    expect(await trust.concerns(authorityId)).toBe(true);
    expect(await trust.concerns(adaId)).toBe(true);
    expect(await trust.concerns('ab'.repeat(32))).toBe(false);
    expect(trust.refreshIfOlderThan(10_000)).toBe(false);
    now = 10_001;
    expect(trust.refreshIfOlderThan(10_000)).toBe(true);
    expect(trust.refreshIfOlderThan(10_000)).toBe(false); // nothing loaded now: the next state() reads afresh
  });
});

describe('a practitioner credentialed after the registry was read', () => {
  it('is found on a miss once the registry is more than 10 s old, not before', async () => {
    let now = 0;
    const trust = new AuthorityTrust(honest, { authorityId: () => authorityId, now: () => now });
    const authors = new ChartAuthorship(trust, honest);
    await trust.state();
    const bea = holder();
    const authority = await new CredentialRegistry(honest, authorityId).authority();
    const issued = (
      await postPartial(
        honest,
        await both(
          prepareIssue(authority, {
            name: 'Dr Bea Hall',
            licence: 'GMC-2',
            specialty: 'Cardiology',
            signKey: bea.signKey,
            boxKey: bea.boxKey,
            validFrom: '2026-01-01T00:00:00Z',
            validUntil: '2099-01-01T00:00:00Z',
          }),
        ),
      )
    ).tx.id;
    // A committed transaction at or after her issuance stands for a version she signed (only its height is read).
    const version = { seq: 1, txId: issued, author: bea.signKey } as VerifiedVersion;
    now = 5_000;
    expect((await authors.check([version]))?.failure?.reason).toBe(
      `Unknown author: version 1 was signed by ${bea.signKey}, who holds no credential of this hospital`,
    );
    now = 10_001;
    expect((await authors.check([version]))?.failure).toBeNull();
  });
});
