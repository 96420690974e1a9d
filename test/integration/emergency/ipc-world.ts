// The set-up the emergency tests over IPC share: a real embedded node over HTTP (open access: the service process is
// given no token), the app's core with the real IPC registry (src-main/app/core.ts, via ipc-core.ts) in a temporary
// folder, its officer keys and the emergency key in the real keychain (run in a D-Bus session with gnome-keyring)
// under services of their own; the emergency service as its own process when a test starts it. Registers the
// suite's beforeAll and afterAll: call it at the top of a test file.
import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Core } from '../../../src-main/app/core';
import { cleanKeychain } from '../vault/helpers';
import { startTestCore } from '../authority/ipc-core';
import { ServiceProcess } from './service-process';
import { clearKeychains, startTestLedger, type TestLedger } from './fixture';

export interface EmergencyIpcWorld {
  /** The keychain services of the officer keys and of the emergency key. */
  readonly officers: string;
  readonly emergency: string;
  ledger: TestLedger;
  core: Core;
  service: ServiceProcess | null;
  /** The emergency service of `authorityId` as its own process, polling every 100 ms; stopped after the suite. */
  startService(authorityId: string): ServiceProcess;
}

export function emergencyIpcWorld(label: string): EmergencyIpcWorld {
  const suffix = randomBytes(6).toString('hex');
  let dir = '';
  const world: EmergencyIpcWorld = {
    officers: `HealthChain-${label}-officers-${suffix}`,
    emergency: `HealthChain-${label}-emergency-${suffix}`,
    ledger: undefined as unknown as TestLedger,
    core: undefined as unknown as Core,
    service: null,
    startService(authorityId) {
      const args = ['--node', world.ledger.node.url, '--authority', authorityId, '--keychain-service', world.emergency];
      world.service = new ServiceProcess([...args, '--poll-ms', '100'], 'unused-open-node');
      return world.service;
    },
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), `hc-${label}-`));
    world.ledger = await startTestLedger(`${label}-ledger`, 'open');
    ({ core: world.core } = await startTestCore({
      node: world.ledger.node,
      dir: path.join(dir, 'core'),
      officers: { service: world.officers },
      emergencyKeychainService: world.emergency,
    }));
  });

  afterAll(async () => {
    await world.service?.stop('SIGKILL');
    await world.core?.stop();
    await world.ledger?.stop();
    await cleanKeychain();
    await clearKeychains(world.officers, world.emergency);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  return world;
}
