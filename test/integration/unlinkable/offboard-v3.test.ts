// Off-boarding and re-keying find a doctor's envelope v3 charts by their recovery tags (docs/UNLINKABLE.md §13), on
// the real embedded node over HTTP, doctors from the real vault on the real keychain (run in a D-Bus session with
// gnome-keyring), and a real 2-of-3 hospital authority whose recovery key is rebuilt from the officers' own shares.
// No v3 output names a custodian, so the outputs query alone finds only the v1 chart: these tests fail without the
// recovery-tag search. Ada holds two charts she created, one written before the authority and migrated under it, one
// received by a doctor's handover, one received by the
// quorum's recovery move, and a v1 chart; a chart she handed to Cleo stays with Cleo. The re-key then finds everything
// Dan received by the quorum's moves and the chart he created. An observer check ends it: the raw ledger answers hold
// no directory key and no tag appears in two charts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import {
  offboard,
  recoverCharts,
  recoveryKeyOf,
  rekey,
  type QuorumLedger,
} from '../../../src-main/authority/custody-acts';
import { readChartHead } from '../../../src-main/authority/recovery-flows';
import { openSealed } from '../../../src-main/crypto/sealed-box';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { nativeKeyHolderCrypto } from '../../../src-main/crypto/key-holder-crypto';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { openChartV3 } from '../../../src-main/records/version-opener-v3';
import { v3QuorumMover } from '../../../src-main/records/quorum-move-v3';
import type { EnvelopeReaderKey } from '../../../src-shared/crypto/envelope';
import { newSeed } from '../../../src-shared/crypto/keys';
import type { Transaction } from '../../../src-shared/ledger';
import { isV3Metadata } from '../../../src-shared/unlinkable/envelope-v3';
import { sampleChart } from '../../fixtures/sample-chart';
import {
  NODE_TOKEN,
  PIN,
  TestVault,
  removeDir,
  startNode,
  startService,
  tempDir,
  type Doctor,
} from '../charts/harness';
import type { InspectedChartService } from '../charts/inspected-service';
import { credentialDoctor, foundAuthority } from '../authority/hospital-setup';

const officers = [0, 1, 2].map(() => new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto));

describe('off-boarding and re-keying find envelope v3 charts', { timeout: 300_000 }, () => {
  const dataDir = tempDir('offboard-v3');
  const vault = new TestVault();
  let node: LedgerNode | null = null;
  let url: string;
  let client: LedgerNodeClient;
  let ledger: QuorumLedger;
  let authorityId = '';
  let pinned = '';
  let registry: CredentialRegistry;
  let recovery: EnvelopeReaderKey & { secret: Uint8Array };
  let envelope: 'v1' | 'v3' = 'v3';
  let service: InspectedChartService;
  let ada: Doctor, bob: Doctor, cleo: Doctor, dan: Doctor, danNew: Doctor;
  // Ada's charts: created (2), received by handover, received by the quorum's move, v1; given away to Cleo.
  const held: Record<'created1' | 'created2' | 'migrated' | 'handedIn' | 'recovered' | 'v1' | 'givenAway', string> = {
    created1: '',
    migrated: '',
    created2: '',
    handedIn: '',
    recovered: '',
    v1: '',
    givenAway: '',
  };
  let danOwn = '';
  let givenAwayLength = 0;

  const raw = async (chartId: string) => (await client.listTransactions(chartId)).value as Transaction[];
  /** The custodian the chart's newest version names, read with the recovery key (v3) or from the v1 service view. */
  const custodianOf = async (chartId: string) => {
    const txs = await raw(chartId);
    if (!isV3Metadata(txs[0]!.metadata)) return (await readChartHead(client, chartId)).custodian;
    const chain = await openChartV3(chartId, txs, recovery);
    expect(chain.tampered).toBeNull();
    return chain.versions.at(-1)!.inner.payload.custodian.signKey;
  };

  const credential = (d: Doctor) => credentialDoctor(client, registry, d, officers.slice(0, 2));

  beforeAll(async () => {
    node = await startNode(dataDir);
    url = node.url;
    client = new LedgerNodeClient({ nodeUrls: [url], bearerTokenFor: () => NODE_TOKEN });
    ledger = { ...bind(client), v3: v3QuorumMover(client) };
    authorityId = await foundAuthority(client, 'St Offboard', 2, officers);
    registry = new CredentialRegistry(client, authorityId);
    ada = await vault.doctor('Dr Ada Okafor', 'Oncology');
    bob = await vault.doctor('Dr Bob Lin', 'Psychiatry');
    cleo = await vault.doctor('Dr Cleo Park', 'Cardiology');
    dan = await vault.doctor('Dr Dan Ruiz', 'Oncology');
    danNew = await vault.doctor('Dr Dan Ruiz (new keys)', 'Oncology');
    for (const d of [ada, bob, cleo, dan]) await credential(d);
    const view = await registry.load();
    const secret = await recoveryKeyOf(view.authority, [officers[0]!, officers[2]!]);
    recovery = {
      boxKey: view.authority.data.recoveryKey,
      secret,
      openSealed: async (sealed) => openSealed(secret, sealed),
    };
    ({ service } = await startService([url], {
      authorityId: () => pinned,
      ledgerEnvelope: () => envelope,
      liveStream: false,
      verifyWorkers: 0,
    }));

    // Written before the hospital was pinned (no recovery slot, no tag), then migrated under it by Ada.
    held.migrated = (await service.create(ada.holder, sampleChart('Hugo Ives'), { pin: PIN })).chartId;
    pinned = authorityId;
    expect((await service.migrateCustody(ada.holder, held.migrated))?.seq).toBe(2);

    held.created1 = (await service.create(ada.holder, sampleChart('Amelia Hartley'), { pin: PIN })).chartId;
    held.created2 = (await service.create(ada.holder, sampleChart('Basil Crane'), { pin: PIN })).chartId;
    held.givenAway = (await service.create(ada.holder, sampleChart('Cora Dunn'), { pin: PIN })).chartId;
    await service.transferCustody(ada.holder, held.givenAway, { ...cleo.holder, name: cleo.name });
    held.handedIn = (await service.create(bob.holder, sampleChart('Dara Eld'), { pin: PIN })).chartId;
    await service.transferCustody(bob.holder, held.handedIn, { ...ada.holder, name: ada.name });
    held.recovered = (await service.create(bob.holder, sampleChart('Ezra Fenn'), { pin: PIN })).chartId;
    await recoverCharts(ledger, await registry.load(), {
      chartIds: [held.recovered],
      to: ada.holder.signKey,
      reason: 'Dr Lin is away',
      officers: [officers[1]!, officers[2]!],
    });
    envelope = 'v1';
    held.v1 = (await service.create(ada.holder, sampleChart('Fay Gale'), { pin: PIN })).chartId;
    envelope = 'v3';
    danOwn = (await service.create(dan.holder, sampleChart('Gus Hale'), { pin: PIN })).chartId;
    for (const id of Object.values(held)) expect(id).not.toBe('');
    givenAwayLength = (await raw(held.givenAway)).length;
  });

  afterAll(async () => {
    recovery?.secret.fill(0);
    await service?.close();
    client?.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
  });

  it('sets up what the off-boarding must find: Ada custodian of six charts, only one of them named by an output', async () => {
    const { created1, created2, migrated, handedIn, recovered, v1, givenAway } = held;
    for (const id of [created1, created2, migrated, handedIn, recovered, v1])
      expect(await custodianOf(id)).toBe(ada.holder.signKey);
    expect(await custodianOf(givenAway)).toBe(cleo.holder.signKey);
    // The outputs query (v1's way) finds only the v1 chart: no v3 output names a directory key.
    const outputs = (await client.listOutputs(ada.holder.signKey, { spent: false })).value;
    const named = new Set<string>();
    for (const ref of outputs) {
      const tx = (await client.getTransaction(ref.transaction_id)).value as Transaction;
      named.add(tx.operation === 'CREATE' ? tx.id : (tx.asset as { id: string }).id);
    }
    expect([...named].filter((id) => Object.values(held).includes(id))).toEqual([v1]);
  });

  it('refuses an off-boarding signed by 1 of 3 officers, and moves nothing', async () => {
    const before = await Promise.all(Object.values(held).map(async (id) => (await raw(id)).length));
    await expect(
      offboard(ledger, await registry.load(), {
        leaving: ada.holder.signKey,
        to: dan.holder.signKey,
        reason: 'Left the hospital',
        officers: [officers[0]!],
      }),
    ).rejects.toThrow(/needs 2 officers' shares; only 1 given/);
    expect(await Promise.all(Object.values(held).map(async (id) => (await raw(id)).length))).toEqual(before);
    const view = await registry.load();
    expect(view.practitioners(new Date()).find((p) => p.signKey === ada.holder.signKey)?.endReason).toBeFalsy();
  });

  it('off-boards Ada: every chart she holds, v3 and v1, moves to Dan; the one she gave away stays with Cleo', async () => {
    const { created1, created2, migrated, handedIn, recovered, v1, givenAway } = held;
    const result = await offboard(ledger, await registry.load(), {
      leaving: ada.holder.signKey,
      to: dan.holder.signKey,
      reason: 'Left the hospital',
      officers: [officers[0]!, officers[1]!],
    });
    expect(result.revoked).toMatch(/^[0-9a-f]{64}$/);
    expect(result.moved.map((m) => m.chartId).sort()).toEqual(
      [created1, created2, migrated, handedIn, recovered, v1].sort(),
    );
    for (const id of [created1, created2, migrated, handedIn, recovered, v1])
      expect(await custodianOf(id)).toBe(dan.holder.signKey);
    expect(await custodianOf(givenAway)).toBe(cleo.holder.signKey);
    expect(await raw(givenAway)).toHaveLength(givenAwayLength);
    // Each v3 move is the quorum's custody version, by the first signing officer.
    for (const id of [created1, created2, migrated, handedIn, recovered]) {
      const head = (await openChartV3(id, await raw(id), recovery)).versions.at(-1)!;
      expect(head.inner).toMatchObject({ action: 'custody', author: officers[0]!.signKey, authority: authorityId });
    }
    // Ada's key no longer spends a moved chart; a chart she writes after the revocation is "unknown author".
    await expect(service.update(ada.holder, created1, sampleChart('Amelia Hartley'))).rejects.toMatchObject({
      code: 'NotCustodian',
    });
    const late = await service.create(ada.holder, sampleChart('Late Entry'), { pin: PIN }).then(
      (c) => c.chartId,
      (error: unknown) => error,
    );
    if (typeof late !== 'string') throw late;
    // A session started now reads the registry with the revocation (this one runs without the node's stream).
    const { service: fresh } = await startService([url], {
      authorityId: () => authorityId,
      ledgerEnvelope: () => envelope,
      liveStream: false,
      verifyWorkers: 0,
    });
    const lateState = await fresh.get(ada.holder, late);
    await fresh.close();
    expect(lateState.authorship?.reason).toMatch(/^Unknown author: version 1 was signed by Dr Ada Okafor .*revoked/);
    expect(lateState.chart).toBeNull();
  });

  it('re-keys Dan: the charts the quorum moved to him and the one he created move to his new identity', async () => {
    const { created1, created2, migrated, handedIn, recovered, v1 } = held;
    const result = await rekey(ledger, registry, {
      old: dan.holder.signKey,
      signKey: danNew.holder.signKey,
      boxKey: danNew.holder.boxKey,
      officers: [officers[2]!, officers[0]!],
    });
    expect(result.issued).toMatch(/^[0-9a-f]{64}$/);
    expect(result.waiting).toEqual([]);
    const all = [created1, created2, migrated, handedIn, recovered, v1, danOwn];
    expect(result.moved.map((m) => m.chartId).sort()).toEqual([...all].sort());
    for (const id of all) expect(await custodianOf(id)).toBe(danNew.holder.signKey);
    expect(await custodianOf(held.givenAway)).toBe(cleo.holder.signKey);
    // Dan's new identity opens and writes a chart that moved to him.
    const next = await service.update(danNew.holder, danOwn, sampleChart('Gus Hale'));
    expect(next.status).toBe('committed');
  });

  it('shows an observer no directory key on any v3 chart and no tag shared by two charts', async () => {
    const v3Charts = [
      held.created1,
      held.created2,
      held.migrated,
      held.handedIn,
      held.recovered,
      held.givenAway,
      danOwn,
    ];
    const keys = [ada, bob, cleo, dan, danNew]
      .map((d) => d.holder)
      .concat(officers)
      .flatMap((h) => [h.signKey, h.boxKey])
      .concat([recovery.boxKey]);
    const chartOf = new Map<string, string>();
    for (const chartId of v3Charts) {
      const answer = await fetchText(`/api/v1/transactions?asset_id=${chartId}`);
      for (const key of keys) expect(answer).not.toContain(key);
      for (const tx of JSON.parse(answer) as Transaction[]) {
        expect(isV3Metadata(tx.metadata)).toBe(true);
        for (const tag of (tx.metadata as { tags: string[] }).tags) {
          expect(chartOf.get(tag) ?? chartId, `tag ${tag} in two charts`).toBe(chartId);
          chartOf.set(tag, chartId);
        }
      }
    }
    expect(chartOf.size).toBeGreaterThan(v3Charts.length * 8);
  });

  async function fetchText(path: string): Promise<string> {
    const response = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${NODE_TOKEN}` } });
    expect(response.status).toBe(200);
    return response.text();
  }
});

/** The client's methods bound (a spread copies no prototype methods). */
function bind(client: LedgerNodeClient) {
  return {
    nodeUrls: client.nodeUrls,
    listTransactions: client.listTransactions.bind(client),
    getTransaction: client.getTransaction.bind(client),
    listOutputs: client.listOutputs.bind(client),
    searchMetadata: client.searchMetadata.bind(client),
    post: client.post.bind(client),
  };
}
