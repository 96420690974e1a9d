// The privacy officer's review through the real IPC registry (src-main/app/core.ts), a real embedded node over HTTP
// and the real keychain: "set up this hospital" creates and publishes the emergency key; the emergency service runs as
// its own process with that key; emergency.report lists the access (the reason opened only with the officer
// password), emergency.followUp posts a follow-up signed by this computer's officer key, and bad input is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import keytar from 'keytar';
import type { Core } from '../../../src-main/app/core';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import type { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import { utf8 } from '../../../src-shared/crypto/bytes';
import { buildEmergencyRequest } from '../../../src-shared/emergency';
import { cleanKeychain } from '../vault/helpers';
import { ipcCalls, startTestCore } from '../authority/ipc-core';
import { eventually } from '../charts/harness';
import { ServiceProcess } from './service-process';
import { clearKeychains, holder, sealedChart, startTestLedger, type TestLedger } from './fixture';

const OFFICER_PASSWORD = 'officer passphrase for tests';
const OFFICERS = `HealthChain-review-ipc-officers-${randomBytes(6).toString('hex')}`;
const EMERGENCY = `HealthChain-review-ipc-emergency-${randomBytes(6).toString('hex')}`;

let dir: string;
let ledger: TestLedger;
let node: LedgerNode;
let core: Core;
let client: LedgerNodeClient;
let service: ServiceProcess | null = null;

const { call, ok } = ipcCalls(() => core);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hc-review-ipc-'));
  ledger = await startTestLedger('review-ipc-ledger', 'open');
  ({ node, client } = ledger);
  ({ core } = await startTestCore({
    node,
    dir: path.join(dir, 'core'),
    officers: { service: OFFICERS },
    emergencyKeychainService: EMERGENCY,
  }));
});

afterAll(async () => {
  await service?.stop('SIGKILL');
  await core?.stop();
  await ledger?.stop();
  await cleanKeychain();
  await clearKeychains(OFFICERS, EMERGENCY);
  await rm(dir, { recursive: true, force: true });
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
    service = new ServiceProcess(
      ['--node', node.url, '--authority', authorityId, '--keychain-service', EMERGENCY, '--poll-ms', '100'],
      'unused-open-node',
    );
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
