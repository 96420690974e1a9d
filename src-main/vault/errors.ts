// Typed vault errors. `code` is stable (the IPC layer maps it one-to-one: KeychainUnavailable → KEYCHAIN_UNAVAILABLE,
// …); `message` is a complete sentence fit for the UI. No error ever carries a password, seed or key.

export type VaultErrorCode =
  | 'KeychainUnavailable'
  | 'KeychainLocked'
  | 'WrongPassword'
  | 'IdentityNotFound'
  | 'IdentityExists'
  | 'CorruptedEntry'
  | 'InvalidInput'
  | 'CardKeyMissing';

export class VaultError extends Error {
  readonly code: VaultErrorCode;
  constructor(code: VaultErrorCode, message: string) {
    super(message);
    this.name = code;
    this.code = code;
  }
  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message };
  }
}

/** No Secret Service / keychain answers. `detail` is the underlying library's message, for logs. */
export class KeychainUnavailableError extends VaultError {
  readonly detail: string;
  constructor(detail: string, platform: string = process.platform) {
    super('KeychainUnavailable', `${keychainHint(platform)} (${detail})`);
    this.detail = detail;
  }
}

function keychainHint(platform: string): string {
  if (platform === 'darwin')
    return 'The macOS Keychain could not be reached. Sign in to a macOS user session and try again.';
  if (platform === 'win32')
    return 'The Windows Credential Manager could not be reached. Sign in to a Windows user session and try again.';
  return (
    'No keychain is available: HealthChain stores identities in the desktop keychain through the Secret Service API. ' +
    'Install and start GNOME Keyring (Debian/Ubuntu: "sudo apt install gnome-keyring", then sign out and back in) ' +
    'or another Secret Service such as KeePassXC with Secret Service integration enabled'
  );
}

export class KeychainLockedError extends VaultError {
  readonly detail: string;
  constructor(detail: string) {
    super(
      'KeychainLocked',
      'The system keychain is locked (or its default "login" keyring does not exist yet). Unlock it — ' +
        'for GNOME Keyring, sign in to the desktop or open "Passwords and Keys" and unlock "Login" — then try again.',
    );
    this.detail = detail;
  }
}

export class WrongPasswordError extends VaultError {
  /** Consecutive failures for this identity (or backup file) in this session. */
  readonly failures: number;
  /** How long this failure was held back before being reported; grows with repeated failures. */
  readonly delayMs: number;
  constructor(failures: number, delayMs: number, what = 'password') {
    super(
      'WrongPassword',
      `Wrong ${what}.${failures >= 3 ? ` Each further wrong attempt now waits longer (${Math.round(delayMs / 100) / 10} s).` : ''}`,
    );
    this.failures = failures;
    this.delayMs = delayMs;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), failures: this.failures, delayMs: this.delayMs };
  }
}

export class IdentityNotFoundError extends VaultError {
  constructor(id: string) {
    super('IdentityNotFound', `No identity ${id} is stored in this workstation's keychain.`);
  }
}

export class IdentityExistsError extends VaultError {
  constructor(id: string) {
    super('IdentityExists', `Identity ${id} is already on this workstation.`);
  }
}

export class CorruptedEntryError extends VaultError {
  constructor(what: string, problem: string) {
    super('CorruptedEntry', `${what} cannot be read: ${problem}`);
  }
}

/** Bad input from the caller; `field` names the offending field for inline form errors. */
export class InvalidInputError extends VaultError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('InvalidInput', message);
    this.field = field;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field };
  }
}

/** This machine has no hospital card key, so it cannot print or read version 2 access cards (docs/DEPLOYMENT.md). */
export class CardKeyMissingError extends VaultError {
  constructor(action: 'issue' | 'open') {
    super(
      'CardKeyMissing',
      action === 'open'
        ? 'This kiosk cannot read this card yet: the hospital\'s card key is not installed on it. Please ask the staff; IT installs the key (HealthChain deployment guide, "Hospital card key").'
        : 'Access cards cannot be printed on this workstation yet: the hospital\'s card key is not installed on it. IT installs the key (HealthChain deployment guide, "Hospital card key").',
    );
  }
}
