#!/usr/bin/env node
// Builds the installers of one variant: `node build/dist.mjs <workstation|kiosk> [--win] [--mac] [--linux]
// [--dir] [--unsigned]`. Without a platform flag it builds for the current OS (build each OS's installers on
// that OS: the native modules' prebuilt binaries are per platform). Run through `npm run dist` / `npm run dist:kiosk`.
import console from 'node:console';
import process from 'node:process';
import { build } from 'electron-builder';
import { DistConfigError, distOptions } from './dist-config.mjs';

const args = process.argv.slice(2);
const variant = args.find((arg) => !arg.startsWith('--')) ?? 'workstation';
const flags = new Set(args.filter((arg) => arg.startsWith('--')));
const known = new Set(['--win', '--mac', '--linux', '--dir', '--unsigned']);
const unknown = [...flags].filter((flag) => !known.has(flag));
if (unknown.length > 0) {
  console.error(`dist: unknown option(s) ${unknown.join(', ')}; expected ${[...known].join(' ')}`);
  process.exit(2);
}

const HOST_PLATFORM = { win32: 'win', darwin: 'mac', linux: 'linux' };
const requested = ['win', 'mac', 'linux'].filter((platform) => flags.has(`--${platform}`));
const platforms = requested.length > 0 ? requested : [HOST_PLATFORM[process.platform]].filter(Boolean);

let options;
try {
  options = distOptions(variant, process.env, { unsigned: flags.has('--unsigned'), platforms });
} catch (error) {
  if (error instanceof DistConfigError) {
    console.error(`dist: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
Object.assign(process.env, options.env);
for (const note of options.notes) console.log(`dist: ${note}`);

await build({
  config: { extends: options.configFile, ...options.overrides },
  publish: 'never', // IT copies release/<variant>/ to the update server; nothing is uploaded from here
  dir: flags.has('--dir'),
  ...(flags.has('--win') ? { win: [] } : {}),
  ...(flags.has('--mac') ? { mac: [] } : {}),
  ...(flags.has('--linux') ? { linux: [] } : {}),
});
// Installed apps accept update metadata only with its signature (docs/DEPLOYMENT.md §2).
console.log(
  `dist: before uploading, sign the update metadata: node build/sign-update.mjs sign ${variant} <output folder>`,
);
