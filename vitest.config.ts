import { defineConfig } from 'vitest/config';

// Unit tests live beside the code they test; integration tests (real node, real keychain) live in test/integration.
export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: '.reports/vitest.json' }]],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // On CI only, a failed test runs once more: a loaded CI host can miss a timeout once. A test that passes on its
    // retry is listed by name as flaky in the CI summary (scripts/ci-summary.mjs); one that fails twice fails CI.
    retry: process.env.CI ? 1 : 0,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src-shared/**/*.test.ts', 'src-main/**/*.test.ts', 'test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'renderer',
          include: ['src-renderer/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/privacy/**/*.test.ts'],
          environment: 'node',
          // Integration suites share one keychain and start real nodes: run files one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
