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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { nativeKeyHolderCrypto } from '../../src-main/crypto/key-holder-crypto';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import { createChartService } from '../../src-main/records/chart-service';
import { abLedgers, baseModule } from './ab-ledgers';
import { busyThreads, mainThreadTicks, median, processTicks, threadTicks } from './thread-cpu';

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

  type Service = { createChartService: (options: object) => Promise<AnyService> };
  type Holder = { SeedKeyHolder: new (seed: Uint8Array, crypto: unknown) => KeyHolder };
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

  const ledgers = await abLedgers({ base, dir, charts: chartCount, authority: values.authority === 'on' });
  const { seed, authorityId } = ledgers;
  const holder = new SeedKeyHolder(Uint8Array.from(seed), nativeKeyHolderCrypto);
  const sides: Record<'base' | 'new', Side> = {
    new: {
      pid: ledgers.new.pid,
      holder,
      session: async () =>
        ready(
          await createChartService({
            nodeUrls: [ledgers.new.url],
            outboxDir: join(dir, `outbox-new-${randomBytes(4).toString('hex')}`),
            cards: noCards,
            listConcurrency,
            authorityId: () => authorityId,
            client: { readTimeoutMs: 60_000, postTimeoutMs: 60_000, bearerTokenFor: () => ledgers.new.token },
          }),
        ),
    },
    base: {
      pid: ledgers.base.pid,
      holder: new baseHolder.SeedKeyHolder(Uint8Array.from(seed), baseHolderCrypto.nativeKeyHolderCrypto),
      session: async () =>
        ready(
          await baseService.createChartService({
            nodeUrls: [ledgers.base.url],
            outboxDir: join(dir, `outbox-base-${randomBytes(4).toString('hex')}`),
            cards: noCards,
            listConcurrency: baseListConcurrency,
            authorityId: () => authorityId,
            client: { readTimeoutMs: 60_000, postTimeoutMs: 60_000, bearerTokenFor: () => ledgers.base.token },
          }),
        ),
    },
  };
  if (sides.base.holder.boxKey !== holder.boxKey) throw new Error('the two trees derive different keys');

  try {
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
    const ratios = (key: 'wall' | 'app' | 'main' | 'node') => figures.new.map((f, i) => f[key] / figures.base[i]![key]);
    for (const key of ['wall', 'app', 'main', 'node'] as const) {
      console.log(
        `${key === 'wall' ? 'wall' : `${key} CPU`}, new / base per round: ${ratios(key)
          .map((r) => r.toFixed(2))
          .join(', ')}; median ${median(ratios(key)).toFixed(2)}`,
      );
    }
  } finally {
    await ledgers.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
