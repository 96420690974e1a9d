// The clinician's desk asking for an envelope v3 chart (docs/UNLINKABLE.md §9) through the chart service
// (src-main/records/emergency-desk.ts → emergency-desk-v3.ts), end to end: the real embedded node over HTTP, a real
// 1-of-1 hospital authority, the emergency service as its own process with its key in the real keychain (run in a
// D-Bus session with gnome-keyring). A credentialed doctor who is no reader asks through the desk, the service grants,
// and the doctor's desk opens the granted version read-only; the request on the node names no chart and no key of
// the doctor's. An uncredentialed requester is refused, and nobody else's desk can read the request's state.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REQUEST_V3_TYPE } from '../../../src-shared/emergency';
import { findGrantsV3 } from '../../../src-main/records/emergency-grants-v3';
import { openChartV3 } from '../../../src-main/records/version-opener-v3';
import { V3World } from './v3-world';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 120_000 });

const NOTE = 'Found collapsed at the bus stop';
const world = new V3World('desk-v3');
const { custodian, patient, doctor, stranger } = world;
let chartId = '';
let headId = '';
let emergency: { signKey: string; boxKey: string };
const deskFor = (label: string) => world.deskFor(label);
const settled = world.settled.bind(world);
const rawText = world.rawText.bind(world);

beforeAll(async () => {
  await world.start();
  ({ chartId, headId, emergency } = world);
});

afterAll(() => world.stop());

describe('the emergency desk for a v3 chart', () => {
  let requestId = '';

  it('posts a v3 request that names no chart and no key of the doctor, and the service grants it', async () => {
    const desk = await deskFor('doctor');
    await expect(desk.emergency.openByGrant(doctor, chartId)).rejects.toMatchObject({ code: 'NotAReader' });
    const asked = await desk.emergency.request(doctor, {
      target: { chart: chartId },
      reason: 'unconscious',
      note: NOTE,
    });
    requestId = asked.requestId;
    expect(asked).toMatchObject({ chartId, reason: 'unconscious', refusal: null });
    // What the node holds: a v3 request (a sealed box), issued by a tweaked key, naming neither chart nor doctor.
    const raw = await rawText(`/api/v1/transactions/${requestId}`);
    expect(JSON.parse(raw)).toMatchObject({ asset: { data: { type: REQUEST_V3_TYPE } }, metadata: null });
    for (const secret of [chartId, headId, doctor.signKey, doctor.boxKey, custodian.signKey, patient.boxKey])
      expect(raw).not.toContain(secret);
    for (const word of ['unconscious', 'bus stop', '"chart"', '"requester"']) expect(raw).not.toContain(word);
    expect((await world.ledger.client.searchAssets(chartId)).value.map((a) => a.id)).not.toContain(requestId);

    const state = await settled(desk, doctor, requestId);
    expect(state).toMatchObject({
      state: 'granted',
      chartId,
      grant: { versionTxId: headId, grantedBy: { signKey: emergency.signKey } },
    });
  });

  it("opens the granted version read-only through the doctor's desk, and nothing after the grant's end", async () => {
    const desk = world.desks[0]!;
    // A v3 chart the doctor has no slot in reads as not found; the workstation's charts.get then tries the grant
    // (src-main/ipc/handlers/workstation.ts).
    await expect(desk.get(doctor, chartId)).rejects.toMatchObject({ code: 'ChartNotFound' });
    const view = await desk.emergency.openByGrant(doctor, chartId);
    expect(view.data?.patient.name).toBe('Iris Vale');
    expect(view.data?.patient.phone).toBe('+44 20 7946 0099');
    expect(view.seq).toBe(2);
    expect(view.txId).toBe(headId);
    expect(view.emergency).toMatchObject({
      reason: 'unconscious',
      requestId,
      grantedBy: { signKey: emergency.signKey, name: 'Emergency access service' },
    });
    const expiresAt = view.emergency.expiresAt;
    // The access history the chart screen shows beside it: the grant opens version 2 only (an update, no access
    // event), so the requester's history is this request and its grant, and the readers are version 2's.
    const access = await desk.emergency.access(doctor, chartId);
    expect(access.history.map((e) => e.kind)).toEqual(['emergency-request', 'emergency-grant']);
    expect(access.canRead.find((p) => p.role === 'custodian')?.person.signKey).toBe(custodian.signKey);
    expect(access.history.find((e) => e.kind === 'emergency-request')).toMatchObject({
      by: { signKey: doctor.signKey, name: 'Dr Ada Okafor' },
      reason: 'unconscious',
    });
    expect(access.canRead.find((p) => p.role === 'emergency')).toMatchObject({
      person: { signKey: doctor.signKey },
      until: expiresAt,
    });
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    await expect(
      desk.emergency.openByGrant(doctor, chartId, new Date(Date.parse(expiresAt) + 1000)),
    ).rejects.toMatchObject({ code: 'NotAReader' });
    // Another doctor's desk, or this doctor's desk in a new app run, holds no such request.
    const other = await deskFor('other');
    await expect(other.emergency.requestState(doctor, requestId)).rejects.toMatchObject({ code: 'InvalidRequest' });
    await expect(desk.emergency.requestState(stranger, requestId)).rejects.toMatchObject({ code: 'InvalidRequest' });
    await expect(other.emergency.openByGrant(doctor, chartId)).rejects.toMatchObject({ code: 'NotAReader' });
  });

  it("the chart's custodian finds the desk's grant by its grant tag, with the reason and the note", async () => {
    const raw = (await world.ledger.client.listTransactions(chartId)).value;
    const chain = await openChartV3(chartId, raw, custodian);
    const found = await findGrantsV3(world.ledger.client, chain.versions);
    expect(found.map((f) => [f.seq, f.grant.requester.signKey, f.grant.reason, f.grant.note])).toEqual([
      [2, doctor.signKey, 'unconscious', NOTE],
    ]);
  });

  it('an uncredentialed requester is refused with the reason, and opens nothing', async () => {
    const desk = await deskFor('stranger');
    const asked = await desk.emergency.request(stranger, { target: { chart: chartId }, reason: 'other', note: '' });
    const state = await settled(desk, stranger, asked.requestId);
    expect(state).toMatchObject({ state: 'refused', refusal: { reason: 'no-credential' }, grant: null });
    await expect(desk.emergency.openByGrant(stranger, chartId)).rejects.toMatchObject({ code: 'NotAReader' });
  });
});
