// The main process imports the contract and must keep zod's compiled parsers (it has no CSP, and it parses every
// version it opens); the renderer and preload entries import zod-csp and must get the eval-free ones.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';

describe('zod parser mode', () => {
  it('importing the IPC contract leaves zod compiling; importing zod-csp switches it to eval-free', async () => {
    await import('./index');
    expect(z.config().jitless ?? false).toBe(false);
    await import('./zod-csp');
    expect(z.config().jitless).toBe(true);
  });

  it('the renderer and preload entries (and the test bridge’s stand-in preload) import zod-csp before anything else', () => {
    for (const entry of ['src-renderer/src/main.tsx', 'src-main/app/preload/index.ts', 'test/bridge/client-entry.ts']) {
      const firstImport = readFileSync(entry, 'utf8')
        .split('\n')
        .find((line) => line.startsWith('import '));
      expect(firstImport, entry).toMatch(/^import '(\.\.\/)+src-shared\/ipc\/zod-csp';$/);
    }
  });
});
