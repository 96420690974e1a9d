// The renderer's only door to main: the typed `window.healthchain` the preload (or the e2e bridge) builds from the
// IPC contract. Read it lazily so tests can install their double before the first call.
import type { HealthchainApi, IpcResult } from '../../src-shared/ipc';

export function api(): HealthchainApi {
  const healthchain = (window as { healthchain?: HealthchainApi }).healthchain;
  if (!healthchain) throw new Error('window.healthchain is missing: the preload did not run');
  return healthchain;
}

export type { IpcResult };
