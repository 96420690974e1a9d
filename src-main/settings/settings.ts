// The settings model (keys, defaults, the one schema) lives in src-shared/settings/model.ts, shared with the IPC
// contract; main's settings modules import it from here.
export {
  DEFAULT_SETTINGS,
  SETTING_KEYS,
  isSettingKey,
  parsePartialSettings,
  partialSettingsSchema,
  settingFields,
  settingsSchema,
} from '../../src-shared/settings/model';
export type { ParseResult, PartialSettings, SettingKey, Settings } from '../../src-shared/settings/model';
