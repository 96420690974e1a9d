// The app's hospital desk posts through the outbox (src-main/app/core.ts), through the real IPC registry, the real
// keychain and the real embedded node over HTTP: IT issues a credential while the node is down (the registry was read
// before it went), the answer is "queued", the app quits; the node and then the app start again, and the sender posts
// the act once, which the credential list then shows.
import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/app/core';
import { startLedgerNode, type LedgerNode } from '../../../src-main/ledger-node/node';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { cleanKeychain, freshService } from '../vault/helpers';
import { eventually } from '../charts/harness';
import { clearKeychains, holder } from '../emergency/fixture';
import { ipcCalls, startTestCore } from './ipc-core';

const OFFICER_PASSWORD = 'officer passphrase for the outbox test';
const NEXT_YEAR = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
const OFFICERS = `HealthChain-outbox-acts-officers-${randomBytes(6).toString('hex')}`;
const EMERGENCY = `${OFFICERS}-emergency`;
const VAULT = freshService();

let dir: string;
let node: LedgerNode | null = null;
let port = 0;
let core: Core | null = null;

const { ok } = ipcCalls(() => core!);

const startNode = async () => {
  node = await startLedgerNode({ dataDir: path.join(dir, 'ledger'), port, access: { kind: 'open' } });
  port = Number(new URL(node.url).port);
};

/** The workstation app on the same data and settings folders each time, as a restart would open them. */
async function startApp(): Promise<void> {
  ({ core } = await startTestCore({
    node: { url: `http://127.0.0.1:${port}` },
    dir: path.join(dir, 'app'),
    officers: { service: OFFICERS },
    emergencyKeychainService: EMERGENCY,
    vaultService: VAULT,
    chartService: {
      client: { readTimeoutMs: 1500, postTimeoutMs: 5000, quarantineMs: 100 },
      sender: { baseDelayMs: 50, maxDelayMs: 200, tickMs: 50 },
    },
  }));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hc-outbox-acts-ipc-'));
  await startNode();
});

afterAll(async () => {
  await core?.stop();
  await node?.stop();
  await cleanKeychain();
  await clearKeychains(OFFICERS, EMERGENCY);
  await rm(dir, { recursive: true, force: true });
});

describe('the hospital desk posts through the outbox', { timeout: 180_000 }, () => {
  it('a credential issued while the node is down is queued, survives an app restart, and is posted once', async () => {
    await startApp();
    const status = await ok('hospital.setUp', {
      hospitalName: 'St Elsewhere',
      officerName: 'IT desk',
      password: OFFICER_PASSWORD,
    });
    expect(status.state).toBe('verified');
    expect((await ok('credentials.list')).credentials).toEqual([]);

    await node!.stop();
    node = null;
    const doctor = holder();
    const issued = await ok('credentials.issue', {
      name: 'Dr Quinn Queued',
      licence: 'GMC-QUEUED-1',
      specialty: 'Cardiology',
      signKey: doctor.signKey,
      boxKey: doctor.boxKey,
      validUntil: NEXT_YEAR,
      password: OFFICER_PASSWORD,
    });
    expect(issued).toMatchObject({ posted: expect.stringMatching(/^[0-9a-f]{64}$/), partial: null, queued: true });
    const outbox = await ok('charts.outbox');
    expect(outbox.items).toEqual([expect.objectContaining({ txId: issued.posted, chartId: null, action: null })]);
    await core!.stop(); // the app quits with the act still queued
    core = null;

    await startNode();
    await startApp();
    await eventually(
      async () =>
        (await ok('credentials.list')).credentials.some(
          (c: { credentialId: string }) => c.credentialId === issued.posted,
        ),
      'the queued credential on the ledger',
      30_000,
    );
    expect((await ok('charts.outbox')).items).toEqual([]);
    const client = new LedgerNodeClient({ nodeUrls: [node!.url] });
    try {
      const { value } = await client.listTransactions(issued.posted);
      expect(value.map((t) => (t as { id: string }).id)).toEqual([issued.posted]);
    } finally {
      client.close();
    }
  });
});
