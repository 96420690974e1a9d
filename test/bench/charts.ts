// `npm run bench -- charts [--versions=1000] [--charts=10000] [--imports=2000] [--concurrency=64]
//   [--import-concurrency=128] [--fhir-workers=N] [--only=open,list,import] [--in-process] [--authority=off]`
// Figures for docs/BENCHMARKS.md (Charts). Everything is real: the embedded node in its own process on 127.0.0.1
// (as the app runs it; `--in-process` runs it on the benchmark's own thread instead), the real chart service with
// its verification worker threads, the real verified cache on disk, and the KeyHolder class with the libsodium
// crypto the vault plugs into it (seeded here, so no keychain is needed). "Cold" means a new workstation: a fresh
// service with an empty cache. "Next session" means the app restarted on the same workstation: a fresh service
// (fresh memory, fresh workers) over the cache the previous session left on disk. Each measurement starts once the
// node is idle again after the setup's writes (it merges its search index in the background), and the output
// says how much of its two cores the machine gave at the time. A hospital authority is pinned and every benchmark
// doctor credentialed by it (hospital.ts), so the figures include the credential checks; `--authority=off` leaves
// them out. The import validates FHIR in a FhirValidatorPool as `npm run cli -- import` does (`--fhir-workers=N`
// workers, default one fewer than the cores; 0 validates on the main thread, as before issue #16's pool).
import { DEFAULT_LIST_CONCURRENCY } from '../../src-main/records/chart-parts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { nativeKeyHolderCrypto } from '../../src-main/crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../../src-main/crypto/ledger-crypto';
import type { Transaction } from '../../src-shared/ledger';
import { chartToFhir } from '../../src-shared/records/fhir';
import { sampleChart } from '../fixtures/sample-chart';
import { payloadOf } from '../../src-shared/records/payload';
import { generateToken } from '../../src-main/ledger-node/http/access';
import { startLedgerNode } from '../../src-main/ledger-node/node';
import { spawnLedgerNode } from '../../src-main/ledger-node/spawn';
import { LedgerNodeClient } from '../../src-main/ledger/node-client';
import { createChartService, type ChartService } from '../../src-main/records/chart-service';
import { buildCreate, buildVersion } from '../../src-main/records/version-builder';
import { FhirValidatorPool } from '../../src-main/records/fhir-validator-pool';
import { benchHospital } from './hospital';

const noCards = {
  create: async () => {
    throw new Error('the benchmark issues no cards');
  },
};

async function mapLimit<T>(count: number, limit: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0);
const load = () => loadavg()[0]!.toFixed(1);

/**
 * How much this machine gives right now: one thread hashing for a second, then two at once. On a shared host both
 * move (single-thread speed by up to 40 %, two threads 1.1–2.0× one), and every figure below moves with them.
 */
async function parallelism(): Promise<string> {
  const code = `const { parentPort } = require('node:worker_threads'); const c = require('node:crypto'); const d = Buffer.alloc(2700, 1);
    const t = Date.now(); let n = 0; while (Date.now() - t < 1000) { c.createHash('sha3-256').update(d).digest(); n++; } parentPort.postMessage(n);`;
  const count = (k: number) =>
    Promise.all(
      Array.from(
        { length: k },
        () => new Promise<number>((resolve) => new Worker(code, { eval: true }).once('message', resolve)),
      ),
    );
  const [one] = await count(1);
  const two = (await count(2)).reduce((a, b) => a + b, 0);
  // The single-thread rate shows the host's own speed, which moved by up to 40 % here from minute to minute.
  return `one thread hashes ${(one! / 1000).toFixed(0)}k × 2.7 kB/s, two do ${(two / one!).toFixed(2)}× that`;
}

/** Waits until the node process has been idle for half a second (it merges its search index after bulk writes). */
async function settled(pid: number | undefined): Promise<void> {
  if (!pid) return new Promise((resolve) => setTimeout(resolve, 3000));
  for (let i = 0; i < 60; i++) {
    const before = processTicks(pid);
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (processTicks(pid) - before <= 2) return; // ≤ 20 ms of CPU in 500 ms
  }
}

/** User + system CPU of another process, in clock ticks (10 ms on Linux). */
function processTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU used while `fn` runs: this process (all its threads) and the node's process, in ms. */
async function withCpu<T>(
  nodePid: number | undefined,
  fn: () => Promise<T>,
): Promise<{ result: T; appMs: number; nodeMs: number | null }> {
  const app = process.cpuUsage();
  const node = nodePid ? processTicks(nodePid) : 0;
  const result = await fn();
  const used = process.cpuUsage(app);
  return {
    result,
    appMs: (used.user + used.system) / 1000,
    nodeMs: nodePid ? (processTicks(nodePid) - node) * 10 : null,
  };
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== 'charts'),
    allowPositionals: true,
    options: {
      versions: { type: 'string' },
      charts: { type: 'string' },
      imports: { type: 'string' },
      concurrency: { type: 'string' },
      'import-concurrency': { type: 'string' },
      'fhir-workers': { type: 'string' },
      only: { type: 'string' },
      authority: { type: 'string' },
      'in-process': { type: 'boolean' },
    },
  });
  const versions = Number(values.versions ?? 1000);
  const chartCount = Number(values.charts ?? 10000);
  const imports = Number(values.imports ?? 2000);
  const concurrency = Number(values.concurrency ?? DEFAULT_LIST_CONCURRENCY);
  // A bulk import has many independent charts in hand: more of them in flight fill the node's blocks (each
  // commit-mode answer waits for its block's flush) and share the outbox's commits.
  const importConcurrency = Number(values['import-concurrency'] ?? 128);
  const only = new Set((values.only ?? 'open,list,import').split(','));
  const fhirWorkers = values['fhir-workers'] === undefined ? undefined : Number(values['fhir-workers']);
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; node ${values['in-process'] ? 'in this process' : 'in its own process'}; load ${load()}; ${await parallelism()}`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'hc-bench-charts-'));
  const spawned = values['in-process'] ? null : await spawnLedgerNode({ dataDir: join(dir, 'ledger') });
  const node =
    spawned ??
    (await startLedgerNode({
      port: 0,
      dataDir: join(dir, 'ledger'),
      access: { kind: 'token', token: generateToken() },
    }));
  // The embedded node's per-launch token, as the app sends it.
  const bearerTokenFor = () => node.token;
  const settle = () => settled(spawned?.child.pid);
  const crypto = nativeLedgerCrypto;
  const client = new LedgerNodeClient({
    nodeUrls: [node.url],
    postTimeoutMs: 60_000,
    readTimeoutMs: 60_000,
    bearerTokenFor,
  });
  const hospital = await benchHospital(client, values.authority !== 'off');
  const services: ChartService[] = [];
  const pools: FhirValidatorPool[] = [];
  let sessions = 0;
  /** A fresh app session: new service, new memory, its verification workers started (as the app does at launch). */
  const session = async (label: string, cacheDir?: string) => {
    const validators =
      label === 'import' && fhirWorkers !== 0
        ? new FhirValidatorPool(fhirWorkers === undefined ? {} : { size: fhirWorkers })
        : null;
    if (validators) pools.push(validators);
    const s = await createChartService({
      nodeUrls: [node.url],
      outboxDir: join(dir, `outbox-${label}-${sessions++}`),
      cards: noCards,
      liveStream: label === 'list',
      listConcurrency: concurrency,
      client: { readTimeoutMs: 60_000, postTimeoutMs: 60_000, bearerTokenFor },
      authorityId: () => hospital.authorityId,
      ...(cacheDir ? { cacheDir } : {}),
      ...(validators ? { fhirValidator: validators } : {}),
    });
    services.push(s);
    await s.warm();
    // Warmed (definitions indexed) before the clock starts, as the CLI warms it while the node starts.
    await validators?.warm();
    return s;
  };
  const end = async (s: ChartService) => {
    services.splice(services.indexOf(s), 1);
    await s.close();
  };

  try {
    // 1. A chart with `versions` versions: fetch, verify, decrypt (the latest 51 for diffs).
    if (only.has('open')) {
      const doctor = new SeedKeyHolder(randomBytes(32), nativeKeyHolderCrypto);
      const custodian = { signKey: doctor.signKey, boxKey: doctor.boxKey, name: 'Dr Bench' };
      await hospital.credential(doctor);
      const chart = sampleChart();
      let t = process.hrtime.bigint();
      const { tx: create } = await buildCreate(doctor, payloadOf(chart, null, custodian, []), crypto);
      await client.post(create);
      let head: Transaction = create;
      for (let seq = 2; seq <= versions; seq++) {
        chart.visits[0]!.notes = `Review ${seq}`;
        const { tx } = await buildVersion(
          doctor,
          head,
          create.id,
          'update',
          seq,
          payloadOf(chart, null, custodian, []),
          crypto,
        );
        await client.post(tx);
        head = tx;
      }
      console.log(`setup: wrote a chart with ${versions} versions in ${fmt(ms(t) / 1000)} s`);
      await settle();
      const cold: number[] = [];
      const next: number[] = [];
      const cacheDir = join(dir, 'cache-open');
      for (let i = 0; i < 7; i++) {
        const s = await session('open');
        t = process.hrtime.bigint();
        const view = await s.get(doctor, create.id);
        cold.push(ms(t));
        if (view.seq !== versions || view.summary.integrity !== 'verified')
          throw new Error('benchmark chart did not open cleanly');
        await end(s);
      }
      // Next sessions over the cache: the first one fills it (cold), the others find it.
      for (let i = 0; i < 6; i++) {
        const s = await session('open', cacheDir);
        t = process.hrtime.bigint();
        const view = await s.get(doctor, create.id);
        if (i > 0) next.push(ms(t));
        if (view.seq !== versions || view.summary.integrity !== 'verified')
          throw new Error('benchmark chart did not open cleanly');
        await end(s);
      }
      const runs = (xs: number[]) => xs.map((x) => fmt(x)).join(', ');
      console.log(
        `open a chart with ${versions} versions, cold (fetch + verify all + decrypt 51 + diffs): median ${fmt(median(cold))} ms, best ${fmt(Math.min(...cold))} ms (target < 300 ms); runs ${runs(cold)}; load ${load()}`,
      );
      console.log(
        `  next session (verified cache on disk): median ${fmt(median(next))} ms, best ${fmt(Math.min(...next))} ms; runs ${runs(next)}`,
      );
    }

    // 2. A doctor's `chartCount` charts: metadata search, then each chart fetched, verified and its head opened.
    if (only.has('list')) {
      const doctor = new SeedKeyHolder(randomBytes(32), nativeKeyHolderCrypto);
      const custodian = { signKey: doctor.signKey, boxKey: doctor.boxKey, name: 'Dr Bench' };
      await hospital.credential(doctor);
      let t = process.hrtime.bigint();
      await mapLimit(chartCount, 64, async (i) => {
        const { tx } = await buildCreate(doctor, payloadOf(sampleChart(`Patient ${i}`), null, custodian, []), crypto);
        await client.post(tx);
      });
      console.log(`setup: wrote ${chartCount} charts in ${fmt(ms(t) / 1000)} s`);
      await settle();
      const cacheDir = join(dir, 'cache-list');
      const results: Record<string, string> = {};
      const measure = async (s: ChartService): Promise<string> => {
        t = process.hrtime.bigint();
        const { result: list, appMs, nodeMs } = await withCpu(spawned?.child.pid, () => s.list(doctor));
        const wall = ms(t);
        if (list.length !== chartCount) throw new Error(`listed ${list.length} of ${chartCount} charts`);
        const perChart = (cpuMs: number) => `${fmt((cpuMs * 1000) / chartCount)} µs`;
        return `${fmt(wall / 1000)} s (CPU a chart: app ${perChart(appMs)}${nodeMs === null ? '' : `, node ${perChart(nodeMs)}`})`;
      };
      for (const [label, cache] of [
        ['cold', undefined],
        ['cold, filling the cache', cacheDir],
        ['next session', cacheDir],
        ['next session again', cacheDir],
      ] as const) {
        const s = await session('list', cache);
        for (let i = 0; i < 200 && !s.streamConnected(); i++) await new Promise((r) => setTimeout(r, 25));
        results[label] = await measure(s);
        if (label === 'next session again') results['same session, again'] = await measure(s);
        await end(s);
      }
      console.log(`list a doctor's ${chartCount} charts (target < 5 s); load ${load()}; ${await parallelism()}`);
      for (const [label, value] of Object.entries(results)) console.log(`  ${label}: ${value}`);
    }

    // 3. FHIR bulk import through the service: parse, validate, seal, sign, outbox (durable), post, commit.
    if (only.has('import')) {
      await settle();
      const doctor = new SeedKeyHolder(randomBytes(32), nativeKeyHolderCrypto);
      await hospital.credential(doctor);
      const bundles = Array.from(
        { length: imports },
        (_, i) =>
          JSON.parse(
            JSON.stringify(chartToFhir({ chartId: 'x', chart: sampleChart(`Imported ${i}`), versions: [] })),
          ) as unknown,
      );
      const s = await session('import');
      const t = process.hrtime.bigint();
      const results = await mapLimit(imports, importConcurrency, (i) => s.importFhir(doctor, bundles[i]));
      const elapsed = ms(t);
      if (results.some((r) => r.status !== 'committed')) throw new Error('an import did not commit');
      console.log(
        `FHIR bulk import: ${imports} charts in ${fmt(elapsed / 1000)} s = ${fmt(imports / (elapsed / 1000))} charts/s, ${importConcurrency} at a time (target ≥ 500/s); load ${load()}`,
      );
    }
  } finally {
    for (const s of services) await s.close();
    for (const p of pools) await p.close();
    await node.stop();
    client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
