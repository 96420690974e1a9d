// Hospital officers' identities in the OS keychain, sealed exactly as doctors' are (src-main/vault/sealed-identity.ts:
// seed sealed by scrypt(password) + XSalsa20-Poly1305, header bound into the plaintext) but under a service of their
// own ("HealthChain Authority", account = the officer's signKey), so an officer key is never listed, unlocked or
// deleted as a doctor identity, and an officer's password is not a doctor's password.
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import { newSeed } from '../../src-shared/crypto/keys';
import { wipe } from '../../src-shared/crypto/bytes';
import { passwordProblem } from '../../src-shared/crypto/password-policy';
import type { ScryptFn, ScryptParams } from '../../src-shared/crypto/kdf';
import { nativeKeyHolderCrypto } from '../crypto/key-holder-crypto';
import { Keychain, type KeytarApi } from '../vault/keychain';
import { nodeScrypt } from '../vault/node-scrypt';
import { ENTRY_FORMAT, openSealedIdentity, parseSealedIdentity, sealIdentity } from '../vault/sealed-identity';
import { VAULT_SCRYPT_PARAMS } from '../vault/vault';
import { InvalidInputError, WrongPasswordError } from '../vault/errors';

export const OFFICER_SERVICE = 'HealthChain Authority';
/** Marks a sealed entry as an officer's (the sealed header binds it, so it cannot be edited into a doctor's). */
export const OFFICER_SPECIALTY = 'Hospital authority officer';

export interface OfficerSummary {
  signKey: string;
  boxKey: string;
  name: string;
  createdAt: string;
}

export interface OfficerKeychainOptions {
  service?: string;
  keytar?: KeytarApi;
  scrypt?: ScryptFn;
  params?: ScryptParams;
}

const label = (signKey: string) => `The keychain entry of officer ${signKey}`;

export class OfficerKeychain {
  readonly #keychain: Keychain;
  readonly #scrypt: ScryptFn;
  readonly #params: ScryptParams;

  constructor(options: OfficerKeychainOptions = {}) {
    this.#keychain = new Keychain(options.service ?? OFFICER_SERVICE, options.keytar);
    this.#scrypt = options.scrypt ?? nodeScrypt;
    this.#params = options.params ?? VAULT_SCRYPT_PARAMS;
  }

  get service(): string {
    return this.#keychain.service;
  }

  /** A new officer key, sealed under `password` in the keychain; returns its public half and an unlocked holder. */
  async create(name: string, password: string): Promise<{ officer: OfficerSummary; holder: SeedKeyHolder }> {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 200)
      throw new InvalidInputError('name', 'An officer needs a name (at most 200 characters).');
    const problem = passwordProblem(password, { personalWords: [trimmed] });
    if (problem) throw new InvalidInputError('password', problem);
    await this.#keychain.probe();
    const seed = newSeed();
    try {
      const createdAt = new Date().toISOString();
      const doc = await sealIdentity(
        seed,
        password,
        {
          format: ENTRY_FORMAT,
          profile: { name: trimmed, specialty: OFFICER_SPECIALTY, licenceNumber: '' },
          createdAt,
        },
        this.#params,
        this.#scrypt,
      );
      await this.#keychain.set(doc.signKey, JSON.stringify(doc));
      const holder = new SeedKeyHolder(Uint8Array.from(seed), nativeKeyHolderCrypto);
      return { officer: { signKey: doc.signKey, boxKey: doc.boxKey, name: trimmed, createdAt }, holder };
    } finally {
      wipe(seed);
    }
  }

  /** Officer keys in this keychain; an unreadable entry is skipped (and named in `unreadable`), never fatal. */
  async list(unreadable: { account: string; problem: string }[] = []): Promise<OfficerSummary[]> {
    const found: OfficerSummary[] = [];
    for (const { account, value } of await this.#keychain.entries()) {
      try {
        const doc = parseSealedIdentity(value, ENTRY_FORMAT, label(account));
        if (doc.signKey !== account || doc.profile.specialty !== OFFICER_SPECIALTY)
          throw new Error('it is not an officer entry stored under its own key.');
        found.push({ signKey: doc.signKey, boxKey: doc.boxKey, name: doc.profile.name, createdAt: doc.createdAt });
      } catch (error) {
        unreadable.push({ account, problem: (error as Error).message });
      }
    }
    return found;
  }

  /** Unlocks an officer key; the caller locks the holder when done. */
  async unlock(signKey: string, password: string): Promise<SeedKeyHolder> {
    const value = await this.#keychain.get(signKey);
    if (value === null)
      throw new InvalidInputError('officer', `No officer ${signKey} in this keychain (service "${this.service}").`);
    const doc = parseSealedIdentity(value, ENTRY_FORMAT, label(signKey));
    if (doc.signKey !== signKey || doc.profile.specialty !== OFFICER_SPECIALTY)
      throw new InvalidInputError('officer', `${signKey} is not an officer entry.`);
    const seed = await openSealedIdentity(doc, password, this.#scrypt, label(signKey));
    if (!seed) throw new WrongPasswordError(1, 0, 'officer password');
    return new SeedKeyHolder(seed, nativeKeyHolderCrypto);
  }

  async remove(signKey: string): Promise<boolean> {
    return this.#keychain.delete(signKey);
  }
}
