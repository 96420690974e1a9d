// Builds the unlinkable-ledger benchmark's ledger once and keeps it on disk (outside the repo): `base/` is the ledger a
// workstation first lists (the doctor's own charts, the patient's chart, the foreign charts, the hospital authority
// and every doctor's credential), `catchup.jsonl` the catch-up's foreign transactions and the own charts changed
// elsewhere, and `catchup-store/` the base store with them appended (applyCatchUp, its index merges finished; built
// once by cachedCatchUpStore, complete when `catchup-store.json` is there), which each run switches its node to after
// the kiosk. `world.json` holds the seeds and ids the measurement needs. Each run copies the stores, so no run changes
// the cache.
//
// What is real: the hospital authority and the 1 + doctors credentials are POSTed to the embedded node (the directory
// the workstation reads is the authority's credentials); the doctor's own charts and the patient's chart are built by
// the app's v3 builder in worker threads (own-charts-worker.ts) and written by FastLedgerWriter, which validates each
// as the node validates a POST and stores blocks as its committer does. What is not: the foreign charts are unsigned
// transactions of v3's exact shape (v3Tx: output with four keys, 8 tags, 8 slots, a padded box of a size bucket),
// which no reader fetches or verifies (it finds them by no tag of its own).
import {
  appendFileSync,
  cpSync,
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { nativeKeyHolderCrypto } from '../../../src-main/crypto/key-holder-crypto';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { generateToken } from '../../../src-main/ledger-node/http/access';
import { startLedgerNode } from '../../../src-main/ledger-node/node';
import { LedgerStore } from '../../../src-main/ledger-node/store/ledger-store';
import type { TxShape } from '../../../src-main/ledger-node/store/tx-shape';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { CHART_ASSET_TYPE } from '../../../src-main/ledger/chain';
import { benchHospital } from '../hospital';
import { v3Tx } from '../unlinkable-discovery';
import { FastLedgerWriter } from './fast-writer';
import type { BuiltOwnChart, OwnChartsJob } from './own-charts-worker';

/** Bump when what is built changes: a cache of another generator is never reused. */
export const GENERATOR_VERSION = 'g4'; // g4: slots, nonce and box in base32 (hexbox15)

export interface LedgerOptions {
  own: number;
  /** Foreign charts (each of 1–3 versions). */
  foreign: number;
  doctors: number;
  /** New foreign transactions for the catch-up. */
  catchup: number;
  /** Every n-th own chart gets a version in the catch-up ledger (written elsewhere). */
  changedEvery: number;
}

export interface World {
  generator: string;
  options: LedgerOptions;
  doctorSeed: string;
  cardSeed: string;
  authorityId: string;
  /** The patient's chart (own chart 0, which introduces the card). */
  patientChart: string;
  ownVersions: number;
  changed: number;
  transactions: { base: number; catchup: number };
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const load = () => loadavg()[0]!.toFixed(1);
const hex = (n: number) => randomBytes(n).toString('hex');

export const cacheDirOf = (root: string, o: LedgerOptions) =>
  join(
    root,
    `unlinkable-${GENERATOR_VERSION}`,
    `own${o.own}-foreign${o.foreign}-doctors${o.doctors}-catchup${o.catchup}-changed${o.changedEvery}`,
  );

/** The cached ledger, built first if it is not there yet. */
export async function cachedLedger(dir: string, o: LedgerOptions): Promise<World> {
  const worldFile = join(dir, 'world.json');
  if (existsSync(worldFile)) {
    const world = JSON.parse(readFileSync(worldFile, 'utf8')) as World;
    if (world.generator === GENERATOR_VERSION) {
      console.log(`ledger: cached in ${dir}`);
      return world;
    }
  }
  return buildOnce(
    `${dir}.building`,
    `ledger ${dir}`,
    () => existsSync(worldFile),
    () => cachedLedger(dir, o),
    async () => {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const world = await buildLedger(dir, o);
      writeFileSync(worldFile, JSON.stringify(world, null, 2));
      return world;
    },
  );
}

/**
 * Builds under a lock file holding this process's pid; while another live process holds it, waits until that one has
 * `finished()` (or died) rather than delete what it writes, then answers `again()` (the cached result, or a new build).
 */
async function buildOnce<T>(
  lock: string,
  what: string,
  finished: () => boolean,
  again: () => Promise<T>,
  build: () => Promise<T>,
): Promise<T> {
  const builder = existsSync(lock) ? Number(readFileSync(lock, 'utf8')) : 0;
  if (builder > 0 && builder !== process.pid && alive(builder)) {
    console.log(`${what}: process ${builder} is building it; waiting for it`);
    while (alive(builder) && !finished()) await new Promise((resolve) => setTimeout(resolve, 5000));
    return again();
  }
  mkdirSync(dirname(lock), { recursive: true });
  writeFileSync(lock, String(process.pid));
  try {
    return await build();
  } finally {
    rmSync(lock, { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function mapLimit(count: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

/** The authority and every doctor's credential, POSTed to the real node over HTTP. */
async function postAuthority(base: string, doctorSeed: string, doctors: number): Promise<string> {
  const token = generateToken();
  const node = await startLedgerNode({ port: 0, dataDir: base, access: { kind: 'token', token } });
  const client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => token, postTimeoutMs: 60_000 });
  try {
    const hospital = await benchHospital(client, true);
    await hospital.credential(new SeedKeyHolder(Buffer.from(doctorSeed, 'hex'), nativeKeyHolderCrypto));
    await mapLimit(doctors, 16, async () =>
      hospital.credential(new SeedKeyHolder(randomBytes(32), nativeKeyHolderCrypto)),
    );
    return hospital.authorityId;
  } finally {
    client.close();
    await node.stop();
  }
}

/** Own charts from worker threads, in the order they come. */
function ownCharts(job: Omit<OwnChartsJob, 'from' | 'to'>, own: number): AsyncIterable<BuiltOwnChart[]> {
  const threads = Math.max(1, Math.min(cpus().length, Math.ceil(own / 500)));
  const queue: (BuiltOwnChart[] | Error | 'done')[] = [];
  let wake: (() => void) | null = null;
  const workers = Array.from({ length: threads }, (_, w) => {
    const from = Math.floor((own * w) / threads);
    const to = Math.floor((own * (w + 1)) / threads);
    const worker = new Worker(new URL('../../../src-main/ledger/verify-worker-dev.mjs', import.meta.url), {
      workerData: { entry: new URL('./own-charts-worker.ts', import.meta.url).href, ...job, from, to },
    });
    const push = (m: BuiltOwnChart[] | Error | 'done') => {
      queue.push(m);
      wake?.();
    };
    worker.on('message', push);
    worker.on('error', push);
    return worker;
  });
  return {
    async *[Symbol.asyncIterator]() {
      let done = 0;
      try {
        while (done < threads) {
          if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
          const m = queue.shift();
          if (m === undefined) continue;
          if (m === 'done') done += 1;
          else if (m instanceof Error) throw m;
          else yield m;
        }
      } finally {
        await Promise.all(workers.map((w) => w.terminate()));
      }
    },
  };
}

type Head = { asset: string; head: string };
/** Foreign box sizes: most charts fit the 4 KiB bucket, some are long. */
const bucket = () => (Math.random() < 0.85 ? 4096 : 16384);

/** A foreign chart of 1–3 versions (45 % one, 35 % two, 20 % three); a later version may introduce a reader. */
async function writeForeignChart(writer: FastLedgerWriter, heads: Head[]): Promise<void> {
  const size = bucket();
  const create = v3Tx({ data: { type: CHART_ASSET_TYPE, chart: hex(16) } }, null, [], size);
  await writer.addRaw(create);
  let head = create.tx.id;
  const r = Math.random();
  const versions = r < 0.45 ? 1 : r < 0.8 ? 2 : 3;
  for (let v = 1; v < versions; v++) {
    const next = v3Tx({ id: create.tx.id }, head, Math.random() < 0.3 ? [hex(16), hex(16)] : [hex(16)], size);
    await writer.addRaw(next);
    head = next.tx.id;
  }
  heads.push({ asset: create.tx.id, head });
}

async function buildLedger(dir: string, o: LedgerOptions): Promise<World> {
  const started = process.hrtime.bigint();
  const base = join(dir, 'base');
  const doctorSeed = hex(32);
  const cardSeed = hex(32);
  console.log(`ledger: building in ${dir} (${JSON.stringify(o)}); load ${load()}`);
  const authorityId = await postAuthority(base, doctorSeed, o.doctors);
  console.log(`  authority and ${o.doctors + 1} credentials posted: ${(ms(started) / 1000).toFixed(1)} s`);

  const store = LedgerStore.open(base);
  const writer = new FastLedgerWriter(store);
  const heads: Head[] = [];
  const nexts: string[] = [];
  let ownDone = 0;
  let ownVersions = 0;
  let foreignDone = 0;
  let patientChart = '';
  let waited = process.hrtime.bigint();
  let waitMs = 0;
  let mergeMs = 0;
  const step = Math.max(100, Math.round(o.own / 20));
  for await (const batch of ownCharts({ seed: doctorSeed, cardSeed, changedEvery: o.changedEvery }, o.own)) {
    waitMs += ms(waited);
    for (const chart of batch) {
      for (const json of chart.txs) await writer.addSigned(JSON.parse(json));
      if (chart.j === 0) patientChart = (JSON.parse(chart.txs[0]!) as { id: string }).id;
      ownVersions += chart.txs.length;
      if (chart.next) nexts.push(chart.next);
      ownDone += 1;
      // Foreign charts interleaved in proportion, so own charts are spread over the whole ledger.
      const due = o.own > 0 ? Math.round((o.foreign * ownDone) / o.own) : o.foreign;
      for (; foreignDone < due; foreignDone++) await writeForeignChart(writer, heads);
    }
    if (ownDone % step < batch.length) {
      // The search index's merges run between writes, which leave them little room: at the full ledger they fell
      // ~150 runs behind and the build's last hour went to them. Waiting for them here keeps the backlog small and
      // the progress lines true (the ledger is the same: merges always take the oldest runs of a level).
      const merging = process.hrtime.bigint();
      await store.settleIndexes();
      mergeMs += ms(merging);
      console.log(
        `  ${ownDone} own charts, ${foreignDone} foreign, ${writer.written} transactions: ${(ms(started) / 1000).toFixed(0)} s (${(waitMs / 1000).toFixed(0)} s waiting for the builders, ${(mergeMs / 1000).toFixed(0)} s for the index merges); load ${load()}`,
      );
    }
    waited = process.hrtime.bigint();
  }
  for (; foreignDone < o.foreign; foreignDone++) await writeForeignChart(writer, heads);
  await writer.finish();
  const merging = process.hrtime.bigint();
  await store.settleIndexes();
  mergeMs += ms(merging);
  const baseCount = writer.written;
  await store.close();
  console.log(
    `  base ledger: ${baseCount} transactions written in ${(ms(started) / 1000).toFixed(0)} s (${(mergeMs / 1000).toFixed(0)} s for the index merges); load ${load()}`,
  );

  // The catch-up: new foreign charts and versions and the own versions written elsewhere, kept as lines
  // (catchup.jsonl) that cachedCatchUpStore appends to a copy of the base store, once.
  const lines: string[] = [];
  let catchupCount = 0;
  const out = join(dir, 'catchup.jsonl');
  writeFileSync(out, '');
  const emit = (kind: 'S' | 'R', json: string) => {
    lines.push(`${kind}\t${json}`);
    catchupCount += 1;
    if (lines.length >= 1000) appendFileSync(out, lines.splice(0).join('\n') + '\n');
  };
  // The own versions spread evenly among the foreign ones.
  const spacing = Math.max(1, Math.floor(o.catchup / (nexts.length + 1)));
  let nextOwn = 0;
  for (let i = 0; i < o.catchup; i++) {
    if (i % spacing === spacing - 1 && nextOwn < nexts.length) emit('S', nexts[nextOwn++]!);
    if (i % 2 === 0 || heads.length === 0) {
      emit('R', v3Tx({ data: { type: CHART_ASSET_TYPE, chart: hex(16) } }, null, [hex(16)], bucket()).json);
    } else {
      const chart = heads[Math.floor(Math.random() * heads.length)]!;
      const next = v3Tx({ id: chart.asset }, chart.head, [hex(16)], bucket());
      chart.head = next.tx.id;
      emit('R', next.json);
    }
  }
  while (nextOwn < nexts.length) emit('S', nexts[nextOwn++]!);
  if (lines.length > 0) appendFileSync(out, lines.join('\n') + '\n');
  console.log(
    `  catch-up: ${catchupCount} transactions (${nexts.length} own) kept; total ${(ms(started) / 1000).toFixed(0)} s`,
  );
  return {
    generator: GENERATOR_VERSION,
    options: o,
    doctorSeed,
    cardSeed,
    authorityId,
    patientChart,
    ownVersions,
    changed: nexts.length,
    transactions: { base: baseCount, catchup: catchupCount },
  };
}

/**
 * Writes the kept catch-up into a run's copy of the base store (the node stopped), as the committer would have: the
 * own versions validated as POSTs, the foreign stand-ins as given.
 */
export async function applyCatchUp(cacheDir: string, storeDir: string): Promise<number> {
  const store = LedgerStore.open(storeDir);
  const writer = new FastLedgerWriter(store);
  try {
    for await (const line of createInterface({ input: createReadStream(join(cacheDir, 'catchup.jsonl')) })) {
      if (line === '') continue;
      const json = line.slice(2);
      if (line.startsWith('S\t')) await writer.addSigned(JSON.parse(json));
      else await writer.addRaw({ tx: JSON.parse(json) as TxShape, json });
    }
    await writer.finish();
    await store.settleIndexes();
  } finally {
    await store.close();
  }
  return writer.written;
}

/** What `catchup-store.json` says of a finished catch-up store (written last: the store is complete when it exists). */
export interface CatchUpStoreMarker {
  generator: string;
  /** Transactions appended to the copy of `base/` (world.transactions.catchup). */
  appended: number;
  /** The append's wall time, its index merges included (seconds). */
  seconds: number;
}

/**
 * The store after the catch-up, built once beside `base/`: a copy of `base/` to which applyCatchUp appended
 * `catchup.jsonl` with the node stopped and waited for every search-index merge: the same bytes each run used to write
 * into its own copy after the kiosk (at the full ledger, 50,304 transactions whose merges take 12–20 min). A run
 * switches its node to a copy of it. Built in `catchup-store.partial/` and renamed, then `catchup-store.json` is
 * written: a store without that marker is never used (an interrupted build starts again).
 */
export async function cachedCatchUpStore(dir: string, world: World): Promise<string> {
  const store = join(dir, 'catchup-store');
  const markerFile = join(dir, 'catchup-store.json');
  if (existsSync(markerFile)) {
    const marker = JSON.parse(readFileSync(markerFile, 'utf8')) as CatchUpStoreMarker;
    if (marker.generator === GENERATOR_VERSION && marker.appended === world.transactions.catchup && existsSync(store)) {
      console.log(
        `catch-up store: cached in ${store} (${marker.appended} transactions appended in ${marker.seconds} s)`,
      );
      return store;
    }
  }
  return buildOnce(
    join(dir, 'catchup-store.building'),
    'catch-up store',
    () => existsSync(markerFile),
    () => cachedCatchUpStore(dir, world),
    async () => {
      const partial = join(dir, 'catchup-store.partial');
      rmSync(markerFile, { force: true });
      rmSync(store, { recursive: true, force: true });
      rmSync(partial, { recursive: true, force: true });
      let started = process.hrtime.bigint();
      console.log(`catch-up store: copying base/ to ${partial}; load ${load()}`);
      cpSync(join(dir, 'base'), partial, { recursive: true });
      console.log(
        `  copied in ${(ms(started) / 1000).toFixed(0)} s; appending the catch-up (its merges take long at full size)`,
      );
      started = process.hrtime.bigint();
      const appended = await applyCatchUp(dir, partial);
      const seconds = Math.round(ms(started) / 1000);
      if (appended !== world.transactions.catchup)
        throw new Error(
          `catch-up store: ${appended} transactions appended, the world says ${world.transactions.catchup}`,
        );
      renameSync(partial, store);
      const marker: CatchUpStoreMarker = { generator: GENERATOR_VERSION, appended, seconds };
      writeFileSync(markerFile, JSON.stringify(marker, null, 2));
      console.log(
        `  catch-up store: ${appended} transactions appended, merges settled, in ${seconds} s; load ${load()}`,
      );
      return store;
    },
  );
}
