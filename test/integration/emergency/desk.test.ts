// The clinician's side of emergency access through the chart service (src-main/records/emergency-desk.ts), end to
// end: the real embedded node over HTTP, a real 1-of-1 hospital authority, the emergency service as its own process
// with its key in the real keychain. A doctor who is no reader asks (by chart id, by access card, by name and date of
// birth), waits, is granted and reads the chart read-only with the banner's facts; the access history says the same
// to the doctor, the custodian and the patient, and the reason's text only to those it was sealed to.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { sealTo } from '../../../src-main/crypto/sealed-box';
import { createChartService, type ChartService } from '../../../src-main/records/chart-service';
import { encodeChartCardCode } from '../../../src-shared/crypto/card-code';
import { encodePayload, type ChartPayload } from '../../../src-shared/records/payload';
import { sampleChart } from '../../fixtures/sample-chart';
import { eventually, NODE_TOKEN, tempDir, testCards } from '../charts/harness';
import { initEmergencyKey, ServiceProcess } from './service-process';
import {
  clearKeychains,
  holder,
  sealedChart,
  settled,
  startTestLedger,
  TestAuthority,
  type TestLedger,
} from './fixture';
import type { LedgerNode } from '../../../src-main/ledger-node/node';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 90_000 });

const officer = holder();
const custodian = holder();
const patient = holder();
const doctor = holder();
const stranger = holder();
const KEYCHAIN = `HealthChain-emergency-desk-test-${randomBytes(6).toString('hex')}`;
const NOTE = 'Collapsed in the waiting room, no pulse';

let ledger: TestLedger;
let authority: TestAuthority;
let node: LedgerNode;
let client: LedgerNodeClient;
let authorityId: string;
let emergency: { signKey: string; boxKey: string };
let chartId: string;
let service: ServiceProcess;
const services: ChartService[] = [];

async function chartServiceFor(label: string): Promise<ChartService> {
  const s = await createChartService({
    nodeUrls: [node.url],
    outboxDir: tempDir(`desk-${label}`),
    cards: testCards(),
    client: { readTimeoutMs: 3000, postTimeoutMs: 5000, bearerTokenFor: () => NODE_TOKEN },
    verifyWorkers: 0,
    liveStream: false,
    authorityId: () => authorityId,
    emergencyKey: () => emergency,
  });
  services.push(s);
  return s;
}

/**
 * A chart written by its credentialed custodian and wrapped for the emergency key as for any reader. The app's saves
 * add that wrap only once the authority has published the key (the last test publishes it), so this version is
 * sealed with the envelope API.
 */
async function wrappedChart(name: string): Promise<string> {
  const chart = sampleChart(name);
  chart.patient = {
    ...chart.patient,
    given: name.split(' ')[0]!,
    family: name.split(' ')[1]!,
    birthDate: '1961-02-03',
  };
  const payload: ChartPayload = {
    v: 2,
    chart,
    patient: { signKey: patient.signKey, boxKey: patient.boxKey },
    custodian: { signKey: custodian.signKey, boxKey: custodian.boxKey, name: 'Dr Cora Custodian' },
    doctors: [],
  };
  const { create: tx } = await sealedChart(
    custodian,
    [custodian.boxKey, patient.boxKey, emergency.boxKey],
    encodePayload(payload),
    sealTo,
  );
  await client.post(tx, 'commit');
  return tx.id;
}

beforeAll(async () => {
  ledger = await startTestLedger('emergency-desk');
  ({ node, client } = ledger);
  authority = await TestAuthority.found(client, officer);
  authorityId = authority.id;
  await authority.issue(custodian, 'Dr Cora Custodian');
  await authority.issue(doctor, 'Dr Ada Okafor');
  emergency = await initEmergencyKey(KEYCHAIN);
  chartId = await wrappedChart('Rosa Marsh');
  service = new ServiceProcess(
    ['--node', node.url, '--authority', authorityId, '--keychain-service', KEYCHAIN, '--poll-ms', '100'],
    NODE_TOKEN,
  );
});

afterAll(async () => {
  await service?.stop('SIGKILL');
  for (const s of services) await s.close();
  await ledger?.stop();
  await clearKeychains(KEYCHAIN);
});

describe('the emergency desk of the chart service', () => {
  it('a doctor who is no reader asks, waits, is granted, and reads the chart read-only with the banner', async () => {
    const desk = await chartServiceFor('doctor');
    await expect(desk.get(doctor, chartId)).rejects.toMatchObject({ code: 'NotAReader' });
    const asked = await desk.emergency.request(doctor, {
      target: { chart: chartId },
      reason: 'unconscious',
      note: NOTE,
    });
    expect(asked).toMatchObject({ chartId, reason: 'unconscious', grant: null, refusal: null });
    expect(['waiting', 'granted']).toContain(asked.state);
    const state = await settled(desk, doctor, asked.requestId);
    expect(state.state).toBe('granted');
    expect(state.grant).toMatchObject({ versionTxId: chartId, grantedBy: { signKey: emergency.signKey } });

    const view = await desk.emergency.openByGrant(doctor, chartId);
    expect(view.data?.patient.name).toBe('Rosa Marsh');
    expect(view.summary.role).toBe('reader');
    expect(view.emergency).toMatchObject({
      reason: 'unconscious',
      requestId: asked.requestId,
      expiresAt: state.grant!.expiresAt,
      grantedBy: { signKey: emergency.signKey, name: 'Emergency access service' },
    });
    // After the grant's end the same read is refused (the clock moved past expiresAt).
    await expect(
      desk.emergency.openByGrant(doctor, chartId, new Date(Date.parse(state.grant!.expiresAt) + 1000)),
    ).rejects.toMatchObject({ code: 'NotAReader' });

    // The doctor's access history: the grant among who reads now; the request and grant in the history, and the
    // reason's text hidden (it was sealed to the patient, the custodian and the officer, not to the requester).
    const access = await desk.emergency.access(doctor, chartId);
    expect(access.canRead.find((p) => p.role === 'emergency')).toMatchObject({
      person: { signKey: doctor.signKey, name: 'Dr Ada Okafor' },
      until: state.grant!.expiresAt,
    });
    const events = access.history.filter((e) => e.kind.startsWith('emergency'));
    expect(events.map((e) => [e.kind, e.reason, e.text])).toEqual([
      ['emergency-request', 'unconscious', null],
      ['emergency-grant', 'unconscious', null],
    ]);
    expect(JSON.stringify(access)).not.toContain('no pulse');
  });

  it('the custodian and the patient see the emergency access with its reason', async () => {
    const desk = await chartServiceFor('custodian');
    const forCustodian = await desk.emergency.access(custodian, chartId);
    expect(forCustodian.canRead.map((p) => p.role)).toEqual(
      expect.arrayContaining(['custodian', 'patient', 'emergency', 'emergency-service']),
    );
    expect(forCustodian.canRead.find((p) => p.role === 'custodian')!.person.name).toBe('Dr Cora Custodian');
    const request = forCustodian.history.find((e) => e.kind === 'emergency-request')!;
    expect(request).toMatchObject({ by: { signKey: doctor.signKey, name: 'Dr Ada Okafor' }, text: NOTE });
    expect(forCustodian.history[0]).toMatchObject({ kind: 'created', by: { name: 'Dr Cora Custodian' } });

    const forPatient = await desk.emergency.access(patient, chartId);
    expect(forPatient.history.find((e) => e.kind === 'emergency-request')!.text).toBe(NOTE);
    expect(forPatient.canRead.find((p) => p.role === 'patient')!.person.name).toBe('Rosa Marsh');
  });

  it('someone who neither reads the chart nor holds a grant sees nothing of it', async () => {
    const desk = await chartServiceFor('stranger');
    await expect(desk.emergency.access(stranger, chartId)).rejects.toMatchObject({ code: 'NotAReader' });
    await expect(desk.emergency.openByGrant(stranger, chartId)).rejects.toMatchObject({ code: 'NotAReader' });
  });

  it('an uncredentialed requester is refused with the reason, and reads nothing', async () => {
    const desk = await chartServiceFor('uncredentialed');
    const asked = await desk.emergency.request(stranger, { target: { chart: chartId }, reason: 'other', note: '' });
    const state = await settled(desk, stranger, asked.requestId);
    expect(state).toMatchObject({ state: 'refused', refusal: { reason: 'no-credential' }, grant: null });
    await expect(desk.emergency.openByGrant(stranger, chartId)).rejects.toMatchObject({ code: 'NotAReader' });
    // Another doctor cannot read the state of a request that is not theirs.
    await expect(desk.emergency.requestState(doctor, asked.requestId)).rejects.toMatchObject({
      code: 'InvalidRequest',
    });
  });

  it('by access card and by name and date of birth: the service finds the chart, and the history counts both', async () => {
    const desk = await chartServiceFor('card');
    const code = encodeChartCardCode(randomBytes(16), chartId);
    expect(await desk.emergency.chartOfCard(code)).toBe(chartId);
    await expect(desk.emergency.chartOfCard('not a card')).rejects.toMatchObject({ code: 'InvalidRequest' });
    const byName = await desk.emergency.request(doctor, {
      target: { query: { family: 'marsh', given: 'Rosa', birthDate: '1961-02-03' } },
      reason: 'life-threatening',
      note: 'Anaphylaxis',
    });
    expect(byName.chartId).toBeNull();
    const state = await settled(desk, doctor, byName.requestId);
    expect(state).toMatchObject({ state: 'granted', chartId });
    const access = await desk.emergency.access(custodian, chartId);
    expect(access.history.filter((e) => e.kind === 'emergency-grant')).toHaveLength(2);
  });

  it('without an emergency service configured, a request is refused here and the history says why', async () => {
    const s = await createChartService({
      nodeUrls: [node.url],
      outboxDir: tempDir('desk-none'),
      cards: testCards(),
      client: { readTimeoutMs: 3000, bearerTokenFor: () => NODE_TOKEN },
      verifyWorkers: 0,
      liveStream: false,
      authorityId: () => authorityId,
    });
    services.push(s);
    await expect(
      s.emergency.request(doctor, { target: { chart: chartId }, reason: 'other', note: '' }),
    ).rejects.toThrow(/No emergency access service/);
    const access = await s.emergency.access(custodian, chartId);
    expect(access.emergencyUnavailable).toMatch(/No emergency access service/);
    expect(access.history.some((e) => e.kind.startsWith('emergency'))).toBe(false);
  });

  it('with the key the authority published on the ledger (nothing configured): requests and the history use it', async () => {
    await authority.publishEmergencyKey(emergency);
    const s = await createChartService({
      nodeUrls: [node.url],
      outboxDir: tempDir('desk-published'),
      cards: testCards(),
      client: { readTimeoutMs: 3000, postTimeoutMs: 5000, bearerTokenFor: () => NODE_TOKEN },
      verifyWorkers: 0,
      liveStream: false,
      authorityId: () => authorityId,
    });
    services.push(s);
    const access = await s.emergency.access(custodian, chartId);
    expect(access.emergencyUnavailable).toBeNull();
    const before = access.history.filter((e) => e.kind === 'emergency-grant').length;
    expect(before).toBeGreaterThanOrEqual(2);
    const asked = await s.emergency.request(doctor, {
      target: { chart: chartId },
      reason: 'urgent-treatment',
      note: '',
    });
    expect((await settled(s, doctor, asked.requestId)).state).toBe('granted');
    const after = await s.emergency.access(custodian, chartId);
    expect(after.history.filter((e) => e.kind === 'emergency-grant')).toHaveLength(before + 1);
  });

  it('a version the custodian saves while the grant runs opens for the requester, wrapped by the service', async () => {
    const writer = await chartServiceFor('custodian-later');
    const current = await writer.get(custodian, chartId);
    const chart = structuredClone(current.data!);
    chart.allergies.push({
      id: 'a-latex',
      substance: 'Latex',
      codes: [],
      type: 'allergy',
      criticality: 'high',
      reaction: 'Anaphylaxis',
      onset: '',
      status: 'active',
    });
    const saved = await writer.update(custodian, chartId, chart, { baseSeq: current.summary.seq });
    const desk = await chartServiceFor('doctor-later');
    // The first test's grant still runs: the service wraps the new version to the doctor (hc.emergency.later/1).
    let view = await desk.emergency.openByGrant(doctor, chartId);
    await eventually(
      async () =>
        (view = await desk.emergency.openByGrant(doctor, chartId)).data?.allergies.some(
          (a) => a.substance === 'Latex',
        ) ?? false,
      'the saved version opened by the running grant',
      30_000,
    );
    expect(view.seq).toBe(saved.version.seq); // the version shown is the one saved during the grant
    expect(view.emergency).toBeDefined();
    // Past the grant's end nothing opens, the later version included.
    await expect(
      desk.emergency.openByGrant(doctor, chartId, new Date(Date.parse(view.emergency!.expiresAt) + 1000)),
    ).rejects.toMatchObject({ code: 'NotAReader' });
  });
});
