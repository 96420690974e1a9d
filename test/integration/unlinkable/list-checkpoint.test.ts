// The doctor's list checkpoint (docs/UNLINKABLE.md §14) through the chart service, on the real embedded node over
// HTTP, doctors from the real vault on the real keychain (run in a D-Bus session with gnome-keyring) and a real 2-of-3
// hospital authority. Ada's first list writes her checkpoint; a new workstation then lists her charts from it without
// fetching a single chart's transactions — each line as her first workstation verified it, each head proven current
// by the node — and whatever changed after the checkpoint (an update, an unshare, a new chart) is verified in full.
// Without the checkpoint the same new workstation fetches every chart (the count the first test relies on can move).
//
// Method: the node client's chart reads (listTransactions, getTransaction) are counted on the real client of each
// service; the lines are compared field by field with the first workstation's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { nativeKeyHolderCrypto } from '../../../src-main/crypto/key-holder-crypto';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import type { ChartService } from '../../../src-main/records/chart-service';
import type { ChartServiceOptions } from '../../../src-main/records/chart-parts';
import { findNewestCheckpoint } from '../../../src-main/records/checkpoint/checkpoint-store';
import { decodeCheckpoint } from '../../../src-main/records/checkpoint/list-checkpoint';
import { newSeed } from '../../../src-shared/crypto/keys';
import type { ChartSummary } from '../../../src-shared/ipc/data';
import { checkpointTag, listKey } from '../../../src-shared/unlinkable/rendezvous';
import { sampleChart } from '../../fixtures/sample-chart';
import { NODE_TOKEN, PIN, TestVault, removeDir, startNode, tempDir, type Doctor } from '../charts/harness';
import { credentialDoctor, foundAuthority } from '../authority/hospital-setup';
import { startTamperProxy } from '../charts/tamper-proxy';
import { checkpointWorkstation } from './checkpoint-workstation';

const officers = [0, 1, 2].map(() => new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto));

describe('the list checkpoint', { timeout: 240_000 }, () => {
  const dataDir = tempDir('list-checkpoint');
  const vault = new TestVault();
  const dirs: string[] = [];
  const opened: ChartService[] = [];
  let node: LedgerNode | null = null;
  let client: LedgerNodeClient;
  let authorityId = '';
  let ada: Doctor, bob: Doctor;
  const adaCharts: string[] = [];
  let bobsChart = '';
  let first: ChartSummary[] = [];
  /** Ada's charts as the ledger has them after the third test (her four, and the one created then). */
  let added = '';
  const adaNow = () => [...adaCharts, added];

  const workstation = (options: Partial<ChartServiceOptions> = {}) =>
    checkpointWorkstation(
      node!.url,
      () => authorityId,
      { listCheckpoint: { minCharts: 3 }, ...options },
      { dirs, opened },
    );
  const line = (s: ChartSummary) => ({
    chartId: s.chartId,
    patientName: s.patientName,
    status: s.status,
    integrity: s.integrity,
    seq: s.seq,
    headTxId: s.headTxId,
    updatedAt: s.updatedAt,
    custodian: s.custodian,
    role: s.role,
  });
  const all = () => [...adaCharts, bobsChart];
  const byId = (list: ChartSummary[]) => [...list].sort((a, b) => a.chartId.localeCompare(b.chartId)).map(line);

  beforeAll(async () => {
    node = await startNode(dataDir);
    client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
    authorityId = await foundAuthority(client, 'St Checkpoint', 2, officers);
    const registry = new CredentialRegistry(client, authorityId);
    ada = await vault.doctor('Dr Ada Okafor', 'Oncology');
    bob = await vault.doctor('Dr Bob Lin', 'Psychiatry');
    for (const d of [ada, bob]) await credentialDoctor(client, registry, d, officers.slice(0, 2));

    const writer = await workstation();
    for (const name of ['Amelia Hartley', 'Bruno Castillo', 'Chiara Rossi', 'Dmitri Volkov'])
      adaCharts.push((await writer.service.create(ada.holder, sampleChart(name), { pin: PIN })).chartId);
    // A chart Bob shares with Ada: found by an intro tag, not by her list walk.
    bobsChart = (await writer.service.create(bob.holder, sampleChart('Esme Laurent'), { pin: PIN })).chartId;
    await writer.service.share(bob.holder, bobsChart, { ...ada.holder, name: ada.name });

    const firstWorkstation = await workstation();
    first = await firstWorkstation.service.list(ada.holder);
    await firstWorkstation.service.checkpointsWritten();
  });

  afterAll(async () => {
    for (const s of opened) await s.close();
    client?.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
    for (const dir of dirs) removeDir(dir);
  });

  it('is written by the first list: every chart listed, sealed to the doctor alone', async () => {
    expect(first.map((s) => s.chartId).sort()).toEqual([...adaCharts, bobsChart].sort());
    const { newest } = await findNewestCheckpoint(client, ada.holder);
    expect(newest).not.toBeNull();
    const checkpoint = decodeCheckpoint(newest!.payload);
    expect(checkpoint.authorityId).toBe(authorityId);
    expect(checkpoint.entries.map((e) => e.chartId).sort()).toEqual([...adaCharts, bobsChart].sort());
    expect(checkpoint.recheck).toEqual([]);
    expect(checkpoint.discovery.listNext).toBe(adaCharts.length);
    // Bob's own checkpoint lane is not Ada's: he finds none (his list never ran).
    expect((await findNewestCheckpoint(client, bob.holder)).newest).toBeNull();
  });

  it('lists on a new workstation without fetching a chart, each line as first verified', async () => {
    const fresh = await workstation();
    const listed = await fresh.service.list(ada.holder);
    expect(byId(listed)).toEqual(byId(first));
    expect(listed.every((s) => s.integrity === 'verified')).toBe(true);
    expect(fresh.fetched(all())).toEqual([]);

    // Two lists at once on another new workstation: discovery runs one after the other (one state), both answer all.
    const twice = await workstation();
    const [a, b] = await Promise.all([twice.service.list(ada.holder), twice.service.list(ada.holder)]);
    expect(byId(a)).toEqual(byId(first));
    expect(byId(b)).toEqual(byId(first));

    // The control: the same new workstation without the checkpoint fetches and verifies every chart.
    const without = await workstation({ listCheckpoint: false });
    expect(byId(await without.service.list(ada.holder))).toEqual(byId(first));
    expect(without.fetched(all()).sort()).toEqual(all().sort());
  });

  it('verifies in full what changed after the checkpoint: an update, an unshare, a new chart', async () => {
    const writer = await workstation({ listCheckpoint: false });
    const chart = sampleChart('Amelia Hartley');
    chart.medications[0]!.dose = '750 mg';
    await writer.service.update(ada.holder, adaCharts[0]!, chart, { baseSeq: 1 });
    await writer.service.unshare(bob.holder, bobsChart, ada.holder.boxKey);
    added = (await writer.service.create(ada.holder, sampleChart('Farah Haddad'), { pin: PIN })).chartId;

    const fresh = await workstation();
    const listed = await fresh.service.list(ada.holder);
    expect(listed.map((s) => s.chartId).sort()).toEqual([...adaCharts, added].sort());
    expect(listed.find((s) => s.chartId === adaCharts[0])).toMatchObject({ seq: 2, integrity: 'verified' });
    expect(listed.find((s) => s.chartId === added)).toMatchObject({ seq: 1, patientName: 'Farah Haddad' });
    // The updated, the unshared and the new chart were read; the three unchanged ones came from the checkpoint.
    expect(fresh.fetched([...all(), added]).sort()).toEqual([adaCharts[0]!, bobsChart, added].sort());
    const unchanged = listed.filter((s) => adaCharts.slice(1).includes(s.chartId));
    expect(byId(unchanged)).toEqual(byId(first.filter((s) => adaCharts.slice(1).includes(s.chartId))));

    // That list wrote a newer checkpoint (4 of 6 changed): the next new workstation fetches nothing again.
    await fresh.service.checkpointsWritten();
    const next = await workstation();
    expect(byId(await next.service.list(ada.holder))).toEqual(byId(listed));
    expect(next.fetched([...all(), added])).toEqual([]);
  });

  it('a node answering the checkpoint search with something that is no answer costs the checkpoint, not the list', async () => {
    // The walk's first search holds Ada's checkpoint tag of generation 0, chunk 0 (docs/UNLINKABLE.md §14).
    const self = ada.holder.pairKey!(ada.holder.boxKey, ada.holder.boxKey);
    const tag = checkpointTag(listKey(self), 0, 0);
    self.fill(0);
    const proxy = await startTamperProxy(node!.url);
    try {
      let first = true;
      proxy.setRewrite((path, body) => {
        if (!path.includes('/assets?search=') || !path.includes(tag) || !first) return body;
        first = false;
        return '{ not an answer';
      });
      const fooled = await checkpointWorkstation(
        proxy.url,
        () => authorityId,
        { listCheckpoint: { minCharts: 3 } },
        { dirs, opened },
      );
      const listed = await fooled.service.list(ada.holder);
      expect(first).toBe(false);
      expect(listed.map((s) => s.chartId).sort()).toEqual(adaNow().sort());
      // Listed without the checkpoint: every chart fetched and verified.
      expect(fooled.fetched(adaNow()).sort()).toEqual(adaNow().sort());
    } finally {
      await proxy.close();
    }
  });

  it('is not used under another pinned authority', async () => {
    const other = await workstation({ authorityId: () => '' });
    await other.service.list(ada.holder);
    expect(other.fetched(all()).length).toBeGreaterThan(0);
  });
});
