// Hospital officers' identities in the OS keychain, sealed exactly as doctors' are (src-main/vault/sealed-identity.ts:
// seed sealed by scrypt(password) + XSalsa20-Poly1305, header bound into the plaintext) but under a service of their
// own ("HealthChain Authority", account = the officer's signKey), so an officer key is never listed, unlocked or
// deleted as a doctor identity, and an officer's password is not a doctor's password.
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import { newSeed } from '../../src-shared/crypto/keys';
import { nativeKeyMath } from '../crypto/identity-keys-native';
import { wipe } from '../../src-shared/crypto/bytes';
import { passwordProblem } from '../../src-shared/crypto/password-policy';
import type { ScryptFn, ScryptParams } from '../../src-shared/crypto/kdf';
import { nativeKeyHolderCrypto } from '../crypto/key-holder-crypto';
import { Keychain, type KeytarApi } from '../vault/keychain';
import { nodeScrypt } from '../vault/node-scrypt';
import {
  BACKUP_FORMAT,
  ENTRY_FORMAT,
  OFFICER_SPECIALTY,
  openSealedIdentity,
  parseSealedIdentity,
  sealIdentity,
  type SealedIdentity,
} from '../vault/sealed-identity';
import { BACKUP_SCRYPT_PARAMS, VAULT_SCRYPT_PARAMS } from '../vault/vault';
import { InvalidInputError, WrongPasswordError } from '../vault/errors';
import { AttemptLimiter, PASSWORD_ATTEMPT_POLICY, type AttemptPolicy, type Sleep } from '../vault/attempt-limiter';

export const OFFICER_SERVICE = 'HealthChain Authority';
/** Marks a sealed entry as an officer's (the sealed header binds it, so it cannot be edited into a doctor's). */
export { OFFICER_SPECIALTY };

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
  /** scrypt cost of a backup file (default: the doctor vault's backup cost, higher than the keychain entry's). */
  backupParams?: ScryptParams;
  /** The online brake on password guessing, as the doctor vault's (default: 2 free failures, then 1 s doubling). */
  attempts?: AttemptPolicy;
  sleep?: Sleep;
}

const label = (signKey: string) => `The keychain entry of officer ${signKey}`;

export class OfficerKeychain {
  readonly #keychain: Keychain;
  readonly #scrypt: ScryptFn;
  readonly #params: ScryptParams;
  readonly #limiter: AttemptLimiter;
  readonly #backupParams: ScryptParams;

  constructor(options: OfficerKeychainOptions = {}) {
    this.#backupParams = options.backupParams ?? BACKUP_SCRYPT_PARAMS;
    this.#limiter = new AttemptLimiter(options.attempts ?? PASSWORD_ATTEMPT_POLICY, options.sleep);
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
    const seed = newSeed(nativeKeyMath);
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
    const { seed } = await this.#open(signKey, password);
    return new SeedKeyHolder(seed, nativeKeyHolderCrypto);
  }

  /** The officer entry and its seed (the caller wipes it): one password attempt under the limiter. */
  async #open(signKey: string, password: string): Promise<{ doc: SealedIdentity; seed: Uint8Array }> {
    const value = await this.#keychain.get(signKey);
    if (value === null)
      throw new InvalidInputError('officer', `No officer ${signKey} in this keychain (service "${this.service}").`);
    const doc = parseSealedIdentity(value, ENTRY_FORMAT, label(signKey));
    if (doc.signKey !== signKey || doc.profile.specialty !== OFFICER_SPECIALTY)
      throw new InvalidInputError('officer', `${signKey} is not an officer entry.`);
    // Attempts on one officer key run one at a time; after a few failures each is held back longer (as a doctor's).
    const seed = await this.#limiter.attempt(
      signKey,
      () => openSealedIdentity(doc, password, this.#scrypt, label(signKey)),
      (failures, delayMs) => new WrongPasswordError(failures, delayMs, 'officer password'),
    );
    return { doc, seed };
  }

  /**
   * An encrypted backup of an officer key, as the doctor vault's (format "healthchain.identity-backup", sealed by the
   * officer's password with the backup scrypt cost); the sealed header marks it as an officer's, so restoring it makes
   * an officer entry again. Keep it offline: with its password it is the officer's key.
   */
  async exportBackup(signKey: string, password: string): Promise<string> {
    const { doc, seed } = await this.#open(signKey, password);
    try {
      const backup = await sealIdentity(
        seed,
        password,
        { format: BACKUP_FORMAT, profile: doc.profile, createdAt: doc.createdAt },
        this.#backupParams,
        this.#scrypt,
      );
      return `${JSON.stringify(backup, null, 2)}\n`;
    } finally {
      wipe(seed);
    }
  }

  /** Restores an officer backup into this keychain, sealed again under the same password; refuses a doctor's. */
  async importBackup(text: string, password: string): Promise<OfficerSummary> {
    if (typeof text !== 'string' || text.length > 1_000_000)
      throw new InvalidInputError('backup', 'This is not a HealthChain backup file.');
    const backup = parseSealedIdentity(text, BACKUP_FORMAT, 'This backup file');
    if (backup.profile.specialty !== OFFICER_SPECIALTY)
      throw new InvalidInputError('backup', "This backup is a doctor's identity, not an officer key.");
    if ((await this.#keychain.get(backup.signKey)) !== null)
      throw new InvalidInputError('backup', `Officer ${backup.signKey} is already in this keychain.`);
    const seed = await this.#limiter.attempt(
      `backup:${backup.signKey}`,
      () => openSealedIdentity(backup, password, this.#scrypt, 'This backup file'),
      (failures, delayMs) => new WrongPasswordError(failures, delayMs, 'password for this backup file'),
    );
    try {
      const doc = await sealIdentity(
        seed,
        password,
        { format: ENTRY_FORMAT, profile: backup.profile, createdAt: backup.createdAt },
        this.#params,
        this.#scrypt,
      );
      await this.#keychain.set(doc.signKey, JSON.stringify(doc));
      return { signKey: doc.signKey, boxKey: doc.boxKey, name: doc.profile.name, createdAt: doc.createdAt };
    } finally {
      wipe(seed);
    }
  }

  async remove(signKey: string): Promise<boolean> {
    return this.#keychain.delete(signKey);
  }
}
