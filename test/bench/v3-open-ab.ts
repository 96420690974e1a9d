// Opens the same envelope v3 chains with two trees' openChartV3 alternated in one process (docs/UNLINKABLE.md §12,
// "Thirteenth part"): main-thread CPU a version, first batch (JIT cold) and warm. Each tree keeps its own module
// caches (owner keys, valid points), and each opens a batch once, as a cold list does. The links' validation is
// answered valid here on both sides: it runs in the verification workers, the same code on both trees.
// The chains are made in a child process (the writer's owner keys would otherwise be remembered by this tree's
// caches) and read from a file.
//   npx tsx test/bench/v3-open-ab.ts --base=/work/wt/<you>-base [--charts=200] [--batches=6] [--versions=2]
//     [--first=base|branch]
import { newSeed } from '../../src-shared/crypto/keys';
import { thresholdDetails } from '../../src-shared/ledger';
import type { CustodyPolicy } from '../../src-shared/authority/custody';
import { payloadOf } from '../../src-shared/records/payload';
import { nativeKeyHolderCrypto } from '../../src-main/crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../../src-main/crypto/ledger-crypto';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { creatorSlotTagNative, listKeyNative } from '../../src-main/crypto/unlinkable-keys';
import { V3Counters } from '../../src-main/records/v3-counters';
import { buildCreateV3, buildVersionV3 } from '../../src-main/records/version-builder-v3';
import { withRecovery } from '../../src-main/records/version-builder';
import type { openChartV3 } from '../../src-main/records/version-opener-v3';
import { sampleChart } from '../fixtures/sample-chart';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { cpuUsage } from 'node:process';

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const base = arg('base', '');
const charts = Number(arg('charts', '200'));
const batches = Number(arg('batches', '6'));
const perChart = Number(arg('versions', '2'));
const baseFirst = arg('first', 'base') === 'base';

type Opener = typeof openChartV3;

const crypto = nativeLedgerCrypto;

async function makeChains(file: string) {
  const holder = () => new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);
  const adaSeed = newSeed();
  const kept = adaSeed.slice();
  const ada = new SeedKeyHolder(adaSeed, nativeKeyHolderCrypto);
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
  if (make) return makeChains(make);
  if (!base) throw new Error('--base=<a worktree of the base commit> is required');
  const file = join(mkdtempSync(join(tmpdir(), 'v3-open-ab-')), 'chains.json');
  execFileSync(process.execPath, [...process.execArgv, process.argv[1]!, `--make=${file}`, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  const { seed, made } = JSON.parse(readFileSync(file, 'utf8')) as {
    seed: string;
    made: { id: string; raw: unknown[] }[][];
  };
  const ada = new SeedKeyHolder(new Uint8Array(Buffer.from(seed, 'base64')), nativeKeyHolderCrypto);
  // --validate: the links validated on this thread too (what the verification workers do), for a profile.
  const validateLinks = process.argv.includes('--validate')
    ? undefined
    : async (links: readonly unknown[]) => links.map(() => null);
  // The creator's slot in a CREATE by its tag, as the loader opens it (OpenedV3Chains.creatorSlots).
  const listKey = listKeyNative(ada.pairKey(ada.boxKey, ada.boxKey));
  const creatorSlotTag = (listTag: string) => creatorSlotTagNative(listKey, listTag);
  const here: Opener = (await import('../../src-main/records/version-opener-v3')).openChartV3;
  // --base=none opens with this tree alone (for a profile: node --cpu-prof).
  const there: Opener | null =
    base === 'none' ? null : (await import(resolve(base, 'src-main/records/version-opener-v3.ts'))).openChartV3;
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
  counting(resolve(import.meta.dirname, '../..'), 'branch');
  if (there) counting(base, 'base');
  const run = async (open: Opener, batch: { id: string; raw: unknown[] }[]) => {
    const start = cpuUsage();
    for (const { id, raw } of batch) {
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
      if (side === 'branch' || there) figures[side].push(await run(side === 'base' ? there! : here, made[b]!));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
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
  rmSync(dirname(file), { recursive: true, force: true });
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
