// The user's own settings: one JSON file in the app's user-data directory, replaced atomically (temp file, fsync,
// rename) so a crash mid-write leaves either the old or the new file, never half of one.
import { promises as fs } from 'node:fs';
import { setAside, writeFileAtomic } from '../fs/atomic-file';
import { parsePartialSettings } from './settings';
import type { PartialSettings } from './settings';
import type { SettingsLogger } from './logger';

export const USER_SETTINGS_FILE = 'settings.json';

export class UserSettingsStore {
  constructor(
    readonly filePath: string,
    private readonly log: SettingsLogger,
  ) {}

  /** Loads what can be trusted from the file; a damaged file is set aside (kept, renamed) rather than lost. */
  async load(): Promise<PartialSettings> {
    let text: string;
    try {
      text = await fs.readFile(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      this.log.warn(`user settings: cannot read ${this.filePath} (${(error as Error).message}); using defaults`);
      return {};
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      const aside = await this.setAside();
      this.log.warn(
        `user settings: ${this.filePath} is not valid JSON (${(error as Error).message}); kept as ${aside}, using defaults`,
      );
      return {};
    }
    const whole = parsePartialSettings(json);
    if (whole.ok) return whole.values;
    // Keep every key that is valid on its own; drop (and name) the rest.
    const kept: PartialSettings = {};
    const dropped: string[] = [];
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
      for (const [key, value] of Object.entries(json)) {
        const one = parsePartialSettings({ [key]: value });
        if (one.ok) Object.assign(kept, one.values);
        else dropped.push(key);
      }
    }
    this.log.warn(
      `user settings: ignoring invalid entries in ${this.filePath}: ${whole.reason}${dropped.length ? ` (dropped ${dropped.join(', ')})` : ''}`,
    );
    return kept;
  }

  async save(values: PartialSettings): Promise<void> {
    const ordered = Object.fromEntries(Object.entries(values).sort(([a], [b]) => a.localeCompare(b)));
    await writeFileAtomic(this.filePath, `${JSON.stringify(ordered, null, 2)}\n`);
  }

  private setAside(): Promise<string> {
    return setAside(this.filePath);
  }
}
