// Small files that must never be left half-written (user settings, the kiosk's wrong-PIN counters): written to a
// private temporary file beside the target, fsynced, renamed over it, then the folder synced, so a crash leaves the
// old file or the new one. A file that no longer parses is renamed aside, kept for IT to look at.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { syncDirectory } from './sync-directory';

export async function writeFileAtomic(filePath: string, text: string): Promise<void> {
  const dir = path.dirname(filePath);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${path.basename(filePath)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await fs.rename(temp, filePath);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

/** Renames a damaged file to `<name>.corrupt-<time>` and answers where it went (or that it could not be moved). */
export async function setAside(filePath: string): Promise<string> {
  const aside = `${filePath}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    await fs.rename(filePath, aside);
    return aside;
  } catch {
    return `${filePath} (could not be renamed)`;
  }
}
