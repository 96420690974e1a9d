// Installed builds poll IT's update server: electron-builder's generic provider, whose URL is baked into
// app-update.yml at build time (HEALTHCHAIN_UPDATE_URL, see docs/DEPLOYMENT.md). Trust in an update comes from the
// installer's signature, not from the server: electron-updater refuses a Windows update not signed by the installed
// app's publisher (verifyUpdateCodeSignature), and macOS checks the Developer ID signature itself.

/** The part of electron-updater's `autoUpdater` used here. */
export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  checkForUpdates(): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
}

export interface UpdateChecks {
  isPackaged: boolean;
  updater: Updater;
  log: (message: string) => void;
  /** Hospitals patch in maintenance windows; checking a few times a day is plenty. */
  intervalMs?: number;
}

export const DEFAULT_UPDATE_INTERVAL_MS = 4 * 60 * 60 * 1000;

/** Starts periodic checks; returns a stop function. Development builds have no app-update.yml, so they never check. */
export function startUpdateChecks({ isPackaged, updater, log, intervalMs = DEFAULT_UPDATE_INTERVAL_MS }: UpdateChecks): () => void {
  if (!isPackaged) return () => {};
  updater.autoDownload = true;
  // Installed on the next quit, never mid-consultation.
  updater.autoInstallOnAppQuit = true;
  updater.on('error', (error) => log(`[updates] update check failed: ${error.message}`));
  updater.on('update-downloaded', (info) => log(`[updates] version ${info.version} downloaded; it installs when the app quits`));
  const check = () => {
    updater.checkForUpdates().catch((error: unknown) => log(`[updates] update check failed: ${error instanceof Error ? error.message : String(error)}`));
  };
  check();
  const timer = setInterval(check, intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
