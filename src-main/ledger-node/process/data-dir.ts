// Where the node keeps its data when no --data is given: the app's own ledger folder, <userData>/ledger, so that the
// app, the CLI and `npm run ledger` see one ledger (docs/DEPLOYMENT.md §5.0). The lock (store/folder-lock.ts) keeps
// two of them from opening it at once.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The folder the app keeps its ledger in, inside its userData folder. */
export function ledgerFolderIn(userData: string): string {
  return join(userData, 'ledger');
}

/**
 * Electron's `app.getPath('userData')` for the workstation app (productName HealthChain), computed without
 * Electron: %APPDATA% on Windows, ~/Library/Application Support on macOS, XDG_CONFIG_HOME (when absolute) or
 * ~/.config on Linux.
 */
export function appUserDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'HealthChain');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'HealthChain');
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(home, '.config'), 'HealthChain');
}

export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  return ledgerFolderIn(appUserDataDir(platform, env, home));
}

/**
 * The default of the CLI and `npm run ledger` before they shared the app's folder: the same as the app's on Windows
 * and macOS, the XDG data folder on Linux. Read only to bring a ledger left there over (former-folder.ts).
 */
export function formerCliDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (platform !== 'linux') return defaultDataDir(platform, env, home);
  // XDG: an unset or relative XDG_DATA_HOME is to be ignored.
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && xdg.startsWith('/') ? xdg : join(home, '.local', 'share');
  return join(base, 'HealthChain', 'ledger');
}
