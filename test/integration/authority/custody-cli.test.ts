// `npm run cli -- hospital migrate|recovery|recover|offboard` in child processes, against the real node and the real
// keychain (officers under their own service, doctors in the real vault): a chart written before the authority is
// migrated by its doctor; three officers on "separate machines" recover it 2 of 3 through files (one share alone is
// refused); the single-machine path recovers with two officers' keys in this keychain; off-boarding moves custody;
// re-keying finds an envelope v3 chart by its recovery tag (docs/UNLINKABLE.md §13: no output names its custodian);
// a forged v3 chart carrying a copied recovery tag is listed NOT MOVED and does not stop an off-boarding.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { OfficerKeychain } from '../../../src-main/authority/officer-keychain';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import { openChartV3 } from '../../../src-main/records/version-opener-v3';
import { decodeKey32 } from '../../../src-shared/crypto/bytes';
import { recoveryTag } from '../../../src-shared/unlinkable/rendezvous';
import { chartOwnership } from '../../../src-shared/authority/custody';
import type { Transaction } from '../../../src-shared/ledger';
import { sampleChart } from '../../fixtures/sample-chart';
import {
  NODE_TOKEN,
  PIN,
  removeDir,
  startNode,
  startService,
  tempDir,
  TestVault,
  type Doctor,
} from '../charts/harness';
import type { InspectedChartService } from '../charts/inspected-service';
import { credentialDoctor, postForgedCreate } from './hospital-setup';

// Officer keys use the vault's full scrypt cost and each command is a child process: the set-up takes a while.
vi.setConfig({ testTimeout: 600_000, hookTimeout: 600_000 });

const run = promisify(execFile);
const officerService = `HealthChain-custody-cli-test-${randomBytes(6).toString('hex')}`;
const OFFICER_PASSWORD = 'officer passphrase for the custody cli test';
const vault = new TestVault();
const baseEnv = {
  ...process.env,
  HEALTHCHAIN_OFFICER_KEYCHAIN_SERVICE: officerService,
  HEALTHCHAIN_KEYCHAIN_SERVICE: vault.service,
  HEALTHCHAIN_PASSWORD: OFFICER_PASSWORD,
  HC_LEDGER_TOKEN: NODE_TOKEN,
};

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run('node_modules/.bin/tsx', ['src-main/cli/index.ts', 'hospital', ...args], {
      env: { ...baseEnv, ...env },
      cwd: process.cwd(),
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function json<T>(args: string[], env: Record<string, string> = {}): Promise<T> {
  const result = await cli([...args, '--json'], env);
  expect(result, result.stderr).toMatchObject({ code: 0 });
  return JSON.parse(result.stdout) as T;
}

describe('hospital custody commands', { timeout: 600_000 }, () => {
  let node: LedgerNode;
  let client: LedgerNodeClient;
  let service: InspectedChartService;
  const dataDir = tempDir('node');
  const work = tempDir('custody-cli');
  let nodeArgs: string[];
  let authority = '';
  let pinned = '';
  const officers: { signKey: string; boxKey: string; name: string }[] = [];
  let ada: Doctor;
  let bob: Doctor;

  const headOf = async (chartId: string) => {
    const txs = (await client.listTransactions(chartId)).value as Transaction[];
    const spent = new Set(txs.flatMap((t) => t.inputs.map((i) => i.fulfills?.transaction_id)));
    return txs.find((t) => !spent.has(t.id))!;
  };

  beforeAll(async () => {
    node = await startNode(dataDir);
    nodeArgs = ['--node', node.url];
    client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
    for (const name of ['Ann', 'Ben', 'Cat'])
      officers.push(await json<(typeof officers)[number]>(['officer', 'create', '--name', name]));
    const ceremony = join(work, 'ceremony.json');
    await json([
      'init',
      '--name',
      'St Custody',
      '--threshold',
      '2',
      ...officers.flatMap((o) => ['--officer', `${o.name}:${o.signKey}:${o.boxKey}`]),
      '--out',
      ceremony,
    ]);
    for (const o of officers) await json(['sign', ceremony, '--officer', o.signKey]);
    authority = (await json<{ id: string }>(['post', ceremony, ...nodeArgs])).id;

    ada = await vault.doctor('Dr Ada Okafor', 'Oncology');
    bob = await vault.doctor('Dr Bob Lin', 'Cardiology');
    await credential(ada, bob);
    ({ service } = await startService([node.url], { authorityId: () => pinned }));
  });

  /** Credentials for these doctors, signed by two officers unlocked from this keychain. */
  async function credential(...doctors: Doctor[]) {
    const keychain = new OfficerKeychain({ service: officerService });
    const signers = await Promise.all(officers.slice(0, 2).map((o) => keychain.unlock(o.signKey, OFFICER_PASSWORD)));
    const registry = new CredentialRegistry(client, authority);
    try {
      for (const d of doctors) await credentialDoctor(client, registry, d, signers);
    } finally {
      for (const s of signers) s.lock();
    }
  }

  /** A chart service writing envelope v3 under the authority (closed by the caller). */
  async function v3Service() {
    return (
      await startService([node.url], {
        authorityId: () => authority,
        ledgerEnvelope: () => 'v3',
        liveStream: false,
        verifyWorkers: 0,
      })
    ).service;
  }

  /** The authority, these officers (by index) and the node, as a quorum act's arguments. */
  const quorumArgs = (...which: number[]) => [
    '--authority',
    authority,
    ...which.flatMap((i) => ['--officer', officers[i]!.signKey]),
    ...nodeArgs,
  ];

  afterAll(async () => {
    await service?.close();
    client?.close();
    await node?.stop();
    for (const { account } of await keytar.findCredentials(officerService))
      await keytar.deletePassword(officerService, account);
    await vault.clean();
    removeDir(dataDir);
    removeDir(work);
  });

  it('help lists the custody commands', async () => {
    const help = await cli(['--help']);
    for (const word of [
      'recover <chartId>',
      'offboard',
      'rekey',
      'migrate',
      'recovery session',
      'recovery share',
      'officer backup',
      'officer restore',
    ])
      expect(help.stdout).toContain(word);
  });

  it('migrate, then a 2-of-3 recovery through files; one share alone is refused', async () => {
    pinned = '';
    const { chartId } = await service.create(ada.holder, sampleChart('Mia Files'), { pin: PIN });
    expect(chartOwnership((await headOf(chartId)).outputs[0])?.quorum).toBeNull();

    const migrated = await json<{ charts: { chartId: string; status: string }[] }>(
      [
        'migrate',
        '--identity',
        ada.holder.signKey,
        '--authority',
        authority,
        '--outbox',
        join(work, 'outbox'),
        ...nodeArgs,
      ],
      { HEALTHCHAIN_PASSWORD: 'correct horse battery staple' },
    );
    expect(migrated.charts).toEqual([expect.objectContaining({ chartId, status: 'committed' })]);
    expect(chartOwnership((await headOf(chartId)).outputs[0])?.quorum).not.toBeNull();

    const sessionFile = join(work, 'session.json');
    const { sessionKey } = await json<{ sessionKey: string }>(['recovery', 'session', '--out', sessionFile]);
    const shares = [0, 2].map((i) => join(work, `share-${i}.json`));
    for (const [n, i] of [0, 2].entries())
      await json([
        'recovery',
        'share',
        '--session-key',
        sessionKey,
        '--officer',
        officers[i]!.signKey,
        '--authority',
        authority,
        '--out',
        shares[n]!,
        ...nodeArgs,
      ]);
    const move = join(work, 'move.json');
    const common = ['recover', chartId, '--to', bob.holder.signKey, '--session', sessionFile, '--authority', authority];
    const alone = await cli([
      ...common,
      '--shares',
      shares[0]!,
      '--officer',
      officers[0]!.signKey,
      '--out',
      move,
      ...nodeArgs,
    ]);
    expect(alone.code).not.toBe(0);
    expect(alone.stderr).toContain("needs 2 officers' shares; only 1 given");

    await json([
      ...common,
      '--shares',
      shares[0]!,
      '--shares',
      shares[1]!,
      '--officer',
      officers[0]!.signKey,
      '--out',
      move,
      ...nodeArgs,
    ]);
    await json(['sign', move, '--officer', officers[0]!.signKey]);
    const early = await cli(['post', move, ...nodeArgs]);
    expect(early).toMatchObject({ code: 2, stderr: expect.stringContaining('Not enough officer signatures yet') });
    await json(['sign', move, '--officer', officers[2]!.signKey]);
    const { id } = await json<{ id: string }>(['post', move, ...nodeArgs]);
    expect((await headOf(chartId)).id).toBe(id);
    pinned = authority;
    const state = await service.get(bob.holder, chartId);
    expect(state.tampered).toBeNull();
    expect(state.custodian.signKey).toBe(bob.holder.signKey);
    expect(state.chart?.patient.name).toBe('Mia Files');
  });

  it('single machine: two officers in this keychain recover; off-boarding revokes and moves custody', async () => {
    pinned = authority;
    const { chartId } = await service.create(bob.holder, sampleChart('Kai Local'), { pin: PIN });
    const recovered = await json<{ moved: { chartId: string; txId: string }[] }>([
      'recover',
      chartId,
      '--to',
      ada.holder.signKey,
      ...quorumArgs(1, 2),
    ]);
    expect(recovered.moved).toEqual([{ chartId, txId: (await headOf(chartId)).id }]);
    expect((await service.get(ada.holder, chartId)).custodian.signKey).toBe(ada.holder.signKey);

    const result = await json<{ revoked: string; moved: { chartId: string }[] }>([
      'offboard',
      ada.holder.signKey,
      '--to',
      bob.holder.signKey,
      '--reason',
      'Left',
      ...quorumArgs(0, 1),
    ]);
    expect(result.revoked).toMatch(/^[0-9a-f]{64}$/);
    expect(result.moved.map((m) => m.chartId)).toContain(chartId);
    expect((await service.get(bob.holder, chartId)).custodian.signKey).toBe(bob.holder.signKey);
  });
  it('rekey finds and moves a v3 chart of the doctor (found by its recovery tag) to the new identity', async () => {
    const v3 = await v3Service();
    try {
      const { chartId } = await v3.create(bob.holder, sampleChart('Vic Three'), { pin: PIN });
      const fresh = await vault.doctor('Dr Bob Lin (new keys)', 'Cardiology');
      const result = await json<{ issued: string; moved: { chartId: string }[]; waiting: string[] }>([
        'rekey',
        bob.holder.signKey,
        '--sign-key',
        fresh.holder.signKey,
        '--box-key',
        fresh.holder.boxKey,
        ...quorumArgs(0, 2),
      ]);
      expect(result.waiting).toEqual([]);
      expect(result.moved.map((m) => m.chartId)).toContain(chartId);
      const chain = await openChartV3(chartId, (await client.listTransactions(chartId)).value, fresh.holder);
      expect(chain.tampered).toBeNull();
      expect(chain.versions.at(-1)!.inner).toMatchObject({ action: 'custody', author: officers[0]!.signKey });
      expect(chain.versions.at(-1)!.inner.payload.custodian.signKey).toBe(fresh.holder.signKey);
    } finally {
      await v3.close();
    }
  });

  it('offboard: a forged v3 chart carrying a copied recovery tag is NOT MOVED (exit 1); the real v3 charts move', async () => {
    const cleo = await vault.doctor('Dr Cleo Park', 'Psychiatry');
    const dan = await vault.doctor('Dr Dan Ruiz', 'Psychiatry');
    await credential(cleo, dan);
    const v3 = await v3Service();
    try {
      const real = [
        (await v3.create(cleo.holder, sampleChart('Wren Real'), { pin: PIN })).chartId,
        (await v3.create(cleo.holder, sampleChart('Xan Real'), { pin: PIN })).chartId,
      ];
      // Cleo's first CREATE carries her recovery tag 0 (K(Cleo→Rec), docs/UNLINKABLE.md §13). The attacker cannot
      // tell it from the other tags, so copies the version's clear metadata whole into a CREATE of its own, signed
      // by a key that is no credentialed doctor; a second forgery keeps only the recovery tag, its other tags random.
      const recoveryKey = (await new CredentialRegistry(client, authority).load()).authority.data.recoveryKey;
      const pair = cleo.holder.pairKey!(cleo.holder.boxKey, recoveryKey);
      const tag = recoveryTag(pair, decodeKey32(cleo.holder.boxKey)!, 0);
      pair.fill(0);
      const create = (await client.getTransaction(real[0]!)).value as Transaction;
      const metadata = create.metadata as { tags: string[] };
      expect(metadata.tags).toContain(tag);
      const randomTags = metadata.tags.map((t) => (t === tag ? t : randomBytes(16).toString('hex'))).sort();
      const forged = [
        await postForgedCreate(client, create, { copy: 1 }),
        await postForgedCreate(client, create, { copy: 2, metadata: { ...metadata, tags: randomTags } }),
      ];
      // No output of a v3 chart names Cleo: the CLI learns of the forgeries only from the recovery-tag search.
      const result = await cli([
        'offboard',
        cleo.holder.signKey,
        '--to',
        dan.holder.signKey,
        '--reason',
        'Left',
        ...quorumArgs(1, 2),
      ]);
      expect(result.code, result.stderr).toBe(1);
      const lines = result.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^Credential revoked: [0-9a-f]{64}$/);
      for (const id of forged) expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^NOT MOVED ${id}: \\S`)));
      for (const id of real)
        expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^Custody of ${id} moved: `)));
      expect(lines).toHaveLength(1 + forged.length + real.length);
      for (const id of real) {
        const chain = await openChartV3(id, (await client.listTransactions(id)).value, dan.holder);
        expect(chain.tampered).toBeNull();
        expect(chain.versions.at(-1)!.inner.payload.custodian.signKey).toBe(dan.holder.signKey);
      }
      // The forgeries were refused, not changed: each is still its one CREATE.
      for (const id of forged) expect((await client.listTransactions(id)).value).toHaveLength(1);
    } finally {
      await v3.close();
    }
  });
});
