// One node per ledger folder: two processes appending blocks to one lmdb store would each keep their own height and
// fork it. lmdb's own lock.mdb serialises writes, not nodes, so the node takes this lock before the store opens.
//
// Why a pid file and not proper-lockfile: proper-lockfile calls a lock stale when its mtime has not been refreshed
// for `stale` ms, refreshed by a timer; the store opens synchronously (a format upgrade blocks the event loop for
// minutes), so the holder would lose its lock in the middle of the upgrade and a second node could take it. It also
// records no owner, and the refusal must name the process. An OS lock (flock/LockFileEx) needs a native addon. Here
// the lock file is created with O_EXCL and names its holder (pid, program, host); it is stale when that process is
// gone (`kill(pid, 0)`, and on Linux the process's start time, so a reused pid is not taken for it). The host is
// named, not trusted: a ledger folder is local (user data), and a machine's name can change (macOS renames itself by
// network) between a crash and the next start, which must not leave the folder locked for good.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'node.lock';
/** The `program` of the app's embedded node: the CLI tells "the app is running" from another node by it. */
export const APP_PROGRAM = 'the HealthChain app';

/** Who holds a folder: written into the lock file by the holder. */
export interface LockOwner {
  readonly pid: number;
  /** e.g. "the HealthChain app", "the healthchain CLI", "npm run ledger". */
  readonly program: string;
  readonly host: string;
  readonly startedAt: string;
  /** Linux only: the process's start time in clock ticks since boot (/proc/<pid>/stat field 22). */
  readonly processStart?: string;
  readonly nonce: string;
}

export class FolderLockedError extends Error {
  readonly code = 'FolderLocked';
  constructor(
    readonly folder: string,
    readonly owner: LockOwner | null,
  ) {
    super(
      owner
        ? `the ledger folder ${folder} is in use by ${owner.program} (pid ${owner.pid}${owner.host === hostname() ? '' : ` on ${owner.host}`}); only one ledger node may use a folder at a time`
        : `the ledger folder ${folder} is being locked by another ledger node right now; only one ledger node may use a folder at a time`,
    );
  }
}

export interface FolderLock {
  readonly folder: string;
  /** Removes the lock file if it is still this holder's. Idempotent. */
  release(): void;
}

function processStartOf(pid: number): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function isAlive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: it exists, under another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (owner.processStart === undefined) return true;
  const now = processStartOf(owner.pid);
  return now === undefined || now === owner.processStart;
}

function readOwner(path: string): LockOwner | null | 'missing' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    if (typeof owner.pid === 'number' && typeof owner.program === 'string' && typeof owner.nonce === 'string')
      return owner as LockOwner;
  } catch {
    // Empty or cut short: a holder between creating the file and writing it, or one that died right then.
  }
  return null;
}

/** The folder's holder, if a live process holds it; null when free or stale. */
export function lockHolder(folder: string): LockOwner | null {
  const owner = readOwner(join(folder, LOCK_FILE));
  if (owner === 'missing' || owner === null) return null;
  return isAlive(owner) ? owner : null;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Takes `folder` (created 0700 if missing) for this process, or throws FolderLockedError naming the holder. A lock
 * left by a process that is gone is taken over. Released by release(), or when this process exits.
 */
export function lockFolder(folder: string, program: string): FolderLock {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const path = join(folder, LOCK_FILE);
  const processStart = processStartOf(process.pid);
  const me: LockOwner = {
    pid: process.pid,
    program,
    host: hostname(),
    startedAt: new Date().toISOString(),
    ...(processStart !== undefined ? { processStart } : {}),
    nonce: randomBytes(16).toString('hex'),
  };
  let last: LockOwner | null = null;
  for (let attempt = 0; ; attempt++) {
    // A bound, so that a lock file that keeps changing hands ends in an error rather than a spin.
    if (attempt > 100) throw new FolderLockedError(folder, last);
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(path);
      if (owner === 'missing') continue;
      if (owner === null) {
        // Being written this instant, or left empty by a crash: wait a little, then count it as stale.
        if (attempt < 20) sleep(25);
        else takeOver(path, null);
        continue;
      }
      last = owner;
      if (isAlive(owner)) throw new FolderLockedError(folder, owner);
      takeOver(path, owner);
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(me));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    break;
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    const owner = readOwner(path);
    if (owner !== 'missing' && owner?.nonce === me.nonce) unlinkSync(path);
  };
  process.on('exit', release);
  return { folder, release };
}

/**
 * Moves a stale lock file aside. Two processes may take over the same stale lock at once: the one that moved a lock
 * that is not the stale one it read (the other's new lock) puts it back (link fails rather than overwrite).
 */
function takeOver(path: string, stale: LockOwner | null): void {
  const aside = `${path}.stale-${randomBytes(8).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = readOwner(aside);
  const same = stale === null ? moved === null : moved !== 'missing' && moved?.nonce === stale.nonce;
  if (!same) {
    try {
      linkSync(aside, path);
    } catch {
      // Someone locked meanwhile: the lock moved aside was a fresh one whose holder now believes it holds the folder.
      // Cannot happen with two racers; with three or more, the next attempt reads whoever holds it now.
    }
  }
  unlinkSync(aside);
}
