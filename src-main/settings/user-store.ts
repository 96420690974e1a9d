// The user's own settings: one JSON file in the app's user-data directory, replaced atomically (temp file, fsync,
// rename) so a crash mid-write leaves either the old or the new file, never half of one.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { syncDirectory } from '../fs/sync-directory';
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
    const dir = path.dirname(this.filePath);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = path.join(
      dir,
      `.${path.basename(this.filePath)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
    );
    const ordered = Object.fromEntries(Object.entries(values).sort(([a], [b]) => a.localeCompare(b)));
    const handle = await fs.open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(ordered, null, 2)}\n`, 'utf8');
      await handle.sync();
    } catch (error) {
      await handle.close();
      await fs.rm(temp, { force: true });
      throw error;
    }
    await handle.close();
    try {
      await fs.rename(temp, this.filePath);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
    await syncDirectory(dir);
  }

  private async setAside(): Promise<string> {
    const aside = `${this.filePath}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await fs.rename(this.filePath, aside);
      return aside;
    } catch {
      return `${this.filePath} (could not be renamed)`;
    }
  }
}
