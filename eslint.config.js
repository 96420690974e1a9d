// Lint rules that enforce which runtime layer may import which (see DESIGN.md §3).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

// Browser/DOM globals that pure shared code must not touch (it also runs in Node).
const domGlobals = Object.keys(globals.browser).filter((name) => !(name in globals.es2021) && !(name in globals['shared-node-browser']));

export default tseslint.config(
  { ignores: ['scratch/', 'node_modules/', 'out/', 'dist/', 'release/', '.reports/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    ignores: ['src-shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          ...nodeBuiltins.map((name) => ({ name, message: 'src-shared is pure TypeScript: no Node built-ins.' })),
          { name: 'electron', message: 'src-shared must not import Electron.' },
          { name: 'react', message: 'src-shared must not import UI code.' },
        ],
        patterns: [
          { group: ['**/src-main/**', '**/src-renderer/**'], message: 'src-shared imports neither src-main nor src-renderer.' },
          { group: ['electron/*', 'keytar', 'lmdb', 'ws', 'bigchaindb-driver'], message: 'src-shared must not import Node/Electron-only packages.' },
        ],
      }],
      'no-restricted-globals': ['error',
        ...domGlobals.map((name) => ({ name, message: 'src-shared must not use DOM APIs.' })),
        { name: 'process', message: 'src-shared must not use Node globals.' },
        { name: 'Buffer', message: 'src-shared must not use Node globals (use Uint8Array).' },
        { name: 'require', message: 'src-shared must not use Node globals.' },
        { name: '__dirname', message: 'src-shared must not use Node globals.' },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', {
        paths: [
          ...nodeBuiltins.map((name) => ({ name, message: 'The renderer is sandboxed: no Node built-ins.' })),
          { name: 'electron', message: 'The renderer talks to main only through window.healthchain.' },
        ],
        patterns: [{ group: ['**/src-main/**'], message: 'src-renderer never imports src-main.' }],
      }],
    },
  },
  {
    files: ['src-main/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/src-renderer/**'], message: 'src-main never imports src-renderer.' }],
      }],
    },
  },
  {
    files: ['test/**/*.{ts,tsx}', '**/*.test.{ts,tsx}', 'scripts/**', '*.config.{ts,js}', '.ci/**'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
