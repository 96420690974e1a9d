import { defineConfig } from '@playwright/test';
export default defineConfig({
  testDir: '/work/main/test/e2e',
  timeout: 90_000,
  workers: 1,
  reporter: [['list']],
  use: { launchOptions: { executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] } },
});
