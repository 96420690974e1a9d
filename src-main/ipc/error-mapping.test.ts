// Every error class in the code either maps to a contract error code or is listed here with why it never reaches a
// handler. A new error class fails this test until it is one or the other, so nothing surfaces as INTERNAL by accident.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  IdentityLockedError,
  InvalidCardCodeError,
  InvalidPinError,
  ReadOnlyIdentityError,
  SealedBoxError,
  TooManyAttemptsError,
  WrongPinError,
} from '../../src-shared/crypto/errors';
import { EnvelopeError } from '../../src-shared/crypto/envelope';
import { IpcFailure } from '../../src-shared/ipc';
import { LedgerInputError } from '../../src-shared/ledger/errors';
import { PayloadError } from '../../src-shared/records/payload';
import { ChartValidationError } from '../../src-shared/records/validate';
import { NodeAnswerError, NodeRejectedError, NodeUnreachableError } from '../ledger/errors';
import { ChartServiceError } from '../records/errors';
import { SettingsError } from '../settings/errors';
import { AuthorityInputError, RecoveryError } from '../../src-shared/authority';
import { EmergencyInputError } from '../../src-shared/emergency/model';
import { AuthorityUnverifiedError } from '../authority/credential-registry';
import {
  CardKeyMissingError,
  CorruptedEntryError,
  IdentityExistsError,
  IdentityNotFoundError,
  InvalidInputError,
  KeychainLockedError,
  KeychainUnavailableError,
  VaultError,
  WrongPasswordError,
} from '../vault/errors';
import { toIpcFailure } from './error-mapping';

/** One instance of every error class a handler can meet, with the code it must answer. */
const MAPPED: Record<string, [Error, string]> = {
  IpcFailure: [new IpcFailure('CONFLICT', 'x'), 'CONFLICT'],
  VaultError: [new VaultError('IdentityNotFound', 'x'), 'IDENTITY_NOT_FOUND'],
  KeychainUnavailableError: [new KeychainUnavailableError('x', 'linux'), 'KEYCHAIN_UNAVAILABLE'],
  KeychainLockedError: [new KeychainLockedError('x'), 'KEYCHAIN_LOCKED'],
  WrongPasswordError: [new WrongPasswordError(1, 0), 'WRONG_PASSWORD'],
  IdentityNotFoundError: [new IdentityNotFoundError('x'), 'IDENTITY_NOT_FOUND'],
  IdentityExistsError: [new IdentityExistsError('x'), 'IDENTITY_EXISTS'],
  CorruptedEntryError: [new CorruptedEntryError('entry', 'x'), 'CORRUPTED_ENTRY'],
  InvalidInputError: [new InvalidInputError('name', 'x'), 'INVALID_REQUEST'],
  CryptoError: [new IdentityLockedError(), 'LOCKED'],
  IdentityLockedError: [new IdentityLockedError(), 'LOCKED'],
  ReadOnlyIdentityError: [new ReadOnlyIdentityError(), 'NOT_PERMITTED'],
  SealedBoxError: [new SealedBoxError('x'), 'TAMPERED'],
  InvalidCardCodeError: [new InvalidCardCodeError('checksum', 'x'), 'INVALID_CARD'],
  InvalidPinError: [new InvalidPinError('x'), 'INVALID_REQUEST'],
  WrongPinError: [new WrongPinError(), 'WRONG_PIN'],
  TooManyAttemptsError: [new TooManyAttemptsError(1000), 'TOO_MANY_ATTEMPTS'],
  ChartServiceError: [new ChartServiceError('StaleVersion', 'x'), 'CONFLICT'],
  ChartValidationError: [
    new ChartValidationError([{ path: 'patient.name', message: 'Name is required' }]),
    'INVALID_REQUEST',
  ],
  EnvelopeError: [new EnvelopeError('box', 'x'), 'TAMPERED'],
  PayloadError: [new PayloadError('x'), 'TAMPERED'],
  LedgerInputError: [new LedgerInputError('InvalidKey', 'x'), 'INVALID_REQUEST'],
  NodeUnreachableError: [
    new NodeUnreachableError([{ nodeUrl: 'http://127.0.0.1:9', error: 'refused' }]),
    'NODE_UNREACHABLE',
  ],
  NodeRejectedError: [new NodeRejectedError('http://127.0.0.1:9', 400, 'DoubleSpend'), 'NODE_REJECTED'],
  NodeAnswerError: [new NodeAnswerError('http://127.0.0.1:9', 'x'), 'NODE_ERROR'],
  SettingsError: [new SettingsError('SETTING_LOCKED', 'x'), 'SETTING_LOCKED'],
  CardKeyMissingError: [new CardKeyMissingError('open'), 'KEYCHAIN_UNAVAILABLE'],
  AuthorityInputError: [new AuthorityInputError('x'), 'INVALID_REQUEST'],
  EmergencyInputError: [new EmergencyInputError('x'), 'INVALID_REQUEST'],
  RecoveryError: [new RecoveryError('x'), 'INVALID_REQUEST'],
  AuthorityUnverifiedError: [new AuthorityUnverifiedError('a'.repeat(64), 'x'), 'TAMPERED'],
};

/** Error classes that never reach an IPC handler, and why. */
const NEVER_REACHES_IPC: Record<string, string> = {
  ArgumentValueError: 'the ledger node HTTP server answers it as a 400 of its own',
  ServerError: "the node client's fail-over turns it into NodeUnreachableError",
  TransportError: "the node client's fail-over turns it into NodeUnreachableError",
  AppRunningError: 'the command line prints it and exits with status 1 (the app holds the ledger folder)',
  CliError: 'the command line prints it and exits with status 2',
  FolderLockedError:
    'raised in the ledger node process; the app gets its text as the embedded node start failure, not over IPC',
  DetailsError: 'crypto-condition parsing inside transaction validation, which returns a verdict',
  DerError: 'crypto-condition parsing inside transaction validation, which returns a verdict',
  UsageError: 'the hospital command line prints it and exits with status 2',
  NetworkCheckUsageError: 'the command line turns it into a CliError (status 2)',
  UpdateFeedError: 'electron-updater reports it as an update error (logged; no IPC channel starts an update)',
  PaddingError: 'envelope v3 padding (issue #15), not used by any channel yet',
  Refuse: 'inside the emergency service (its own process): becomes a refusal posted on the ledger',
  EmergencyKeyMissingError: "the emergency service's command line prints it and exits (no IPC channel uses the key)",
  Opaque: 'inside the FHIR invariant memo: caught where it analyses an expression (the invariant then goes to medplum)',
  Unsummarised:
    "inside the FHIR invariant memo: caught where it keys a value (that value's verdict then comes from medplum)",
  CheckpointChunkError:
    'the list checkpoint (issue #15): a chunk that does not parse or join is skipped by the reader; a write refused is dropped by the list, which writes again later',
  CheckpointFormatError:
    "the list checkpoint's payload: one that does not parse is not used (the list verifies in full)",
};

function errorClassesIn(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...errorClassesIn(path));
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
      for (const m of readFileSync(path, 'utf8').matchAll(/class (\w+) extends (\w*Error|IpcFailure)\b/g))
        found.push(m[1]!);
    }
  }
  return found;
}

describe('error mapping', () => {
  it('every error class in src-main and src-shared is mapped, or listed as never reaching IPC', () => {
    const classes = [...new Set([...errorClassesIn('src-main'), ...errorClassesIn('src-shared')])].sort();
    expect(classes.length).toBeGreaterThan(25);
    const unaccounted = classes.filter((c) => !(c in MAPPED) && !(c in NEVER_REACHES_IPC));
    expect(unaccounted).toEqual([]);
  });

  it.each(Object.entries(MAPPED))('%s answers its own code, never INTERNAL', (_name, [error, code]) => {
    const failure = toIpcFailure(error);
    expect(failure).toBeInstanceOf(IpcFailure);
    expect(failure!.code).toBe(code);
  });

  it('an invalid chart keeps its field errors, keyed as the request names them', () => {
    const failure = toIpcFailure(
      new ChartValidationError([
        { path: 'patient.name', message: 'Name is required' },
        { path: '', message: 'Not an object' },
      ]),
    );
    expect(failure?.fields).toEqual({ 'chart.patient.name': 'Name is required', chart: 'Not an object' });
  });

  it('a version the viewer is not a reader of is not permitted, not tampered', () => {
    expect(toIpcFailure(new EnvelopeError('not-a-reader', 'x'))?.code).toBe('NOT_PERMITTED');
  });
});
