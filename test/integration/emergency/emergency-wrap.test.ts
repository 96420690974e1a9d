// Chart versions wrapped for the published emergency key, written by the real chart service (real vault, real node
// over HTTP, a pinned 1-of-1 authority): none before a key is published; every version after it lists the key as a
// reader that is no person, verifies and opens as before; `migrate` adds the wrap to a chart written before; and
// the emergency service (its own process, its key in the real keychain) serves a request by patient identifiers on
// such a chart without any hand-built envelope.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseEnvelope } from '../../../src-shared/crypto/envelope';
import { buildEmergencyRequest, openVersionWithGrant, verifyAnswer } from '../../../src-shared/emergency';
import type { Transaction } from '../../../src-shared/ledger';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import type { InspectedChartService } from '../charts/inspected-service';
import { sampleChart } from '../../fixtures/sample-chart';
import {
  eventually,
  PIN,
  removeDir,
  startNode,
  startService,
  tempDir,
  TestVault,
  type Doctor,
} from '../charts/harness';
import { Hospital } from '../authority/hospital-setup';
import { initEmergencyKey, ServiceProcess } from './service-process';
import { NODE_TOKEN } from '../charts/harness';
import { clearKeychains, TestAuthority } from './fixture';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const KEYCHAIN = `HealthChain-emergency-wrap-test-${randomBytes(6).toString('hex')}`;
let dir: string;
let node: LedgerNode;
let hospital: Hospital;
let charts: InspectedChartService;
const vault = new TestVault();
let ada: Doctor;
let eve: Doctor;
let emergency: { signKey: string; boxKey: string };
let service: ServiceProcess | null = null;

async function readersOfVersion(txId: string): Promise<string[]> {
  const { value } = await hospital.client.getTransaction(txId);
  return parseEnvelope((value as Transaction).metadata).readers.map((r) => r.key);
}

beforeAll(async () => {
  dir = tempDir('emergency-wrap');
  node = await startNode(dir);
  hospital = await Hospital.found(node.url);
  ada = await vault.doctor('Dr Ada Okafor', 'Emergency medicine');
  eve = await vault.doctor('Dr Eve Night', 'Emergency medicine');
  await hospital.credential(ada.holder, ada.name);
  await hospital.credential(eve.holder, eve.name);
  ({ service: charts } = await startService([node.url], { authorityId: () => hospital.authorityId }));
  emergency = await initEmergencyKey(KEYCHAIN);
});

afterAll(async () => {
  await service?.stop('SIGKILL');
  await charts?.close();
  hospital?.close();
  await node?.stop();
  await vault.clean();
  await clearKeychains(KEYCHAIN);
  if (dir) removeDir(dir);
});

describe('chart versions and the published emergency key', () => {
  it('none before publication; after it every new version is wrapped for the key; migrate wraps an older chart', async () => {
    const chart = sampleChart('Nora Emergent');
    chart.patient = { ...chart.patient, given: 'Nora', family: 'Emergent', birthDate: '1961-07-14' };
    const before = await charts.create(ada.holder, chart, { pin: PIN });
    expect(await readersOfVersion(before.txId)).not.toContain(emergency.boxKey);

    await TestAuthority.of(hospital.client, hospital.officer, hospital.authorityId).publishEmergencyKey(emergency);

    // The chart service hears the authority act on the node's stream and reads the authority again.
    let written = before;
    await eventually(
      async () => {
        const other = sampleChart('Otto Later');
        written = await charts.create(ada.holder, other, { pin: PIN });
        return (await readersOfVersion(written.txId)).includes(emergency.boxKey);
      },
      'a version wrapped for the emergency key',
      20_000,
    );
    const state = await charts.get(ada.holder, written.chartId);
    expect(state.tampered).toBeNull();
    expect(state.readers.find((r) => r.boxKey === emergency.boxKey)).toMatchObject({
      role: 'emergency',
      name: 'hospital emergency key',
      signKey: null,
    });

    // The chart written before publication: migrate adds the wrap with a "share" version; the chart is unchanged.
    const migrated = await charts.migrateCustody(ada.holder, before.chartId);
    expect(migrated?.seq).toBe(2);
    expect(await readersOfVersion(migrated!.txId)).toContain(emergency.boxKey);
    const after = await charts.get(ada.holder, before.chartId);
    expect(after.tampered).toBeNull();
    expect(after.versions.map((v) => v.status)).toEqual(['committed', 'committed']);
    expect(after.chart?.patient.name).toBe('Nora Emergent');
    expect(await charts.migrateCustody(ada.holder, before.chartId)).toBeNull();

    // A doctor not among the readers asks by wristband identifiers; the service serves the current version.
    service = new ServiceProcess(
      ['--node', node.url, '--authority', hospital.authorityId, '--keychain-service', KEYCHAIN, '--poll-ms', '100'],
      NODE_TOKEN,
    );
    const request = await buildEmergencyRequest(
      { query: { family: 'emergent', given: 'nora', birthDate: '1961-07-14' } },
      {
        authority: hospital.authorityId,
        requester: eve.holder,
        reason: 'unconscious',
        note: 'collapsed in the waiting room',
        noteReaders: [hospital.officer.boxKey],
        emergencyKey: emergency,
        officers: [hospital.officer.boxKey],
      },
    );
    await hospital.client.post(request, 'commit');
    let grantTx: unknown;
    await eventually(
      async () => {
        const { value } = await hospital.client.listTransactions(request.id);
        grantTx = value.find((t) => (t as Transaction).id !== request.id);
        return grantTx !== undefined;
      },
      'the answer',
      30_000,
    );
    const answer = verifyAnswer(grantTx, request);
    expect(answer.ok && answer.value.kind, JSON.stringify(answer)).toBe('grant');
    if (!answer.ok || answer.value.kind !== 'grant') return;
    expect(answer.value.grant).toMatchObject({ chart: before.chartId, version: migrated!.txId });
    const { value: head } = await hospital.client.getTransaction(migrated!.txId);
    const opened = await openVersionWithGrant(
      parseEnvelope((head as Transaction).metadata),
      migrated!.txId,
      answer.value.grant,
      eve.holder,
      new Date(),
    );
    expect(new TextDecoder().decode(opened)).toContain('Nora Emergent');
  });
});
