// sealV3 of two trees alternated in one process (docs/UNLINKABLE.md §12, eighteenth part): µs CPU a version sealed,
// 4 readers in 8 slots (custodian, a shared doctor, the patient, the recovery key). The base seals every slot as a
// sealed box (its unused slots to throw-away keys); this tree seals the three continuing readers' slots keyed and
// the unused slots keyed under throw-away keys, the recovery key's as a sealed box — what buildVersionV3 now does.
//   npx tsx test/bench/v3-seal-ab.ts --base=/work/wt/<you>-base [--versions=400] [--rounds=8]
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { cpuUsage } from 'node:process';
import { toBase58 } from '../../src-shared/crypto/bytes';
import type { sealV3 } from '../../src-shared/unlinkable/envelope-v3';
import { sealKeyedSlotNative } from '../../src-main/crypto/keyed-slot';
import { sealTo } from '../../src-main/crypto/sealed-box';
import { median } from './ab-figures';

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const base = arg('base', '');
const versions = Number(arg('versions', '400'));
const rounds = Number(arg('rounds', '8'));

async function main() {
  if (!base) throw new Error('--base=<a worktree of the base commit> is required');
  const theirs = (await import(resolve(base, 'src-shared/unlinkable/envelope-v3.ts'))).sealV3 as typeof sealV3;
  const mine = (await import('../../src-shared/unlinkable/envelope-v3')).sealV3;
  const baseSealTo = (await import(resolve(base, 'src-main/crypto/sealed-box.ts'))).sealTo as typeof sealTo;
  const readers = [0, 1, 2, 3].map(() => toBase58(new Uint8Array(randomBytes(32))));
  const inner = new Uint8Array(randomBytes(2000));
  const bytes = (n: number) => new Uint8Array(randomBytes(n));
  const sides = {
    base: () =>
      theirs(
        inner,
        readers.map((boxKey) => ({ boxKey, slotTag: bytes(8) })),
        [],
        baseSealTo,
      ),
    branch: () =>
      mine(
        inner,
        readers.map((boxKey, i) => ({ boxKey, slotTag: bytes(8), ...(i < 3 && { slotKey: bytes(32) }) })),
        [],
        sealTo,
        sealKeyedSlotNative,
      ),
  };
  const run = (side: keyof typeof sides) => {
    const start = cpuUsage();
    for (let i = 0; i < versions; i++) sides[side]();
    const used = cpuUsage(start);
    return (used.user + used.system) / versions;
  };
  run('base');
  run('branch');
  const figures = { base: [] as number[], branch: [] as number[] };
  for (let r = 0; r < rounds; r++)
    for (const side of r % 2 === 0 ? (['base', 'branch'] as const) : (['branch', 'base'] as const))
      figures[side].push(run(side));
  for (const side of ['base', 'branch'] as const)
    console.log(
      `sealV3 µs CPU a version, ${side.padEnd(6)}: ${figures[side].map((x) => x.toFixed(0)).join(' ')}  (median ${median(figures[side]).toFixed(0)})`,
    );
  const ratios = figures.branch.map((b, i) => b / figures.base[i]!);
  console.log(
    `branch / base, round by round: ${ratios.map((r) => r.toFixed(2)).join(' ')}; median ${median(ratios).toFixed(2)}`,
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
