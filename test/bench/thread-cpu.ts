// CPU time from /proc, per process and per thread: the list benchmarks measure what each thread of the app (main
// thread, verification workers, V8's helpers) and the node spent, not wall time alone, on a host shared with others.
import { readdirSync, readFileSync } from 'node:fs';

/** User + system CPU ticks (10 ms) of a process, or of one thread given its /proc task path. */
export function processTicks(pid: number, path = `/proc/${pid}/stat`): number {
  const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** This process's main thread alone (its own task in /proc): the listing's work outside the verification workers. */
export function mainThreadTicks(): number {
  return processTicks(process.pid, `/proc/self/task/${process.pid}/stat`);
}

/** Every thread of this process: its name and CPU ticks (to tell the main thread, each verification worker and V8's helpers apart). */
export function threadTicks(): Map<string, { name: string; ticks: number }> {
  const threads = new Map<string, { name: string; ticks: number }>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      threads.set(tid, { name, ticks: processTicks(process.pid, `/proc/self/task/${tid}/stat`) });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return threads;
}

/** The threads that used ≥ 50 ms of CPU between two readings, busiest first: "main:2.71s node:1.20s …". */
export function busyThreads(
  before: Map<string, { ticks: number }>,
  after: Map<string, { name: string; ticks: number }>,
): string {
  return [...after]
    .map(([tid, t]) => ({ tid, name: t.name, ms: (t.ticks - (before.get(tid)?.ticks ?? 0)) * 10 }))
    .filter((t) => t.ms >= 50)
    .sort((a, b) => b.ms - a.ms)
    .map((t) => `${t.tid === String(process.pid) ? 'main' : t.name}:${(t.ms / 1000).toFixed(2)}s`)
    .join(' ');
}

/** Waits until a process has been (nearly) idle for half a second: the node after writing, V8's compilers after a warm-up. */
export async function settled(pid: number, { idleTicks = 2, maxWaitMs = 30_000 } = {}): Promise<void> {
  for (let waited = 0; waited < maxWaitMs; waited += 500) {
    const before = processTicks(pid);
    await new Promise((r) => setTimeout(r, 500));
    if (processTicks(pid) - before <= idleTicks) return;
  }
}

export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
}
