// Where the node keeps its data when no --data is given: the user's per-application data folder.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'HealthChain', 'ledger');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'HealthChain', 'ledger');
  // XDG: an unset or relative XDG_DATA_HOME is to be ignored.
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && xdg.startsWith('/') ? xdg : join(home, '.local', 'share');
  return join(base, 'HealthChain', 'ledger');
}
