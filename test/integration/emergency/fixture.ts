// The set-up every emergency integration test shares (and the hospital CLI tests' runner): the real embedded node on
// a fresh data folder with a client for it, a 1-of-1 hospital authority founded by an officer key held in memory,
// credentials issued and revoked by it, the emergency key published by it, a chart version sealed to given readers,
// the `npm run cli` runner in child processes, and the clean-up of the keychain services a test used.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import keytar from 'keytar';
import { expect } from 'vitest';
import type { EmergencyRequestState } from '../../../src-shared/ipc/access';
import type { ChartService } from '../../../src-main/records/chart-service';
import { eventually } from '../charts/harness';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { startLedgerNode } from '../../../src-main/ledger-node/node';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import {
  postPartial,
  prepareCeremony,
  prepareEmergencyKey,
  prepareIssue,
  prepareRevoke,
  signPartial,
} from '../../../src-main/authority/hospital';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { CHART_ASSET_TYPE } from '../../../src-main/ledger/chain';
import { newSeed } from '../../../src-shared/crypto/keys';
import { sealEnvelope, type Envelope } from '../../../src-shared/crypto/envelope';
import { signerFor } from '../../../src-shared/crypto/keyholder';
import {
  ed25519Output,
  makeCreate,
  signTransaction,
  type JsonObject,
  type Transaction,
} from '../../../src-shared/ledger';
import { NODE_TOKEN, removeDir, tempDir } from '../charts/harness';

const DAY = 86_400_000;

/** A key pair held in memory (an officer, a doctor, a patient, a stranger). */
export const holder = () => new SeedKeyHolder(newSeed());

export interface TestLedger {
  dir: string;
  node: LedgerNode;
  client: LedgerNodeClient;
  /** Closes the client, stops the node and removes its data. */
  stop(): Promise<void>;
}

/** The embedded node with the tests' bearer token ('token'), or without one ('open', as beside the app). */
export async function startTestLedger(label: string, access: 'token' | 'open' = 'token'): Promise<TestLedger> {
  const dir = tempDir(label);
  const node = await startLedgerNode({
    port: 0,
    dataDir: dir,
    access: access === 'token' ? { kind: 'token', token: NODE_TOKEN } : { kind: 'open' },
  });
  const client = new LedgerNodeClient({
    nodeUrls: [node.url],
    ...(access === 'token' ? { bearerTokenFor: () => NODE_TOKEN } : {}),
  });
  return {
    dir,
    node,
    client,
    stop: async () => {
      client.close();
      await node.stop();
      removeDir(dir);
    },
  };
}

export interface CredentialOptions {
  licence?: string;
  specialty?: string;
}

/** A 1-of-1 hospital authority whose one officer key is `officer`, and the acts it signs. */
export class TestAuthority {
  private constructor(
    readonly client: LedgerNodeClient,
    readonly officer: SeedKeyHolder,
    readonly id: string,
  ) {}

  static async found(
    client: LedgerNodeClient,
    officer: SeedKeyHolder,
    names: { hospital?: string; officer?: string } = {},
  ): Promise<TestAuthority> {
    const { partial } = await prepareCeremony({
      name: names.hospital ?? 'St Elsewhere',
      threshold: 1,
      officers: [{ name: names.officer ?? 'Privacy officer', signKey: officer.signKey, boxKey: officer.boxKey }],
    });
    const { tx } = await postPartial(client, await signPartial(partial, officer));
    return new TestAuthority(client, officer, tx.id);
  }

  /** An authority already on the ledger (set up by the CLI, say), acting with its officer key unlocked here. */
  static of(client: LedgerNodeClient, officer: SeedKeyHolder, id: string): TestAuthority {
    return new TestAuthority(client, officer, id);
  }

  /** A credential valid from yesterday for a year (a random licence and emergency medicine unless given): its id. */
  async issue(
    who: Pick<SeedKeyHolder, 'signKey' | 'boxKey'>,
    name: string,
    options: CredentialOptions = {},
  ): Promise<string> {
    const authority = await new CredentialRegistry(this.client, this.id).authority();
    const partial = prepareIssue(authority, {
      name,
      licence: options.licence ?? `GMC-${randomBytes(4).toString('hex')}`,
      specialty: options.specialty ?? 'Emergency medicine',
      signKey: who.signKey,
      boxKey: who.boxKey,
      validFrom: new Date(Date.now() - DAY).toISOString(),
      validUntil: new Date(Date.now() + 365 * DAY).toISOString(),
    });
    return (await postPartial(this.client, await signPartial(partial, this.officer))).tx.id;
  }

  async revoke(credentialId: string, reason: string): Promise<void> {
    const view = await new CredentialRegistry(this.client, this.id).load();
    await postPartial(this.client, await signPartial(prepareRevoke(view, credentialId, reason), this.officer));
  }

  /** Publishes (or replaces) the authority's emergency key: the act's id. */
  async publishEmergencyKey(key: { signKey: string; boxKey: string }): Promise<string> {
    const authority = await new CredentialRegistry(this.client, this.id).authority();
    return (await postPartial(this.client, await signPartial(prepareEmergencyKey(authority, key), this.officer))).tx.id;
  }
}

/** A chart's first version by `custodian`, its envelope sealed to `readers` (the emergency key among them or not). */
export async function sealedChart(
  custodian: SeedKeyHolder,
  readers: readonly string[],
  content: Uint8Array,
  seal?: Parameters<typeof sealEnvelope>[3],
): Promise<{ create: Transaction; envelope: Envelope }> {
  const envelope = sealEnvelope(
    { action: 'create', seq: 1, at: new Date().toISOString(), author: custodian.signKey },
    content,
    [...readers],
    ...(seal ? [seal] : []),
  );
  const create = await signTransaction(
    makeCreate(
      { type: CHART_ASSET_TYPE, chart: randomBytes(16).toString('hex') },
      envelope as unknown as JsonObject,
      [ed25519Output(custodian.signKey)],
      [custodian.signKey],
    ),
    signerFor(custodian),
  );
  return { create, envelope };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run cli -- <prefix> …` in a child process with `env`; json() expects exit code 0 and parses --json output. */
export function cliRunner(env: NodeJS.ProcessEnv, prefix: readonly string[] = []) {
  const run = promisify(execFile);
  const cli = async (...args: string[]): Promise<CliResult> => {
    try {
      const { stdout, stderr } = await run('node_modules/.bin/tsx', ['src-main/cli/index.ts', ...prefix, ...args], {
        env,
        cwd: process.cwd(),
        timeout: 90_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };
  const json = async <T>(...args: string[]): Promise<T> => {
    const result = await cli(...args, '--json');
    expect(result, result.stderr).toMatchObject({ code: 0 });
    return JSON.parse(result.stdout) as T;
  };
  return { cli, json };
}

export interface CliOfficer {
  name: string;
  signKey: string;
  boxKey: string;
}

/** Ann, Ben and Cat's officer keys made by `hospital officer create`, and the 2-of-3 ceremony naming them (`file`). */
export async function cliCeremony(
  json: <T>(...args: string[]) => Promise<T>,
  file: string,
  hospitalName = 'St Elsewhere',
): Promise<CliOfficer[]> {
  const officers: CliOfficer[] = [];
  for (const name of ['Ann', 'Ben', 'Cat']) officers.push(await json<CliOfficer>('officer', 'create', '--name', name));
  await json(
    'init',
    '--name',
    hospitalName,
    '--threshold',
    '2',
    ...officers.flatMap((o) => ['--officer', `${o.name}:${o.signKey}:${o.boxKey}`]),
    '--out',
    file,
  );
  return officers;
}

/** Removes every entry the test left under these keychain services. */
export async function clearKeychains(...services: string[]): Promise<void> {
  for (const s of services)
    for (const { account } of await keytar.findCredentials(s)) await keytar.deletePassword(s, account);
}

/** The state of `who`'s request at `desk` once the emergency service has answered it (waits up to 30 s). */
export async function settled(
  desk: ChartService,
  who: SeedKeyHolder,
  requestId: string,
): Promise<EmergencyRequestState> {
  let state: EmergencyRequestState | null = null;
  await eventually(
    async () => (state = await desk.emergency.requestState(who, requestId)).state !== 'waiting',
    `an answer to ${requestId}`,
    30_000,
  );
  return state!;
}
