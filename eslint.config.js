// Lint rules, among them the layering: which folder may import which folder and which class of npm dependency
// (allow-lists in .eslint/layers.js and .eslint/dependencies.js; see docs/ARCHITECTURE.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import layersPlugin from './.eslint/plugin.js';
import { layers, layeredRoots } from './.eslint/layers.js';
import { dependencyClasses } from './.eslint/dependencies.js';

// Browser/DOM globals that pure shared code must not touch (it also runs in Node).
const domGlobals = Object.keys(globals.browser).filter(
  (name) => !(name in globals.es2021) && !(name in globals['shared-node-browser']),
);

export default tseslint.config(
  {
    ignores: [
      'scratch/',
      'node_modules/',
      'out/',
      'dist/',
      'release/',
      '.reports/',
      'test-results/',
      'playwright-report/',
    ],
  },
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
    // Shipped code only: tests, fixtures and test doubles sit beside it but are not part of any layer.
    files: ['src-shared/**/*.{ts,tsx}', 'src-main/**/*.{ts,tsx,js,mjs}', 'src-renderer/**/*.{ts,tsx}'],
    ignores: ['**/*.test.{ts,tsx}', 'src-renderer/src/test/**'],
    plugins: { layers: layersPlugin },
    rules: { 'layers/imports': ['error', { layers, roots: layeredRoots, dependencyClasses }] },
  },
  {
    files: ['.eslint/dependencies.js'],
    plugins: { layers: layersPlugin },
    rules: { 'layers/classified-dependencies': ['error', { packageJson: 'package.json', dependencyClasses }] },
  },
  {
    files: ['src-shared/**/*.ts'],
    ignores: ['src-shared/**/*.test.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
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
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['src-main/**/*.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['test/**/*.{ts,tsx}', '**/*.test.{ts,tsx}', 'scripts/**', '*.config.{ts,js}', '.ci/**', '.eslint/**'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
