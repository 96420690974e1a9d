// Envelope v3 under a pinned hospital authority, on the real embedded node over HTTP: outputs in the #12 custody
// shape with every key tweaked (§5), the #12 credential check applied to the author proven from the box (§3), and a
// custody move by the authority's quorum signed with the officers' tweaked keys. The authority, its credential and
// its revocation are real ledger acts (hospital-setup.ts). The officers get the head's secret from a reader of the
// head here (ada): the recovery-key path that hands it to them in the app is #12's, not part of this test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { custodyPolicyOf, type CustodyPolicy } from '../../../src-shared/authority/custody';
import { newSeed } from '../../../src-shared/crypto/keys';
import { payloadOf, type ChartPayload } from '../../../src-shared/records/payload';
import { AuthorityTrust } from '../../../src-main/authority/trust';
import { nativeKeyHolderCrypto } from '../../../src-main/crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { ChartAuthorship } from '../../../src-main/records/chart-authorship';
import { V3Counters } from '../../../src-main/records/v3-counters';
import {
  buildCreateV3,
  buildQuorumMoveV3,
  buildVersionV3,
  type V3Written,
} from '../../../src-main/records/version-builder-v3';
import { authoredVersions, openChartV3 } from '../../../src-main/records/version-opener-v3';
import { withRecovery } from '../../../src-main/records/version-builder';
import { sampleChart } from '../../fixtures/sample-chart';
import { NODE_TOKEN, removeDir, startNode, tempDir } from '../charts/harness';
import { Hospital } from '../authority/hospital-setup';

const holder = () => new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);

describe('envelope v3 under a hospital authority', { timeout: 120_000 }, () => {
  let node: LedgerNode;
  let client: LedgerNodeClient;
  let hospital: Hospital;
  let trust: AuthorityTrust;
  let custody: CustodyPolicy;
  const dataDir = tempDir('node');
  const [ada, ben] = [holder(), holder()];
  const counters = new V3Counters();
  const crypto = nativeLedgerCrypto;
  const named = (h: SeedKeyHolder, name: string) => ({ signKey: h.signKey, boxKey: h.boxKey, name });
  const versions: V3Written[] = [];
  let adaCredential = '';

  const post = async (w: V3Written) => {
    expect((await client.post(w.tx, 'commit')).value).toBe('committed');
    versions.push(w);
  };
  const write = async (
    by: SeedKeyHolder,
    action: 'update' | 'share' | 'custody',
    next: (p: ChartPayload) => ChartPayload,
  ) =>
    post(
      await buildVersionV3(
        by,
        versions.at(-1)!.head,
        versions[0]!.tx.id,
        action,
        next(versions.at(-1)!.inner.payload),
        {
          crypto,
          counters,
          custody,
        },
      ),
    );
  const check = async () => {
    trust.invalidate();
    const chain = await openChartV3(versions[0]!.tx.id, (await client.listTransactions(versions[0]!.tx.id)).value, ada);
    expect(chain.tampered).toBeNull();
    return { chain, authorship: await new ChartAuthorship(trust, client).check(authoredVersions(chain)) };
  };

  beforeAll(async () => {
    node = await startNode(dataDir);
    client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
    hospital = await Hospital.found(node.url);
    adaCredential = await hospital.credential(ada, 'Dr Ada Okafor');
    trust = new AuthorityTrust(client, { authorityId: () => hospital.authorityId });
    const state = await trust.state();
    if (state.kind !== 'pinned') throw new Error(`authority not pinned: ${state.kind}`);
    custody = custodyPolicyOf(state.authorityId, state.authority.data, null);
  });

  afterAll(async () => {
    hospital?.close();
    await node?.stop();
    removeDir(dataDir);
  });

  it('vouches for a credentialed author, names an uncredentialed one, and accepts the quorum’s custody move', async () => {
    const first = withRecovery(payloadOf(sampleChart(), null, named(ada, 'Dr Ada'), []), custody);
    await post(await buildCreateV3(ada, first, { crypto, counters, custody }));
    await write(ada, 'custody', (p) => ({ ...p, custodian: named(ben, 'Dr Ben'), doctors: [named(ada, 'Dr Ada')] }));
    // Ben holds no credential of this hospital: his version opens and verifies, but its author is not vouched for.
    await write(ben, 'update', (p) => p);
    let { chain, authorship } = await check();
    expect(chain.versions.map((v) => v.inner.author)).toEqual([ada.signKey, ada.signKey, ben.signKey]);
    expect(authorship!.reasons.slice(0, 2)).toEqual([null, null]);
    expect(authorship!.failure).toMatchObject({ seq: 3 });
    expect(authorship!.failure!.reason).toMatch(new RegExp(`^Unknown author: version 3 was signed by ${ben.signKey}`));

    // The authority's quorum (1 of 1 here) moves custody back to Ada with its officer's tweaked key.
    const headQuorum = versions.at(-1)!.inner.quorum!;
    const moved = await buildQuorumMoveV3(
      [hospital.officer],
      versions.at(-1)!.head,
      headQuorum,
      versions[0]!.tx.id,
      { ...versions.at(-1)!.inner.payload, custodian: named(ada, 'Dr Ada'), doctors: [] },
      { crypto, counters, custody },
    );
    await post(moved);
    ({ chain, authorship } = await check());
    expect(chain.versions.at(-1)!).toMatchObject({ officers: [hospital.officer.signKey] });
    expect(chain.versions.at(-1)!.inner).toMatchObject({ action: 'custody', author: hospital.officer.signKey });
    expect(authorship!.reasons[3]).toBeNull();
    // Nothing on the ledger names the officer: its key on the move is tweaked too.
    expect(JSON.stringify(moved.tx)).not.toContain(hospital.officer.signKey);
  });

  it('judges a version written after the author’s credential was revoked by its block height', async () => {
    await hospital.revoke(adaCredential);
    await write(ada, 'update', (p) => p);
    const { authorship } = await check();
    const last = authorship!.reasons.at(-1)!;
    expect(last).toMatch(
      /^Unknown author: version 5 was signed by Dr Ada Okafor .* after their credential was revoked$/,
    );
    // Her earlier versions keep counting: they were written while her credential was valid.
    expect(authorship!.reasons[0]).toBeNull();
  });
});
