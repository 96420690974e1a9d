// Installed builds poll IT's update server: electron-builder's generic provider, whose URL is baked into
// app-update.yml at build time (HEALTHCHAIN_UPDATE_URL, see docs/DEPLOYMENT.md). Trust in an update comes from
// signatures, not from the server: the update metadata (latest*.yml, which names each installer's SHA-512) must carry
// IT's Ed25519 signature under the key pinned into the build (update-feed.ts, signed-feed-provider.ts), which is all
// that vouches for a Linux update; on top of that electron-updater refuses a Windows installer not signed by the
// installed app's publisher (verifyUpdateCodeSignature), and macOS checks the Developer ID signature itself.
import type { KeyObject } from 'node:crypto';
import { useSignedFeed } from './signed-feed-provider';

/** The part of electron-updater's `autoUpdater` used here. */
export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  checkForUpdates(): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  setFeedURL(options: unknown): void;
}

export interface UpdateFeed {
  /** The Ed25519 key pinned into this build (null: none, so this build never updates itself). */
  key: KeyObject | null;
  /** This product's appId: feeds signed for the other product are refused. */
  appId: string;
  /** app-update.yml as electron-updater parsed it (null if it could not be read). */
  config: unknown;
}

export interface UpdateChecks {
  isPackaged: boolean;
  updater: Updater;
  log: (message: string) => void;
  feed: UpdateFeed;
  /** Hospitals patch in maintenance windows; checking a few times a day is plenty. */
  intervalMs?: number;
}

export const DEFAULT_UPDATE_INTERVAL_MS = 4 * 60 * 60 * 1000;

/** Starts periodic checks; returns a stop function. Development builds have no app-update.yml, so they never check. */
export function startUpdateChecks({
  isPackaged,
  updater,
  log,
  feed,
  intervalMs = DEFAULT_UPDATE_INTERVAL_MS,
}: UpdateChecks): () => void {
  if (!isPackaged) return () => {};
  // Fail closed: without a pinned key nothing could tell IT's metadata from anyone else's.
  if (!feed.key) {
    log('[updates] this build has no update signing key (healthchainUpdateKey): it never installs updates');
    return () => {};
  }
  try {
    useSignedFeed(updater, feed.config, { feedKey: feed.key, appId: feed.appId });
  } catch (error) {
    log(`[updates] updates are off: ${error instanceof Error ? error.message : String(error)}`);
    return () => {};
  }
  updater.autoDownload = true;
  // Installed on the next quit, never mid-consultation.
  updater.autoInstallOnAppQuit = true;
  updater.on('error', (error) => log(`[updates] update check failed: ${error.message}`));
  updater.on('update-downloaded', (info) =>
    log(`[updates] version ${info.version} downloaded; it installs when the app quits`),
  );
  const check = () => {
    updater
      .checkForUpdates()
      .catch((error: unknown) =>
        log(`[updates] update check failed: ${error instanceof Error ? error.message : String(error)}`),
      );
  };
  check();
  const timer = setInterval(check, intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
