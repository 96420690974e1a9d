// The main process's first module sets V8's flags for the whole process, and main.ts imports it before anything else.
// V8 accepts a code cache only from a process with the same flags, so a cache written after the module ran tells
// which flags the process compiled under (as test/integration/cli/bundle.test.ts does for the command line).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { INTERRUPT_BUDGET_FLAG } from './v8-tuning';

const run = promisify(execFile);
const here = import.meta.dirname;
const dir = mkdtempSync(join(tmpdir(), 'hc.v8-tuning-'));
const source = 'function add(a, b) { return a + b; } add(1, 2);';

/** Writes a code cache of `source` from a fresh process, after importing the module or not. */
async function cacheFrom(withModule: boolean, file: string): Promise<void> {
  const first = withModule ? `await import(${JSON.stringify(resolve(here, 'v8-tuning.ts'))});` : '';
  await run(process.execPath, [
    '--import',
    'tsx',
    '--input-type=module',
    '-e',
    `${first}
     const { Script } = await import('node:vm');
     const { writeFileSync } = await import('node:fs');
     writeFileSync(${JSON.stringify(file)}, new Script(${JSON.stringify(source)}, { filename: 'probe.js' }).createCachedData());`,
  ]);
}

/** Whether a process started with these V8 flags accepts the cache. */
async function acceptedBy(flags: string[], file: string): Promise<string> {
  const check = `
    const { Script } = require('node:vm');
    const cachedData = require('node:fs').readFileSync(${JSON.stringify(file)});
    process.stdout.write(new Script(${JSON.stringify(source)}, { filename: 'probe.js', cachedData }).cachedDataRejected ? 'rejected' : 'used');`;
  return (await run(process.execPath, [...flags, '-e', check])).stdout;
}

describe("the main process's V8 flags", { timeout: 60_000 }, () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are imported by main.ts before any other module', () => {
    const main = readFileSync(resolve(here, 'main.ts'), 'utf8');
    const firstImport = main.split('\n').find((line) => line.startsWith('import '));
    expect(firstImport).toBe("import './v8-tuning';");
  });

  it('are in force once the module has run: code compiled afterwards carries them', async () => {
    const tuned = join(dir, 'tuned.cache');
    const plain = join(dir, 'plain.cache');
    await Promise.all([cacheFrom(true, tuned), cacheFrom(false, plain)]);
    expect(await acceptedBy([INTERRUPT_BUDGET_FLAG], tuned)).toBe('used');
    expect(await acceptedBy([], tuned)).toBe('rejected');
    // The control: without the module, the process compiles under V8's defaults.
    expect(await acceptedBy([], plain)).toBe('used');
    expect(await acceptedBy([INTERRUPT_BUDGET_FLAG], plain)).toBe('rejected');
  });
});
