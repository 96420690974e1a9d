// Public surface of the settings module for the rest of the main process.
export type { Settings, SettingKey, PartialSettings } from './settings';
export { DEFAULT_SETTINGS, SETTING_KEYS, parsePartialSettings } from './settings';
export { SettingsError } from './errors';
export type { SettingsErrorCode } from './errors';
export { SettingsService } from './service';
export type { SettingsView, SettingsPatch, ManagedStatus } from './service';
export { UserSettingsStore, USER_SETTINGS_FILE } from './user-store';
export type { SettingsLogger } from './logger';
export { consoleSettingsLogger } from './logger';
export {
  createManagedSettingsReader,
  LinuxManagedSettingsReader,
  MacManagedSettingsReader,
  WindowsManagedSettingsReader,
  LINUX_MANAGED_SETTINGS_PATH,
} from './managed';
export type { ManagedSettingsReader, ManagedReadResult } from './managed';
