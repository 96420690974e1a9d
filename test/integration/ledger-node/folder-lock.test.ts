// One node per ledger folder (store/folder-lock.ts): a second node on a folder in use is refused with the folder and
// the holder named, and changes nothing; a lock left by a killed process is taken over; the lock goes on stop.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLedgerNode } from '../../../src-main/ledger-node/node';
import { spawnLedgerNode } from '../../../src-main/ledger-node/spawn';
import { LOCK_FILE, lockHolder } from '../../../src-main/ledger-node/store/folder-lock';
import { makeKey } from './support/keys';
import { postTx, tempDataDir, useToken, type LedgerTarget } from './support/target';
import { createTx } from './support/transactions';

/** Name, size and modification time of every file in the folder: what "changes nothing" compares. */
function snapshot(folder: string): string[] {
  return readdirSync(folder)
    .sort()
    .map((name) => {
      const stat = statSync(join(folder, name));
      return `${name} ${stat.size} ${stat.mtimeMs}`;
    });
}

describe('ledger folder lock', () => {
  it('refuses a second node process on a folder in use, naming the folder and the holder, and changes nothing', async () => {
    // A dotted name, as `mktemp -d` or ~/hc.ledger give.
    const dir = tempDataDir('hc.lock-');
    const first = await spawnLedgerNode({ dataDir: dir.path, program: 'the first test node' });
    try {
      useToken(first.url, first.token);
      const target = { apiUrl: first.apiUrl, rootUrl: first.url } as LedgerTarget;
      const tx = createTx(makeKey(), { kind: 'lock-test' }, null);
      expect((await postTx(target, tx, 'commit')).status).toBe(202);
      const before = snapshot(dir.path);

      const second = spawnLedgerNode({ dataDir: dir.path, program: 'the second test node' });
      const refusal = await second.then(
        () => null,
        (error: Error) => error.message,
      );
      expect(refusal).toContain(
        `the ledger folder ${dir.path} is in use by the first test node (pid ${first.child.pid})`,
      );
      expect(snapshot(dir.path)).toEqual(before);
      // The first node still serves, its transaction there.
      const got = await fetch(`${first.apiUrl}transactions/${tx.id}`, {
        headers: { authorization: `Bearer ${first.token}` },
      });
      expect(got.status).toBe(200);
    } finally {
      await first.stop();
      dir.remove();
    }
  }, 60_000);

  it('refuses a second node in the same process, and frees the folder on stop', async () => {
    const dir = tempDataDir('hc.lock-same-');
    try {
      const access = { kind: 'open' } as const;
      const node = await startLedgerNode({ dataDir: dir.path, port: 0, access, program: 'node A' });
      await expect(startLedgerNode({ dataDir: dir.path, port: 0, access })).rejects.toThrow(
        `the ledger folder ${dir.path} is in use by node A (pid ${process.pid})`,
      );
      expect(lockHolder(dir.path)?.program).toBe('node A');
      await node.stop();
      expect(existsSync(join(dir.path, LOCK_FILE))).toBe(false);
      const again = await startLedgerNode({ dataDir: dir.path, port: 0, access });
      await again.stop();
    } finally {
      dir.remove();
    }
  });

  it('takes over the lock of a killed node process, keeping its data', async () => {
    const dir = tempDataDir('hc.lock-stale-');
    try {
      const crashed = await spawnLedgerNode({ dataDir: dir.path });
      useToken(crashed.url, crashed.token);
      const tx = createTx(makeKey(), { kind: 'lock-stale' }, null);
      expect(
        (await postTx({ apiUrl: crashed.apiUrl, rootUrl: crashed.url } as LedgerTarget, tx, 'commit')).status,
      ).toBe(202);
      const pid = crashed.child.pid;
      await crashed.kill();
      // The lock file is still there, naming a process that is gone.
      expect(JSON.parse(readFileSync(join(dir.path, LOCK_FILE), 'utf8')).pid).toBe(pid);
      expect(lockHolder(dir.path)).toBeNull();

      const next = await spawnLedgerNode({ dataDir: dir.path });
      try {
        expect(JSON.parse(readFileSync(join(dir.path, LOCK_FILE), 'utf8')).pid).toBe(next.child.pid);
        const got = await fetch(`${next.apiUrl}transactions/${tx.id}`, {
          headers: { authorization: `Bearer ${next.token}` },
        });
        expect(got.status).toBe(200);
      } finally {
        await next.stop();
      }
    } finally {
      dir.remove();
    }
  }, 60_000);

  it('takes over a lock whose pid now belongs to another process (Linux start times), a renamed host, and an empty lock file', async () => {
    const dir = tempDataDir('hc.lock-reused-');
    // A live process that is not the holder the file names: its pid, another start time.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const access = { kind: 'open' } as const;
      const lock = join(dir.path, LOCK_FILE);
      const reused = {
        pid: other.pid,
        program: 'x',
        host: (await import('node:os')).hostname(),
        startedAt: '',
        nonce: 'n',
      };
      writeFileSync(lock, JSON.stringify({ ...reused, processStart: '1' }));
      if (process.platform === 'linux') {
        const node = await startLedgerNode({ dataDir: dir.path, port: 0, access, program: 'taker' });
        expect(lockHolder(dir.path)?.program).toBe('taker');
        await node.stop();
      }
      // Without a start time the live pid is taken at its word: refused.
      writeFileSync(lock, JSON.stringify(reused));
      await expect(startLedgerNode({ dataDir: dir.path, port: 0, access })).rejects.toThrow(
        `in use by x (pid ${other.pid})`,
      );
      // Left by a process that is gone, under another machine name (macOS renames itself by network): taken over.
      const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      await new Promise((resolve) => gone.once('exit', resolve));
      writeFileSync(lock, JSON.stringify({ ...reused, pid: gone.pid, host: 'renamed-host' }));
      const renamed = await startLedgerNode({ dataDir: dir.path, port: 0, access, program: 'after rename' });
      expect(lockHolder(dir.path)?.program).toBe('after rename');
      await renamed.stop();
      // Left empty by a crash between creating and writing it: taken over after a short wait.
      writeFileSync(lock, '');
      const node = await startLedgerNode({ dataDir: dir.path, port: 0, access, program: 'after empty' });
      expect(lockHolder(dir.path)?.program).toBe('after empty');
      await node.stop();
    } finally {
      other.kill('SIGKILL');
      dir.remove();
    }
  });
});
