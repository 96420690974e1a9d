// The CLI bundle's entry, copied to out/cli/index.js by scripts/build-cli.mjs: runs cli.cjs (the whole command line,
// one CommonJS file beside this one) through V8's code cache. Node 20 has no module compile cache
// (`module.enableCompileCache` is Node 22), so compiling the bundle's functions again would be part of every start;
// here they are compiled once and later runs load them from cli.cjs.cache (start-up: docs/BENCHMARKS.md).
// The cache is V8's own data for this very file (V8 checks its version, flags and the source, and rejects a cache that
// does not match: then the code is compiled as usual and the cache written again). It is written after a run, so it
// holds every function that run compiled, not only the top level (what `produceCachedData` or v8-compile-cache keep,
// and a bundle's modules are all functions). Only a command writes it: `--version` and `--help` load almost nothing.
// It lives beside the bundle, so it has the bundle's trust; where that folder is read-only, nothing is cached.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const bundle = fileURLToPath(new URL('./cli.cjs', import.meta.url));
const cacheFile = `${bundle}.cache`;

let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined; // none yet
}
// esbuild writes ASCII only (its default charset), so latin1 reads the same text without decoding UTF-8.
const source = readFileSync(bundle, 'latin1');
// Node's own CommonJS wrapper, on the bundle's first line so its line numbers (and source map) stay right.
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: bundle,
  cachedData,
});

// For tests and benchmarks: whether this run's code came from the cache (a rejected cache costs only time, unseen).
if (process.env.HC_CLI_CODE_CACHE === 'report')
  process.stderr.write(
    `healthchain: code cache ${cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used'}\n`,
  );

const light = process.argv.length <= 2 || process.argv.some((a) => ['--version', '-V', '--help', '-h'].includes(a));
if ((cachedData === undefined || script.cachedDataRejected) && !light) {
  process.once('exit', () => {
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, script.createCachedData());
      renameSync(temporary, cacheFile); // whole or not at all, also with two commands running at once
    } catch {
      rmSync(temporary, { force: true }); // a read-only install: the next run compiles as this one did
    }
  });
}

const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
