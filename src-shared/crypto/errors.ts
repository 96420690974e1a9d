// Typed errors of the identity layer. Every error carries a stable `code` the UI maps to a message;
// `message` is already a clear English sentence for logs and for the UI's fallback.

/** Codes raised by src-shared/crypto and src-main/vault. The IPC contract forwards them unchanged. */
export type CryptoErrorCode =
  | 'IdentityLocked'
  | 'ReadOnlyIdentity'
  | 'SealedBoxInvalid'
  | 'InvalidCardCode'
  | 'InvalidPin'
  | 'WrongPin'
  | 'TooManyAttempts';

export class CryptoError extends Error {
  readonly code: CryptoErrorCode;
  constructor(code: CryptoErrorCode, message: string) {
    super(message);
    this.name = code;
    this.code = code;
  }
  toJSON(): { code: CryptoErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** A handle was used after lock() (auto-lock, sign-out or explicit lock): the caller must unlock again. */
export class IdentityLockedError extends CryptoError {
  constructor() {
    super('IdentityLocked', 'This identity is locked. Unlock it again to continue.');
  }
}

/** A read-only session (a patient's card on the kiosk) was asked to sign. */
export class ReadOnlyIdentityError extends CryptoError {
  constructor() {
    super('ReadOnlyIdentity', 'This session is read-only: it cannot sign anything.');
  }
}

export class SealedBoxError extends CryptoError {
  constructor(message: string) {
    super('SealedBoxInvalid', message);
  }
}

export type CardCodeProblem = 'length' | 'character' | 'checksum' | 'version';

/** The typed card code is malformed or mistyped; raised before any key derivation runs. */
export class InvalidCardCodeError extends CryptoError {
  readonly problem: CardCodeProblem;
  /** 1-based position of the offending character when known (problem 'character'). */
  readonly position: number | undefined;
  constructor(problem: CardCodeProblem, message: string, position?: number) {
    super('InvalidCardCode', message);
    this.problem = problem;
    this.position = position;
  }
  override toJSON(): { code: CryptoErrorCode; message: string; problem: CardCodeProblem; position?: number } {
    return {
      ...super.toJSON(),
      problem: this.problem,
      ...(this.position === undefined ? {} : { position: this.position }),
    };
  }
}

export class InvalidPinError extends CryptoError {
  constructor(message: string) {
    super('InvalidPin', message);
  }
}

/** Card and PIN were well-formed but lead to an identity no chart knows: almost certainly a wrong PIN. */
export class WrongPinError extends CryptoError {
  constructor() {
    super('WrongPin', 'No record matches this card and PIN. Check the PIN and try again.');
  }
}

export class TooManyAttemptsError extends CryptoError {
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number) {
    super('TooManyAttempts', `Too many attempts. Try again in ${Math.ceil(retryAfterMs / 1000)} s.`);
    this.retryAfterMs = retryAfterMs;
  }
  override toJSON(): { code: CryptoErrorCode; message: string; retryAfterMs: number } {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs };
  }
}
