// The CLI's own embedded node when no --node is given: in the app's ledger folder (or --data), token-protected like
// the app's. Only one node may use a folder (ledger-node/store/folder-lock.ts): while the app runs, its node holds
// the folder, and the app publishes neither its node's address nor its per-launch token (docs/SECURITY.md, issue
// #14), so the CLI says so instead of opening the ledger beside it. The node runs in a worker thread of the CLI
// (node-thread.ts), so its work and the command's use both cores.
import { resolve } from 'node:path';
import type { LedgerNode } from '../ledger-node/node';
import { bundledNodeThread, err } from './context';
import { NodeThread } from './node-thread';

export const CLI_PROGRAM = 'the healthchain CLI';

/** Thrown when the app's node holds the folder. */
export class AppRunningError extends Error {
  constructor(
    readonly folder: string,
    readonly pid: number,
  ) {
    super(
      `HealthChain is running (pid ${pid}) and uses ${folder}; pass --node <url> to use a ledger node, or quit HealthChain and run this again`,
    );
  }
}

/** The node's thread spawned ahead by warmLocalNode, loading its code while the command does its first steps. */
let warm: NodeThread | null = null;

/** Spawns the embedded node's thread now; startLocalNode then only starts it. Nothing is locked or opened yet. */
export function warmLocalNode(): void {
  warm ??= new NodeThread(bundledNodeThread());
}

/** Ends the thread warmLocalNode spawned, when the command uses other nodes after all. */
export function discardWarmNode(): void {
  warm?.discard();
  warm = null;
}

export async function startLocalNode(data: string | undefined): Promise<{ node: LedgerNode; dataDir: string }> {
  const [
    { generateToken },
    { defaultDataDir, formerCliDataDir },
    { FolderLockedError, APP_PROGRAM },
    { useFormerFolder },
  ] = await Promise.all([
    import('../ledger-node/http/access'),
    import('../ledger-node/process/data-dir'),
    import('../ledger-node/store/folder-lock'),
    import('../ledger-node/process/former-folder'),
  ]);
  const thread = warm ?? new NodeThread(bundledNodeThread());
  warm = null;
  let dataDir: string;
  try {
    dataDir =
      data !== undefined
        ? resolve(data)
        : useFormerFolder(defaultDataDir(), formerCliDataDir(), CLI_PROGRAM, (line) => err(`healthchain: ${line}`));
  } catch (error) {
    thread.discard();
    throw error;
  }
  try {
    const node = await thread.start({ dataDir, token: generateToken(), program: CLI_PROGRAM });
    return { node, dataDir };
  } catch (error) {
    if (error instanceof FolderLockedError && error.owner?.program === APP_PROGRAM)
      throw new AppRunningError(dataDir, error.owner.pid);
    throw error;
  }
}
