// Maps the typed errors of the services (vault, cards, charts, ledger client, settings) to the contract's codes.
// Anything not recognised here becomes INTERNAL in the registry (logged, never shown verbatim); error-mapping.test.ts
// finds every error class in the code and fails for one that is neither mapped nor listed as never reaching IPC.
import { IpcFailure, type IpcErrorCode } from '../../src-shared/ipc';
import { CryptoError, type CryptoErrorCode } from '../../src-shared/crypto/errors';
import { EnvelopeError } from '../../src-shared/crypto/envelope';
import { LedgerInputError } from '../../src-shared/ledger/errors';
import { PayloadError } from '../../src-shared/records/payload';
import { ChartValidationError } from '../../src-shared/records/validate';
import { VaultError, InvalidInputError, type VaultErrorCode } from '../vault/errors';
import { ChartServiceError, type ChartErrorCode } from '../records/errors';
import { NodeAnswerError, NodeRejectedError, NodeUnreachableError } from '../ledger/errors';
import { SettingsError, type SettingsErrorCode } from '../settings/errors';
import { AuthorityInputError, RecoveryError } from '../../src-shared/authority';
import { EmergencyInputError } from '../../src-shared/emergency/model';
import { AuthorityUnverifiedError } from '../authority/credential-registry';

const VAULT: Record<VaultErrorCode, IpcErrorCode> = {
  KeychainUnavailable: 'KEYCHAIN_UNAVAILABLE',
  KeychainLocked: 'KEYCHAIN_LOCKED',
  WrongPassword: 'WRONG_PASSWORD',
  IdentityNotFound: 'IDENTITY_NOT_FOUND',
  IdentityExists: 'IDENTITY_EXISTS',
  CorruptedEntry: 'CORRUPTED_ENTRY',
  InvalidInput: 'INVALID_REQUEST',
  CardKeyMissing: 'KEYCHAIN_UNAVAILABLE', // the message says which key is missing and who installs it
};

const CRYPTO: Record<CryptoErrorCode, IpcErrorCode> = {
  IdentityLocked: 'LOCKED',
  ReadOnlyIdentity: 'NOT_PERMITTED',
  SealedBoxInvalid: 'TAMPERED',
  InvalidCardCode: 'INVALID_CARD',
  InvalidPin: 'INVALID_REQUEST',
  WrongPin: 'WRONG_PIN',
  TooManyAttempts: 'TOO_MANY_ATTEMPTS',
};

const CHARTS: Record<ChartErrorCode, IpcErrorCode> = {
  ChartNotFound: 'CHART_NOT_FOUND',
  NotCustodian: 'NOT_PERMITTED',
  ChartRevoked: 'NOT_PERMITTED',
  ChartNotRevoked: 'NOT_PERMITTED',
  ChartTampered: 'TAMPERED',
  UnknownAuthor: 'NOT_PERMITTED',
  StaleVersion: 'CONFLICT',
  NotAReader: 'NOT_PERMITTED',
  InvalidRequest: 'INVALID_REQUEST',
  OutboxBlocked: 'NODE_REJECTED',
};

const SETTINGS: Record<SettingsErrorCode, IpcErrorCode> = {
  SETTING_LOCKED: 'SETTING_LOCKED',
  NODE_URLS_NOT_ALLOWED: 'SETTING_LOCKED',
  INVALID_SETTING: 'INVALID_REQUEST',
  WRITE_FAILED: 'INTERNAL',
};

export function toIpcFailure(error: unknown): IpcFailure | null {
  if (error instanceof IpcFailure) return error;
  if (error instanceof InvalidInputError)
    return new IpcFailure('INVALID_REQUEST', error.message, { [error.field]: error.message });
  if (error instanceof VaultError) return new IpcFailure(VAULT[error.code], error.message);
  if (error instanceof CryptoError) {
    const code = CRYPTO[error.code];
    return new IpcFailure(
      code,
      error.message,
      error.code === 'InvalidPin'
        ? { pin: error.message }
        : error.code === 'InvalidCardCode'
          ? { code: error.message }
          : undefined,
    );
  }
  if (error instanceof ChartServiceError) return new IpcFailure(CHARTS[error.code], error.message);
  // Field paths as the request names them (the chart is the request's `chart`), so forms show them inline.
  if (error instanceof ChartValidationError)
    return new IpcFailure(
      'INVALID_REQUEST',
      error.message,
      Object.fromEntries(error.errors.map((e) => [e.path ? `chart.${e.path}` : 'chart', e.message])),
    );
  // A version that does not open: not among its readers, or a box that fails (damaged or forged).
  if (error instanceof EnvelopeError)
    return new IpcFailure(error.problem === 'not-a-reader' ? 'NOT_PERMITTED' : 'TAMPERED', error.message);
  if (error instanceof PayloadError) return new IpcFailure('TAMPERED', error.message);
  if (error instanceof LedgerInputError) return new IpcFailure('INVALID_REQUEST', error.message);
  if (error instanceof NodeUnreachableError) return new IpcFailure('NODE_UNREACHABLE', error.message);
  if (error instanceof NodeRejectedError) return new IpcFailure('NODE_REJECTED', error.message);
  if (error instanceof NodeAnswerError) return new IpcFailure('NODE_ERROR', error.message);
  // The hospital desk: a request it cannot act on (no authority pinned, a licence or file that is not right), and a
  // pinned authority the ledger does not prove (nothing it vouches for counts: shown as tampering, with the reason).
  if (error instanceof AuthorityInputError) return new IpcFailure('INVALID_REQUEST', error.message);
  if (error instanceof EmergencyInputError) return new IpcFailure('INVALID_REQUEST', error.message);
  // IT's recovery (hospital.recover / offboard / rekey): shares that do not rebuild the recovery key, said as such.
  if (error instanceof RecoveryError) return new IpcFailure('INVALID_REQUEST', error.message);
  if (error instanceof AuthorityUnverifiedError) return new IpcFailure('TAMPERED', error.message);
  if (error instanceof SettingsError) {
    const fields =
      error.code === 'INVALID_SETTING' && error.keys.length > 0
        ? Object.fromEntries(error.keys.map((k) => [`patch.${k}`, error.message]))
        : undefined;
    return new IpcFailure(SETTINGS[error.code], error.message, fields);
  }
  return null;
}
