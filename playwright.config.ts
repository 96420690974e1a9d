import { randomBytes } from 'node:crypto';
import { defineConfig } from '@playwright/test';

// The e2e bridge (test/bridge) serves the built renderer and the real main-process handlers. Its per-run token is
// made here once; the worker processes inherit it through the environment.
process.env.HC_BRIDGE_TOKEN ??= randomBytes(24).toString('hex');
// Below Linux's ephemeral range (32768–60999): a default inside it was once taken by some other socket during CI.
process.env.HC_BRIDGE_PORT ??= '17311';
process.env.HC_BRIDGE_KIOSK_PORT ??= '17312';

// End-to-end tests drive the real renderer bundle in Debian's Chromium (no Electron binary on CI machines).
export default defineConfig({
  testDir: 'test/e2e',
  timeout: 60_000,
  workers: 1,
  reporter: [['list'], ['./test/e2e/skip-reason-reporter.ts'], ['json', { outputFile: '.reports/playwright.json' }]],
  webServer: {
    command: 'npm run build && npx tsx test/bridge/server.ts',
    url: `http://127.0.0.1:${process.env.HC_BRIDGE_PORT}/index.html`,
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  },
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
