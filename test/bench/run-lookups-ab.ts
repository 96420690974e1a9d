// What the first search after a node start pays per search run: decoding its fences and chunk marks (term-index.ts
// keeps them per process). Base tree's decoders against this tree's, alternated in one process over every run of a
// store's metadata index, the decoded arrays compared; the store is opened read-only (any node may be using it).
//
//   npx tsx test/bench/run-lookups-ab.ts --base=/work/wt/node15h-base --store=<catchup-store folder> [--passes=3]
import { open } from 'lmdb';
import { join } from 'node:path';
import * as current from '../../src-main/ledger-node/store/posting-runs';

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [name, value] = arg.replace(/^--/, '').split('=');
    return [name!, value ?? 'true'] as const;
  }),
);
const basePath = args.get('base');
const storePath = args.get('store');
if (!basePath || !storePath) throw new Error('--base=<tree> and --store=<folder> are required');
const passes = Number(args.get('passes') ?? 3);

type Decoders = Pick<typeof current, 'ChunkMarks' | 'Fences'>;
const base = (await import(join(basePath, 'src-main/ledger-node/store/posting-runs.ts'))) as Decoders;
const root = open({ path: storePath, readOnly: true, maxDbs: 32, noSubdir: false });
const runs = root.openDB<{ chunks: number; fences: Uint8Array; marks?: Uint8Array }, [number, number]>(
  'metadata-runs',
  {},
);

// The decoders' arrays are private: read through a structural view for the comparison only.
type Arrays = Record<string, Uint32Array>;
const same = (a: Arrays, b: Arrays, names: string[]) =>
  names.every((name) => a[name]!.length === b[name]!.length && a[name]!.every((v, i) => v === b[name]![i]));

const ms = { baseMarks: 0, newMarks: 0, baseFences: 0, newFences: 0 };
const timed = <T>(key: keyof typeof ms, make: () => T): T => {
  const started = performance.now();
  const made = make();
  ms[key] += performance.now() - started;
  return made;
};
let count = 0;
for (let pass = 0; pass < passes; pass++) {
  for (const key of runs.getKeys({})) {
    const header = runs.get(key)!;
    if (pass === 0) count++;
    const marks = header.marks;
    if (marks) {
      const old = timed('baseMarks', () => new base.ChunkMarks(marks, header.chunks));
      const fresh = timed('newMarks', () => new current.ChunkMarks(marks, header.chunks));
      if (!same(old as unknown as Arrays, fresh as unknown as Arrays, ['offsets', 'first']))
        throw new Error(`chunk marks differ in run ${key.join(':')}`);
    }
    const old = timed('baseFences', () => new base.Fences(header.fences));
    const fresh = timed('newFences', () => new current.Fences(header.fences));
    if (!same(old as unknown as Arrays, fresh as unknown as Arrays, ['starts', 'ends']))
      throw new Error(`fences differ in run ${key.join(':')}`);
  }
}
console.log(
  `${count} metadata runs × ${passes} passes, decoded arrays identical; ms: ` +
    Object.entries(ms)
      .map(([name, value]) => `${name} ${value.toFixed(0)}`)
      .join(', '),
);
await root.close();
