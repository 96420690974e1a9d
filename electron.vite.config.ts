// Builds the three parts of the app into out/: main (the app entry, the embedded ledger node's process entry and the
// verification worker thread's entry),
// the preload (one self-contained CommonJS file: a sandboxed preload can require nothing but 'electron'), and the
// renderer (src-renderer/index.html).
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { withMetaCsp } from './src-main/app/csp';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      // Native modules (keytar, lmdb) and CommonJS packages load from node_modules at run time.
      externalizeDeps: true,
      sourcemap: true,
      rollupOptions: {
        input: {
          main: resolve(root, 'src-main/app/main.ts'),
          'ledger-node': resolve(root, 'src-main/ledger-node/process-entry.ts'),
          'verify-worker': resolve(root, 'src-main/records/verify-worker-v3.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      externalizeDeps: false,
      isolatedEntries: true,
      rollupOptions: {
        input: { preload: resolve(root, 'src-main/app/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    base: './',
    // The page's CSP meta comes from the header policy (src-main/app/csp.ts): one source, never two.
    plugins: [react(), { name: 'healthchain-csp', transformIndexHtml: (html: string) => withMetaCsp(html) }],
    build: {
      outDir: resolve(root, 'out/renderer'),
      // No inline <script> or data: modules: the CSP allows scripts from our origin only.
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      rollupOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
  },
});
