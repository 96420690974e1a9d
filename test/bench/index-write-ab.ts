// The CPU of the embedded node's block write, base tree's store code against this tree's, alternated in one process
// (issue #16: the node runs on the import's main thread). Blocks are replayed from a ledger folder as they were
// committed (e.g. a cli-import run's `ledger`, or any node's data folder), read-only.
//   index:  BlockPostings of each block + encodeRun of both indexes (the search-index part, pure CPU), wall time and
//           main-thread CPU (/proc, 10 ms ticks); encode-cpu: encodeRun alone over the same postings (main-thread
//           CPU, --encode-repeats=4 times a pass, divided back);
//   write:  LedgerStore.writeBlock into a fresh folder per tree and pass (4 blocks in flight, as the committer may):
//           write-sync is the synchronous part of each call (what the main thread pays before lmdb's write thread
//           commits), merges the wait for the merges still due after the last block, write-cpu the main thread's CPU
//           over the whole pass (/proc, 10 ms ticks: open, writes, every merge, close).
// Each pass checks that both trees encoded the same bytes (runs of every block) and stored the same postings.
//
//   npx tsx test/bench/index-write-ab.ts --base=<base tree> --ledger=<ledger folder> [--passes=7] [--encode-repeats=4]
import { open } from 'lmdb';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as currentPostings from '../../src-main/ledger-node/store/block-postings';
import * as currentRuns from '../../src-main/ledger-node/store/posting-runs';
import * as currentStore from '../../src-main/ledger-node/store/ledger-store';
import { mainThreadTicks } from './thread-cpu';
import type { TxShape } from '../../src-main/ledger-node/store/tx-shape';

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [name, value] = arg.replace(/^--/, '').split('=');
    return [name!, value ?? 'true'] as const;
  }),
);
const basePath = args.get('base');
const ledgerPath = args.get('ledger');
if (!basePath || !ledgerPath) throw new Error('--base=<tree> and --ledger=<folder> are required');
const passes = Number(args.get('passes') ?? 7);

const source = open({ path: ledgerPath, readOnly: true, maxDbs: 32, noSubdir: false });
const txsDb = source.openDB<string, string>('txs', { encoding: 'string' });
const blocksDb = source.openDB<string[], number>('blocks', {});
const blocks: { tx: TxShape; json: string }[][] = [];
// Ids first: a get inside a range iteration may reuse the buffer the iteration decodes from.
for (const ids of [...blocksDb.getRange({})].map(({ value }) => value)) {
  if (ids.length === 0) continue;
  blocks.push(ids.map((id) => ({ json: txsDb.get(id)!, tx: JSON.parse(txsDb.get(id)!) as TxShape })));
}
await source.close();
// The base tree's modules load their own copy of lmdb: imported only once the source is read and closed.
interface Tree {
  name: string;
  postings: typeof currentPostings;
  runs: typeof currentRuns;
  store: typeof currentStore;
}
// Two copies of lmdb-js in one process corrupt each other's reads, so the base tree's store and search modules are
// copied under this tree's out/ (they then resolve lmdb, like every package, from this tree's node_modules).
const baseCopy = resolve('out/ab-base/ledger-node');
rmSync(baseCopy, { recursive: true, force: true });
for (const part of ['store', 'search'])
  cpSync(join(basePath, 'src-main/ledger-node', part), join(baseCopy, part), { recursive: true });
const store = (dir: string) => (dir === basePath ? join(baseCopy, 'store') : join(dir, 'src-main/ledger-node/store'));
const trees: Tree[] = [
  {
    name: 'base',
    postings: await import(join(store(basePath), 'block-postings.ts')),
    runs: await import(join(store(basePath), 'posting-runs.ts')),
    store: await import(join(store(basePath), 'ledger-store.ts')),
  },
  { name: 'new', postings: currentPostings, runs: currentRuns, store: currentStore },
];

const txCount = blocks.reduce((n, b) => n + b.length, 0);

// Every term of the first, a middle and the last block, looked up in each tree's store after the writes.
const sampleTerms = { assets: [] as string[], metadata: [] as string[] };
for (const block of [blocks[0]!, blocks[blocks.length >> 1]!, blocks.at(-1)!]) {
  const postings = new currentPostings.BlockPostings();
  block.forEach(({ tx }, i) => postings.add(tx, i + 1));
  for (const kind of ['assets', 'metadata'] as const) sampleTerms[kind].push(...postings[kind].keys());
}

function indexPass(tree: Tree): { ms: number; cpuMs: number; bytes: Uint8Array[] } {
  const out: Uint8Array[] = [];
  let seq = 0;
  const ticks = mainThreadTicks();
  const started = performance.now();
  for (const block of blocks) {
    const postings = new tree.postings.BlockPostings();
    for (const { tx } of block) postings.add(tx, ++seq);
    for (const kind of ['assets', 'metadata'] as const) {
      if (postings[kind].size === 0) continue;
      const run = tree.runs.encodeRun(postings[kind]);
      out.push(...run.chunks, run.fences, run.filter, run.marks);
    }
  }
  return { ms: performance.now() - started, cpuMs: (mainThreadTicks() - ticks) * 10, bytes: out };
}

// encodeRun alone (this tree's postings of every block, made once), `encodeRepeats` times a pass for tick resolution.
const encodeRepeats = Number(args.get('encode-repeats') ?? 4);
const blockPostings: Map<string, number[]>[] = [];
{
  let seq = 0;
  for (const block of blocks) {
    const postings = new currentPostings.BlockPostings();
    for (const { tx } of block) postings.add(tx, ++seq);
    for (const kind of ['assets', 'metadata'] as const) if (postings[kind].size > 0) blockPostings.push(postings[kind]);
  }
}
function encodePass(tree: Tree): number {
  const ticks = mainThreadTicks();
  for (let r = 0; r < encodeRepeats; r++) for (const postings of blockPostings) tree.runs.encodeRun(postings);
  return ((mainThreadTicks() - ticks) * 10) / encodeRepeats;
}

async function writePass(
  tree: Tree,
): Promise<{ syncMs: number; settleMs: number; mainCpuMs: number; answers: string }> {
  const ticks = mainThreadTicks();
  const dir = mkdtempSync(join(tmpdir(), 'hc-index-write-ab-'));
  const s = tree.store.LedgerStore.open(join(dir, 'ledger'));
  let syncMs = 0;
  const pending: Promise<unknown>[] = [];
  for (const block of blocks) {
    const started = performance.now();
    const written = s.writeBlock(block);
    syncMs += performance.now() - started;
    pending.push(written);
    if (pending.length >= 4) await pending.shift();
  }
  await Promise.all(pending);
  const started = performance.now();
  await s.settleIndexes();
  const settleMs = performance.now() - started;
  const mainCpuMs = (mainThreadTicks() - ticks) * 10;
  // A sample of the postings, compared between trees.
  const answers = JSON.stringify(
    (['assets', 'metadata'] as const).map((kind) => sampleTerms[kind].map((t) => s.termPostings(kind, t))),
  );
  await s.close();
  rmSync(dir, { recursive: true, force: true });
  return { syncMs, settleMs, mainCpuMs, answers };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const times: Record<string, number[]> = {};
const record = (key: string, ms: number) => (times[key] ??= []).push(ms);
for (let pass = 0; pass < passes; pass++) {
  const order = pass % 2 === 0 ? trees : [...trees].reverse();
  const encoded: Uint8Array[][] = [];
  for (const tree of order) {
    const { ms, cpuMs, bytes } = indexPass(tree);
    record(`${tree.name} index`, ms);
    record(`${tree.name} index-cpu`, cpuMs);
    encoded.push(bytes);
  }
  for (const tree of order) record(`${tree.name} encode-cpu`, encodePass(tree));
  const [a, b] = encoded as [Uint8Array[], Uint8Array[]];
  if (a.length !== b.length || a.some((x, i) => Buffer.compare(x, b[i]!) !== 0))
    throw new Error('the trees encoded different runs');
  const answers: string[] = [];
  for (const tree of order) {
    const w = await writePass(tree);
    record(`${tree.name} write-sync`, w.syncMs);
    record(`${tree.name} merges`, w.settleMs);
    record(`${tree.name} write-cpu`, w.mainCpuMs);
    answers.push(w.answers);
  }
  if (answers[0] !== answers[1]) throw new Error('the trees stored different postings');
}
console.log(`${blocks.length} blocks, ${txCount} transactions, ${passes} passes alternated; medians, ms a block:`);
for (const [key, xs] of Object.entries(times))
  console.log(`  ${key.padEnd(18)} ${(median(xs) / blocks.length).toFixed(3)}  (total ${median(xs).toFixed(0)} ms)`);
