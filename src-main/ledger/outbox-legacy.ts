// The outbox's first on-disk format: one `<txid>.json` file per record in the outbox directory, written through a
// `<txid>.json.<pid>.<time>.tmp` file (fsync, rename, directory fsync). Outbox.open reads what such a directory
// holds, moves it into the store and only then removes the files (see migrateLegacyFiles in outbox.ts).
import { readdir, readFile, unlink } from 'node:fs/promises';
import { syncDirectory } from '../fs/sync-directory';
import { join } from 'node:path';
import { parseOutboxRecord, type OutboxRecord } from './outbox-record';
import { HEX64_SOURCE } from '../../src-shared/ledger/patterns';

const RECORD_FILE = new RegExp(`^(${HEX64_SOURCE})\\.json$`);
const TEMP_FILE = new RegExp(`^${HEX64_SOURCE}\\.json\\..*\\.tmp$`);

export interface LegacyFiles {
  records: OutboxRecord[];
  /** Files to remove once `records` are safely elsewhere: the record files read, and interrupted temp files. */
  done: string[];
  /** Record files that could not be read: left in place for inspection, never deleted (they may hold a signed transaction). */
  unreadable: string[];
}

export async function readLegacyFiles(dir: string): Promise<LegacyFiles> {
  const found: LegacyFiles = { records: [], done: [], unreadable: [] };
  for (const name of (await readdir(dir)).sort()) {
    if (TEMP_FILE.test(name)) {
      found.done.push(name); // an interrupted write: the record it replaced (if any) is intact in its own file
      continue;
    }
    const txId = RECORD_FILE.exec(name)?.[1];
    if (!txId) continue;
    const record = parseOutboxRecord(await readFile(join(dir, name), 'utf8'), txId);
    if (record) {
      found.records.push(record);
      found.done.push(name);
    } else {
      found.unreadable.push(name);
    }
  }
  return found;
}

/** Removes migrated files, then fsyncs the directory so that a power cut does not bring stale copies back. */
export async function removeLegacyFiles(dir: string, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  for (const name of names) {
    try {
      await unlink(join(dir, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  await syncDirectory(dir);
}
