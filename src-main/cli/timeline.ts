// HC_CLI_TIMELINE=1: the phases of a command on stderr, for measuring where its time goes (issue #16's import figure):
// each mark says the milliseconds since the process started and the CPU used so far by the main thread and by every
// other thread (the embedded node's, validation workers, libuv's pool: scrypt, lmdb; V8's GC helpers).
// Without the variable every call is a no-op costing one branch.
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const enabled = process.env.HC_CLI_TIMELINE === '1';
const seen = new Set<string>();
const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU ms of one thread, from /proc (Linux); 0 when it cannot be read. */
function threadCpu(task: string): number {
  try {
    const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

function cpuSplit(): { main: number; other: number } {
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    const used = process.cpuUsage();
    return { main: (used.user + used.system) / 1000, other: 0 };
  }
  const main = String(process.pid);
  let other = 0;
  for (const task of tasks) if (task !== main) other += threadCpu(task);
  return { main: threadCpu(main), other };
}

/** Every thread's name and CPU ms, busiest first (`threads` marks only). */
function threadList(): string {
  try {
    return readdirSync('/proc/self/task')
      .map((task) => {
        let name = '?';
        try {
          name = readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim();
        } catch {
          // a thread that just ended
        }
        return { name: task === String(process.pid) ? `${name} (main)` : name, cpu: threadCpu(task) };
      })
      .filter((t) => t.cpu > 0)
      .sort((a, b) => b.cpu - a.cpu)
      .map((t) => `${t.name} ${t.cpu}`)
      .join(', ');
  } catch {
    return '';
  }
}

/** Writes one mark; `once` marks (e.g. "first commit") are written the first time only. */
export function mark(label: string, options: { once?: boolean; threads?: boolean } = {}): void {
  if (!enabled) return;
  if (options.once) {
    if (seen.has(label)) return;
    seen.add(label);
  }
  const { main, other } = cpuSplit();
  process.stderr.write(
    `[timeline] ${performance.now().toFixed(0).padStart(6)} ms  cpu main ${main.toFixed(0).padStart(5)} ms, other threads ${other.toFixed(0).padStart(5)} ms  ${label}${options.threads ? `\n[timeline]   threads (CPU ms): ${threadList()}` : ''}\n`,
  );
}

// The bundle's entry and its command chunk each hold a copy of this module (scripts/build-cli.mjs): one exit mark.
const once = Symbol.for('healthchain.cli.timeline.exit');
const flags = globalThis as { [once]?: true };
if (enabled && !flags[once]) {
  flags[once] = true;
  process.on('exit', () => mark('exit'));
}
