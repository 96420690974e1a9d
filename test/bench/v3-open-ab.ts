// Opens the same envelope v3 chains with two trees' openChartV3 alternated in one process (docs/UNLINKABLE.md §12,
// "Thirteenth part"): main-thread CPU a version, first batch (JIT cold) and warm. Each tree keeps its own module
// caches (owner keys, valid points), and each opens a batch once, as a cold list does. The links' validation is
// answered valid here on both sides: it runs in the verification workers, the same code on both trees.
// The chains are made in a child process (the writer's owner keys would otherwise be remembered by this tree's
// caches) and read from a file: each tree's chains by its own builder and opened by its own key holder (since the keyed
// slots, docs/UNLINKABLE.md §12 eighteenth part, a tree before them cannot open the other's slots; the chains have
// the same shape). Then, in this process, the write side: each tree's buildVersionV3 alternated, CPU a version.
//   npx tsx test/bench/v3-open-ab.ts --base=/work/wt/<you>-base [--charts=200] [--batches=6] [--versions=2]
//     [--first=base|branch] [--writes=200] [--reader-boxes]
// --reader-boxes: the list's main-thread half only (readerBoxes: each version's slot and box, the rest being in the
// verification workers when the split is on), instead of openChartV3 whole.
import { newSeed } from '../../src-shared/crypto/keys';
import { thresholdDetails } from '../../src-shared/ledger';
import type { CustodyPolicy } from '../../src-shared/authority/custody';
import { payloadOf } from '../../src-shared/records/payload';
import type { nativeKeyHolderCrypto } from '../../src-main/crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../../src-main/crypto/ledger-crypto';
import type { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { creatorSlotTagNative, listKeyNative } from '../../src-main/crypto/unlinkable-keys';
import type { V3Counters } from '../../src-main/records/v3-counters';
import type { buildCreateV3, buildVersionV3 } from '../../src-main/records/version-builder-v3';
import type { withRecovery } from '../../src-main/records/version-builder';
import type { linkChain, openChartV3 } from '../../src-main/records/version-opener-v3';
import type { readerBoxes } from '../../src-main/records/v3-open-split';
import { sampleChart } from '../fixtures/sample-chart';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuUsage } from 'node:process';
import { median } from './ab-figures';

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const base = arg('base', '');
const charts = Number(arg('charts', '200'));
const batches = Number(arg('batches', '6'));
const perChart = Number(arg('versions', '2'));
const baseFirst = arg('first', 'base') === 'base';
const writes = Number(arg('writes', '200'));
const boxesOnly = process.argv.includes('--reader-boxes');
const here = resolve(import.meta.dirname, '../..');

/** One tree's writer and key holder, loaded from that tree's files. */
async function tree(root: string) {
  const load = (path: string) => import(resolve(root, path));
  return {
    SeedKeyHolder: (await load('src-main/crypto/seed-key-holder.ts')).SeedKeyHolder as typeof SeedKeyHolder,
    keyCrypto: (await load('src-main/crypto/key-holder-crypto.ts'))
      .nativeKeyHolderCrypto as typeof nativeKeyHolderCrypto,
    V3Counters: (await load('src-main/records/v3-counters.ts')).V3Counters as typeof V3Counters,
    buildCreateV3: (await load('src-main/records/version-builder-v3.ts')).buildCreateV3 as typeof buildCreateV3,
    buildVersionV3: (await load('src-main/records/version-builder-v3.ts')).buildVersionV3 as typeof buildVersionV3,
    withRecovery: (await load('src-main/records/version-builder.ts')).withRecovery as typeof withRecovery,
    openChartV3: (await load('src-main/records/version-opener-v3.ts')).openChartV3 as Opener,
    readerBoxes: (await load('src-main/records/v3-open-split.ts')).readerBoxes as typeof readerBoxes,
    linkChain: (await load('src-main/records/version-opener-v3.ts')).linkChain as typeof linkChain,
  };
}

type Opener = typeof openChartV3;

const crypto = nativeLedgerCrypto;

async function makeChains(file: string, root: string) {
  const { SeedKeyHolder, keyCrypto, V3Counters, buildCreateV3, buildVersionV3, withRecovery } = await tree(root);
  const holder = () => new SeedKeyHolder(newSeed(), keyCrypto);
  const adaSeed = newSeed();
  const kept = adaSeed.slice();
  const ada = new SeedKeyHolder(adaSeed, keyCrypto);
  const officers = [holder(), holder(), holder()];
  const recovery = holder();
  const custody: CustodyPolicy = {
    authorityId: 'a1'.repeat(32),
    quorum: thresholdDetails(
      2,
      officers.map((o) => o.signKey),
    ),
    recoveryKey: recovery.boxKey,
    emergencyKey: null,
  };
  const counters = new V3Counters();
  const payload = withRecovery(
    payloadOf(sampleChart(), null, { signKey: ada.signKey, boxKey: ada.boxKey, name: 'Dr Ada' }, []),
    custody,
  );
  const made: { id: string; raw: unknown[] }[][] = [];
  for (let b = 0; b < batches; b++) {
    const batch = [];
    for (let c = 0; c < charts; c++) {
      const created = await buildCreateV3(ada, payload, { crypto, counters, custody });
      const raw: unknown[] = [created.tx];
      let head = created.head;
      for (let v = 1; v < perChart; v++) {
        const next = await buildVersionV3(ada, head, created.tx.id, 'update', payload, { crypto, counters, custody });
        raw.push(next.tx);
        head = next.head;
      }
      batch.push({ id: created.tx.id, raw: JSON.parse(JSON.stringify(raw)) as unknown[] });
    }
    made.push(batch);
  }
  writeFileSync(file, JSON.stringify({ seed: Buffer.from(kept).toString('base64'), made }));
}

async function main() {
  const make = arg('make', '');
  if (make) return makeChains(make, arg('root', here));
  if (!base) throw new Error('--base=<a worktree of the base commit> is required');
  const dir = mkdtempSync(join(tmpdir(), 'v3-open-ab-'));
  const chainsOf = (root: string, name: string) => {
    const file = join(dir, `${name}.json`);
    execFileSync(
      process.execPath,
      [...process.execArgv, process.argv[1]!, `--make=${file}`, `--root=${root}`, ...process.argv.slice(2)],
      { stdio: 'inherit' },
    );
    const { seed, made } = JSON.parse(readFileSync(file, 'utf8')) as {
      seed: string;
      made: { id: string; raw: unknown[] }[][];
    };
    return { seed: new Uint8Array(Buffer.from(seed, 'base64')), made };
  };
  const mine = await tree(here);
  const theirs = base === 'none' ? null : await tree(base);
  const sides = {
    branch: { ...chainsOf(here, 'branch'), tree: mine },
    base: theirs ? { ...chainsOf(base, 'base'), tree: theirs } : null,
  };
  const readers = {
    branch: new mine.SeedKeyHolder(sides.branch.seed.slice(), mine.keyCrypto),
    base: theirs && sides.base ? new theirs.SeedKeyHolder(sides.base.seed.slice(), theirs.keyCrypto) : null,
  };
  // --validate: the links validated on this thread too (what the verification workers do), for a profile.
  const validateLinks = process.argv.includes('--validate')
    ? undefined
    : async (links: readonly unknown[]) => links.map(() => null);
  // The creator's slot in a CREATE by its tag, as the loader opens it (OpenedV3Chains.creatorSlots).
  const creatorSlotTagOf = (ada: SeedKeyHolder) => {
    const listKey = listKeyNative(ada.pairKey(ada.boxKey, ada.boxKey));
    return (listTag: string) => creatorSlotTagNative(listKey, listTag);
  };
  const tags = {
    branch: creatorSlotTagOf(readers.branch),
    base: readers.base ? creatorSlotTagOf(readers.base) : null,
  };
  // --base=none opens with this tree alone (for a profile: node --cpu-prof).
  const there = theirs;
  // Owner keys computed (A + t·G: one point addition each) per side, counted on each tree's own libsodium binding.
  const additions = { base: 0, branch: 0 };
  const counting = (root: string, side: keyof typeof additions) => {
    const bound = createRequire(join(root, 'package.json'))('sodium-native') as {
      crypto_core_ed25519_add: (...args: unknown[]) => unknown;
    };
    const add = bound.crypto_core_ed25519_add;
    bound.crypto_core_ed25519_add = (...args: unknown[]) => {
      additions[side]++;
      return add(...args);
    };
  };
  counting(here, 'branch');
  if (there) counting(base, 'base');
  const run = async (side: 'base' | 'branch', b: number) => {
    const open = (side === 'base' ? theirs : mine)!.openChartV3;
    const batch = (side === 'base' ? sides.base : sides.branch)!.made[b]!;
    const [ada, creatorSlotTag] = side === 'base' ? [readers.base!, tags.base!] : [readers.branch, tags.branch];
    const t = (side === 'base' ? theirs : mine)!;
    const start = cpuUsage();
    for (const { id, raw } of batch) {
      if (boxesOnly) {
        const boxes = await t.readerBoxes(t.linkChain(id, raw).links, ada, creatorSlotTag);
        if (boxes.length !== perChart || boxes.some((b) => !('inner' in b))) throw new Error('a box did not open');
        continue;
      }
      const chain = await open(id, raw, ada, { crypto, validateLinks, creatorSlotTag });
      if (chain.tampered || chain.versions.length !== perChart)
        throw new Error(`not opened: ${JSON.stringify(chain.tampered)}`);
    }
    const used = cpuUsage(start);
    return (used.user + used.system) / (batch.length * perChart);
  };
  const figures: { base: number[]; branch: number[] } = { base: [], branch: [] };
  for (let b = 0; b < batches; b++) {
    const baseNow = (b % 2 === 0) === baseFirst;
    for (const side of baseNow ? (['base', 'branch'] as const) : (['branch', 'base'] as const))
      if (side === 'branch' || there) figures[side].push(await run(side, b));
  }
  console.log(
    `${charts} charts × ${perChart} versions a batch, ${batches} batches, ${baseFirst ? 'base' : 'branch'} first`,
  );
  for (const side of ['base', 'branch'] as const) {
    const xs = figures[side];
    if (xs.length === 0) continue;
    console.log(
      `µs CPU a version, ${side.padEnd(6)}: ${xs.map((x) => x.toFixed(0)).join(' ')}  (first ${xs[0]!.toFixed(0)}, median of the rest ${median(xs.slice(1)).toFixed(0)}); owner keys a version ${(additions[side] / (xs.length * charts * perChart)).toFixed(2)}`,
    );
  }
  if (there) {
    const ratios = figures.branch.map((b, i) => b / figures.base[i]!);
    console.log(
      `branch / base, batch by batch: ${ratios.map((r) => r.toFixed(2)).join(' ')}; median ${median(ratios).toFixed(2)}`,
    );
  }
  if (theirs && writes > 0) await writeAb(mine, theirs);
  rmSync(dir, { recursive: true, force: true });
}

/** buildVersionV3 of each tree alternated, `writes` versions a round, 6 rounds: CPU a version written. */
async function writeAb(mine: Awaited<ReturnType<typeof tree>>, theirs: Awaited<ReturnType<typeof tree>>) {
  const setup = async (t: Awaited<ReturnType<typeof tree>>) => {
    const ada = new t.SeedKeyHolder(newSeed(), t.keyCrypto);
    const custody: CustodyPolicy = {
      authorityId: 'a1'.repeat(32),
      quorum: thresholdDetails(
        2,
        [0, 1, 2].map(() => new t.SeedKeyHolder(newSeed(), t.keyCrypto).signKey),
      ),
      recoveryKey: new t.SeedKeyHolder(newSeed(), t.keyCrypto).boxKey,
      emergencyKey: null,
    };
    const payload = t.withRecovery(
      payloadOf(sampleChart(), null, { signKey: ada.signKey, boxKey: ada.boxKey, name: 'Dr Ada' }, []),
      custody,
    );
    const counters = new t.V3Counters();
    const created = await t.buildCreateV3(ada, payload, { crypto, counters, custody });
    let head = created.head;
    return async (n: number) => {
      const start = cpuUsage();
      for (let i = 0; i < n; i++)
        head = (await t.buildVersionV3(ada, head, created.tx.id, 'update', payload, { crypto, counters, custody }))
          .head;
      const used = cpuUsage(start);
      return (used.user + used.system) / n;
    };
  };
  const write = { base: await setup(theirs), branch: await setup(mine) };
  const figures: { base: number[]; branch: number[] } = { base: [], branch: [] };
  for (let round = 0; round < 6; round++)
    for (const side of (round % 2 === 0) === baseFirst ? (['base', 'branch'] as const) : (['branch', 'base'] as const))
      figures[side].push(await write[side](writes));
  for (const side of ['base', 'branch'] as const)
    console.log(
      `write: µs CPU a version (buildVersionV3: custodian, patient-less, recovery key), ${side.padEnd(6)}: ${figures[side].map((x) => x.toFixed(0)).join(' ')}  (median of the rest ${median(figures[side].slice(1)).toFixed(0)})`,
    );
  const ratios = figures.branch.map((b, i) => b / figures.base[i]!);
  console.log(
    `write: branch / base, round by round: ${ratios.map((r) => r.toFixed(2)).join(' ')}; median ${median(ratios).toFixed(2)}`,
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
