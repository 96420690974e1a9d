// The envelope a CLI command creates new charts in, by the app's rule for the `ledgerEnvelope` setting
// (docs/UNLINKABLE.md §12, docs/DEPLOYMENT.md §4): IT's managed value when pinned, else the user's own settings.json,
// else v1. `--envelope` stands in for the user's setting for one command; against a managed pin it is refused
// (nothing written), as the Settings screen locks the control: a script that asked for v1 on a hospital that pinned
// v3 must not get either silently.
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { appUserDataDir } from '../ledger-node/process/data-dir';
import type { CliOptions } from './args';
import { CliError, err } from './context';
import { managedSettings } from './managed-settings';

export type LedgerEnvelope = 'v1' | 'v3';

export interface EnvelopeChoice {
  envelope: LedgerEnvelope;
  /** Where it came from: IT's managed settings, --envelope, the user's settings.json, or the default. */
  from: 'managed' | 'flag' | 'user' | 'default';
  /** The managed source or the settings file, for the message. */
  where: string | null;
}

/**
 * The folder the app keeps settings.json in (Electron's userData for the workstation, docs/DEPLOYMENT.md §4.4):
 * beside the ledger data when --data names it (the app keeps its ledger in <userData>/ledger), else the platform's.
 */
export function userDataDir(
  data: string | undefined,
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (data !== undefined) return dirname(resolve(data));
  return appUserDataDir(platform, env, home);
}

export async function chooseEnvelope(options: Pick<CliOptions, 'data' | 'envelope'>): Promise<EnvelopeChoice> {
  const { UserSettingsStore, USER_SETTINGS_FILE, DEFAULT_SETTINGS } = await import('../settings');
  const managed = await managedSettings();
  const pinned = managed.status === 'ok' ? managed.values.ledgerEnvelope : undefined;
  if (pinned !== undefined) {
    if (options.envelope !== undefined && options.envelope !== pinned)
      throw new CliError(
        `--envelope ${options.envelope} refused: IT pinned ledgerEnvelope to ${pinned} in the managed settings (${managed.source}), so new charts on this computer are written in ${pinned}. Run without --envelope, or ask IT.`,
      );
    return { envelope: pinned, from: 'managed', where: managed.source };
  }
  if (options.envelope !== undefined) return { envelope: options.envelope, from: 'flag', where: null };
  const file = join(userDataDir(options.data), USER_SETTINGS_FILE);
  const log = { info: () => {}, warn: (message: string) => err(`healthchain: ${message}`) };
  const user = await new UserSettingsStore(file, log).load();
  if (user.ledgerEnvelope !== undefined) return { envelope: user.ledgerEnvelope, from: 'user', where: file };
  return { envelope: DEFAULT_SETTINGS.ledgerEnvelope, from: 'default', where: file };
}

/** "envelope v3 (pinned by IT in /etc/…)": what a human line says about the envelope of new charts. */
export function describeChoice(choice: EnvelopeChoice): string {
  switch (choice.from) {
    case 'managed':
      return `envelope ${choice.envelope} (pinned by IT: ${choice.where})`;
    case 'flag':
      return `envelope ${choice.envelope} (--envelope)`;
    case 'user':
      return `envelope ${choice.envelope} (ledgerEnvelope in ${choice.where})`;
    case 'default':
      return `envelope ${choice.envelope} (the default: no ledgerEnvelope set)`;
  }
}
