// Shared setup of the vault integration tests: a fresh keychain service name per test (so tests never see each
// other's entries, nor a developer's real identities) and small scrypt parameters where the KDF cost is not tested.
import { randomBytes } from 'node:crypto';
import keytar from 'keytar';
import { Vault, type VaultOptions } from '../../../src-main/vault';

export const FAST = { N: 1024, r: 8, p: 1 } as const;
export const DOCTOR = {
  name: 'Dr Ada Okafor',
  specialty: 'Cardiology',
  licenceNumber: 'GMC-7781234',
  password: 'correct horse battery',
};
export const OTHER_DOCTOR = {
  name: 'Dr Ben Lindqvist',
  specialty: 'Oncology',
  licenceNumber: 'SE-55210',
  password: 'purple elephant garden',
};

const services: string[] = [];

export function freshService(): string {
  const service = `HealthChain-test-${randomBytes(6).toString('hex')}`;
  services.push(service);
  return service;
}

export function testVault(options: VaultOptions = {}): Vault {
  return new Vault({
    service: freshService(),
    entryParams: FAST,
    backupParams: FAST,
    attempts: { freeFailures: 2, baseDelayMs: 20, maxDelayMs: 100 },
    ...options,
  });
}

/** Removes every entry the tests wrote. */
export async function cleanKeychain(): Promise<void> {
  for (const service of services.splice(0)) {
    for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
  }
}
