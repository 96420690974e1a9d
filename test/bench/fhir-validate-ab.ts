// CPU of the FHIR validation worker's job, fhirStructureErrors(JSON.parse(text)) of one import bundle, this tree
// against a base tree, alternated bundle by bundle in one process (docs/BENCHMARKS.md "helper fhirinv16"). Each tree
// loads its own @medplum/core (its own node_modules), so each keeps its own definitions and caches. The bundles are
// those `npm run bench -- cli-import` writes (chartToFhir of the sample chart); `--unique` gives each bundle's entries
// their own fullUrl and id, as bundles from a real export would have.
//   npx tsx test/bench/fhir-validate-ab.ts --base=/work/wt/<base> [--bundles=200] [--batches=9] [--unique]
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { cpuUsage } from 'node:process';
import { randomUUID } from 'node:crypto';
import { chartToFhir } from '../../src-shared/records/fhir';
import { sampleChart } from '../fixtures/sample-chart';
import { printBatches, type AbFigures } from './ab-figures';

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const count = Number(arg('bundles', '200'));
const batches = Number(arg('batches', '9'));
const unique = process.argv.includes('--unique');

type Validate = (input: unknown) => unknown[];

function bundleText(i: number): string {
  const bundle = chartToFhir({ chartId: `c${i}`, chart: sampleChart(`Imported ${i}`), versions: [] }) as {
    entry: { fullUrl: string; resource: { id: string } }[];
  };
  if (unique) {
    for (const entry of bundle.entry) {
      entry.resource.id = randomUUID();
      entry.fullUrl = `urn:uuid:${entry.resource.id}`;
    }
  }
  return JSON.stringify(bundle);
}

async function main() {
  const base = arg('base', '');
  if (!base) throw new Error('--base=<a worktree of the base commit> is required');
  const load = async (root: string) =>
    (await import(resolve(root, 'src-main/records/fhir-validation.ts'))) as { fhirStructureErrors: Validate };
  const sides = {
    base: (await load(base)).fhirStructureErrors,
    branch: (await load(resolve(import.meta.dirname, '../..'))).fhirStructureErrors,
  };
  // Definitions indexed and code warmed before timing, as the worker's warm-up does.
  for (const side of ['base', 'branch'] as const)
    for (let i = 0; i < 20; i++) if (sides[side](JSON.parse(bundleText(-1 - i))).length) throw new Error('refused');
  const figures: AbFigures = { base: [], branch: [] };
  let n = 0;
  for (let b = 0; b < batches; b++) {
    const sum = { base: 0, branch: 0 };
    for (let i = 0; i < count; i++) {
      const text = bundleText(n++);
      const order = (b + i) % 2 === 0 ? (['base', 'branch'] as const) : (['branch', 'base'] as const);
      for (const side of order) {
        const start = cpuUsage();
        const errors = sides[side](JSON.parse(text));
        const used = cpuUsage(start);
        if (errors.length) throw new Error(`${side} refused a bundle`);
        sum[side] += used.user + used.system;
      }
    }
    for (const side of ['base', 'branch'] as const) figures[side].push(sum[side] / count);
  }
  console.log(
    `${count} bundles a batch${unique ? ' (unique fullUrls)' : ''}, ${batches} batches; load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  printBatches(figures, 'bundle');
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
