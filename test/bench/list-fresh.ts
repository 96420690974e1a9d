// `npm run bench -- list-fresh --base=<worktree of an older commit> [--charts=10000] [--rounds=6] [--lists=1]
//   [--concurrency=64] [--authority=on]`
// What an app pays for its first list: each measurement is a NEW process (list-fresh-child.ts) that opens a chart
// service of one tree, waits for warm() and an idle moment (the doctor's password, the vault's scrypt), then lists
// once with no verified cache — the cold list of a fresh process, whose code V8 has not compiled yet. Processes
// alternate base / new (base, new, new, base, …) over the same charts on each tree's own node (ab-ledgers.ts), and
// the ratios new / base are taken per round. `--lists=2` lists once more in each process on a new service, for the
// warm figure beside the first. Each line gives the wall, the CPU a chart of the app (all threads) and of its main
// thread, the node's, each busy thread's CPU, and what warm() and the idle wait cost the process before the list.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_LIST_CONCURRENCY } from '../../src-main/records/chart-parts';
import { abLedgers, type LedgerSide } from './ab-ledgers';
import type { FreshChildConfig, FreshListResult } from './list-fresh-child';
import { median } from './thread-cpu';

const here = fileURLToPath(new URL('.', import.meta.url));
const treeOfThis = resolve(here, '../..');

/**
 * Runs one child process and collects its results (its other output is passed through). HC_LIST_FRESH_PREFIX, for
 * profiling, is a command put before the child's node (`{side}` names the side and round), e.g.
 * `perf record -e cpu-clock -k CLOCK_MONOTONIC -g -o /tmp/perf-{side}.data --` with `--perf-basic-prof` in NODE_OPTIONS.
 */
function runChild(config: FreshChildConfig, side: string): Promise<FreshListResult[]> {
  const prefix = (process.env.HC_LIST_FRESH_PREFIX ?? '').replaceAll('{side}', side).split(' ').filter(Boolean);
  const command = [...prefix, process.execPath, '--import', 'tsx', join(here, 'list-fresh-child.ts')];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command[0]!, command.slice(1), {
      cwd: config.tree,
      env: { ...process.env, HC_LIST_FRESH: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const results: FreshListResult[] = [];
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('RESULT ')) results.push(JSON.parse(line.slice(7)) as FreshListResult);
        else if (line.trim()) console.log(`  [child] ${line}`);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 && results.length === config.lists
        ? resolvePromise(results)
        : reject(new Error(`the ${config.tree} child exited with ${code} after ${results.length} lists`)),
    );
  });
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== 'list-fresh'),
    allowPositionals: true,
    options: {
      base: { type: 'string' },
      charts: { type: 'string' },
      rounds: { type: 'string' },
      lists: { type: 'string' },
      concurrency: { type: 'string' },
      authority: { type: 'string' },
    },
  });
  if (!values.base) throw new Error('--base=<worktree of the older commit> is required');
  const base = resolve(values.base);
  const charts = Number(values.charts ?? 10000);
  const rounds = Number(values.rounds ?? 6);
  const lists = Number(values.lists ?? 1);
  const concurrency = Number(values.concurrency ?? DEFAULT_LIST_CONCURRENCY);
  const dir = mkdtempSync(join(tmpdir(), 'hc-bench-list-fresh-'));
  const ledgers = await abLedgers({ base, dir, charts, authority: values.authority === 'on' });
  const trees: Record<'base' | 'new', string> = { base, new: treeOfThis };
  const nodes: Record<'base' | 'new', LedgerSide> = { base: ledgers.base, new: ledgers.new };
  const perChart = (ms: number) => ((ms * 1000) / charts).toFixed(0);
  const firsts: Record<'base' | 'new', FreshListResult[]> = { base: [], new: [] };
  try {
    // Round -1 is not counted: it warms each node (its JIT, the page cache), as a hospital's node or an app's own node
    // has served lists before; what is measured is the app's fresh process.
    for (let round = -1; round < rounds; round++) {
      for (const name of round % 2 === 0 ? (['base', 'new'] as const) : (['new', 'base'] as const)) {
        const results = await runChild(
          {
            tree: trees[name],
            nodeUrl: nodes[name].url,
            token: nodes[name].token,
            nodePid: nodes[name].pid,
            seedHex: Buffer.from(ledgers.seed).toString('hex'),
            authorityId: ledgers.authorityId,
            concurrency,
            charts,
            lists,
            outboxDir: join(dir, `outbox-${name}-${round}`),
          },
          `${name}-${round}`,
        );
        if (round >= 0) firsts[name].push(results[0]!);
        for (const r of results)
          console.log(
            `${round < 0 ? 'node warm-up, not counted:' : `round ${round}`} ${name.padEnd(4)} ${r.list === 0 ? 'first list' : `list ${r.list + 1}   `} ${r.wall.toFixed(2)} s, CPU a chart: app ${perChart(r.app)} µs (main thread ${perChart(r.main)}), node ${perChart(r.node)} µs; threads (CPU s) ${r.threads}; before it: warm() + idle ${(r.warmWall / 1000).toFixed(2)} s, CPU ${r.warmApp.toFixed(0)} ms (main ${r.warmMain} ms${r.warmUp ? `; list warm-up ${JSON.stringify(r.warmUp)}` : ''}); load ${loadavg()[0]!.toFixed(1)}`,
          );
      }
    }
    for (const key of ['wall', 'app', 'main', 'node', 'warmMain'] as const) {
      const ratios = firsts.new.map((f, i) => f[key] / firsts.base[i]![key]);
      console.log(
        `first list ${key === 'wall' ? 'wall' : key === 'warmMain' ? 'warm-up main-thread CPU' : `${key} CPU`}: base median ${median(firsts.base.map((f) => f[key])).toFixed(key === 'wall' ? 2 : 0)}, new median ${median(firsts.new.map((f) => f[key])).toFixed(key === 'wall' ? 2 : 0)}; new / base per round ${ratios.map((r) => r.toFixed(2)).join(', ')}; median ${median(ratios).toFixed(2)}`,
      );
    }
  } finally {
    await ledgers.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
