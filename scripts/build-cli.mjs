// Bundles the command line (src-main/cli) into out/cli/ with esbuild, so `npm run cli` starts without transpiling
// TypeScript at run time: index.js, its lazily loaded commands as chunks, and the verification worker's entry.
// Native addons (keytar, sodium-native, lmdb and lmdb's msgpackr-extract) stay in node_modules. The inputs esbuild
// read are listed in out/cli/inputs.json, so scripts/cli.mjs can tell when the bundle is stale.
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
export const outDir = resolve(root, 'out/cli');
export const inputsFile = resolve(outDir, 'inputs.json');

export async function buildCli() {
  const { build } = await import('esbuild');
  rmSync(outDir, { recursive: true, force: true }); // chunk names change with their content: no stale ones left
  const result = await build({
    absWorkingDir: root,
    entryPoints: {
      index: 'src-main/cli/index.ts',
      'verify-worker': 'src-main/ledger/verify-worker.ts',
    },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    sourcemap: 'linked',
    minify: process.env.HC_CLI_MINIFY !== '0',
    metafile: true,
    logLevel: 'warning',
    plugins: [
      {
        name: 'undici-pool-only',
        setup: (b) => b.onResolve({ filter: /^undici$/ }, () => ({ path: resolve(root, 'scripts/cli-undici.mjs') })),
      },
    ],
    external: ['keytar', 'sodium-native', 'lmdb', 'msgpackr-extract', 'electron'],
    // Bundled CommonJS packages (qrcode, …) call require() for Node built-ins: give the ESM output one.
    banner: {
      js: "import { createRequire as __hcRequire } from 'node:module'; const require = __hcRequire(import.meta.url);",
    },
  });
  const inputs = Object.keys(result.metafile.inputs).map((p) => resolve(root, p));
  writeFileSync(inputsFile, JSON.stringify({ builtAt: Date.now(), inputs }));
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
