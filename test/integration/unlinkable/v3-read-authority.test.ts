// Envelope v3 charts read by the app's chart service with a hospital authority pinned (docs/UNLINKABLE.md §3–§5,
// docs/AUTHORITY.md "Fresh heads"): custody moved in is found by the new custodian's discovery, a version by an
// author with no credential is "unknown author" (the #12 check on the box's proven author), and a node withholding
// the newest version from a reader that never saw it is caught by the head's tweaked output key. Real embedded node
// over HTTP (behind a rewriting proxy), real keychain (D-Bus session with gnome-keyring), the service as the app
// builds it; the v3 versions are written with version-builder-v3 and posted directly.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newSeed } from '../../../src-shared/crypto/keys';
import type { KeyHolder } from '../../../src-shared/crypto/keyholder';
import type { CustodyPolicy } from '../../../src-shared/authority/custody';
import { thresholdDetails, type Transaction } from '../../../src-shared/ledger';
import { payloadOf, type ChartPayload } from '../../../src-shared/records/payload';
import { nativeKeyHolderCrypto } from '../../../src-main/crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import type { ChartService } from '../../../src-main/records/chart-service';
import { V3Counters } from '../../../src-main/records/v3-counters';
import { buildCreateV3, buildVersionV3, type V3Written } from '../../../src-main/records/version-builder-v3';
import { withRecovery } from '../../../src-main/records/version-builder';
import { sampleChart } from '../../fixtures/sample-chart';
import { NODE_TOKEN, TestVault, removeDir, startNode, tempDir, type Doctor } from '../charts/harness';
import { startTamperProxy, type TamperProxy } from '../charts/tamper-proxy';
import { Hospital, pinnedService } from '../authority/hospital-setup';
import { chartSummarySchema, chartViewSchema, verificationReportSchema } from '../../../src-shared/ipc/data';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

describe('v3 charts under a pinned authority', () => {
  const dataDir = tempDir('node');
  const vault = new TestVault();
  const services: ChartService[] = [];
  const counters = new V3Counters();
  const crypto = nativeLedgerCrypto;
  const recovery = new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);
  let node: LedgerNode;
  let proxy: TamperProxy;
  let client: LedgerNodeClient;
  let hospital: Hospital;
  let custody: CustodyPolicy;
  let ada: Doctor, bo: Doctor, eve: Doctor;
  const chain: V3Written[] = [];

  const named = (d: Doctor) => ({ signKey: d.holder.signKey, boxKey: d.holder.boxKey, name: d.name });
  const post = async (tx: Transaction) => expect((await client.post(tx, 'commit')).value).toBe('committed');
  const open = async (nodeUrl = node.url) => {
    const service = await pinnedService([nodeUrl], hospital.authorityId, { liveStream: false });
    services.push(service);
    return service;
  };
  const write = async (by: KeyHolder, action: 'update' | 'custody', next: (p: ChartPayload) => ChartPayload) => {
    const head = chain.at(-1)!;
    const written = await buildVersionV3(by, head.head, chain[0]!.tx.id, action, next(head.inner.payload), {
      crypto,
      counters,
      custody,
    });
    await post(written.tx);
    chain.push(written);
  };
  const summaryOf = async (service: ChartService, d: Doctor, chartId: string) =>
    (await service.list(d.holder)).find((c) => c.chartId === chartId);

  beforeAll(async () => {
    node = await startNode(dataDir);
    proxy = await startTamperProxy(node.url);
    client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
    hospital = await Hospital.found(node.url);
    [ada, bo, eve] = await Promise.all([
      vault.doctor('Dr Ada Okafor', 'Oncology'),
      vault.doctor('Dr Bo Lindqvist', 'Psychiatry'),
      vault.doctor('Eve Nobody', 'None'),
    ]);
    await hospital.credential(ada.holder, 'Dr Ada Okafor');
    await hospital.credential(bo.holder, 'Dr Bo Lindqvist');
    custody = {
      authorityId: hospital.authorityId,
      quorum: thresholdDetails(1, [hospital.officer.signKey]),
      recoveryKey: recovery.boxKey,
      emergencyKey: null,
    };
    const first = withRecovery(payloadOf(sampleChart('Iris Ivers'), null, named(ada), []), custody);
    const created = await buildCreateV3(ada.holder, first, { crypto, counters, custody });
    await post(created.tx);
    chain.push(created);
  });

  afterAll(async () => {
    proxy?.setRewrite(null);
    for (const s of services) await s.close();
    await proxy?.close();
    client?.close();
    hospital?.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
  });

  it('custody moved in: the new custodian finds the chart and holds it; the old one keeps reading', async () => {
    await write(ada.holder, 'custody', (p) => ({ ...p, custodian: named(bo), doctors: [named(ada)] }));
    const service = await open();
    const chartId = chain[0]!.tx.id;
    expect(await summaryOf(service, bo, chartId)).toMatchObject({
      patientName: 'Iris Ivers',
      seq: 2,
      integrity: 'verified',
      role: 'custodian',
      custodian: { signKey: bo.holder.signKey, name: 'Dr Bo Lindqvist' },
    });
    expect(await summaryOf(service, ada, chartId)).toMatchObject({ seq: 2, integrity: 'verified', role: 'reader' });
    const report = await service.verify(ada.holder, chartId);
    expect(report.ok).toBe(true);
    expect(report.chain.map((c) => [c.seq, c.action, c.ok])).toEqual([
      [1, 'create', true],
      [2, 'custody', true],
    ]);
  });

  it('a version by an author without a credential is "unknown author"', async () => {
    // Bo hands the chart to Eve (in no credential); Eve writes an update. Ada still reads (a doctor of the chart).
    await write(bo.holder, 'custody', (p) => ({ ...p, custodian: named(eve), doctors: [named(ada)] }));
    await write(eve.holder, 'update', (p) => ({
      ...p,
      chart: { ...p.chart, patient: { ...p.chart.patient, phone: '+44 20 7946 0999' } },
    }));
    const service = await open();
    const chartId = chain[0]!.tx.id;
    const summary = await summaryOf(service, ada, chartId);
    expect(summary).toMatchObject({ seq: 4, integrity: 'unknown-author', patientName: '' });
    // The box's author (proven by the tweaked signature), not the per-version key the ledger shows.
    expect(summary!.tamperReason).toBe(
      `Unknown author: version 4 was signed by ${eve.holder.signKey}, who holds no credential of this hospital`,
    );
    const view = await service.get(ada.holder, chartId);
    expect(view.data).toBeNull();
    expect(view.summary.integrity).toBe('unknown-author');
    // Bo, left out of the payload when he handed custody on, still read his own version 3 (an author reads what it
    // writes) and was removed by Eve's: he no longer lists it; his view stops there, in the contract's shapes.
    expect(await summaryOf(service, bo, chartId)).toBeUndefined();
    const bos = await service.get(bo.holder, chartId);
    expect(chartViewSchema.safeParse(bos).success).toBe(true);
    expect(bos.summary).toMatchObject({ seq: 4, integrity: 'verified' });
    expect(bos.data).toBeNull();
    const history = await service.history(bo.holder, chartId);
    expect(history.map((h) => [h.seq, h.action])).toEqual([
      [2, 'custody'],
      [3, 'custody'],
      [4, 'unshare'],
    ]);
    for (const summary of await service.list(ada.holder))
      expect(chartSummarySchema.safeParse(summary).success).toBe(true);
    expect(verificationReportSchema.safeParse(await service.verify(bo.holder, chartId)).success).toBe(true);
  });

  it('a node withholding the newest version from a reader that never saw it is caught by the tweaked head key', async () => {
    const chartId = chain[0]!.tx.id;
    const newest = chain.at(-1)!.tx.id;
    const service = await open(proxy.url);
    proxy.setRewrite((path, body) =>
      path.includes(`asset_id=${chartId}`)
        ? JSON.stringify((JSON.parse(body) as { id: string }[]).filter((tx) => tx.id !== newest))
        : body,
    );
    const view = await service.get(ada.holder, chartId);
    proxy.setRewrite(null);
    expect(view.summary).toMatchObject({
      integrity: 'tampered',
      tamperReason: 'The node withheld the newest version: it says version 3 was spent but returned no later version',
    });
    // Honest again: the same service reads it whole.
    expect((await service.get(ada.holder, chartId)).summary).toMatchObject({ seq: 4, integrity: 'unknown-author' });
  });
});
