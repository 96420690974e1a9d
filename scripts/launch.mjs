#!/usr/bin/env node
// `npm start` = build, then this: launch Electron on the built app (out/). Extra arguments go to the app, e.g.
// `npm start -- --kiosk` for the patient kiosk in development. Where no Electron binary exists it says so and fails.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mainEntry = path.join(root, 'out', 'main', 'main.js');

if (!existsSync(mainEntry)) {
  console.error(
    `launch: ${path.relative(root, mainEntry)} does not exist. Run "npm run build" first (npm start does).`,
  );
  process.exit(1);
}

const electron = findElectronBinary();
if ('missing' in electron) {
  console.error(
    [
      'launch: cannot start HealthChain: no Electron binary on this machine.',
      `  Why: ${electron.missing}.`,
      '  The app was built (out/), but it needs the Electron runtime to run. To get it:',
      '    cd node_modules/electron && node install.js        (downloads Electron 45 for this platform)',
      '  or point ELECTRON_OVERRIDE_DIST_PATH at a folder holding an unpacked Electron 45 build.',
      '  Without a display or Electron, the renderer can still be exercised through the test bridge: npm run test:e2e',
    ].join('\n'),
  );
  process.exit(1);
}

const child = spawn(electron.path, [root, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, ELECTRON_RUN_AS_NODE: undefined },
});
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
