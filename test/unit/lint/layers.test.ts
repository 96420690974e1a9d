// Proves the layer rules in eslint.config.js fire: each case is a file that breaks (or keeps) a rule,
// linted as if it lived at the given path in the tree. The allow-lists are .eslint/layers.js and
// .eslint/dependencies.js; the rules are the local plugin in .eslint/rules.
import { describe, it, expect } from 'vitest';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const eslint = new ESLint({ cwd: process.cwd() });
const LAYER_RULES = new Set([
  'no-restricted-imports',
  'no-restricted-globals',
  'layers/imports',
  'layers/classified-dependencies',
]);

async function restrictedFindings(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId !== null && LAYER_RULES.has(m.ruleId)).map((m) => m.message);
}

describe('layer rules', () => {
  const cases: { name: string; path: string; code: string; expect: RegExp }[] = [
    {
      name: 'src-shared importing a Node built-in',
      path: 'src-shared/ledger/bad.ts',
      code: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
      expect: /no Node built-ins/,
    },
    {
      name: 'src-shared importing a bare Node built-in',
      path: 'src-shared/ledger/bad.ts',
      code: "import { createHash } from 'crypto';\nexport const x = createHash;\n",
      expect: /no Node built-ins/,
    },
    {
      name: 'src-shared importing Electron',
      path: 'src-shared/ipc/bad.ts',
      code: "import { app } from 'electron';\nexport const x = app;\n",
      expect: /must not import Electron/,
    },
    {
      name: 'src-shared importing src-main',
      path: 'src-shared/records/bad.ts',
      code: "import { x } from '../../src-main/vault/vault';\nexport const y = x;\n",
      expect: /imports neither src-main nor src-renderer/,
    },
    {
      name: 'src-shared importing src-renderer',
      path: 'src-shared/records/bad.ts',
      code: "import { x } from '../../src-renderer/src/app';\nexport const y = x;\n",
      expect: /imports neither src-main nor src-renderer/,
    },
    {
      name: 'src-shared using the DOM',
      path: 'src-shared/crypto/bad.ts',
      code: 'export const title = document.title;\n',
      expect: /must not use DOM APIs/,
    },
    {
      name: 'src-shared using window',
      path: 'src-shared/crypto/bad.ts',
      code: 'export const w = window.location;\n',
      expect: /must not use DOM APIs/,
    },
    {
      name: 'src-shared using Buffer',
      path: 'src-shared/crypto/bad.ts',
      code: "export const b = Buffer.from('x');\n",
      expect: /Node globals/,
    },
    {
      name: 'src-shared using process',
      path: 'src-shared/crypto/bad.ts',
      code: 'export const e = process.env;\n',
      expect: /Node globals/,
    },
    {
      name: 'src-renderer importing src-main',
      path: 'src-renderer/src/bad.ts',
      code: "import { x } from '../../src-main/vault/vault';\nexport const y = x;\n",
      expect: /never imports src-main/,
    },
    {
      name: 'src-renderer importing a Node built-in',
      path: 'src-renderer/src/bad.ts',
      code: "import fs from 'node:fs';\nexport const y = fs;\n",
      expect: /sandboxed/,
    },
    {
      name: 'src-renderer importing Electron',
      path: 'src-renderer/src/bad.ts',
      code: "import { ipcRenderer } from 'electron';\nexport const y = ipcRenderer;\n",
      expect: /window\.healthchain/,
    },
    {
      name: 'src-main importing src-renderer',
      path: 'src-main/app/bad.ts',
      code: "import { x } from '../../src-renderer/src/app';\nexport const y = x;\n",
      expect: /never imports src-renderer/,
    },

    // Dependencies by class: src-shared takes only `anywhere` ones, the renderer no `node` ones.
    ...['sodium-native', 'keytar', 'undici'].map((dep) => ({
      name: `src-shared importing ${dep}`,
      path: 'src-shared/crypto/bad.ts',
      code: `import x from '${dep}';\nexport const y = x;\n`,
      expect: new RegExp(`'${dep}' \\(a dependency classed node\\).*no Node built-ins or Node-only packages`),
    })),
    ...['zustand', 'react', 'lucide-react'].map((dep) => ({
      name: `src-shared importing ${dep}`,
      path: 'src-shared/records/bad.ts',
      code: `import x from '${dep}';\nexport const y = x;\n`,
      expect: new RegExp(`'${dep}' \\(a dependency classed dom\\).*must not import UI code`),
    })),
    {
      name: 'src-shared importing a type from a Node-only package',
      path: 'src-shared/ipc/bad.ts',
      code: "import type { Dispatcher } from 'undici';\nexport type D = Dispatcher;\n",
      expect: /'undici' \(a dependency classed node\)/,
    },
    ...['keytar', 'undici', 'lmdb'].map((dep) => ({
      name: `src-renderer importing ${dep}`,
      path: 'src-renderer/src/bad.ts',
      code: `import x from '${dep}';\nexport const y = x;\n`,
      expect: new RegExp(`'${dep}' \\(a dependency classed node\\).*sandboxed`),
    })),
    {
      name: 'src-renderer importing electron-updater',
      path: 'src-renderer/src/bad.ts',
      code: "import { autoUpdater } from 'electron-updater';\nexport const y = autoUpdater;\n",
      expect: /'electron-updater' \(a dependency classed electron\)/,
    },
    {
      name: 'src-renderer importing SeedKeyHolder',
      path: 'src-renderer/src/screens/bad.ts',
      code: "import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';\nexport const y = SeedKeyHolder;\n",
      expect: /never imports src-main/,
    },
    {
      name: 'src-main importing a DOM package',
      path: 'src-main/records/bad.ts',
      code: "import { create } from 'zustand';\nexport const y = create;\n",
      expect: /'zustand' \(a dependency classed dom\)/,
    },
    {
      name: 'an unclassified npm package',
      path: 'src-main/ledger/bad.ts',
      code: "import pad from 'left-pad';\nexport const y = pad;\n",
      expect: /'left-pad' is not classified/,
    },
    {
      name: 'an unclassified package in a dynamic import',
      path: 'src-renderer/src/bad.ts',
      code: "export const y = import('left-pad');\n",
      expect: /'left-pad' is not classified/,
    },
    {
      name: 'a file in no declared layer',
      path: 'src-main/newfolder/bad.ts',
      code: 'export const y = 1;\n',
      expect: /src-main\/newfolder\/bad\.ts is in no declared layer/,
    },

    // The preload bridges the IPC contract: electron and src-shared/ipc, nothing else.
    {
      name: 'the preload importing the vault',
      path: 'src-main/app/preload/bad.ts',
      code: "import { x } from '../../vault';\nexport const y = x;\n",
      expect: /src-main\/app\/preload may not import '\.\.\/\.\.\/vault'.*only bridges the IPC contract/,
    },
    {
      name: 'the preload importing app code',
      path: 'src-main/app/preload/bad.ts',
      code: "import { x } from '../window';\nexport const y = x;\n",
      expect: /may import only src-main\/app\/preload, src-shared\/ipc/,
    },
    {
      name: 'the preload importing src-shared/records',
      path: 'src-main/app/preload/bad.ts',
      code: "import { x } from '../../../src-shared/records';\nexport const y = x;\n",
      expect: /may import only src-main\/app\/preload, src-shared\/ipc/,
    },
    {
      name: 'the preload importing a Node built-in',
      path: 'src-main/app/preload/bad.ts',
      code: "import fs from 'node:fs';\nexport const y = fs;\n",
      expect: /only electron/,
    },
    {
      name: 'the preload importing an npm package',
      path: 'src-main/app/preload/bad.ts',
      code: "import { z } from 'zod';\nexport const y = z;\n",
      expect: /'zod' \(a dependency classed anywhere\): it may import only dependencies classed electron/,
    },

    // The ledger node is its own program: no Electron, nothing of the app.
    {
      name: 'the ledger node importing Electron',
      path: 'src-main/ledger-node/bad.ts',
      code: "import { app } from 'electron';\nexport const y = app;\n",
      expect: /runs without Electron/,
    },
    {
      name: 'the ledger node importing a type from Electron',
      path: 'src-main/ledger-node/http/bad.ts',
      code: "import type { App } from 'electron';\nexport type A = App;\n",
      expect: /runs without Electron/,
    },
    ...['app/core', 'ipc/registry', 'records/chart-service', 'ledger/outbox', 'vault', 'settings'].map((target) => ({
      name: `the ledger node importing ${target}`,
      path: 'src-main/ledger-node/store/bad.ts',
      code: `import { x } from '../../${target}';\nexport const y = x;\n`,
      expect: /imports nothing of the app/,
    })),

    // The order inside src-main: app → ipc → records → ledger/vault/settings → crypto/fs.
    ...(
      [
        ['ipc', 'app/protocol'],
        ['records', 'ipc/registry'],
        ['records', 'app/core'],
        ['ledger', 'records/chart-loader'],
        ['vault', 'records/practitioners'],
        ['settings', 'ipc/registry'],
        ['ledger', 'vault'],
        ['vault', 'settings'],
        ['settings', 'ledger/outbox'],
        ['crypto', 'vault'],
        ['crypto', 'fs/sync-directory'],
        ['fs', 'crypto/sodium'],
        ['ledger', 'ledger-node/node'],
        ['cli', 'app/core'],
        ['cli', 'ipc/registry'],
      ] as const
    ).map(([from, target]) => ({
      name: `src-main/${from} importing src-main/${target}`,
      path: `src-main/${from}/bad.ts`,
      code: `import { x } from '../${target}';\nexport const y = x;\n`,
      expect: new RegExp(`src-main/${from} may not import .*A lower layer never imports a higher one`),
    })),

    // Inside src-shared each part stands alone, except the contract building on the chart model.
    {
      name: 'src-shared/ledger importing src-shared/records',
      path: 'src-shared/ledger/bad.ts',
      code: "import { x } from '../records';\nexport const y = x;\n",
      expect: /transaction core stands alone/,
    },
    {
      name: 'src-shared/records importing src-shared/ipc',
      path: 'src-shared/records/bad.ts',
      code: "import { x } from '../ipc';\nexport const y = x;\n",
      expect: /chart model stands alone/,
    },
  ];

  for (const c of cases) {
    it(`rejects ${c.name}`, async () => {
      const found = await restrictedFindings(c.path, c.code);
      expect(
        found.some((m) => c.expect.test(m)),
        `findings: ${JSON.stringify(found)}`,
      ).toBe(true);
    });
  }

  it('accepts what each layer may do', async () => {
    expect(
      await restrictedFindings(
        'src-shared/ledger/ok.ts',
        "import { sha3_256 } from '@noble/hashes/sha3.js';\nexport const h = sha3_256(new Uint8Array(1));\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedFindings(
        'src-main/vault/ok.ts',
        "import { readFileSync } from 'node:fs';\nimport { x } from '../../src-shared/ledger/index';\nexport const y = [readFileSync, x];\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedFindings(
        'src-renderer/src/ok.ts',
        "import { x } from '../../src-shared/records/index';\nexport const y = [x, document.title];\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedFindings(
        'src-renderer/src/ok.tsx',
        "import { create } from 'zustand';\nimport { Tabs } from '@radix-ui/react-tabs';\nexport const y = [create, Tabs];\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedFindings(
        'src-main/app/preload/ok.ts',
        "import { ipcRenderer } from 'electron';\nimport { x } from '../../../src-shared/ipc';\nexport const y = [ipcRenderer, x];\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedFindings(
        'src-main/ledger-node/ok.ts',
        "import { open } from 'lmdb';\nimport { x } from '../crypto/ledger-crypto';\nimport { y } from '../../src-shared/ledger';\nexport const z = [open, x, y];\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedFindings(
        'src-main/app/ok.ts',
        "import { app } from 'electron';\nimport { a } from '../ipc/registry';\nimport { b } from '../records/chart-service';\nimport { c } from '../ledger/outbox';\nimport { d } from '../crypto/sodium';\nexport const y = [app, a, b, c, d];\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedFindings(
        'src-main/records/ok.ts',
        "import { a } from '../ledger/outbox';\nimport { b } from '../vault';\nimport { c } from '../settings';\nimport { d } from '../fs/sync-directory';\nexport const y = [a, b, c, d];\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedFindings(
        'src-shared/ipc/ok.ts',
        "import { x } from '../records';\nimport { z } from 'zod';\nexport const y = [x, z];\n",
      ),
    ).toEqual([]);
  });

  it('leaves tests beside the code out of the layers', async () => {
    expect(
      await restrictedFindings(
        'src-shared/crypto/some.test.ts',
        "import { readFileSync } from 'node:fs';\nimport { it } from 'vitest';\nexport const y = [readFileSync, it];\n",
      ),
    ).toEqual([]);
  });
});

describe('dependency classification', () => {
  // The rule reads the table from its options, as eslint.config.js wires it; here it is given a package.json with a
  // dependency the table does not know.
  async function classificationFindings(
    packageJson: string,
    dependencyClasses: Record<string, string>,
  ): Promise<string[]> {
    const checker = new ESLint({
      cwd: process.cwd(),
      overrideConfig: { rules: { 'layers/classified-dependencies': ['error', { packageJson, dependencyClasses }] } },
    });
    const [result] = await checker.lintText('export const dependencyClasses = {};\n', {
      filePath: '.eslint/dependencies.js',
    });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'layers/classified-dependencies').map((m) => m.message);
  }

  it('fails lint for a dependency in package.json with no class, and for a class with no dependency', async () => {
    const found = await classificationFindings('test/unit/lint/fixtures/package-with-unclassified.json', {
      zod: 'anywhere',
      vitest: 'node',
      react: 'dom',
    });
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(
      /'left-pad' \(dependencies in test\/unit\/lint\/fixtures\/package-with-unclassified\.json\) is not classified/,
    );
    expect(found[1]).toMatch(/'react' is classified here but is not a dependency/);
  });

  it('passes for the real package.json and table', async () => {
    const [result] = await eslint.lintFiles(['.eslint/dependencies.js']);
    expect(result?.messages).toEqual([]);
  });
});

describe('the real tree', () => {
  it('keeps every layer rule', { timeout: 120_000 }, async () => {
    // The layer rules exactly as eslint.config.js configures them, without the rest of the lint (much faster).
    const configured = (await eslint.calculateConfigForFile('src-main/app/core.ts')) as Linter.Config;
    const imports = configured.rules?.['layers/imports'];
    expect(Array.isArray(imports) && imports[0]).toBe(2);
    const layersOnly = new ESLint({
      cwd: process.cwd(),
      overrideConfigFile: true,
      overrideConfig: [
        {
          files: ['src-shared/**/*.{ts,tsx}', 'src-main/**/*.{ts,tsx,js,mjs}', 'src-renderer/**/*.{ts,tsx}'],
          ignores: ['**/*.test.{ts,tsx}', 'src-renderer/src/test/**'],
          languageOptions: { parser: tseslint.parser },
          linterOptions: { reportUnusedDisableDirectives: 'off' },
          plugins: { layers: configured.plugins!['layers']! },
          rules: { 'layers/imports': imports! },
        },
      ],
    });
    const results = await layersOnly.lintFiles(['src-shared', 'src-main', 'src-renderer']);
    expect(results.length).toBeGreaterThan(200);
    const problems = results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line} ${m.message}`));
    expect(problems).toEqual([]);
  });
});
