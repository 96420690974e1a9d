// Reads a policy file only if an unprivileged user could not have planted or altered it: a regular file (not a
// symlink) owned by root, not writable by group or others, in a directory that is equally protected.
import { constants, promises as fs } from 'node:fs';
import type { Stats } from 'node:fs';
import path from 'node:path';

export const MAX_POLICY_BYTES = 1024 * 1024;

export type TrustedFileResult =
  { status: 'absent' } | { status: 'ok'; bytes: Buffer } | { status: 'rejected'; reason: string };

export interface TrustOptions {
  /** The uid that must own the file and its directory; root (0) in production. */
  trustedUid: number;
}

function describeMode(mode: number): string {
  return `0${(mode & 0o7777).toString(8)}`;
}

function untrusted(stats: Stats, what: string, trustedUid: number): string | null {
  if (stats.uid !== trustedUid)
    return `${what} is owned by uid ${stats.uid}, not ${trustedUid === 0 ? 'root' : `uid ${trustedUid}`}`;
  if ((stats.mode & 0o022) !== 0) return `${what} is writable by group or others (mode ${describeMode(stats.mode)})`;
  return null;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}

export async function readTrustedFile(filePath: string, { trustedUid }: TrustOptions): Promise<TrustedFileResult> {
  let linkStats: Stats;
  try {
    linkStats = await fs.lstat(filePath);
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return { status: 'absent' };
    return { status: 'rejected', reason: `cannot inspect ${filePath}: ${(error as Error).message}` };
  }
  if (linkStats.isSymbolicLink())
    return { status: 'rejected', reason: `${filePath} is a symbolic link; only a regular file is accepted` };
  if (!linkStats.isFile()) return { status: 'rejected', reason: `${filePath} is not a regular file` };
  const fileProblem = untrusted(linkStats, filePath, trustedUid);
  if (fileProblem) return { status: 'rejected', reason: fileProblem };

  const dir = path.dirname(filePath);
  try {
    const dirProblem = untrusted(await fs.stat(dir), `its directory ${dir}`, trustedUid);
    if (dirProblem) return { status: 'rejected', reason: `${filePath} cannot be trusted: ${dirProblem}` };
  } catch (error) {
    return { status: 'rejected', reason: `cannot inspect ${dir}: ${(error as Error).message}` };
  }
  if (linkStats.size > MAX_POLICY_BYTES)
    return { status: 'rejected', reason: `${filePath} is larger than ${MAX_POLICY_BYTES} bytes` };

  // Open without following links and re-check the opened file is the one inspected, so a swap between lstat and
  // open cannot smuggle another file in.
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(filePath, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    return { status: 'rejected', reason: `cannot open ${filePath}: ${(error as Error).message}` };
  }
  try {
    const opened = await handle.stat();
    if (opened.ino !== linkStats.ino || opened.dev !== linkStats.dev) {
      return { status: 'rejected', reason: `${filePath} changed while it was being read` };
    }
    const openedProblem = untrusted(opened, filePath, trustedUid);
    if (openedProblem) return { status: 'rejected', reason: openedProblem };
    return { status: 'ok', bytes: await handle.readFile() };
  } finally {
    await handle.close();
  }
}
