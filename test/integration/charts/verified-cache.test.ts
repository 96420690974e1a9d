// Signing in again on the same workstation: charts this doctor verified before come from the verified cache (no
// per-chart request, no re-verification) as long as the node still lists their cached head as current; anything
// that changed is fetched and verified, a node that alters what it serves is still caught, and charts read while
// no node answers. Real node, real keychain, real lmdb cache on disk, requests counted by a proxy in between.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleChart } from '../../fixtures/sample-chart';
import type { InspectedChartService as ChartService } from './inspected-service';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { NodeUnreachableError } from '../../../src-main/ledger/errors';
import { startTamperProxy, type TamperProxy } from '../../bridge/tamper-proxy';
import { PIN, TestVault, removeDir, startNode, startService, tempDir, type Doctor } from './harness';

const assetReads = (requests: readonly string[]) =>
  requests.filter((r) => r.startsWith('GET /api/v1/transactions?asset_id='));

describe('verified cache across sessions', { timeout: 60_000 }, () => {
  const vault = new TestVault();
  const nodeDir = tempDir('node');
  const cacheDir = tempDir('verified');
  let node: LedgerNode;
  let proxy: TamperProxy;
  let ada: Doctor;
  let ben: Doctor;
  let other: ChartService; // another workstation, with no cache
  const chartIds: string[] = [];
  const open: ChartService[] = [];

  /** A fresh session on this workstation: a new service over the same cache folder, through the counting proxy. */
  async function session(urls: string[] = [proxy.url]): Promise<ChartService> {
    const { service } = await startService(urls, { cacheDir, liveStream: false });
    open.push(service);
    return service;
  }

  async function end(service: ChartService): Promise<void> {
    await service.close();
    open.splice(open.indexOf(service), 1);
  }

  beforeAll(async () => {
    proxy = await startTamperProxy(() => node.url);
    node = await startNode(nodeDir, 0, [new URL(proxy.url).host]);
    ada = await vault.doctor('Dr Ada Okafor', 'General practice');
    ben = await vault.doctor('Dr Ben Lindqvist', 'Cardiology');
    ({ service: other } = await startService([node.url], { liveStream: false }));
    for (const name of ['Ines Duarte', 'Jonas Berg', 'Karin Holm']) {
      chartIds.push(
        (
          await other.create(
            ada.holder,
            { ...sampleChart(), patient: { ...sampleChart().patient, name } },
            { pin: PIN },
          )
        ).chartId,
      );
    }
    await other.share(ada.holder, chartIds[0]!, {
      signKey: ben.holder.signKey,
      boxKey: ben.holder.boxKey,
      name: ben.name,
    });
  });

  afterAll(async () => {
    for (const s of [...open, other]) await s.close();
    await proxy?.stop();
    await node?.stop();
    await vault.clean();
    removeDir(nodeDir);
    removeDir(cacheDir);
  });

  it('a second session lists from the cache: one search, one outputs query, no chart fetched', async () => {
    const first = await session();
    const listed = await first.list(ada.holder);
    expect(listed.map((s) => s.patientName).sort()).toEqual(['Ines Duarte', 'Jonas Berg', 'Karin Holm']);
    expect(assetReads(proxy.requests)).toHaveLength(3); // cold: every chart fetched and verified
    await end(first);

    proxy.requests.length = 0;
    const second = await session();
    const again = await second.list(ada.holder);
    expect(again).toEqual(listed);
    expect(assetReads(proxy.requests)).toEqual([]);
    expect(proxy.requests.filter((r) => r.startsWith('GET /api/v1/outputs?'))).toEqual([
      `GET /api/v1/outputs?public_key=${ada.holder.signKey}&spent=false`,
    ]);
    expect(proxy.requests.filter((r) => r.startsWith('GET /api/v1/metadata?'))).toHaveLength(1);
    // Opening asks only for the last transaction and, since it is the cached head, nothing more.
    proxy.requests.length = 0;
    const view = await second.get(ada.holder, chartIds[1]!);
    expect(view.chart?.patient.name).toBe('Jonas Berg');
    expect(view.versions.every((v) => v.status === 'committed')).toBe(true);
    expect(assetReads(proxy.requests)).toEqual([`GET /api/v1/transactions?asset_id=${chartIds[1]}&last_tx=true`]);
    await end(second);
  });

  it('a chart changed elsewhere is fetched and verified again; the others still come from the cache', async () => {
    const changed = sampleChart();
    changed.patient.name = 'Jonas Berg-Lund';
    await other.update(ada.holder, chartIds[1]!, changed);
    proxy.requests.length = 0;
    const s = await session();
    const listed = await s.list(ada.holder);
    expect(listed.find((c) => c.chartId === chartIds[1])?.patientName).toBe('Jonas Berg-Lund');
    expect(assetReads(proxy.requests)).toEqual([`GET /api/v1/transactions?asset_id=${chartIds[1]}`]);
    await end(s);
  });

  it('a reader dropped since the last session no longer lists the chart, cached or not', async () => {
    const s = await session();
    expect((await s.list(ben.holder)).map((c) => c.chartId)).toEqual([chartIds[0]]);
    await end(s);
    await other.unshare(ada.holder, chartIds[0]!, ben.holder.boxKey);
    const next = await session();
    expect(await next.list(ben.holder)).toEqual([]);
    await end(next);
  });

  it('a node that alters the chart it serves is caught even though the chart is cached', async () => {
    const s = await session();
    proxy.tampering = true;
    try {
      const view = await s.get(ada.holder, chartIds[2]!);
      expect(view.tampered?.reason).toMatch(/InvalidHash|does not open/);
      expect(view.chart).toBeNull();
      // From then on the list shows it as tampered too, although the cache holds a good copy: the warning must show.
      const row = (await s.list(ada.holder)).find((c) => c.chartId === chartIds[2]);
      expect(row).toMatchObject({ status: 'tampered', patientName: '' });
    } finally {
      proxy.tampering = false;
    }
    // The Verify panel always re-checks everything against the node.
    proxy.requests.length = 0;
    const report = await s.verify(ada.holder, chartIds[2]!);
    expect(report.ok).toBe(true);
    expect(assetReads(proxy.requests)).toEqual([`GET /api/v1/transactions?asset_id=${chartIds[2]}`]);
    // A clean answer clears the warning.
    expect((await s.list(ada.holder)).find((c) => c.chartId === chartIds[2])).toMatchObject({
      status: 'ok',
      patientName: 'Karin Holm',
    });
    await end(s);
  });

  it('with no node answering, charts verified in an earlier session still open and list (read from the cache)', async () => {
    const s = await session(['http://127.0.0.1:9']);
    const view = await s.get(ada.holder, chartIds[2]!);
    expect(view.chart?.patient.name).toBe('Karin Holm');
    await expect(s.list(ada.holder)).rejects.toBeInstanceOf(NodeUnreachableError);
    // The list as last verified here: every chart Ada can still read, and one she writes now, offline.
    const written = await s.create(
      ada.holder,
      { ...sampleChart(), patient: { ...sampleChart().patient, name: 'Lena Ortiz' } },
      { pin: PIN },
    );
    expect(written.status).toBe('pending');
    const offline = await s.listVerified(ada.holder);
    expect(offline.map((c) => c.patientName).sort()).toEqual([
      'Ines Duarte',
      'Jonas Berg-Lund',
      'Karin Holm',
      'Lena Ortiz',
    ]);
    expect(offline.find((c) => c.patientName === 'Lena Ortiz')?.status).toBe('pending');
    // Ben was dropped from his only chart before his last session here: nothing to show him.
    expect(await s.listVerified(ben.holder)).toEqual([]);
    await end(s);
  });
});
