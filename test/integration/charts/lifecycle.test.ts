// The whole life of a chart on the real embedded node, signed by real vault identities from the real keychain:
// create → update ×3 → share → unshare → custody → revoke → restore, the patient reading with the card, and a
// dropped reader unable to open later versions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnvelope, parseEnvelope } from '../../../src-shared/crypto/envelope';
import { sampleChart } from '../../fixtures/sample-chart';
import type { InspectedChartService as ChartService } from './inspected-service';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { ChartServiceError } from '../../../src-main/records/errors';
import { PIN, TestVault, removeDir, startNode, startService, tempDir, testCards, type Doctor } from './harness';

describe('chart lifecycle', { timeout: 30_000 }, () => {
  let node: LedgerNode;
  let service: ChartService;
  const vault = new TestVault();
  let ada: Doctor;
  let ben: Doctor;
  let cleo: Doctor;
  let chartId = '';
  let cardCode = '';
  const dataDir = tempDir('node');

  beforeAll(async () => {
    node = await startNode(dataDir);
    ({ service } = await startService([node.url]));
    ada = await vault.doctor('Dr Ada Okafor', 'General practice');
    ben = await vault.doctor('Dr Ben Lindqvist', 'Cardiology');
    cleo = await vault.doctor('Dr Cleo Marsh', 'Endocrinology');
    for (const d of [ada, ben, cleo])
      await service.publishPractitioner(d.holder, { name: d.name, specialty: d.specialty });
  });

  afterAll(async () => {
    await service?.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
  });

  it('publishes each practitioner once and finds them in the directory', async () => {
    const again = await service.publishPractitioner(ada.holder, { name: 'Other name', specialty: '' });
    expect(again).toMatchObject({ name: 'Dr Ada Okafor', signKey: ada.holder.signKey, boxKey: ada.holder.boxKey });
    const found = await service.searchPractitioners('Lindqvist');
    expect(found.map((p) => p.signKey)).toEqual([ben.holder.signKey]);
    expect((await service.searchPractitioners('')).map((p) => p.name)).toEqual([
      'Dr Ada Okafor',
      'Dr Ben Lindqvist',
      'Dr Cleo Marsh',
    ]);
  });

  it('creates a chart (committed) with a patient card returned once', async () => {
    const created = await service.create(ada.holder, sampleChart(), { pin: PIN });
    expect(created.status).toBe('committed');
    expect(created.chartId).toMatch(/^[0-9a-f]{64}$/);
    expect(created.card.code).toMatch(/^[0-9A-Z-]+$/);
    expect(created.card.qrSvg).toContain('<svg');
    chartId = created.chartId;
    cardCode = created.card.code;
    const view = await service.get(ada.holder, chartId);
    expect(view.chart).toEqual(sampleChart());
    expect(view.versions).toHaveLength(1);
    expect(view.head).toMatchObject({
      seq: 1,
      action: 'create',
      status: 'committed',
      author: { signKey: ada.holder.signKey, name: 'Dr Ada Okafor' },
    });
    expect(view.head.link).toBe(`${node.url}/api/v1/transactions/${chartId}`);
    expect(view.readers.map((r) => r.role).sort()).toEqual(['custodian', 'patient']);
    expect(view.isCustodian).toBe(true);
  });

  it('refuses an invalid chart with field errors and writes nothing', async () => {
    const bad = sampleChart();
    bad.patient.name = '';
    await expect(service.update(ada.holder, chartId, bad)).rejects.toMatchObject({
      name: 'ChartValidationError',
      errors: [{ path: 'patient.name', message: 'Name is required' }],
    });
    expect((await service.get(ada.holder, chartId)).versions).toHaveLength(1);
  });

  it('updates three times; history has a field-level diff per version', async () => {
    const chart = sampleChart();
    chart.medications[0]!.dose = '1000 mg';
    expect(await service.update(ada.holder, chartId, chart, { baseSeq: 1 })).toMatchObject({
      seq: 2,
      status: 'committed',
    });
    chart.illnesses[0]!.status = 'resolved';
    await service.update(ada.holder, chartId, chart);
    const marked = await service.markEnteredInError(ada.holder, chartId, 'visits', 'v1');
    expect(marked.seq).toBe(4);
    await expect(service.update(ada.holder, chartId, chart, { baseSeq: 2 })).rejects.toMatchObject({
      code: 'StaleVersion',
    });
    const history = await service.history(ada.holder, chartId);
    expect(history.map((v) => [v.seq, v.action])).toEqual([
      [1, 'create'],
      [2, 'update'],
      [3, 'update'],
      [4, 'update'],
    ]);
    expect(history[1]!.diff).toEqual([
      { path: 'medications[m1].dose', before: '500 mg', after: '1000 mg', label: 'Medication "Metformin" › Dose' },
    ]);
    expect(history[2]!.diff.map((d) => d.path)).toEqual(['illnesses[i1].status']);
    expect(history[3]!.diff).toEqual([
      {
        path: 'visits[v1].status',
        before: 'completed',
        after: 'entered-in-error',
        label: 'Visit "2026-11-20" › Status',
      },
    ]);
  });

  it('shares with a second doctor, who then lists and reads the chart but cannot change it', async () => {
    await service.share(ada.holder, chartId, { signKey: ben.holder.signKey, boxKey: ben.holder.boxKey });
    const list = await service.list(ben.holder);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      chartId,
      patientName: 'Amelia Quartermaine',
      isCustodian: false,
      seq: 5,
      lastAction: 'share',
    });
    const view = await service.get(ben.holder, chartId);
    expect(view.readers.find((r) => r.boxKey === ben.holder.boxKey)).toMatchObject({
      role: 'doctor',
      name: 'Dr Ben Lindqvist',
    });
    await expect(service.update(ben.holder, chartId, view.chart)).rejects.toMatchObject({ code: 'NotCustodian' });
  });

  it('unshare drops the reader: new versions have a new data key that reader cannot open', async () => {
    await service.unshare(ada.holder, chartId, ben.holder.boxKey);
    const chart = (await service.get(ada.holder, chartId)).chart!;
    chart.patient.name = 'Amelia Q. Smith';
    const later = await service.update(ada.holder, chartId, chart);
    expect(await service.list(ben.holder)).toEqual([]);
    // Straight from the ledger: the later version is not wrapped for Ben, and its box does not open with his key.
    const { value: raw } = await service.client.getTransaction(later.txId);
    const envelope = parseEnvelope((raw as { metadata: unknown }).metadata);
    expect(envelope.readers.map((r) => r.key)).not.toContain(ben.holder.boxKey);
    await expect(openEnvelope(envelope, ben.holder)).rejects.toMatchObject({ problem: 'not-a-reader' });
    const forged = {
      ...envelope,
      readers: envelope.readers.map((r) => ({ ...r, key: ben.holder.boxKey })).slice(0, 1),
    };
    await expect(openEnvelope(forged, ben.holder)).rejects.toMatchObject({ problem: 'wrap' });
    // What Ben could read before stays readable to him: the ledger is append-only.
    const view = await service.get(ben.holder, chartId);
    expect(view.chart).toBeNull();
    expect(view.versions.filter((v) => v.readable).map((v) => v.seq)).toEqual([5]);
  });

  it('hands custody to a third doctor; the old custodian keeps reading but can no longer write', async () => {
    await service.transferCustody(ada.holder, chartId, { signKey: cleo.holder.signKey, boxKey: cleo.holder.boxKey });
    const cleoView = await service.get(cleo.holder, chartId);
    expect(cleoView).toMatchObject({
      isCustodian: true,
      custodian: { signKey: cleo.holder.signKey, name: 'Dr Cleo Marsh' },
    });
    expect(cleoView.head.action).toBe('custody');
    await expect(service.revoke(ada.holder, chartId)).rejects.toBeInstanceOf(ChartServiceError);
    const adaView = await service.get(ada.holder, chartId);
    expect(adaView.chart?.patient.name).toBe('Amelia Q. Smith');
    expect(adaView.isCustodian).toBe(false);
  });

  it('revoke shows the chart as revoked and blocks edits; restore lifts it; every version still verifies', async () => {
    await service.revoke(cleo.holder, chartId, '  Opened for the wrong patient  ');
    const revoked = await service.get(cleo.holder, chartId);
    expect(revoked.head.note).toBe('Opened for the wrong patient');
    expect(revoked.revoked).toBe(true);
    expect(revoked.chart).not.toBeNull();
    await expect(service.update(cleo.holder, chartId, revoked.chart)).rejects.toMatchObject({ code: 'ChartRevoked' });
    await service.restore(cleo.holder, chartId);
    const restored = await service.get(cleo.holder, chartId);
    expect(restored.revoked).toBe(false);
    // The reason is the revoke's own: the restore after it does not inherit it.
    expect(restored.head.note).toBeNull();
    expect((await service.history(cleo.holder, chartId)).map((v) => v.note).filter(Boolean)).toEqual([
      'Opened for the wrong patient',
    ]);
    expect(restored.versions.map((v) => v.action)).toEqual([
      'create',
      'update',
      'update',
      'update',
      'share',
      'unshare',
      'update',
      'custody',
      'revoke',
      'restore',
    ]);
    const report = await service.verify(cleo.holder, chartId);
    expect(report.ok).toBe(true);
    expect(report.versions).toHaveLength(10);
    for (const v of report.versions) {
      expect(v.checks.map((c) => [c.check, c.ok])).toEqual([
        ['id', true],
        ['signatures', true],
        ['chain', true],
        ['owner', true],
        ['envelope', true],
      ]);
      expect(v.link).toBe(`${node.url}/api/v1/transactions/${v.txId}`);
    }
  });

  it('the patient opens the card with the PIN and reads the current chart, read-only', async () => {
    const cards = testCards();
    const patient = await cards.open(cardCode, PIN);
    const list = await service.list(patient);
    expect(list.map((c) => c.chartId)).toEqual([chartId]);
    const view = await service.get(patient, chartId);
    expect(view.chart?.patient.name).toBe('Amelia Q. Smith');
    expect(view.chart?.medications[0]?.dose).toBe('1000 mg');
    await expect(service.update(patient, chartId, view.chart)).rejects.toMatchObject({ code: 'NotCustodian' });
    await expect(cards.open(cardCode, '271828')).resolves.toBeDefined(); // a wrong PIN gives another identity…
    const stranger = await cards.open(cardCode, '271828');
    expect(await service.list(stranger)).toEqual([]); // …which no chart lists
  });

  it('exports the chart as FHIR with a Provenance per version', async () => {
    const bundle = await service.exportFhir(cleo.holder, chartId);
    const provenance = bundle.entry!.filter((e) => e.resource?.resourceType === 'Provenance');
    expect(provenance.map((e) => e.resource!.id)).toEqual(
      (await service.history(cleo.holder, chartId)).map((v) => v.txId),
    );
  });

  it('recent actions list what each doctor did, newest first', async () => {
    const recent = service.recentActions(cleo.holder);
    expect(recent.map((a) => [a.seq, a.action, a.status])).toEqual([
      [10, 'restore', 'committed'],
      [9, 'revoke', 'committed'],
    ]);
    expect(recent[0]).toMatchObject({ chartId, patientName: 'Amelia Q. Smith' });
    const adas = service.recentActions(ada.holder);
    expect(adas.map((a) => a.seq)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(adas.every((a) => a.status === 'committed')).toBe(true);
  });
});
