// The loader's two ways of opening envelope v3 chains, alternated in one process (docs/UNLINKABLE.md §12, "Fifteenth
// part"): "whole" — openChartV3 on the main thread, its links validated by a verification worker (the loader before);
// "split" — openChartV3Split, the slots and boxes on the main thread and everything else in the worker. Per batch:
// the main thread's CPU (/proc ticks), the whole process's CPU (all threads) and the wall time, each a version.
// Chains are made by v3-open-ab.ts's writer in a child process (same chains as that bench).
//   npx tsx test/bench/v3-split-ab.ts [--charts=500] [--batches=6] [--versions=2] [--workers=1]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { cpuUsage } from 'node:process';
import { loadavg } from 'node:os';
import { nativeKeyHolderCrypto } from '../../src-main/crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../../src-main/crypto/ledger-crypto';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { creatorSlotTagNative, listKeyNative } from '../../src-main/crypto/unlinkable-keys';
import { VerifyPool } from '../../src-main/ledger/verify-pool';
import { openChartV3Split } from '../../src-main/records/v3-open-split';
import { openChartV3 } from '../../src-main/records/version-opener-v3';
import type { Transaction } from '../../src-shared/ledger';
import { mainThreadTicks, median } from './thread-cpu';

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const charts = Number(arg('charts', '500'));
const batches = Number(arg('batches', '6'));
const perChart = Number(arg('versions', '2'));
const workers = Number(arg('workers', '1'));

async function main() {
  const file = join(mkdtempSync(join(tmpdir(), 'v3-split-ab-')), 'chains.json');
  execFileSync(
    process.execPath,
    [
      ...process.execArgv,
      resolve(import.meta.dirname, 'v3-open-ab.ts'),
      `--make=${file}`,
      `--charts=${charts}`,
      `--batches=${batches}`,
      `--versions=${perChart}`,
    ],
    { stdio: 'inherit' },
  );
  const { seed, made } = JSON.parse(readFileSync(file, 'utf8')) as {
    seed: string;
    made: { id: string; raw: unknown[] }[][];
  };
  rmSync(dirname(file), { recursive: true, force: true });
  const ada = new SeedKeyHolder(new Uint8Array(Buffer.from(seed, 'base64')), nativeKeyHolderCrypto);
  const listKey = listKeyNative(ada.pairKey(ada.boxKey, ada.boxKey));
  const creatorSlotTag = (listTag: string) => creatorSlotTagNative(listKey, listTag);
  const crypto = nativeLedgerCrypto;
  const pool = new VerifyPool({
    crypto,
    size: workers,
    module: new URL('../../src-main/records/verify-worker-v3.ts', import.meta.url),
  });
  await pool.warm();
  const whole = (id: string, raw: unknown[]) =>
    openChartV3(id, raw, ada, {
      crypto,
      creatorSlotTag,
      validateLinks: (links: readonly Transaction[]) =>
        pool.validate(
          { json: JSON.stringify(links), txs: links },
          links.map((_, i) => i),
        ),
    });
  const split = (id: string, raw: unknown[]) => openChartV3Split(id, raw, ada, pool, { creatorSlotTag });
  // As the list does: many charts in flight at once (chart-list's concurrency), here 16.
  const run = async (open: typeof whole, batch: { id: string; raw: unknown[] }[]) => {
    const [ticks, cpu, start] = [mainThreadTicks(), cpuUsage(), process.hrtime.bigint()];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < batch.length) {
          const { id, raw } = batch[next++]!;
          const chain = await open(id, raw);
          if (chain.tampered || chain.versions.length !== perChart) throw new Error('not opened');
        }
      }),
    );
    const versions = batch.length * perChart;
    const used = cpuUsage(cpu);
    return {
      main: ((mainThreadTicks() - ticks) * 10_000) / versions,
      all: (used.user + used.system) / versions,
      wall: Number(process.hrtime.bigint() - start) / 1000 / versions,
    };
  };
  const figures = { whole: [] as ReturnType<typeof run> extends Promise<infer R> ? R[] : never, split: [] as never[] };
  const all: Record<'whole' | 'split', { main: number; all: number; wall: number }[]> = { whole: [], split: [] };
  void figures;
  for (let b = 0; b < batches; b++) {
    for (const side of b % 2 === 0 ? (['whole', 'split'] as const) : (['split', 'whole'] as const))
      all[side].push(await run(side === 'whole' ? whole : split, made[b]!));
  }
  console.log(
    `${charts} charts × ${perChart} versions a batch, ${batches} batches alternated, ${workers} worker(s); load ${loadavg()[0]!.toFixed(1)}`,
  );
  for (const side of ['whole', 'split'] as const) {
    const xs = all[side];
    const line = (k: 'main' | 'all' | 'wall') =>
      `${k} ${xs.map((x) => x[k].toFixed(0)).join(' ')} (median of the rest ${median(xs.slice(1).map((x) => x[k])).toFixed(0)})`;
    console.log(`µs a version, ${side.padEnd(5)}: ${line('main')}; ${line('all')}; ${line('wall')}`);
  }
  await pool.close();
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
