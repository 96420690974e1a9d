// The privacy officer's review through the real IPC registry (src-main/app/core.ts), a real embedded node over HTTP
// and the real keychain: "set up this hospital" creates and publishes the emergency key; the emergency service runs as
// its own process with that key; emergency.report lists the access (the reason opened only with the officer
// password), emergency.followUp posts a follow-up signed by this computer's officer key, and bad input is refused.
import { beforeAll, describe, expect, it } from 'vitest';
import keytar from 'keytar';
import type { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import { utf8 } from '../../../src-shared/crypto/bytes';
import { buildEmergencyRequest } from '../../../src-shared/emergency';
import { ipcCalls } from '../authority/ipc-core';
import { eventually } from '../charts/harness';
import type { ServiceProcess } from './service-process';
import { holder, sealedChart } from './fixture';
import { emergencyIpcWorld } from './ipc-world';

const OFFICER_PASSWORD = 'officer passphrase for tests';
const world = emergencyIpcWorld('review-ipc');
const EMERGENCY = world.emergency;

let client: LedgerNodeClient;
let service: ServiceProcess | null = null;

const { call, ok } = ipcCalls(() => world.core);

beforeAll(() => {
  ({ client } = world.ledger);
});

describe('emergency review over IPC', { timeout: 180_000 }, () => {
  it('set up publishes the emergency key; report and follow-up through the registry, officer password per act', async () => {
    const status = await ok('hospital.setUp', {
      hospitalName: 'Cottage Hospital',
      officerName: 'Privacy officer',
      password: OFFICER_PASSWORD,
    });
    const authorityId: string = status.authorityId;
    const authority = await new CredentialRegistry(client, authorityId).authority();
    const emergencyKey = authority.emergencyKey!;
    expect(emergencyKey).toBeTruthy();
    expect((await keytar.findCredentials(EMERGENCY)).length).toBe(1);
    expect(await ok('emergency.report', { since: '2020-01-01' })).toEqual({
      rows: [],
      emergencyKey: emergencyKey.signKey,
      opened: false,
    });

    const doctor = holder();
    await ok('credentials.issue', {
      name: 'Dr Ada Okafor',
      licence: 'GMC-42',
      specialty: 'Emergency medicine',
      signKey: doctor.signKey,
      boxKey: doctor.boxKey,
      validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10),
      password: OFFICER_PASSWORD,
    });
    const custodian = holder();
    const { create: chart } = await sealedChart(
      custodian,
      [custodian.boxKey, emergencyKey.boxKey],
      utf8('{"allergies":["latex"]}'),
    );
    await client.post(chart, 'commit');
    service = world.startService(authorityId);
    const officerBox = authority.data.officers[0]!.boxKey;
    const request = await buildEmergencyRequest(
      { chart: chart.id },
      {
        authority: authorityId,
        requester: doctor,
        reason: 'unconscious',
        note: 'Brought in by ambulance',
        noteReaders: [officerBox],
        emergencyKey,
        officers: [officerBox],
      },
    );
    await client.post(request, 'commit');
    await eventually(() => service!.events.some((e) => e['event'] === 'grant'), 'the grant', 30_000);

    const plain = await ok('emergency.report', { since: '2020-01-01' });
    expect(plain.opened).toBe(false);
    expect(plain.rows).toHaveLength(1);
    expect(plain.rows[0]).toMatchObject({
      request: request.id,
      chart: chart.id,
      outcome: 'granted',
      note: null,
      requester: { name: 'Dr Ada Okafor', credential: 'valid' },
    });
    const wrong = await call('emergency.report', { since: '2020-01-01', password: 'not the password' });
    expect(wrong.ok).toBe(false);
    const opened = await ok('emergency.report', { since: '2020-01-01', password: OFFICER_PASSWORD });
    expect(opened).toMatchObject({ opened: true, rows: [{ note: 'Brought in by ambulance' }] });

    const bad = await call('emergency.followUp', { request: request.id, state: 'ignored', password: OFFICER_PASSWORD });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    const { posted } = await ok('emergency.followUp', {
      request: request.id,
      state: 'justified',
      comment: 'Appropriate: patient unconscious',
      password: OFFICER_PASSWORD,
    });
    const after = await ok('emergency.report', { since: '2020-01-01', password: OFFICER_PASSWORD });
    expect(after.rows[0].followUp).toMatchObject({
      state: 'justified',
      tx: posted,
      byName: 'Privacy officer',
      comment: 'Appropriate: patient unconscious',
    });
    expect(JSON.stringify(await client.getTransaction(posted))).not.toContain('unconscious');
  });
});
