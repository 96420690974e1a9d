// The privacy officer's review on the command line, in child processes against the real node and the real keychain:
// a one-machine hospital (officer key and emergency key made and published by `hospital init --one-machine`), the
// emergency service as its own process, a granted and a refused request; `emergency report` lists both (the sealed
// reason opened only with the officer's key), and `emergency followup` posts a signed follow-up the report shows.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import { OfficerKeychain } from '../../../src-main/authority/officer-keychain';
import { postPartial, prepareIssue, signPartial } from '../../../src-main/authority/hospital';
import { CHART_ASSET_TYPE } from '../../../src-main/ledger/chain';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { newSeed } from '../../../src-shared/crypto/keys';
import { sealEnvelope } from '../../../src-shared/crypto/envelope';
import { signerFor } from '../../../src-shared/crypto/keyholder';
import { utf8 } from '../../../src-shared/crypto/bytes';
import { buildEmergencyRequest } from '../../../src-shared/emergency';
import { ed25519Output, makeCreate, signTransaction, type JsonObject } from '../../../src-shared/ledger';
import type { EmergencyReportRow } from '../../../src-main/emergency/report';
import { eventually, NODE_TOKEN, removeDir, startNode, tempDir } from '../charts/harness';
import { ServiceProcess } from './service-process';

const run = promisify(execFile);
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

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node_modules/.bin/tsx', ['src-main/cli/index.ts', ...args], {
      env,
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function json<T>(...args: string[]): Promise<T> {
  const result = await cli(...args, '--json');
  expect(result, result.stderr).toMatchObject({ code: 0 });
  return JSON.parse(result.stdout) as T;
}

describe('emergency report and follow-up (CLI)', { timeout: 300_000 }, () => {
  let node: LedgerNode;
  let client: LedgerNodeClient;
  let service: ServiceProcess | null = null;
  const dataDir = tempDir('node');

  beforeAll(async () => {
    node = await startNode(dataDir);
    client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
  });

  afterAll(async () => {
    await service?.stop('SIGKILL');
    client?.close();
    await node?.stop();
    for (const s of [officerService, emergencyService])
      for (const { account } of await keytar.findCredentials(s)) await keytar.deletePassword(s, account);
    removeDir(dataDir);
  });

  it('lists who broke the glass, on which chart, with what answer; the officer opens the reason and follows up', async () => {
    const setUp = await json<{
      authorityId: string;
      officer: { signKey: string; boxKey: string };
      emergencyKey: { signKey: string; boxKey: string };
    }>('hospital', 'init', '--name', 'Cottage Hospital', '--one-machine', '--node', node.url);
    const nodeArgs = ['--node', node.url, '--authority', setUp.authorityId];

    const doctor = new SeedKeyHolder(newSeed());
    const stranger = new SeedKeyHolder(newSeed());
    const officer = await new OfficerKeychain({ service: officerService }).unlock(setUp.officer.signKey, PASSWORD);
    const authority = await new CredentialRegistry(client, setUp.authorityId).authority();
    await postPartial(
      client,
      await signPartial(
        prepareIssue(authority, {
          name: 'Dr Ada Okafor',
          licence: 'GMC-777',
          specialty: 'Emergency medicine',
          signKey: doctor.signKey,
          boxKey: doctor.boxKey,
          validFrom: new Date(Date.now() - 86_400_000).toISOString(),
          validUntil: new Date(Date.now() + 86_400_000 * 365).toISOString(),
        }),
        officer,
      ),
    );
    officer.lock();
    const custodian = new SeedKeyHolder(newSeed());
    const envelope = sealEnvelope(
      { action: 'create', seq: 1, at: new Date().toISOString(), author: custodian.signKey },
      utf8('{"allergies":["latex"]}'),
      [custodian.boxKey, setUp.emergencyKey.boxKey],
    );
    const chart = await signTransaction(
      makeCreate(
        { type: CHART_ASSET_TYPE, chart: randomBytes(16).toString('hex') },
        envelope as unknown as JsonObject,
        [ed25519Output(custodian.signKey)],
        [custodian.signKey],
      ),
      signerFor(custodian),
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
