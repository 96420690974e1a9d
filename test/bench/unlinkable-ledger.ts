// `npm run bench -- unlinkable-ledger [--own=10000] [--foreign=200000] [--doctors=500] [--catchup=50000]
//   [--changed-every=33] [--cache=<dir>] [--runs=1 (0: only build the caches)] [--profile=<dir>]`   (only when named: it builds a large ledger once; the cache is
//   --cache, else $HC_BENCH_CACHE, else healthchain-bench in the system's temporary folder)
//
// Issue #15's three figures on envelope v3, through the app's real paths: a doctor's `own` v3 charts among `foreign`
// charts of `doctors` other credentialed doctors, served by the embedded node in its own process over HTTP on
// 127.0.0.1 (as the charts bench runs it), read by the real chart service (its verification workers, a fresh verified
// cache, the hospital authority pinned so every credential check runs, `ledgerEnvelope` v3):
//   1. cold list: a new workstation (fresh data folder, empty cache) lists the doctor's charts — v3 discovery, then
//      every chart found fetched, verified, opened (the doctor's first list anywhere: no list checkpoint yet);
//  1b. cold list from the checkpoint (run after 2): that list wrote the list checkpoint (docs/UNLINKABLE.md §14, in the
//      background, waited for and not timed); a second new workstation lists from it: the catch-up's discovery from
//      its state, every head proven current (its output unspent), nothing fetched or verified that did not change;
//   2. kiosk: a fresh kiosk session opens the patient's card (openPatientSession): card tag search, the chart's
//      versions verified, the card's slot opened, the head's unspent check, the authors' credentials;
//   3. catch-up: the node's ledger grows by `catchup` foreign transactions (and one version of every
//      `changed-every`-th own chart, written elsewhere); the same workstation lists again;
//  3b. a third new workstation lists on the grown ledger from the checkpoint of 1b (posted to the catch-up store, not
//      timed, as written before the ledger grew): the changed charts verified in full, the others proven current.
// The ledger is built once and cached (unlinkable-ledger/ledger-cache.ts says what is real in it), and so is the store
// after the catch-up (`catchup-store/`: a copy of the base store with the kept catch-up appended and every search-index
// merge it triggers finished). Each run copies the base store; after the kiosk it stops the node, replaces its store by
// a copy of the catch-up store (not timed) and starts the node again on the same address and token. Runs used to
// append the catch-up to their own copy at that point instead (at the full ledger its merges took 12–20 min a run);
// what the catch-up measures is the same: the append was the same function (applyCatchUp) on a copy of the same base,
// also with the node stopped and its merges waited for before the node started, so the node starts on the same
// transactions, blocks, spends and search postings (merged into runs as two appends would: the merges always take a
// level's oldest runs; test/integration/unlinkable/catchup-store.test.ts compares the two,
// every posting and HTTP answers), and the workstation's state — its process, verified cache and sealed discovery
// state, all outside the store — is untouched either way: a workstation whose node received the transactions
// meanwhile. Only the page cache differs: both stores were just written (append or copy), neither is read cold
// from disk. The card's identity is a seeded key holder (the vault's scrypt of card + PIN, a fixed cost measured by the
// vault bench, is left out). Each figure gives wall time and the CPU of the app (this process, all its threads) and
// of the node process, since the host is shared, and the wall time of its v3 discovery (V3Discovery.candidatesWithState:
// the tag searches; the rest of a list is fetching, verifying and opening the charts found). `--profile=<dir>` writes a
// CPU profile of this process's main thread per figure and of the node process (its whole life, one a node start):
// the profiler slows what it watches, so its figures are not the benchmark's.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nativeKeyHolderCrypto } from '../../src-main/crypto/key-holder-crypto';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { generateToken } from '../../src-main/ledger-node/http/access';
import { spawnLedgerNode, type SpawnedLedgerNode } from '../../src-main/ledger-node/spawn';
import { LedgerNodeClient } from '../../src-main/ledger/node-client';
import { createChartService, type ChartService } from '../../src-main/records/chart-service';
import { findNewestCheckpoint } from '../../src-main/records/checkpoint/checkpoint-store';
import type { CardIssuer } from '../../src-main/records/chart-parts';
import { V3Discovery } from '../../src-main/records/v3-list';
import { busyThreads, threadTicks } from './thread-cpu';
import { encodeChartCardCode } from '../../src-shared/crypto/card-code';
import {
  cacheDirOf,
  cachedCatchUpStore,
  cachedLedger,
  type LedgerOptions,
  type World,
} from './unlinkable-ledger/ledger-cache';

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const load = () => loadavg()[0]!.toFixed(1);
const fmt = (n: number) => n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0);

function procStat(pid: number): string[] {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
}

function processTicks(pid: number): number {
  const fields = procStat(pid);
  return Number(fields[11]) + Number(fields[12]);
}

/** Page faults that had to read the disk: the node's lmdb reads are memory-mapped, so a cold page stalls a request. */
const majorFaults = (pid: number) => Number(procStat(pid)[9]);

// The wall time spent in v3 discovery, summed over its calls (the benchmark's instrument, around the app's method).
const discovery = { ms: 0 };
const discover = V3Discovery.prototype.candidatesWithState;
V3Discovery.prototype.candidatesWithState = async function (this: V3Discovery, ...args: Parameters<typeof discover>) {
  const start = process.hrtime.bigint();
  try {
    return await discover.apply(this, args);
  } finally {
    discovery.ms += ms(start);
  }
};

let profileDir: string | null = null;

/** Profiles this process's main thread around `fn` when --profile is given (a file per figure). */
async function profiled<T>(label: string, fn: () => Promise<T>): Promise<T> {
  if (!profileDir) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(profileDir, `app-${label}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/** Wall time and CPU (this process, all threads; the node's process) of `fn`, and the discovery's wall time in it. */
async function timed<T>(
  node: SpawnedLedgerNode,
  label: string,
  fn: () => Promise<T>,
): Promise<{ result: T; line: string }> {
  discovery.ms = 0;
  const app = process.cpuUsage();
  const threads = threadTicks();
  const nodeBefore = processTicks(node.child.pid!);
  const faultsBefore = majorFaults(node.child.pid!);
  const start = process.hrtime.bigint();
  const result = await profiled(label, fn);
  const wall = ms(start);
  const used = process.cpuUsage(app);
  const nodeMs = (processTicks(node.child.pid!) - nodeBefore) * 10;
  const faults = majorFaults(node.child.pid!) - faultsBefore;
  return {
    result,
    line: `${fmt(wall / 1000)} s wall (discovery ${fmt(discovery.ms / 1000)} s); CPU app ${fmt((used.user + used.system) / 1e6)} s (${busyThreads(threads, threadTicks())}), node ${fmt(nodeMs / 1000)} s; node's major page faults ${faults}; load ${load()}`,
  };
}

/** Waits until the node process has been idle for half a second (it opens its indexes lazily). */
async function settled(pid: number): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const before = processTicks(pid);
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (processTicks(pid) - before <= 2) return;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const nodeFlags = (run: number, start: number) =>
  profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, `node-run${run}-start${start}`)}`] : [];

const holderOf = (seed: string) => new SeedKeyHolder(Buffer.from(seed, 'hex'), nativeKeyHolderCrypto);

/** One measured run on copies of the cached stores. */
async function run(cacheDir: string, catchUpStore: string, world: World, index: number): Promise<void> {
  const o = world.options;
  const dir = mkdtempSync(join(tmpdir(), 'hc-bench-unlinkable-ledger-'));
  const port = await freePort();
  const token = generateToken();
  const services: ChartService[] = [];
  let node: SpawnedLedgerNode | null = null;
  try {
    let t = process.hrtime.bigint();
    cpSync(join(cacheDir, 'base'), join(dir, 'ledger'), { recursive: true });
    console.log(`run ${index}: stores copied in ${fmt(ms(t) / 1000)} s`);
    node = await spawnLedgerNode({ dataDir: join(dir, 'ledger'), port, token, nodeFlags: nodeFlags(index, 1) });
    await settled(node.child.pid!);
    const doctor = holderOf(world.doctorSeed);
    const card = holderOf(world.cardSeed);
    const code = encodeChartCardCode(randomBytes(16), world.patientChart);
    const cards: CardIssuer = {
      create: async () => {
        throw new Error('the benchmark issues no cards');
      },
      // The vault's open is scrypt(card, PIN) → the card identity: here the identity itself (see the header).
      open: async (typed) => {
        if (typed !== code) throw new Error('not the benchmark card');
        return card;
      },
    };
    const session = async (label: string) => {
      const s = await createChartService({
        nodeUrls: [`http://127.0.0.1:${port}`],
        outboxDir: join(dir, `outbox-${label}`),
        cards,
        liveStream: false,
        client: { readTimeoutMs: 60_000, postTimeoutMs: 60_000, bearerTokenFor: () => token },
        authorityId: () => world.authorityId,
        ledgerEnvelope: () => 'v3',
        cacheDir: join(dir, `cache-${label}`),
      });
      services.push(s);
      await s.warm();
      return s;
    };

    // 1. Cold list.
    const workstation = await session('workstation');
    const cold = await timed(node, `run${index}-cold-list`, () => workstation.list(doctor));
    const versionsOf = (list: { seq: number }[]) => list.reduce((n, c) => n + c.seq, 0);
    if (cold.result.length !== o.own || versionsOf(cold.result) !== world.ownVersions)
      throw new Error(`cold list: ${cold.result.length} charts, ${versionsOf(cold.result)} versions`);
    console.log(`  1. cold list of ${o.own} own charts (${world.ownVersions} versions): ${cold.line}`);

    // 2. Kiosk.
    const kiosk = await session('kiosk');
    const opened = await timed(node, `run${index}-kiosk`, () => kiosk.openPatientSession(code, '0000'));
    const charts = opened.result.charts as { chartId: string }[];
    if (charts.length !== 1 || charts[0]!.chartId !== world.patientChart)
      throw new Error(`kiosk: ${opened.result.problem ?? 'not the patient chart'}`);
    console.log(`  2. kiosk opens the patient's card: ${opened.line}`);

    // 1b. Cold list from the doctor's list checkpoint: the first list wrote one in the background (waited for here, not
    // timed; the kiosk above ran meanwhile, as the last stop's code ran it beside the cache's filling); a second new
    // workstation (fresh data folder, empty cache) lists the same charts from it, each head proven current.
    t = process.hrtime.bigint();
    await workstation.checkpointsWritten();
    console.log(
      `  (the list checkpoint, written in the background since the list: ${fmt(ms(t) / 1000)} s more waited for it)`,
    );
    const second = await session('workstation-2');
    const fromCheckpoint = await timed(node, `run${index}-cold-list-checkpoint`, () => second.list(doctor));
    if (fromCheckpoint.result.length !== o.own || versionsOf(fromCheckpoint.result) !== world.ownVersions)
      throw new Error(
        `cold list from the checkpoint: ${fromCheckpoint.result.length} charts, ${versionsOf(fromCheckpoint.result)} versions`,
      );
    console.log(`  1b. cold list on a second new workstation, from the list checkpoint: ${fromCheckpoint.line}`);
    // Kept for 3b: the catch-up store was built without it (it is posted there again, as written before the catch-up).
    const reader = new LedgerNodeClient({ nodeUrls: [`http://127.0.0.1:${port}`], bearerTokenFor: () => token });
    const { newest } = await findNewestCheckpoint(reader, doctor);
    if (!newest) throw new Error('the first list wrote no list checkpoint');
    console.log(
      `  (the checkpoint: ${newest.txIds.length} CREATEs, a ${(newest.payload.length / 1024).toFixed(0)} KiB payload)`,
    );
    const checkpointTxs = await Promise.all(newest.txIds.map(async (id) => (await reader.getTransaction(id)).value));
    reader.close();

    // 3. Catch-up: the same workstation (its verified cache and sealed discovery state, in `dir`, kept), its node
    // now serving the grown ledger (same address and token): the run's store is swapped for a copy of the cached
    // catch-up store, node stopped, as a workstation whose node received the transactions meanwhile (see the header).
    await node.stop();
    node = null;
    t = process.hrtime.bigint();
    rmSync(join(dir, 'ledger'), { recursive: true, force: true });
    cpSync(catchUpStore, join(dir, 'ledger'), { recursive: true });
    console.log(
      `  (catch-up: the store with its ${world.transactions.catchup} transactions appended copied in ${fmt(ms(t) / 1000)} s, not timed)`,
    );
    node = await spawnLedgerNode({ dataDir: join(dir, 'ledger'), port, token, nodeFlags: nodeFlags(index, 2) });
    await settled(node.child.pid!);
    const warm = await timed(node, `run${index}-catch-up`, () => workstation.list(doctor));
    if (warm.result.length !== o.own || versionsOf(warm.result) !== world.ownVersions + world.changed)
      throw new Error(`catch-up list: ${warm.result.length} charts, ${versionsOf(warm.result)} versions`);
    console.log(
      `  3. catch-up after ${o.catchup} foreign transactions (${world.changed} own charts changed elsewhere): ${warm.line}`,
    );

    // 3b. A new workstation on the grown ledger, from the checkpoint written before it grew: the changed charts are
    // verified in full, the rest proven current.
    // Posted after the catch-up list, so the node's indexing of them is not in its figure, and settled before 3b.
    const poster = new LedgerNodeClient({ nodeUrls: [`http://127.0.0.1:${port}`], bearerTokenFor: () => token });
    for (const tx of checkpointTxs) await poster.post(tx as { id: string }, 'commit');
    poster.close();
    await settled(node.child.pid!);
    const third = await session('workstation-3');
    const stale = await timed(node, `run${index}-cold-list-stale-checkpoint`, () => third.list(doctor));
    if (stale.result.length !== o.own || versionsOf(stale.result) !== world.ownVersions + world.changed)
      throw new Error(
        `cold list from the older checkpoint: ${stale.result.length} charts, ${versionsOf(stale.result)} versions`,
      );
    console.log(
      `  3b. cold list on a third new workstation, from the checkpoint written before the catch-up: ${stale.line}`,
    );
  } finally {
    for (const s of services) await s.close();
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== 'unlinkable-ledger'),
    allowPositionals: true,
    options: {
      own: { type: 'string' },
      foreign: { type: 'string' },
      doctors: { type: 'string' },
      catchup: { type: 'string' },
      'changed-every': { type: 'string' },
      cache: { type: 'string' },
      runs: { type: 'string' },
      profile: { type: 'string' },
    },
  });
  const int = (name: string, value: string | undefined, fallback: number) => {
    const n = value === undefined ? fallback : Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
    return n;
  };
  const o: LedgerOptions = {
    own: int('own', values.own, 10_000),
    foreign: int('foreign', values.foreign, 200_000),
    doctors: int('doctors', values.doctors, 500),
    catchup: int('catchup', values.catchup, 50_000),
    changedEvery: int('changed-every', values['changed-every'], 33),
  };
  if (o.own < 1) throw new Error('--own must be at least 1 (chart 0 is the patient card’s)');
  const runs = int('runs', values.runs, 1);
  if (values.profile) {
    profileDir = values.profile;
    mkdirSync(profileDir, { recursive: true });
  }
  const cacheDir = cacheDirOf(values.cache ?? process.env.HC_BENCH_CACHE ?? join(tmpdir(), 'healthchain-bench'), o);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}; load ${load()}`);
  const world = await cachedLedger(cacheDir, o);
  console.log(
    `ledger: ${world.transactions.base} transactions (+${world.transactions.catchup} for the catch-up), ${o.own} own charts, ${o.foreign} foreign charts of ${o.doctors} doctors`,
  );
  // Built once per cache (12–20 min at the full ledger): `--runs=0` builds the caches and measures nothing.
  const catchUpStore = await cachedCatchUpStore(cacheDir, world);
  for (let i = 1; i <= runs; i++) await run(cacheDir, catchUpStore, world, i);
}
