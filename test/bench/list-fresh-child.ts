// One measurement of `npm run bench -- list-fresh` (list-fresh.ts): a new process that opens a chart service of the
// tree it is given (this one or the base), lets warm() resolve and the process go idle — as the app does while the
// doctor types a password — then times the first list of its life, with each thread's CPU. With `lists` > 1 it lists
// again on a new service each time (same process, JIT warm): the warm figure to compare with.
// Its configuration comes as JSON in HC_LIST_FRESH; it prints one `RESULT {json}` line per list.
import { join } from 'node:path';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import { busyThreads, mainThreadTicks, processTicks, settled, threadTicks } from './thread-cpu';

export interface FreshChildConfig {
  /** The tree whose code lists (its src-main is imported). */
  tree: string;
  nodeUrl: string;
  token: string | null;
  nodePid: number;
  seedHex: string;
  authorityId: string;
  concurrency: number;
  charts: number;
  lists: number;
  outboxDir: string;
}

export interface FreshListResult {
  list: number;
  wall: number;
  /** ms of CPU: this process (all threads), its main thread, the node. */
  app: number;
  main: number;
  node: number;
  threads: string;
  /** warm() and the idle wait before the list: wall ms, and this process's CPU ms meanwhile (main thread apart). */
  warmWall: number;
  warmApp: number;
  warmMain: number;
  /** This tree's list warm-up, if it has one: what it did. */
  warmUp: unknown;
}

interface AnyService {
  list(holder: KeyHolder): Promise<unknown[]>;
  close(): Promise<void>;
  warm?: () => Promise<void>;
  streamConnected?: () => boolean;
  listWarmUpReport?: () => unknown;
}

const config = JSON.parse(process.env.HC_LIST_FRESH ?? 'null') as FreshChildConfig | null;
if (!config) throw new Error('list-fresh-child runs under list-fresh.ts (HC_LIST_FRESH)');

const { createChartService } = (await import(join(config.tree, 'src-main/records/chart-service.ts'))) as {
  createChartService: (options: object) => Promise<AnyService>;
};
const { SeedKeyHolder } = (await import(join(config.tree, 'src-main/crypto/seed-key-holder.ts'))) as {
  SeedKeyHolder: new (seed: Uint8Array, crypto: unknown) => KeyHolder;
};
const { nativeKeyHolderCrypto } = (await import(join(config.tree, 'src-main/crypto/key-holder-crypto.ts'))) as {
  nativeKeyHolderCrypto: unknown;
};
const holder = new SeedKeyHolder(Uint8Array.from(Buffer.from(config.seedHex, 'hex')), nativeKeyHolderCrypto);

for (let list = 0; list < config.lists; list++) {
  const warmStart = process.hrtime.bigint();
  const warmApp = process.cpuUsage();
  const warmMain = mainThreadTicks();
  const service = await createChartService({
    nodeUrls: [config.nodeUrl],
    outboxDir: join(config.outboxDir, String(list)),
    cards: { create: async () => Promise.reject(new Error('the benchmark issues no cards')) },
    listConcurrency: config.concurrency,
    authorityId: () => config.authorityId,
    client: { readTimeoutMs: 60_000, postTimeoutMs: 60_000, bearerTokenFor: () => config.token },
  });
  await service.warm?.();
  for (let i = 0; i < 200 && !service.streamConnected?.(); i++) await new Promise((r) => setTimeout(r, 25));
  // The doctor's password and the vault's scrypt give the app seconds before the first list: V8's background
  // compilers finish what warm() started.
  await settled(process.pid);
  const warmUsed = process.cpuUsage(warmApp);
  const warm = {
    warmWall: Number(process.hrtime.bigint() - warmStart) / 1e6,
    warmApp: (warmUsed.user + warmUsed.system) / 1000,
    warmMain: (mainThreadTicks() - warmMain) * 10,
    warmUp: service.listWarmUpReport?.() ?? null,
  };

  const app = process.cpuUsage();
  const node = processTicks(config.nodePid);
  const main = mainThreadTicks();
  const threads = threadTicks();
  const start = process.hrtime.bigint();
  console.log(`MARK list ${list} start ${start}`);
  const listed = await service.list(holder);
  const end = process.hrtime.bigint();
  console.log(`MARK list ${list} end ${end}`);
  const used = process.cpuUsage(app);
  const result: FreshListResult = {
    list,
    wall: Number(end - start) / 1e9,
    app: (used.user + used.system) / 1000,
    main: (mainThreadTicks() - main) * 10,
    node: (processTicks(config.nodePid) - node) * 10,
    threads: busyThreads(threads, threadTicks()),
    ...warm,
  };
  await service.close();
  if (listed.length !== config.charts) throw new Error(`listed ${listed.length} of ${config.charts} charts`);
  console.log(`RESULT ${JSON.stringify(result)}`);
}
process.exit(0);
