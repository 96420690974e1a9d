// Shared setup of the chart integration tests: the real embedded node on a free port with a fresh data directory,
// the real vault on the real keychain (a fresh service name per run), real patient cards (small scrypt parameters:
// the KDF cost is not what these tests test), and the chart service over them
// (inspected-service.ts: its reads return the service's own state, for checks the IPC contract leaves out).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import keytar from 'keytar';
import { generateToken } from '../../../src-main/ledger-node/http/access';
import { startLedgerNode, type LedgerNode } from '../../../src-main/ledger-node/node';
import { KeychainCardKey, PatientCards, Vault } from '../../../src-main/vault';
import type { LockableKeyHolder } from '../../../src-shared/crypto/keyholder';
import type { ChartServiceOptions } from '../../../src-main/records/chart-service';
import { inspectedChartService, type InspectedChartService } from './inspected-service';

export const FAST = { N: 1024, r: 8, p: 1 } as const;
export const PIN = '274913';

export interface Doctor {
  holder: LockableKeyHolder;
  name: string;
  specialty: string;
}

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `hc-${label}-`));
}

/**
 * The bearer token of every node these tests start, as the app's embedded node has one. One per test file, so
 * the services send it to the node directly and through the tamper proxies (which pass it on).
 */
export const NODE_TOKEN = generateToken();

/** `allowedHosts`: a proxy's host:port, for a proxy that passes the Host header through. */
export async function startNode(dataDir = tempDir('node'), port = 0, allowedHosts: string[] = []): Promise<LedgerNode> {
  return startLedgerNode({ port, dataDir, access: { kind: 'token', token: NODE_TOKEN }, allowedHosts });
}

/** One hospital card key per test run, in the real keychain under its own service name (removed by TestVault.clean). */
export const CARD_KEY_SERVICE = `HealthChain-charts-test-card-key-${randomBytes(6).toString('hex')}`;

export function testCards(): PatientCards {
  return new PatientCards({
    params: FAST,
    attempts: { freeFailures: 5, baseDelayMs: 10, maxDelayMs: 20 },
    cardKey: new KeychainCardKey({ service: CARD_KEY_SERVICE, mayCreate: () => true }),
  });
}

export class TestVault {
  readonly service = `HealthChain-charts-test-${randomBytes(6).toString('hex')}`;
  readonly vault = new Vault({ service: this.service, entryParams: FAST, backupParams: FAST });

  async doctor(name: string, specialty: string): Promise<Doctor> {
    const { holder } = await this.vault.create({
      name,
      specialty,
      licenceNumber: `LIC-${randomBytes(3).toString('hex')}`,
      password: 'correct horse battery staple',
    });
    return { holder, name, specialty };
  }

  async clean(): Promise<void> {
    this.vault.lockAll('signed-out');
    for (const service of [this.service, CARD_KEY_SERVICE]) {
      for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
    }
  }
}

export async function startService(
  nodeUrls: string[] | (() => string[]),
  overrides: Partial<ChartServiceOptions> = {},
): Promise<{ service: InspectedChartService; outboxDir: string }> {
  const outboxDir = overrides.outboxDir ?? tempDir('outbox');
  const service = await inspectedChartService({
    nodeUrls,
    outboxDir,
    cards: testCards(),
    client: { readTimeoutMs: 1500, postTimeoutMs: 5000, quarantineMs: 300, bearerTokenFor: () => NODE_TOKEN },
    sender: { baseDelayMs: 100, maxDelayMs: 400, tickMs: 50 },
    ...overrides,
  });
  return { service, outboxDir };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Waits until `check` holds, polling; fails with `what` after `ms`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for: ${what}`);
}
