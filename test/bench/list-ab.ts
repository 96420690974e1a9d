// `npm run bench -- list-ab --base=<worktree of an older commit> [--charts=10000] [--rounds=8] [--concurrency=64]
//   [--base-concurrency=N] (the base side's list concurrency, default --concurrency: with --base at this very commit,
//   a same-run comparison of the setting itself)
//   [--authority=on]`
// The cold list of this tree and of an older one in ONE process, alternated (base, new, new, base, …), for a
// comparison this host's drifting speed cannot fake: each side has its own node in its own process (its own code,
// the same transactions posted to both), its own chart service with fresh workers and no verified cache, and each
// listing's app CPU (this process, all threads; its main thread alone; each busy thread) and node CPU are measured,
// with the wall and CPU ratios of new to base. The base
// tree needs its node_modules (e.g. `git worktree add ../base <commit> && cp -al node_modules ../base/`). Its service
// API is taken as it was at dd34e19 or as it is now. `--authority=on` pins a 1-of-1 hospital authority on both sides (the same authority and
// credential transactions posted to both nodes before the charts), so the credential checks are in both listings.
import { DEFAULT_LIST_CONCURRENCY } from '../../src-main/records/chart-parts';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { nativeKeyHolderCrypto } from '../../src-main/crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../../src-main/crypto/ledger-crypto';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import { payloadOf } from '../../src-shared/records/payload';
import { sampleChart } from '../fixtures/sample-chart';
import { spawnLedgerNode } from '../../src-main/ledger-node/spawn';
import { LedgerNodeClient } from '../../src-main/ledger/node-client';
import { createChartService } from '../../src-main/records/chart-service';
import { buildCreate } from '../../src-main/records/version-builder';
import { CredentialRegistry } from '../../src-main/authority/credential-registry';
import { benchHospital } from './hospital';

/** What this benchmark uses of a chart service, now or at dd34e19 (`internals`). */
interface AnyService {
  list(holder: KeyHolder): Promise<unknown[]>;
  close(): Promise<void>;
  warm?: () => Promise<void>;
  streamConnected?: () => boolean;
  internals?: { validator: { warm?: () => Promise<void> }; stream: { connected: boolean } };
}
interface Side {
  pid: number;
  holder: KeyHolder;
  session(): Promise<AnyService>;
}

const noCards = {
  create: async () => {
    throw new Error('the benchmark issues no cards');
  },
};

function processTicks(pid: number, path = `/proc/${pid}/stat`): number {
  const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** This process's main thread alone (its own task in /proc): the listing's work outside the verification workers. */
function mainThreadTicks(): number {
  return processTicks(process.pid, `/proc/self/task/${process.pid}/stat`);
}

/** Every thread of this process: its name and CPU ticks (to tell the main thread, each verification worker and V8's helpers apart). */
function threadTicks(): Map<string, { name: string; ticks: number }> {
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

function busyThreads(before: Map<string, { ticks: number }>, after: Map<string, { name: string; ticks: number }>) {
  return [...after]
    .map(([tid, t]) => ({ tid, name: t.name, ms: (t.ticks - (before.get(tid)?.ticks ?? 0)) * 10 }))
    .filter((t) => t.ms >= 50)
    .sort((a, b) => b.ms - a.ms)
    .map((t) => `${t.tid === String(process.pid) ? 'main' : t.name}:${(t.ms / 1000).toFixed(2)}s`)
    .join(' ');
}

async function settled(pid: number): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const before = processTicks(pid);
    await new Promise((r) => setTimeout(r, 500));
    if (processTicks(pid) - before <= 2) return;
  }
}

async function forEachLimit(count: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

/** A module of the base tree: the first of `paths` that exists there. */
async function baseModule<T>(base: string, ...paths: string[]): Promise<T> {
  for (const path of paths) {
    try {
      return (await import(join(base, path))) as T;
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    }
  }
  throw new Error(`none of ${paths.join(', ')} in ${base}`);
}

async function ready(s: AnyService): Promise<AnyService> {
  await (s.warm ? s.warm() : s.internals?.validator.warm?.());
  const connected = () => (s.streamConnected ? s.streamConnected() : (s.internals?.stream.connected ?? false));
  for (let i = 0; i < 200 && !connected(); i++) await new Promise((r) => setTimeout(r, 25));
  return s;
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== 'list-ab'),
    allowPositionals: true,
    options: {
      base: { type: 'string' },
      charts: { type: 'string' },
      rounds: { type: 'string' },
      concurrency: { type: 'string' },
      'base-concurrency': { type: 'string' },
      authority: { type: 'string' },
    },
  });
  if (!values.base) throw new Error('--base=<worktree of the older commit> is required');
  const base = resolve(values.base);
  const chartCount = Number(values.charts ?? 10000);
  const rounds = Number(values.rounds ?? 8);
  const listConcurrency = Number(values.concurrency ?? DEFAULT_LIST_CONCURRENCY);
  const baseListConcurrency = Number(values['base-concurrency'] ?? listConcurrency);
  const dir = mkdtempSync(join(tmpdir(), 'hc-bench-list-ab-'));

  type Spawn = { spawnLedgerNode: typeof spawnLedgerNode };
  type Service = { createChartService: (options: object) => Promise<AnyService> };
  type Holder = { SeedKeyHolder: new (seed: Uint8Array, crypto: unknown) => KeyHolder };
  const baseSpawn = await baseModule<Spawn>(base, 'src-main/ledger-node/spawn.ts');
  const baseService = await baseModule<Service>(base, 'src-main/records/chart-service.ts');
  const baseHolder = await baseModule<Holder>(
    base,
    'src-main/crypto/seed-key-holder.ts',
    'src-shared/crypto/keyholder.ts',
  );
  const baseHolderCrypto = await baseModule<{ nativeKeyHolderCrypto: unknown }>(
    base,
    'src-main/crypto/key-holder-crypto.ts',
  );

  const newNode = await spawnLedgerNode({ dataDir: join(dir, 'new') });
  const baseNode = await baseSpawn.spawnLedgerNode({ dataDir: join(dir, 'base') });
  const tokenOf = (node: object) => ('token' in node && typeof node.token === 'string' ? node.token : null);
  const clients = [newNode, baseNode].map(
    (node) =>
      new LedgerNodeClient({
        nodeUrls: [node.url],
        postTimeoutMs: 60_000,
        readTimeoutMs: 60_000,
        bearerTokenFor: () => tokenOf(node),
      }),
  );
  const seed = randomBytes(32);
  const holder = new SeedKeyHolder(Uint8Array.from(seed), nativeKeyHolderCrypto);
  const custodian = { signKey: holder.signKey, boxKey: holder.boxKey, name: 'Dr Bench' };
  /** The pinned authority ('' : none). */
  let authorityId = '';
  const sides: Record<'base' | 'new', Side> = {
    new: {
      pid: newNode.child.pid!,
      holder,
      session: async () =>
        ready(
          await createChartService({
            nodeUrls: [newNode.url],
            outboxDir: join(dir, `outbox-new-${randomBytes(4).toString('hex')}`),
            cards: noCards,
            listConcurrency,
            authorityId: () => authorityId,
            client: { readTimeoutMs: 60_000, postTimeoutMs: 60_000, bearerTokenFor: () => newNode.token },
          }),
        ),
    },
    base: {
      pid: baseNode.child.pid!,
      holder: new baseHolder.SeedKeyHolder(Uint8Array.from(seed), baseHolderCrypto.nativeKeyHolderCrypto),
      session: async () =>
        ready(
          await baseService.createChartService({
            nodeUrls: [baseNode.url],
            outboxDir: join(dir, `outbox-base-${randomBytes(4).toString('hex')}`),
            cards: noCards,
            listConcurrency: baseListConcurrency,
            authorityId: () => authorityId,
            client: { readTimeoutMs: 60_000, postTimeoutMs: 60_000, bearerTokenFor: () => tokenOf(baseNode) },
          }),
        ),
    },
  };
  if (sides.base.holder.boxKey !== holder.boxKey) throw new Error('the two trees derive different keys');
  if (values.authority === 'on') {
    const hospital = await benchHospital(clients[0]!, true);
    await hospital.credential(holder);
    // The same transactions on the base node, in the order they were written (the authority, then the credential).
    const registry = await new CredentialRegistry(clients[0]!, hospital.authorityId).load();
    for (const { txId } of registry.knownPositions()) {
      const { value } = await clients[0]!.getTransaction(txId);
      await clients[1]!.post(value as { id: string });
    }
    authorityId = hospital.authorityId;
  }

  try {
    const t = Date.now();
    await forEachLimit(chartCount, 64, async (i) => {
      const { tx } = await buildCreate(
        holder,
        payloadOf(sampleChart(`Patient ${i}`), null, custodian, []),
        nativeLedgerCrypto,
      );
      await Promise.all(clients.map((c) => c.post(tx)));
    });
    console.log(
      `setup: wrote the same ${chartCount} charts to both nodes in ${((Date.now() - t) / 1000).toFixed(1)} s`,
    );
    await settled(sides.new.pid);
    await settled(sides.base.pid);

    const perChart = (ms: number) => (ms * 1000) / chartCount;
    const figures: Record<'base' | 'new', { wall: number; app: number; main: number; node: number }[]> = {
      base: [],
      new: [],
    };
    for (let round = 0; round < rounds; round++) {
      for (const name of round % 2 === 0 ? (['base', 'new'] as const) : (['new', 'base'] as const)) {
        const side = sides[name];
        const s = await side.session();
        const app = process.cpuUsage();
        const node = processTicks(side.pid);
        const main = mainThreadTicks();
        const threads = threadTicks();
        const start = process.hrtime.bigint();
        const listed = await s.list(side.holder);
        const wall = Number(process.hrtime.bigint() - start) / 1e9;
        const used = process.cpuUsage(app);
        const nodeMs = (processTicks(side.pid) - node) * 10;
        const mainMs = (mainThreadTicks() - main) * 10;
        const perThread = busyThreads(threads, threadTicks());
        await s.close();
        if (listed.length !== chartCount) throw new Error(`${name} listed ${listed.length} of ${chartCount} charts`);
        const appMs = (used.user + used.system) / 1000;
        figures[name].push({ wall, app: appMs, main: mainMs, node: nodeMs });
        console.log(
          `round ${round} ${name.padEnd(4)} cold list ${wall.toFixed(2)} s, CPU a chart: app ${perChart(appMs).toFixed(0)} µs (main thread ${perChart(mainMs).toFixed(0)}), node ${perChart(nodeMs).toFixed(0)} µs; threads (CPU s) ${perThread}`,
        );
      }
    }
    const median = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      const mid = sorted.length / 2;
      return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
    };
    const ratios = (key: 'wall' | 'app' | 'main' | 'node') => figures.new.map((f, i) => f[key] / figures.base[i]![key]);
    for (const key of ['wall', 'app', 'main', 'node'] as const) {
      console.log(
        `${key === 'wall' ? 'wall' : `${key} CPU`}, new / base per round: ${ratios(key)
          .map((r) => r.toFixed(2))
          .join(', ')}; median ${median(ratios(key)).toFixed(2)}`,
      );
    }
  } finally {
    for (const c of clients) c.close();
    await newNode.stop();
    await baseNode.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
