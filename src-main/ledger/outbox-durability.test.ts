// Crash safety: the outbox runs in a child process (test/fixtures/outbox-crash-child.ts) that is SIGKILLed in the middle of many
// concurrent adds, or of the migration of an old directory, and is opened again on the same directory. Every add
// that had resolved must be there, every record found must be exactly what was written, nothing half-written.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { open as openLmdb } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox } from './outbox';
import { storedTestRecord, testTxId } from '../../test/fixtures/outbox-records';

const child = fileURLToPath(new URL('../../test/fixtures/outbox-crash-child.ts', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'hc-outbox-crash-'));
  dirs.push(d);
  return d;
};

type ChildMessage = { acked: number } | { done: true } | { opening: true } | { opened: number; ms: number };

function start(
  args: string[],
  onMessage: (message: ChildMessage, process: ChildProcess) => void,
): { process: ChildProcess; exited: Promise<NodeJS.Signals | null> } {
  const process = fork(child, args, {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  process.on('message', (message: ChildMessage) => onMessage(message, process));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    process.once('exit', (_code, signal) => resolve(signal)),
  );
  return { process, exited };
}

/** Every record in the outbox at `dir` must be one of the test records, whole; returns their numbers. */
async function check(dir: string, written: { from: number; to: number }): Promise<Set<number>> {
  const numberOf = new Map<string, number>();
  for (let n = written.from; n < written.to; n += 1) numberOf.set(testTxId(n), n);
  const outbox = await Outbox.open(dir);
  try {
    expect(outbox.unreadable).toEqual([]);
    const present = new Set<number>();
    for (const record of outbox.all()) {
      const n = numberOf.get(record.tx.id);
      expect(n, `unexpected record ${record.tx.id}`).toBeDefined();
      expect(record).toEqual(storedTestRecord(n!));
      present.add(n!);
    }
    return present;
  } finally {
    await outbox.close();
  }
}

describe('outbox durability (child process, SIGKILL)', () => {
  it(
    'keeps every add that resolved, and only whole records, across SIGKILLs in the middle of concurrent adds',
    { timeout: 120_000 },
    async () => {
      const dir = tempDir();
      const acked = new Set<number>();
      const perRound = 50_000;
      // Killed after a few hundred acknowledgements, with 128 adds in flight: mid-commit, mid-fsync, mid-encoding.
      for (const [round, killAfter] of [
        [0, 150],
        [1, 600],
        [2, 1500],
      ] as const) {
        const from = round * perRound;
        let seen = 0;
        let finished = false;
        const run = start(['add', dir, String(from), String(perRound), '128'], (message, process) => {
          if ('acked' in message) {
            acked.add(message.acked);
            if (++seen === killAfter) process.kill('SIGKILL');
          } else if ('done' in message) {
            finished = true;
            process.kill('SIGKILL');
          }
        });
        expect(await run.exited).toBe('SIGKILL');
        expect(finished, 'the child finished before it was killed: nothing was tested').toBe(false);
        const present = await check(dir, { from: 0, to: (round + 1) * perRound });
        const lost = [...acked].filter((n) => !present.has(n));
        expect(lost, 'acknowledged adds missing after the crash').toEqual([]);
        expect(present.size).toBeGreaterThanOrEqual(acked.size);
      }
      expect(acked.size).toBeGreaterThanOrEqual(150 + 600 + 1500);
    },
  );

  it('loses nothing when killed at any point of the migration of an old directory', { timeout: 120_000 }, async () => {
    const count = 500;
    const oldDirectory = () => {
      const dir = tempDir();
      for (let n = 0; n < count; n += 1)
        writeFileSync(join(dir, `${testTxId(n)}.json`), JSON.stringify(storedTestRecord(n)), { mode: 0o600 });
      return dir;
    };
    const migrate = (dir: string, killAfterMs: number | null) => {
      let tookMs = 0;
      const run = start(['open', dir], (message, process) => {
        if ('opening' in message && killAfterMs !== null) setTimeout(() => process.kill('SIGKILL'), killAfterMs);
        else if ('opened' in message) {
          tookMs = message.ms;
          process.kill('SIGKILL');
        }
      });
      return run.exited.then(() => tookMs);
    };
    // How long a whole migration takes here, so that the kills land across all of it: reading the files, writing the
    // store, waiting for its fsync, removing the files.
    const wholeMs = await migrate(oldDirectory(), null);
    expect(wholeMs).toBeGreaterThan(0);
    for (const fraction of [0.2, 0.4, 0.6, 0.75, 0.9]) {
      const dir = oldDirectory();
      await migrate(dir, Math.round(wholeMs * fraction));
      // Whatever the moment, each record is in its old file or in the store (or both), never in neither.
      const files = new Set(
        readdirSync(dir)
          .filter((name) => name.endsWith('.json'))
          .map((name) => name.slice(0, 64)),
      );
      const root = openLmdb({ path: dir, maxDbs: 2 });
      const stored = new Set(root.openDB<string, string>('records', { encoding: 'string' }).getKeys());
      await root.close();
      const missing = Array.from({ length: count }, (_, n) => testTxId(n)).filter(
        (id) => !files.has(id) && !stored.has(id),
      );
      expect({ fraction, missing }).toEqual({ fraction, missing: [] });
      expect(await check(dir, { from: 0, to: count })).toHaveProperty('size', count);
      expect(readdirSync(dir).sort()).toEqual(['data.mdb', 'lock.mdb']);
    }
  });
});
