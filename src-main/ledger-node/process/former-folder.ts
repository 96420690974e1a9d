// Before the CLI shared the app's ledger folder, its default on Linux was the XDG data folder
// (~/.local/share/HealthChain/ledger), beside which it kept its outbox. A ledger left there is moved, once, into the
// app's folder when the app's has none, so the doctor finds the charts written with the CLI in the app and the CLI
// alike; otherwise it is left where it is and named. Nothing is deleted, and every case says what it did.
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FolderLockedError, LOCK_FILE, lockFolder } from '../store/folder-lock';

/** What the CLI kept beside its ledger folder, moved along with it when the app's has none of its own. */
const SIBLINGS = ['outbox', 'verified-cache'];

const holdsLedger = (folder: string) => existsSync(join(folder, 'data.mdb'));

function isEmptyFolder(folder: string): boolean {
  try {
    return readdirSync(folder).length === 0;
  } catch {
    return false;
  }
}

/** Moves `from` to `to` if `to` is absent or an empty folder; false (nothing changed) otherwise. */
function moveInto(from: string, to: string): boolean {
  if (existsSync(to)) {
    if (!isEmptyFolder(to)) return false;
    rmdirSync(to);
  }
  mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
  renameSync(from, to);
  return true;
}

/**
 * The folder a node started by `program` (the CLI, `npm run ledger`) uses by default: `appFolder`, after moving a ledger found in `formerFolder` into it if
 * the app's holds none. Says on `say` what it did; returns `formerFolder` (named) if the move cannot be made.
 */
export function useFormerFolder(
  appFolder: string,
  formerFolder: string,
  program: string,
  say: (line: string) => void,
): string {
  if (appFolder === formerFolder || !holdsLedger(formerFolder)) return appFolder;
  if (holdsLedger(appFolder)) {
    say(
      `note: ${formerFolder} (the CLI's folder before it used the app's) also holds a ledger; it is not used now: pass --data ${formerFolder} to read it`,
    );
    return appFolder;
  }
  // No node may have the former folder open while it moves: an older CLI or `npm run ledger` may still run there.
  let lock;
  try {
    lock = lockFolder(formerFolder, `${program} (moving this ledger to the app's folder)`);
  } catch (error) {
    if (!(error instanceof FolderLockedError)) throw error;
    say(`the ledger in ${formerFolder} was not moved to the app's folder ${appFolder}: ${error.message}`);
    throw error;
  }
  try {
    if (!moveInto(formerFolder, appFolder)) {
      say(
        `using the ledger in ${formerFolder} (the CLI's former folder): the app's folder ${appFolder} is not empty; pass --data to choose`,
      );
      return formerFolder;
    }
  } catch (error) {
    // EXDEV (another file system), a permission: the ledger stays whole where it was, and is used there.
    say(
      `using the ledger in ${formerFolder} (the CLI's former folder): it could not be moved to the app's folder ${appFolder} (${error instanceof Error ? error.message : String(error)}); pass --data to choose`,
    );
    return formerFolder;
  } finally {
    lock.release();
  }
  // The lock file moved with the folder: this process's, so it goes.
  unlinkSync(join(appFolder, LOCK_FILE));
  const moved = [appFolder];
  const left: string[] = [];
  for (const name of SIBLINGS) {
    const from = join(dirname(formerFolder), name);
    if (!existsSync(from)) continue;
    const to = join(dirname(appFolder), name);
    let done = false;
    try {
      done = moveInto(from, to);
    } catch {
      done = false;
    }
    (done ? moved : left).push(done ? to : from);
  }
  say(
    `moved the CLI's ledger from ${formerFolder} to the app's folder ${appFolder}, which the app and the CLI now share${moved.length > 1 ? ` (with ${moved.slice(1).join(', ')})` : ''}`,
  );
  const leftOutbox = left.find((folder) => folder.endsWith('outbox'));
  if (left.length > 0)
    say(
      `left in place, as the app's folder has its own: ${left.join(', ')}${leftOutbox ? ` (to send what waits there: --outbox ${leftOutbox})` : ''}`,
    );
  return appFolder;
}
