// `charts upgrade-v3` under a pinned hospital authority (docs/UNLINKABLE.md §10, docs/AUTHORITY.md): the authority and
// Ada's credential are real ledger acts (hospital-setup.ts), doctors from the real vault on the real keychain (run in a
// D-Bus session with gnome-keyring), the chart service with the authority pinned. A chart Ada wrote is copied under
// the same custody rule (the authority's quorum and recovery key) and its tombstone passes the credential check; a
// chart handed to Ada by Ben, who holds no credential, is refused as by an unknown author, and nothing is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { custodyPolicyOf, type CustodyPolicy } from '../../../src-shared/authority/custody';
import type { KeyHolder } from '../../../src-shared/crypto/keyholder';
import type { Transaction } from '../../../src-shared/ledger';
import { payloadOf } from '../../../src-shared/records/payload';
import { AuthorityTrust } from '../../../src-main/authority/trust';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { buildCreate, buildVersion, withRecovery } from '../../../src-main/records/version-builder';
import { openChartV3 } from '../../../src-main/records/version-opener-v3';
import { sampleChart } from '../../fixtures/sample-chart';
import { TestVault, removeDir, startNode, startService, tempDir } from '../charts/harness';
import type { InspectedChartService } from '../charts/inspected-service';
import { Hospital } from '../authority/hospital-setup';

const crypto = nativeLedgerCrypto;

describe('charts upgrade-v3 under a hospital authority', { timeout: 180_000 }, () => {
  let node: LedgerNode;
  const dataDir = tempDir('node');
  const outboxDir = tempDir('outbox');
  const cacheDir = tempDir('cache');
  const vault = new TestVault();
  let hospital: Hospital;
  let ada: KeyHolder, ben: KeyHolder;
  let custody: CustodyPolicy;
  let service: InspectedChartService;

  const named = (holder: KeyHolder, name: string) => ({ signKey: holder.signKey, boxKey: holder.boxKey, name });
  const post = async (tx: Transaction) => expect((await service.client.post(tx, 'commit')).value).toBe('committed');

  beforeAll(async () => {
    node = await startNode(dataDir);
    hospital = await Hospital.found(node.url);
    ada = (await vault.doctor('Ada Oncologist', 'x')).holder;
    ben = (await vault.doctor('Ben Uncredentialed', 'x')).holder;
    await hospital.credential(ada, 'Dr Ada Okafor');
    const trust = new AuthorityTrust(hospital.client, { authorityId: () => hospital.authorityId });
    const state = await trust.state();
    if (state.kind !== 'pinned') throw new Error(`authority not pinned: ${state.kind}`);
    custody = custodyPolicyOf(state.authorityId, state.authority.data, null);
    service = (
      await startService([node.url], {
        outboxDir,
        cacheDir,
        liveStream: false,
        verifyWorkers: 0,
        authorityId: () => hospital.authorityId,
      })
    ).service;
  });

  afterAll(async () => {
    await service?.close();
    hospital?.close();
    await node?.stop();
    await vault.clean();
    for (const dir of [dataDir, outboxDir, cacheDir]) removeDir(dir);
  });

  it('copies a credentialed chart under its custody rule, and refuses one by an uncredentialed author', async () => {
    const mine = withRecovery(payloadOf(sampleChart('Zoe Held'), null, named(ada, 'Dr Ada'), []), custody);
    const created = await buildCreate(ada, mine, crypto, custody);
    await post(created.tx);

    // Ben (no credential) writes a chart and hands it to Ada: its versions are by an unknown author.
    const his = withRecovery(payloadOf(sampleChart('Abel Handed'), null, named(ben, 'Dr Ben'), []), custody);
    const bens = await buildCreate(ben, his, crypto, custody);
    await post(bens.tx);
    const handed = withRecovery({ ...his, custodian: named(ada, 'Dr Ada'), doctors: [named(ben, 'Dr Ben')] }, custody);
    await post((await buildVersion(ben, bens.tx, bens.tx.id, 'custody', 2, handed, crypto, custody)).tx);

    const results = await service.upgradeV3(ada, { chartIds: [created.tx.id, bens.tx.id], spreadMs: 0 });
    expect(results[0]).toMatchObject({ chartId: created.tx.id, status: 'upgraded', resumed: false });
    expect(results[1]).toMatchObject({
      chartId: bens.tx.id,
      status: 'failed',
      newChartId: null,
      reason: expect.stringMatching(/^unknown author: /),
    });
    // Nothing was written to the refused chart.
    expect((await service.client.listTransactions(bens.tx.id)).value).toHaveLength(2);

    const copy = results[0]!.status === 'upgraded' ? results[0]!.newChartId : '';
    const opened = await openChartV3(copy, (await service.client.listTransactions(copy)).value, ada, { crypto });
    expect(opened.tampered).toBeNull();
    expect(opened.versions[0]!.inner).toMatchObject({
      authority: hospital.authorityId,
      quorum: { threshold: 1, officers: [hospital.officer.signKey] },
    });
    expect(opened.versions[0]!.inner.payload.recovery).toEqual(mine.recovery);
    // The tombstone is Ada's, credentialed: the v1 chart still verifies, and reads as moved.
    const report = await service.verify(ada, created.tx.id);
    expect(report).toMatchObject({ ok: true, reason: null });
    expect((await service.history(ada, created.tx.id)).at(-1)).toMatchObject({
      action: 'revoke',
      status: 'committed',
      note: `moved to ${copy}`,
    });
  });
});
