// The emergency key's seed in the OS keychain of the service's host. The service runs unattended, so the seed is not
// sealed under a password (nobody would type it): the keychain's own protection (the host account's login keyring)
// is what guards it, as for the card key (src-main/vault/card-key.ts). It never goes to disk or to the ledger.
import { serialKeytar as keytar } from '../vault/keychain';
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import { nativeKeyHolderCrypto } from '../crypto/key-holder-crypto';
import { newSeed, SEED_LENGTH } from '../../src-shared/crypto/keys';
import { nativeKeyMath } from '../crypto/identity-keys-native';
import { fromBase64, toBase64, wipe } from '../../src-shared/crypto/bytes';

export const EMERGENCY_SERVICE = 'HealthChain Emergency';
const ACCOUNT = 'emergency-key';

export class EmergencyKeyMissingError extends Error {
  override name = 'EmergencyKeyMissing';
}

/** Creates the key when `create` and none exists; otherwise loads it. Throws EmergencyKeyMissingError. */
export async function loadEmergencyKey(service = EMERGENCY_SERVICE, create = false): Promise<SeedKeyHolder> {
  let stored = await keytar.getPassword(service, ACCOUNT);
  if (stored === null) {
    if (!create)
      throw new EmergencyKeyMissingError(
        `No emergency key in the keychain (service "${service}"): run with --init once on this host to create it`,
      );
    const seed = newSeed(nativeKeyMath);
    stored = toBase64(seed);
    wipe(seed);
    await keytar.setPassword(service, ACCOUNT, stored);
  }
  const seed = fromBase64(stored);
  if (seed.length !== SEED_LENGTH)
    throw new EmergencyKeyMissingError(`The keychain entry of service "${service}" is not an emergency key`);
  return new SeedKeyHolder(seed, nativeKeyHolderCrypto);
}
