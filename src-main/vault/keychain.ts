// The OS keychain through keytar: one service name for the app, one account per identity (account = signKey).
// The keychain is the only store of secrets; every value we put there is already sealed by the doctor's password.
//
// Two keytar traps handled here (both measured with gnome-keyring):
//  - reads return null when the keyring is locked or absent, exactly as when nothing is stored, and deletePassword
//    returns false on a locked keyring; only writes throw. So before concluding "nothing stored" or listing, we
//    probe with a write, which tells "unavailable" / "locked" / "fine" apart.
//  - findCredentials on a *locked* collection crashes the process (libsecret assertion, then SIGSEGV). We only call
//    it right after a successful probe write.
//  - keytar runs each call on a libuv worker thread; calls in flight together (the vault, the officer keys, the card
//    key and the emergency key each have their own service) have crashed the process in a fresh keyring
//    (GLib-GIO-CRITICAL g_task_return_boolean, then exit). Every call of the process goes through one queue.
import keytar from 'keytar';
import { KeychainLockedError, KeychainUnavailableError, type VaultError } from './errors';

export type KeytarApi = Pick<typeof keytar, 'getPassword' | 'setPassword' | 'deletePassword' | 'findCredentials'>;

let queue: Promise<unknown> = Promise.resolve();
function serial<T>(call: () => Promise<T>): Promise<T> {
  const next = queue.then(call, call);
  queue = next.catch(() => undefined);
  return next;
}

/** keytar with one call at a time in this process: the default for every keychain user. */
export const serialKeytar: KeytarApi = {
  getPassword: (service, account) => serial(() => keytar.getPassword(service, account)),
  setPassword: (service, account, password) => serial(() => keytar.setPassword(service, account, password)),
  deletePassword: (service, account) => serial(() => keytar.deletePassword(service, account)),
  findCredentials: (service) => serial(() => keytar.findCredentials(service)),
};

export const DEFAULT_SERVICE = 'HealthChain';
/** Account used for probe writes; never an identity (identities are base58 keys, which have no dot). */
export const PROBE_ACCOUNT = '.probe';

/** Maps a keytar/libsecret failure to the typed error the UI shows. */
export function keychainError(error: unknown): VaultError {
  const detail = error instanceof Error ? error.message : String(error);
  if (/locked collection|is locked|collection\/login|No such (secret )?collection|prompt/i.test(detail)) {
    return new KeychainLockedError(detail);
  }
  return new KeychainUnavailableError(detail);
}

export class Keychain {
  constructor(
    readonly service: string = DEFAULT_SERVICE,
    private readonly api: KeytarApi = serialKeytar,
  ) {}

  /** Throws KeychainUnavailable / KeychainLocked unless a write to our service succeeds. */
  async probe(): Promise<void> {
    try {
      await this.api.setPassword(this.service, PROBE_ACCOUNT, 'probe');
      await this.api.deletePassword(this.service, PROBE_ACCOUNT);
    } catch (error) {
      throw keychainError(error);
    }
  }

  /** The stored value, or null when nothing is stored (after a probe proves the keychain is usable). */
  async get(account: string): Promise<string | null> {
    let value: string | null;
    try {
      value = await this.api.getPassword(this.service, account);
    } catch (error) {
      throw keychainError(error);
    }
    if (value === null) await this.probe();
    return value;
  }

  async set(account: string, value: string): Promise<void> {
    try {
      await this.api.setPassword(this.service, account, value);
    } catch (error) {
      throw keychainError(error);
    }
  }

  /** True when an entry was deleted, false when there was none (a locked keychain throws instead). */
  async delete(account: string): Promise<boolean> {
    let deleted: boolean;
    try {
      deleted = await this.api.deletePassword(this.service, account);
    } catch (error) {
      throw keychainError(error);
    }
    if (!deleted) await this.probe();
    return deleted;
  }

  /** Every (account, value) of our service, probe account excluded. */
  async entries(): Promise<{ account: string; value: string }[]> {
    await this.probe();
    try {
      const found = await this.api.findCredentials(this.service);
      return found.filter((c) => c.account !== PROBE_ACCOUNT).map((c) => ({ account: c.account, value: c.password }));
    } catch (error) {
      throw keychainError(error);
    }
  }
}
