// The CLI bundle's entry, copied to out/cli/index.js by scripts/build-cli.mjs. It runs cli.cjs (src-main/cli/index.ts
// with argument parsing and help), which loads commands.cjs (everything a command needs) for a command: both
// CommonJS files beside this one, each through V8's code cache. Node 20 has no module compile cache
// (`module.enableCompileCache` is Node 22), so compiling the bundle's functions again would be part of every start;
// here they are compiled once and later runs load them from <file>.cache (start-up: docs/BENCHMARKS.md).
// A cache is V8's own data for that very file (V8 checks its version, flags and the source, and rejects a cache that
// does not match: the code is then compiled as usual and the cache written again). It is written when the process
// exits, so it holds every function the run compiled, not only the top level (all `produceCachedData` or
// v8-compile-cache keep, and a bundle's modules are all functions). It lives beside the bundle, with the bundle's
// trust; where that folder is read-only, nothing is cached and every run compiles.
// A worker thread of the CLI runs this file too, with the bundle file it runs in its workerData (`cliBundle`): the
// embedded ledger node's thread (src-main/cli/node-thread.ts) loads ledger-node.cjs through its own cache alike.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { isMainThread, workerData } from 'node:worker_threads';

// A command runs for seconds, so V8's optimising compiler (on background threads) costs more than it saves on code
// that runs hot only briefly: in a profile of a 1,000-bundle import it was ~35 % of the process's CPU. A larger
// interrupt budget lets a function run longer before it is considered for optimisation, so fewer functions are
// compiled twice (docs/BENCHMARKS.md, helper import16h). Set before any code is compiled: V8's flags are part of
// the code cache's check, and the workers share the process's flags.
if (isMainThread) setFlagsFromString('--interrupt-budget=270336');

const here = dirname(fileURLToPath(import.meta.url));
/** The bundle's own files, beside this one: run through the cache. */
const BUNDLE_FILE = /^[\w-]+\.cjs$/;
const loaded = new Map();

function writeCache(script, cacheFile) {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, cacheFile); // whole or not at all, also with two commands running at once
  } catch {
    rmSync(temporary, { force: true }); // a read-only install: the next run compiles as this one did
  }
}

/** Runs a bundle file beside this one once, as Node runs a CommonJS module, and answers its exports. */
function load(name) {
  if (loaded.has(name)) return loaded.get(name).exports;
  const file = join(here, name);
  const cacheFile = `${file}.cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined; // none yet
  }
  // esbuild writes ASCII only (its default charset), so latin1 reads the same text without decoding UTF-8.
  const source = readFileSync(file, 'latin1');
  // Node's own CommonJS wrapper, on the file's first line so its line numbers (and source map) stay right.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  // For tests and benchmarks: whether the code came from the cache (a rejected cache costs only time, unseen).
  if (process.env.HC_CLI_CODE_CACHE === 'report') {
    const state = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
    process.stderr.write(`healthchain: code cache of ${name} ${state}\n`);
  }
  if (cachedData === undefined || script.cachedDataRejected) process.once('exit', () => writeCache(script, cacheFile));
  const module = { exports: {} };
  loaded.set(name, module);
  const nodeRequire = createRequire(file);
  // The other bundle file comes through here too, so it is cached alike; everything else is Node's require.
  const require = Object.assign(
    (id) => (id.startsWith('./') && BUNDLE_FILE.test(id.slice(2)) ? load(id.slice(2)) : nodeRequire(id)),
    nodeRequire,
  );
  script.runInThisContext()(module.exports, require, module, file, here);
  return module.exports;
}

const workerBundle = isMainThread ? null : workerData?.cliBundle;
if (workerBundle !== null && !(typeof workerBundle === 'string' && BUNDLE_FILE.test(workerBundle)))
  throw new Error(`not a bundle file of the command line: ${workerBundle}`);
load(workerBundle ?? 'cli.cjs');
