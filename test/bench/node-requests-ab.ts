// The embedded node's CPU per request, base tree against this one (issues #15/#16: a v3 cold list is ~2 requests a
// chart to the node, a catch-up ~10,000 unspent checks and tag searches). Each tree's node runs in its own process
// on its own copy of one store; the same requests go to both, alternated by round, and every answer of the two nodes
// is compared byte for byte (a fast path that answers differently fails the run). The node's CPU is read from
// /proc/<pid>/stat around each round.
//
//   npx tsx test/bench/node-requests-ab.ts --base=/work/wt/node15h-base --store=<folder with data.mdb>
//     [--charts=3000] [--rounds=6] [--tags=2000] [--concurrency=32] [--profile=<dir>] [--strace=<dir>] [--keep]
import { execFileSync, spawn as spawnProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { spawnLedgerNode, type SpawnedLedgerNode } from '../../src-main/ledger-node/spawn';
import { LedgerStore } from '../../src-main/ledger-node/store/ledger-store';
import { assetIdOf, outputOwners, type TxShape } from '../../src-main/ledger-node/store/tx-shape';
import { baseModule } from './ab-ledgers';
import { processTicks } from './thread-cpu';

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [name, value] = arg.replace(/^--/, '').split('=');
    return [name!, value ?? 'true'] as const;
  }),
);
const basePath = args.get('base');
const storePath = args.get('store');
if (!basePath || !storePath) throw new Error('--base=<tree> and --store=<folder> are required');
const charts = Number(args.get('charts') ?? 3000);
const rounds = Number(args.get('rounds') ?? 6);
const tagCount = Number(args.get('tags') ?? 2000);
const profileDir = args.get('profile');
const straceDir = args.get('strace');
// The app's list keeps up to 64 requests in flight on 32 connections; 1 shows the cost of a lone request (a wake-up each).
const CONCURRENCY = Number(args.get('concurrency') ?? 32);

/** User and system CPU ticks (10 ms) of a process. */
function userSystemTicks(pid: number): [number, number] {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return [Number(fields[11]), Number(fields[12])];
}

/** Each thread of a process with its name and CPU seconds, busiest first. */
function nodeThreads(pid: number): string {
  return readdirSync(`/proc/${pid}/task`)
    .map((tid) => ({
      name: readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim(),
      seconds: processTicks(pid, `/proc/${pid}/task/${tid}/stat`) / 100,
    }))
    .filter((t) => t.seconds >= 0.05)
    .sort((a, b) => b.seconds - a.seconds)
    .map((t) => `${t.name}:${t.seconds.toFixed(2)}`)
    .join(' ');
}

/** `strace -c` of a process's syscalls while `work` runs (its counts, not its CPU: tracing slows every call). */
async function traced<T>(pid: number, file: string, work: () => Promise<T>): Promise<T> {
  const tracer = spawnProcess(
    'strace',
    [
      '-f',
      '-c',
      '-e',
      'trace=write,writev,sendmsg,read,readv,recvfrom,epoll_wait,epoll_pwait,pread64',
      '-p',
      String(pid),
      '-o',
      file,
    ],
    {
      stdio: 'ignore',
    },
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  try {
    return await work();
  } finally {
    tracer.kill('SIGINT');
    await new Promise((resolve) => tracer.once('exit', resolve));
  }
}

/** A seeded xorshift, so both trees and every round get the same sample. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** Request paths like a cold list's and a catch-up's: each chart's transactions and its head owner's unspent outputs, tag searches. */
function sampleRequests(dir: string): { lists: string[]; searches: string[] } {
  const store = LedgerStore.open(dir);
  const heads = new Map<string, string>();
  const words: string[] = [];
  try {
    for (let height = 1; height <= store.latestHeight; height += 1) {
      for (const id of store.blockIds(height) ?? []) {
        const tx = store.getTx(id) as TxShape;
        const owner = tx.outputs.flatMap((output) => outputOwners(output))[0];
        if (owner) heads.set(assetIdOf(tx), owner);
        // The searched words: the hex tags and keys the metadata carries (what the discovery searches for).
        for (const word of JSON.stringify(tx.metadata).match(/[0-9a-f]{32}/g) ?? []) words.push(word);
      }
    }
  } finally {
    void store.close();
  }
  const rand = random(15);
  // A v3 head's owner key is the chart's own (tweaked) key; keys shared by many outputs (the authority's) are left
  // out, as a cold list never asks for them.
  const uses = new Map<string, number>();
  for (const owner of heads.values()) uses.set(owner, (uses.get(owner) ?? 0) + 1);
  const assets = [...heads].filter(([, owner]) => uses.get(owner) === 1).map(([asset]) => asset);
  const lists: string[] = [];
  for (let i = 0; i < charts; i += 1) {
    const asset = assets[Math.floor(rand() * assets.length)]!;
    lists.push(`/api/v1/transactions?asset_id=${asset}`);
    lists.push(`/api/v1/outputs?public_key=${heads.get(asset)!}&spent=false`);
  }
  const searches: string[] = [];
  for (let i = 0; i < tagCount; i += 100) {
    const tags: string[] = [];
    // Half found, half random (absent) tags: the discovery mostly searches for tags that are not there yet.
    for (let j = 0; j < 100; j += 1) {
      tags.push(
        j % 2 === 0
          ? words[Math.floor(rand() * words.length)]!
          : Math.floor(rand() * 2 ** 52)
              .toString(16)
              .padStart(32, '0'),
      );
    }
    searches.push(`/api/v1/metadata?${new URLSearchParams({ search: tags.join(' ') }).toString()}`);
  }
  console.log(
    `sampled ${heads.size} assets, ${words.length} words; ${lists.length} list requests, ${searches.length} searches`,
  );
  return { lists, searches };
}

interface Side {
  name: string;
  node: SpawnedLedgerNode;
  pool: Pool;
}

function get(side: Side, path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    side.pool.dispatch(
      { method: 'GET', path, headers: { authorization: `Bearer ${side.node.token}` } },
      {
        onConnect: () => undefined,
        onError: reject,
        onHeaders: (status) => {
          if (status !== 200) reject(new Error(`${side.name}: ${status} for ${path}`));
          return true;
        },
        onData: (chunk) => {
          chunks.push(chunk);
          return true;
        },
        onComplete: () => resolve(Buffer.concat(chunks)),
      },
    );
  });
}

async function runAll(side: Side, paths: readonly string[]): Promise<Buffer[]> {
  const answers: Buffer[] = new Array(paths.length);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      answers[i] = await get(side, paths[i]!);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return answers;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'hc-node-requests-'));
  try {
    const dirs = { base: join(work, 'base'), new: join(work, 'new') };
    for (const dir of Object.values(dirs)) execFileSync('cp', ['-r', storePath!, dir]);
    const { lists, searches } = sampleRequests(dirs.new);
    const baseSpawn = (
      await baseModule<{ spawnLedgerNode: typeof spawnLedgerNode }>(basePath!, 'src-main/ledger-node/spawn.ts')
    ).spawnLedgerNode;
    const flags = (name: string) => (profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`] : []);
    const sides: Side[] = [];
    for (const [name, spawn] of [
      ['base', baseSpawn],
      ['new', spawnLedgerNode],
    ] as const) {
      const node = await spawn({ dataDir: dirs[name], nodeFlags: flags(name) });
      sides.push({ name, node, pool: new Pool(node.url, { connections: CONCURRENCY }) });
    }
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}`);
    const figures: Record<string, { lists: number[]; searches: number[] }> = {
      base: { lists: [], searches: [] },
      new: { lists: [], searches: [] },
    };
    // Round 0 warms both (pages of the store, JIT) and checks every answer; rounds 1.. are measured.
    // With --strace, one more round traces each node's syscalls (not timed, answers not compared).
    for (let round = 0; round <= rounds + (straceDir ? 1 : 0); round += 1) {
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      const answers = new Map<string, Buffer[]>();
      for (const side of order) {
        for (const [kind, paths] of [
          ['lists', lists],
          ['searches', searches],
        ] as const) {
          const pid = side.node.child.pid!;
          if (straceDir && round === rounds + 1) {
            await traced(pid, join(straceDir, `${side.name}-${kind}.txt`), () => runAll(side, paths));
            continue;
          }
          const before = processTicks(pid);
          const [user0, system0] = userSystemTicks(pid);
          const started = performance.now();
          const got = await runAll(side, paths);
          const wall = performance.now() - started;
          const ticks = processTicks(pid) - before;
          const [user1, system1] = userSystemTicks(pid);
          const usPerRequest = (ticks * 10_000) / paths.length;
          if (round > 0) figures[side.name]![kind].push(usPerRequest);
          answers.set(`${side.name} ${kind}`, got);
          console.log(
            `round ${round} ${side.name.padEnd(4)} ${kind.padEnd(8)}: node CPU ${(ticks / 100).toFixed(2)} s, ` +
              `${usPerRequest.toFixed(0)} µs a request (user ${(((user1 - user0) * 10_000) / paths.length).toFixed(0)}, ` +
              `system ${(((system1 - system0) * 10_000) / paths.length).toFixed(0)}), wall ${(wall / 1000).toFixed(2)} s; load ${loadavg()[0]!.toFixed(1)}`,
          );
        }
      }
      if (round > rounds) continue;
      for (const kind of ['lists', 'searches']) {
        const a = answers.get(`base ${kind}`)!;
        const b = answers.get(`new ${kind}`)!;
        a.forEach((answer, i) => {
          if (!answer.equals(b[i]!)) throw new Error(`answers differ for ${(kind === 'lists' ? lists : searches)[i]}`);
        });
      }
    }
    console.log(`all answers byte-identical (${lists.length + searches.length} requests × ${rounds + 1} rounds)`);
    for (const kind of ['lists', 'searches'] as const) {
      const base = median(figures.base![kind]);
      const fresh = median(figures.new![kind]);
      // Each round's two sides ran back to back: their ratio is the least disturbed by the host's load.
      const ratios = figures.new![kind].map((value, i) => value / figures.base![kind][i]!);
      console.log(
        `${kind}: node CPU µs a request, median of ${rounds}: base ${base.toFixed(0)}, new ${fresh.toFixed(0)}; ` +
          `new/base by round ${ratios.map((r) => r.toFixed(2)).join(' ')}, median ${median(ratios).toFixed(2)}`,
      );
    }
    for (const side of sides) {
      // The node's threads over its whole life (start, warm-up and every round): how much is not its JS thread.
      console.log(`${side.name} node threads (CPU s since start): ${nodeThreads(side.node.child.pid!)}`);
    }
    for (const side of sides) {
      await side.pool.close();
      await side.node.stop();
    }
  } finally {
    if (!args.has('keep')) rmSync(work, { recursive: true, force: true });
  }
}

await main();
