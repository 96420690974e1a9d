// The doctor key vault (main process only). Seeds live in the OS keychain, each sealed by its own doctor's password,
// so several doctors sharing one OS account cannot reach each other's keys. Unlocking yields a KeyHolder handle that
// signs and unseals in this process; no method returns, logs or serialises a seed or private key.
import type { LockableKeyHolder } from '../../src-shared/crypto/keyholder';
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import { type ScryptFn, type ScryptParams } from '../../src-shared/crypto/kdf';
import { newSeed } from '../../src-shared/crypto/keys';
import { nativeKeyMath } from '../crypto/identity-keys-native';
import { randomBytes, wipe } from '../../src-shared/crypto/bytes';
import { BACKUP_PASSPHRASE_MIN_LENGTH, passwordProblem } from '../../src-shared/crypto/password-policy';
import { AttemptLimiter, type AttemptPolicy, PASSWORD_ATTEMPT_POLICY, type Sleep } from './attempt-limiter';
import {
  CorruptedEntryError,
  IdentityExistsError,
  IdentityNotFoundError,
  InvalidInputError,
  VaultError,
  WrongPasswordError,
} from './errors';
import { Keychain, type KeytarApi, DEFAULT_SERVICE } from './keychain';
import { nativeKeyHolderCrypto } from '../crypto/key-holder-crypto';
import { nodeScrypt } from './node-scrypt';
import { type DoctorProfile, normaliseProfile } from './profile';
import {
  BACKUP_FORMAT,
  ENTRY_FORMAT,
  OFFICER_SPECIALTY,
  openSealedIdentity,
  parseSealedIdentity,
  type SealedIdentity,
  sealIdentity,
} from './sealed-identity';

/** One password guess against a keychain entry: 64 MiB, ≈0.36 s on the reference CPU (docs/SECURITY.md). */
export const VAULT_SCRYPT_PARAMS: ScryptParams = Object.freeze({ N: 2 ** 16, r: 8, p: 1 });
/** Backup files leave the workstation, so a guess costs more: 128 MiB, ≈0.73 s (docs/SECURITY.md). */
export const BACKUP_SCRYPT_PARAMS: ScryptParams = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });
export const DELETION_TOKEN_TTL_MS = 2 * 60_000;

export interface IdentitySummary {
  /** Stable id of the identity on this workstation: its signKey. */
  readonly id: string;
  readonly signKey: string;
  readonly boxKey: string;
  readonly name: string;
  readonly specialty: string;
  readonly licenceNumber: string;
  readonly createdAt: string;
}

export type LockReason = 'manual' | 'idle' | 'screen-lock' | 'suspend' | 'signed-out' | 'deleted';

export interface VaultOptions {
  /** Keychain service name; tests use a fresh one each. */
  service?: string;
  keytar?: KeytarApi;
  scrypt?: ScryptFn;
  entryParams?: ScryptParams;
  backupParams?: ScryptParams;
  attempts?: AttemptPolicy;
  sleep?: Sleep;
  now?: () => number;
}

export interface NewIdentity {
  name: string;
  specialty: string;
  licenceNumber: string;
  password: string;
}

function summaryOf(doc: SealedIdentity): IdentitySummary {
  return { id: doc.signKey, signKey: doc.signKey, boxKey: doc.boxKey, ...doc.profile, createdAt: doc.createdAt };
}

const entryLabel = (id: string) => `The keychain entry of identity ${id}`;
const BACKUP_LABEL = 'This backup file';

export class Vault {
  readonly #keychain: Keychain;
  readonly #scrypt: ScryptFn;
  readonly #entryParams: ScryptParams;
  readonly #backupParams: ScryptParams;
  readonly #limiter: AttemptLimiter;
  readonly #now: () => number;
  readonly #sessions = new Map<string, SeedKeyHolder>();
  readonly #deletionTokens = new Map<string, { token: string; expiresAt: number }>();
  readonly #lockListeners = new Set<(id: string, reason: LockReason) => void>();

  constructor(options: VaultOptions = {}) {
    this.#keychain = new Keychain(options.service ?? DEFAULT_SERVICE, options.keytar);
    this.#scrypt = options.scrypt ?? nodeScrypt;
    this.#entryParams = options.entryParams ?? VAULT_SCRYPT_PARAMS;
    this.#backupParams = options.backupParams ?? BACKUP_SCRYPT_PARAMS;
    this.#limiter = new AttemptLimiter(options.attempts ?? PASSWORD_ATTEMPT_POLICY, options.sleep);
    this.#now = options.now ?? Date.now;
  }

  get service(): string {
    return this.#keychain.service;
  }

  /** Identities stored on this workstation (public parts only); unreadable entries are reported, not hidden. */
  async list(): Promise<{ identities: IdentitySummary[]; unreadable: { id: string; problem: string }[] }> {
    const identities: IdentitySummary[] = [];
    const unreadable: { id: string; problem: string }[] = [];
    for (const { account, value } of await this.#keychain.entries()) {
      try {
        const doc = parseSealedIdentity(value, ENTRY_FORMAT, entryLabel(account));
        if (doc.signKey !== account)
          throw new CorruptedEntryError(entryLabel(account), 'it is stored under another identity.');
        identities.push(summaryOf(doc));
      } catch (error) {
        if (!(error instanceof VaultError)) throw error;
        unreadable.push({ id: account, problem: error.message });
      }
    }
    identities.sort((a, b) => a.name.localeCompare(b.name) || a.createdAt.localeCompare(b.createdAt));
    return { identities, unreadable };
  }

  async get(id: string): Promise<IdentitySummary> {
    return summaryOf(await this.#read(id));
  }

  /** Creates an identity, stores it sealed, and returns it already unlocked (its creator just typed the password). */
  async create(input: NewIdentity): Promise<{ identity: IdentitySummary; holder: LockableKeyHolder }> {
    const profile = normaliseProfile(input);
    this.#checkPassword('password', input.password, profile);
    await this.#keychain.probe();
    const seed = newSeed(nativeKeyMath);
    try {
      const doc = await sealIdentity(
        seed,
        input.password,
        { format: ENTRY_FORMAT, profile, createdAt: new Date(this.#now()).toISOString() },
        this.#entryParams,
        this.#scrypt,
      );
      await this.#keychain.set(doc.signKey, JSON.stringify(doc));
      return { identity: summaryOf(doc), holder: this.#startSession(doc.signKey, seed) };
    } finally {
      wipe(seed);
    }
  }

  /** Checks the password and returns the identity's KeyHolder; it stops working when the identity is locked. */
  async unlock(id: string, password: string): Promise<LockableKeyHolder> {
    const { doc, seed } = await this.#openEntry(id, password);
    try {
      if (!sameParams(doc.kdf, this.#entryParams)) await this.#reseal(doc, seed, password).catch(() => undefined);
      return this.#startSession(id, seed);
    } finally {
      wipe(seed);
    }
  }

  /** The unlocked handle of an identity, or null. */
  session(id: string): LockableKeyHolder | null {
    return this.#sessions.get(id) ?? null;
  }

  unlockedIds(): string[] {
    return [...this.#sessions.keys()];
  }

  lock(id: string, reason: LockReason = 'manual'): void {
    const holder = this.#sessions.get(id);
    if (!holder) return;
    this.#sessions.delete(id);
    holder.lock();
    for (const listener of this.#lockListeners) listener(id, reason);
  }

  lockAll(reason: LockReason = 'manual'): void {
    for (const id of [...this.#sessions.keys()]) this.lock(id, reason);
  }

  /** Called after an identity is locked (by the app, auto-lock or deletion); returns an unsubscribe function. */
  onLock(listener: (id: string, reason: LockReason) => void): () => void {
    this.#lockListeners.add(listener);
    return () => this.#lockListeners.delete(listener);
  }

  async changePassword(id: string, oldPassword: string, newPassword: string): Promise<void> {
    const current = await this.#read(id);
    this.#checkPassword('newPassword', newPassword, current.profile);
    const { doc, seed } = await this.#openEntry(id, oldPassword);
    try {
      await this.#reseal(doc, seed, newPassword);
    } finally {
      wipe(seed);
    }
  }

  /**
   * First step of deletion: checks the identity's password (by unsealing its entry, through the attempt limiter, as
   * unlock does) and returns a single-use token, valid for two minutes, that deleteIdentity() requires. Without the
   * password anyone at the keyboard could destroy a colleague's identity.
   */
  async requestDeletion(
    id: string,
    password: string,
  ): Promise<{ token: string; expiresAt: number; identity: IdentitySummary }> {
    const { doc, seed } = await this.#openEntry(id, password);
    wipe(seed);
    const identity = summaryOf(doc);
    const token = [...randomBytes(16)].map((b) => b.toString(16).padStart(2, '0')).join('');
    const expiresAt = this.#now() + DELETION_TOKEN_TTL_MS;
    this.#deletionTokens.set(id, { token, expiresAt });
    return { token, expiresAt, identity };
  }

  async deleteIdentity(id: string, token: string): Promise<void> {
    const pending = this.#deletionTokens.get(id);
    if (!pending || pending.token !== token) {
      throw new InvalidInputError(
        'token',
        'This deletion was not confirmed: request deletion first and use the token it returns.',
      );
    }
    this.#deletionTokens.delete(id);
    if (this.#now() > pending.expiresAt)
      throw new InvalidInputError('token', 'The deletion confirmation expired. Request deletion again.');
    this.lock(id, 'deleted');
    if (!(await this.#keychain.delete(id))) throw new IdentityNotFoundError(id);
  }

  /**
   * An encrypted backup file (JSON, format "healthchain.identity-backup", documented in docs/SECURITY.md). It is
   * sealed by the identity's password unless a separate `passphrase` is given, with stronger scrypt parameters than
   * the keychain entry because the file may travel.
   */
  async exportBackup(id: string, password: string, options: { passphrase?: string } = {}): Promise<string> {
    const { doc, seed } = await this.#openEntry(id, password);
    try {
      const passphrase = options.passphrase ?? password;
      if (options.passphrase !== undefined) {
        this.#checkPassword('passphrase', passphrase, doc.profile, BACKUP_PASSPHRASE_MIN_LENGTH);
      }
      const backup = await sealIdentity(
        seed,
        passphrase,
        { format: BACKUP_FORMAT, profile: doc.profile, createdAt: doc.createdAt },
        this.#backupParams,
        this.#scrypt,
      );
      return JSON.stringify(backup, null, 2) + '\n';
    } finally {
      wipe(seed);
    }
  }

  /**
   * Restores a backup on this workstation. `passphrase` opens the file; the identity is then sealed for this
   * keychain with `localPassword` (by default the same). The identity is not unlocked.
   */
  async importBackup(text: string, passphrase: string, localPassword: string = passphrase): Promise<IdentitySummary> {
    if (typeof text !== 'string' || text.length > 1_000_000)
      throw new InvalidInputError('backup', 'This is not a HealthChain backup file.');
    const backup = parseSealedIdentity(text, BACKUP_FORMAT, BACKUP_LABEL);
    // An officer's key restored here would sign as a doctor and be listed among the identities: it goes back into the
    // officers' keychain only (`hospital officer restore`).
    if (backup.profile.specialty === OFFICER_SPECIALTY)
      throw new InvalidInputError(
        'backup',
        'This backup is a hospital authority officer\'s key, not a doctor\'s identity: restore it with "npm run cli -- hospital officer restore".',
      );
    this.#checkPassword('password', localPassword, backup.profile);
    if ((await this.#keychain.get(backup.signKey)) !== null) throw new IdentityExistsError(backup.signKey);
    const seed = await this.#limiter.attempt(
      `backup:${backup.signKey}`,
      () => openSealedIdentity(backup, passphrase, this.#scrypt, BACKUP_LABEL),
      (failures, delayMs) => new WrongPasswordError(failures, delayMs, 'password for this backup file'),
    );
    try {
      const doc = await sealIdentity(
        seed,
        localPassword,
        { format: ENTRY_FORMAT, profile: backup.profile, createdAt: backup.createdAt },
        this.#entryParams,
        this.#scrypt,
      );
      await this.#keychain.set(doc.signKey, JSON.stringify(doc));
      return summaryOf(doc);
    } finally {
      wipe(seed);
    }
  }

  async #read(id: string): Promise<SealedIdentity> {
    if (typeof id !== 'string' || id.length === 0 || id.length > 64)
      throw new InvalidInputError('id', 'An identity id is required.');
    const value = await this.#keychain.get(id);
    if (value === null) throw new IdentityNotFoundError(id);
    const doc = parseSealedIdentity(value, ENTRY_FORMAT, entryLabel(id));
    if (doc.signKey !== id) throw new CorruptedEntryError(entryLabel(id), 'it is stored under another identity.');
    return doc;
  }

  /** Password check with the attempt limiter: attempts on one identity run one at a time, failures slow down. */
  async #openEntry(id: string, password: string): Promise<{ doc: SealedIdentity; seed: Uint8Array }> {
    if (typeof password !== 'string' || password.length === 0)
      throw new InvalidInputError('password', 'Enter the password.');
    return this.#limiter.attempt(
      id,
      async () => {
        const doc = await this.#read(id);
        const seed = await openSealedIdentity(doc, password, this.#scrypt, entryLabel(id));
        return seed ? { doc, seed } : null;
      },
      (failures, delayMs) => new WrongPasswordError(failures, delayMs),
    );
  }

  async #reseal(doc: SealedIdentity, seed: Uint8Array, password: string): Promise<void> {
    const resealed = await sealIdentity(
      seed,
      password,
      { format: ENTRY_FORMAT, profile: doc.profile, createdAt: doc.createdAt },
      this.#entryParams,
      this.#scrypt,
    );
    await this.#keychain.set(doc.signKey, JSON.stringify(resealed));
  }

  #startSession(id: string, seed: Uint8Array): LockableKeyHolder {
    const existing = this.#sessions.get(id);
    if (existing) return existing;
    const holder: SeedKeyHolder = new SeedKeyHolder(Uint8Array.from(seed), {
      ...nativeKeyHolderCrypto,
      onLock: () => {
        if (this.#sessions.get(id) === holder) this.lock(id, 'manual');
      },
    });
    this.#sessions.set(id, holder);
    return holder;
  }

  #checkPassword(field: string, password: string, profile: DoctorProfile, minLength?: number): void {
    const personalWords = [profile.name, ...profile.name.split(/\s+/), profile.licenceNumber];
    const problem = passwordProblem(password, { personalWords, ...(minLength ? { minLength } : {}) });
    if (problem) throw new InvalidInputError(field, problem);
  }
}

function sameParams(a: ScryptParams, b: ScryptParams): boolean {
  return a.N === b.N && a.r === b.r && a.p === b.p;
}
