// Proves the layer rules in eslint.config.js fire: each case is a file that breaks (or keeps) a rule,
// linted as if it lived at the given path in the tree.
import { describe, it, expect } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedFindings(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals')
    .map((m) => m.message);
}

describe('layer rules', () => {
  const cases: { name: string; path: string; code: string; expect: RegExp }[] = [
    { name: 'src-shared importing a Node built-in', path: 'src-shared/ledger/bad.ts', code: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", expect: /no Node built-ins/ },
    { name: 'src-shared importing a bare Node built-in', path: 'src-shared/ledger/bad.ts', code: "import { createHash } from 'crypto';\nexport const x = createHash;\n", expect: /no Node built-ins/ },
    { name: 'src-shared importing Electron', path: 'src-shared/ipc/bad.ts', code: "import { app } from 'electron';\nexport const x = app;\n", expect: /must not import Electron/ },
    { name: 'src-shared importing src-main', path: 'src-shared/records/bad.ts', code: "import { x } from '../../src-main/vault/vault';\nexport const y = x;\n", expect: /imports neither src-main nor src-renderer/ },
    { name: 'src-shared importing src-renderer', path: 'src-shared/records/bad.ts', code: "import { x } from '../../src-renderer/src/app';\nexport const y = x;\n", expect: /imports neither src-main nor src-renderer/ },
    { name: 'src-shared using the DOM', path: 'src-shared/crypto/bad.ts', code: 'export const title = document.title;\n', expect: /must not use DOM APIs/ },
    { name: 'src-shared using window', path: 'src-shared/crypto/bad.ts', code: 'export const w = window.location;\n', expect: /must not use DOM APIs/ },
    { name: 'src-shared using Buffer', path: 'src-shared/crypto/bad.ts', code: "export const b = Buffer.from('x');\n", expect: /Node globals/ },
    { name: 'src-shared using process', path: 'src-shared/crypto/bad.ts', code: 'export const e = process.env;\n', expect: /Node globals/ },
    { name: 'src-renderer importing src-main', path: 'src-renderer/src/bad.ts', code: "import { x } from '../../src-main/vault/vault';\nexport const y = x;\n", expect: /never imports src-main/ },
    { name: 'src-renderer importing a Node built-in', path: 'src-renderer/src/bad.ts', code: "import fs from 'node:fs';\nexport const y = fs;\n", expect: /sandboxed/ },
    { name: 'src-renderer importing Electron', path: 'src-renderer/src/bad.ts', code: "import { ipcRenderer } from 'electron';\nexport const y = ipcRenderer;\n", expect: /window\.healthchain/ },
    { name: 'src-main importing src-renderer', path: 'src-main/app/bad.ts', code: "import { x } from '../../src-renderer/src/app';\nexport const y = x;\n", expect: /never imports src-renderer/ },
  ];

  for (const c of cases) {
    it(`rejects ${c.name}`, async () => {
      const found = await restrictedFindings(c.path, c.code);
      expect(found.some((m) => c.expect.test(m)), `findings: ${JSON.stringify(found)}`).toBe(true);
    });
  }

  it('accepts what each layer may do', async () => {
    expect(await restrictedFindings('src-shared/ledger/ok.ts', "import { sha3_256 } from '@noble/hashes/sha3.js';\nexport const h = sha3_256(new Uint8Array(1));\n")).toEqual([]);
    expect(await restrictedFindings('src-main/vault/ok.ts', "import { readFileSync } from 'node:fs';\nimport { x } from '../../src-shared/ledger/index';\nexport const y = [readFileSync, x];\n")).toEqual([]);
    expect(await restrictedFindings('src-renderer/src/ok.ts', "import { x } from '../../src-shared/records/index';\nexport const y = [x, document.title];\n")).toEqual([]);
  });
});
