// Public surface of the vault. Nothing exported here returns a seed or private key.
export { Vault, VAULT_SCRYPT_PARAMS, BACKUP_SCRYPT_PARAMS, DELETION_TOKEN_TTL_MS } from './vault';
export type { IdentitySummary, LockReason, NewIdentity, VaultOptions } from './vault';
export {
  VaultError,
  KeychainUnavailableError,
  KeychainLockedError,
  WrongPasswordError,
  IdentityNotFoundError,
  IdentityExistsError,
  CorruptedEntryError,
  InvalidInputError,
  CardKeyMissingError,
} from './errors';
export type { VaultErrorCode } from './errors';
export { startAutoLock, DEFAULT_IDLE_POLL_MS } from './auto-lock';
export type { AutoLock, AutoLockOptions, AutoLockReason, PowerMonitorLike } from './auto-lock';
export { PatientCards, createPatientCard, openPatientCard, CARD_ATTEMPT_POLICY } from './patient-card';
export type { PatientCard, PatientCardOptions } from './patient-card';
export { KeychainCardKey, StaticCardKey, CARD_KEY_SERVICE } from './card-key';
export type { CardKeySource } from './card-key';
export type { DoctorProfile } from './profile';
export { DEFAULT_SERVICE } from './keychain';
