// The privacy officer's review on the command line, in child processes against the real node and the real keychain:
// a one-machine hospital (officer key and emergency key made and published by `hospital init --one-machine`), the
// emergency service as its own process, a granted and a refused request; `emergency report` lists both (the sealed
// reason opened only with the officer's key), and `emergency followup` posts a signed follow-up the report shows.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import type { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import { OfficerKeychain } from '../../../src-main/authority/officer-keychain';
import type { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { utf8 } from '../../../src-shared/crypto/bytes';
import { buildEmergencyRequest } from '../../../src-shared/emergency';
import type { EmergencyReportRow } from '../../../src-main/emergency/report';
import { eventually, NODE_TOKEN } from '../charts/harness';
import { ServiceProcess } from './service-process';
import {
  clearKeychains,
  cliRunner,
  holder,
  sealedChart,
  startTestLedger,
  TestAuthority,
  type TestLedger,
} from './fixture';

const officerService = `HealthChain-review-officers-${randomBytes(6).toString('hex')}`;
const emergencyService = `HealthChain-review-emergency-${randomBytes(6).toString('hex')}`;
const PASSWORD = 'officer passphrase for the review test';
const env = {
  ...process.env,
  HEALTHCHAIN_OFFICER_KEYCHAIN_SERVICE: officerService,
  HEALTHCHAIN_EMERGENCY_KEYCHAIN_SERVICE: emergencyService,
  HEALTHCHAIN_PASSWORD: PASSWORD,
  HC_LEDGER_TOKEN: NODE_TOKEN,
};

const { cli, json } = cliRunner(env);

describe('emergency report and follow-up (CLI)', { timeout: 300_000 }, () => {
  let ledger: TestLedger;
  let node: LedgerNode;
  let client: LedgerNodeClient;
  let service: ServiceProcess | null = null;

  beforeAll(async () => {
    ledger = await startTestLedger('node');
    ({ node, client } = ledger);
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await ledger?.stop();
    await clearKeychains(officerService, emergencyService);
  });

  it('lists who broke the glass, on which chart, with what answer; the officer opens the reason and follows up', async () => {
    const setUp = await json<{
      authorityId: string;
      officer: { signKey: string; boxKey: string };
      emergencyKey: { signKey: string; boxKey: string };
    }>('hospital', 'init', '--name', 'Cottage Hospital', '--one-machine', '--node', node.url);
    const nodeArgs = ['--node', node.url, '--authority', setUp.authorityId];

    const doctor = holder();
    const stranger = holder();
    const officer = await new OfficerKeychain({ service: officerService }).unlock(setUp.officer.signKey, PASSWORD);
    const authority = await new CredentialRegistry(client, setUp.authorityId).authority();
    await TestAuthority.of(client, officer, setUp.authorityId).issue(doctor, 'Dr Ada Okafor', { licence: 'GMC-777' });
    officer.lock();
    const custodian = holder();
    const { create: chart } = await sealedChart(
      custodian,
      [custodian.boxKey, setUp.emergencyKey.boxKey],
      utf8('{"allergies":["latex"]}'),
    );
    await client.post(chart, 'commit');

    service = new ServiceProcess(
      [
        '--node',
        node.url,
        '--authority',
        setUp.authorityId,
        '--keychain-service',
        emergencyService,
        '--poll-ms',
        '100',
      ],
      NODE_TOKEN,
    );
    const since = new Date(Date.now() - 1000).toISOString();
    const ask = async (by: SeedKeyHolder, note: string) => {
      const tx = await buildEmergencyRequest(
        { chart: chart.id },
        {
          authority: setUp.authorityId,
          requester: by,
          reason: 'life-threatening',
          note,
          noteReaders: [setUp.officer.boxKey],
          emergencyKey: authority.emergencyKey!,
          officers: [setUp.officer.boxKey],
        },
      );
      await client.post(tx, 'commit');
      return tx;
    };
    const granted = await ask(doctor, 'Anaphylaxis in resus');
    const refused = await ask(stranger, 'just looking');
    await eventually(
      () => service!.events.filter((e) => e['event'] === 'grant' || e['event'] === 'refusal').length >= 2,
      'both answers',
      30_000,
    );

    const plain = await json<EmergencyReportRow[]>('emergency', 'report', '--since', since, ...nodeArgs);
    expect(plain.map((r) => r.request).sort()).toEqual([granted.id, refused.id].sort());
    const g = plain.find((r) => r.request === granted.id)!;
    expect(g).toMatchObject({
      outcome: 'granted',
      chart: chart.id,
      reason: 'life-threatening',
      note: null,
      requester: { signKey: doctor.signKey, name: 'Dr Ada Okafor', credential: 'valid' },
      followUp: null,
    });
    expect(Date.parse(g.expiresAt!) - Date.parse(g.grantedAt!)).toBe(24 * 3_600_000);
    expect(plain.find((r) => r.request === refused.id)).toMatchObject({
      outcome: 'refused',
      refusal: { reason: 'no-credential' },
      requester: { signKey: stranger.signKey, name: null, credential: 'unknown' },
    });
    // Nothing from before --since.
    expect(await json('emergency', 'report', '--since', '2999-01-01', ...nodeArgs)).toEqual([]);

    const posted = await json<{ id: string }>(
      'emergency',
      'followup',
      refused.id,
      '--state',
      'escalated',
      '--comment',
      'Not a clinician of ours: reported',
      ...nodeArgs,
    );
    const opened = await json<EmergencyReportRow[]>(
      'emergency',
      'report',
      '--since',
      since,
      '--officer',
      setUp.officer.signKey,
      ...nodeArgs,
    );
    expect(opened.find((r) => r.request === granted.id)?.note).toBe('Anaphylaxis in resus');
    expect(opened.find((r) => r.request === refused.id)).toMatchObject({
      note: 'just looking',
      followUps: 1,
      followUp: {
        state: 'escalated',
        tx: posted.id,
        by: setUp.officer.signKey,
        comment: 'Not a clinician of ours: reported',
      },
    });
    expect(await cli('emergency', 'followup', refused.id, '--state', 'ignored', ...nodeArgs)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--state must be one of'),
    });
    expect(await cli('emergency', 'report', ...nodeArgs)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--since'),
    });
  });
});
