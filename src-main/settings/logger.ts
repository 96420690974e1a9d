// The settings service logs why a policy or file was ignored; the app routes this to its log.
export interface SettingsLogger {
  info(message: string): void;
  warn(message: string): void;
}

export const consoleSettingsLogger: SettingsLogger = {
  info: (message) => console.info(`[settings] ${message}`),
  warn: (message) => console.warn(`[settings] ${message}`),
};
