// Typed errors of the settings service, so the IPC layer can map them to stable error codes.
import type { SettingKey } from './settings';

export type SettingsErrorCode =
  | 'SETTING_LOCKED' // IT manages this key on this machine
  | 'NODE_URLS_NOT_ALLOWED' // IT forbids user-chosen node URLs
  | 'INVALID_SETTING' // wrong type, out of range, unknown key
  | 'WRITE_FAILED'; // the user settings file could not be written

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  constructor(
    readonly code: SettingsErrorCode,
    message: string,
    readonly keys: SettingKey[] = [],
  ) {
    super(message);
  }
}
