// Charts written before the hospital authority existed (docs/AUTHORITY.md §"Migration of what was written before
// the authority"): once an authority is pinned, a version placed below the authority's own block height counts for an
// author the hospital credentialed (whenever it did), and for nobody else; from the authority's height on, a version
// counts only at heights where its author's credential did; the chart service writes on no chart of unknown author.
// Real embedded node over HTTP, real keychain.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import type { ChartService } from '../../../src-main/records/chart-service';
import { sampleChart } from '../../fixtures/sample-chart';
import { PIN, TestVault, removeDir, startNode, tempDir, type Doctor } from '../charts/harness';
import { Hospital, pinnedService } from './hospital-setup';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

describe('versions written before the authority existed', () => {
  const dataDir = tempDir('node');
  const vault = new TestVault();
  let node: LedgerNode;
  let hospital: Hospital;
  let before: ChartService;
  let pinned: ChartService;
  let ada: Doctor;
  let bo: Doctor;
  let early = { ada: '', bo: '' };
  let late = '';

  beforeAll(async () => {
    node = await startNode(dataDir);
    ada = await vault.doctor('Dr Ada Okafor', 'Oncology');
    bo = await vault.doctor('Dr Bo Lind', 'Cardiology');
    // No authority yet: both doctors write, as every installation did before #12.
    before = await pinnedService([node.url], '');
    early = {
      ada: (await before.create(ada.holder, sampleChart('Early Ada'), { pin: PIN })).chartId,
      bo: (await before.create(bo.holder, sampleChart('Early Bo'), { pin: PIN })).chartId,
    };
    // The hospital sets up its authority; Ada writes once more before IT credentials her, then is credentialed.
    hospital = await Hospital.found(node.url);
    late = (await before.create(ada.holder, sampleChart('Late Ada'), { pin: PIN })).chartId;
    await hospital.credential(ada.holder, 'Dr Ada Okafor');
    pinned = await pinnedService([node.url], hospital.authorityId);
  });

  afterAll(async () => {
    await before?.close();
    await pinned?.close();
    hospital?.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
  });

  it("a credentialed doctor's chart from before the authority verifies", async () => {
    const view = await pinned.get(ada.holder, early.ada);
    expect(view.summary).toMatchObject({ integrity: 'verified', tamperReason: null, patientName: 'Early Ada' });
  });

  it('a chart from before the authority by a doctor the hospital never credentialed is "unknown author"', async () => {
    const view = await pinned.get(bo.holder, early.bo);
    expect(view.summary).toMatchObject({ integrity: 'unknown-author', patientName: '' });
    expect(view.summary.tamperReason).toMatch(/who holds no credential of this hospital/);
  });

  it('a version written after the authority existed but before the credential was issued does not count', async () => {
    const view = await pinned.get(ada.holder, late);
    expect(view.summary).toMatchObject({ integrity: 'unknown-author', patientName: '' });
    expect(view.summary.tamperReason).toMatch(/before their credential was valid/);
  });

  it("the chart service refuses to write on a chart of unknown author (it would sign that content as the doctor's)", async () => {
    const refused = await pinned
      .update(ada.holder, late, sampleChart('Late Ada, laundered'), { baseSeq: 1 })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({
      code: 'UnknownAuthor',
      message: expect.stringMatching(/before their credential was valid/),
    });
    await expect(pinned.revoke(ada.holder, late, 'gone')).rejects.toMatchObject({ code: 'UnknownAuthor' });
    const view = await pinned.get(ada.holder, late);
    expect(view.summary).toMatchObject({ integrity: 'unknown-author', seq: 1 });
    // A chart that verifies is written on as before.
    const written = await pinned.update(ada.holder, early.ada, sampleChart('Early Ada, updated'), { baseSeq: 1 });
    expect(written.chart.summary).toMatchObject({ seq: 2 });
  });
});
