// The app's "emergency access" flow for an envelope v3 chart (docs/UNLINKABLE.md §9) through the real IPC registry
// (src-main/app/core.ts): a real embedded node over HTTP, the real keychain (run in a D-Bus session with
// gnome-keyring) holding the doctor's vault, the officer and the emergency key, and the emergency service as its own
// process. The hospital is set up over IPC, the doctor credentialed over IPC; a v3 chart written by another
// credentialed doctor (built directly by the v3 version builder, so the test controls its readers); the signed-in
// doctor asks over emergency.request, reads the grant over emergency.state and opens the chart over charts.get,
// read-only with the banner.
import { describe, expect, it } from 'vitest';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import { custodyPolicyOf } from '../../../src-shared/authority/custody';
import { REQUEST_V3_TYPE } from '../../../src-shared/emergency';
import { DOCTOR } from '../vault/helpers';
import { ipcCalls } from '../authority/ipc-core';
import { eventually } from '../charts/harness';
import { holder } from './fixture';
import { emergencyIpcWorld } from './ipc-world';
import { createV3Chart } from './v3-world';

const OFFICER_PASSWORD = 'officer passphrase for tests';
const world = emergencyIpcWorld('desk-v3-ipc');

const { ok } = ipcCalls(() => world.core);

describe('emergency access to a v3 chart over IPC', { timeout: 180_000 }, () => {
  it('the signed-in doctor asks, is granted and opens the chart read-only; the request names no chart', async () => {
    const { authorityId } = await ok('hospital.setUp', {
      hospitalName: 'Cottage Hospital',
      officerName: 'Privacy officer',
      password: OFFICER_PASSWORD,
    });
    const { ledger } = world;
    const authority = await new CredentialRegistry(ledger.client, authorityId).authority();
    const emergencyKey = authority.emergencyKey!;
    const credential = (who: { name: string; signKey: string; boxKey: string }, licence: string) =>
      ok('credentials.issue', {
        name: who.name,
        licence,
        specialty: 'Emergency medicine',
        signKey: who.signKey,
        boxKey: who.boxKey,
        validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10),
        password: OFFICER_PASSWORD,
      });
    const custodian = holder();
    const patient = holder();
    await credential({ name: 'Dr Cora Custodian', signKey: custodian.signKey, boxKey: custodian.boxKey }, 'GMC-41');
    const doctor = (await ok('vault.create', DOCTOR)).identity;
    await credential(doctor, 'GMC-42');

    const custody = custodyPolicyOf(authorityId, authority.data, emergencyKey.boxKey);
    const created = await createV3Chart(ledger, custodian, patient, custody);
    const chartId = created.tx.id;

    const asked = await ok('emergency.request', {
      patient: { by: 'chart', chartId },
      reason: 'unconscious',
      note: 'Found collapsed at the bus stop',
    });
    expect(asked).toMatchObject({ chartId, reason: 'unconscious', state: 'waiting' });
    const request = (await ledger.client.getTransaction(asked.requestId)).value as { asset: { data: unknown } };
    expect(request.asset.data).toMatchObject({ type: REQUEST_V3_TYPE });
    const raw = JSON.stringify(request);
    for (const secret of [chartId, doctor.signKey, doctor.boxKey]) expect(raw).not.toContain(secret);

    world.startService(authorityId);
    let state: { state: string; grant: { versionTxId: string } | null } = { state: 'waiting', grant: null };
    await eventually(
      async () => (state = await ok('emergency.state', { requestId: asked.requestId })).state !== 'waiting',
      'the grant',
      30_000,
    );
    expect(state).toMatchObject({ state: 'granted', grant: { versionTxId: chartId } });

    const view = await ok('charts.get', { chartId });
    expect(view.data.patient.name).toBe('Iris Vale');
    expect(view.seq).toBe(1);
    expect(view.emergency).toMatchObject({ reason: 'unconscious', requestId: asked.requestId });

    // With new charts written as v3 (the ledgerEnvelope setting), the screen's request by name and date of birth
    // goes as a v3 request too, the identifiers sealed in its box; the service matches them to the chart.
    await ok('settings.set', { patch: { ledgerEnvelope: 'v3' } });
    const byName = await ok('emergency.request', {
      patient: { by: 'name', family: 'Vale', given: 'Iris', birthDate: '1984-03-09' },
      reason: 'life-threatening',
      note: '',
    });
    expect(byName).toMatchObject({ chartId: null, state: 'waiting' });
    const sent = await (await fetch(`${ledger.node.url}/api/v1/transactions/${byName.requestId}`)).text();
    expect(JSON.parse(sent)).toMatchObject({ asset: { data: { type: REQUEST_V3_TYPE } } });
    for (const typed of ['"Vale"', '"Iris"', '1984-03-09', '"family"']) expect(sent).not.toContain(typed);
    let named: { state: string; chartId: string | null } = { state: 'waiting', chartId: null };
    await eventually(
      async () => (named = await ok('emergency.state', { requestId: byName.requestId })).state !== 'waiting',
      'the answer to the request by name',
      30_000,
    );
    expect(named).toMatchObject({ state: 'granted', chartId });
  });
});
