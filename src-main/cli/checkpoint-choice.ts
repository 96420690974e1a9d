// Whether a CLI command reads and writes the doctor's list checkpoint (docs/UNLINKABLE.md §14), by the app's rule for
// the `listCheckpoints` setting: IT's managed value when pinned, else the user's own settings.json, else on. The CLI
// lists and creates charts as the app does, so a hospital whose IT turned checkpoints off must not get one from a
// script either.
import { join } from 'node:path';
import type { ManagedReadResult } from '../settings';
import type { CliOptions } from './args';
import { err } from './context';
import { userDataDir } from './envelope-choice';
import { managedSettings } from './managed-settings';

export interface ListCheckpointsChoice {
  on: boolean;
  /** Where it came from: IT's managed settings, the user's settings.json, or the default. */
  from: 'managed' | 'user' | 'default';
}

/** Where the settings are read (tests: a policy and a user file of their own). */
export interface SettingSources {
  /** Default: the platform's managed settings, read once per process. */
  managed?: () => Promise<ManagedReadResult>;
  /** Default: the settings.json of the app's user data folder. */
  userFile?: string;
}

export async function chooseListCheckpoints(
  options: Pick<CliOptions, 'data'>,
  sources: SettingSources = {},
): Promise<ListCheckpointsChoice> {
  const { UserSettingsStore, USER_SETTINGS_FILE, DEFAULT_SETTINGS } = await import('../settings');
  const managed = await (sources.managed ?? managedSettings)();
  const pinned = managed.status === 'ok' ? managed.values.listCheckpoints : undefined;
  if (pinned !== undefined) return { on: pinned, from: 'managed' };
  const file = sources.userFile ?? join(userDataDir(options.data), USER_SETTINGS_FILE);
  const log = { info: () => {}, warn: (message: string) => err(`healthchain: ${message}`) };
  const user = await new UserSettingsStore(file, log).load();
  if (user.listCheckpoints !== undefined) return { on: user.listCheckpoints, from: 'user' };
  return { on: DEFAULT_SETTINGS.listCheckpoints, from: 'default' };
}
