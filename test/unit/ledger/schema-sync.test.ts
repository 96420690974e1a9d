// The committed generated schema modules must be exactly what the generator makes from the vendored YAML.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSchemaModules, schemaDir } from '../../../scripts/generate-ledger-schema';

describe('vendored BigchainDB schemas', () => {
  it('generated modules are in sync with the YAML (run `npx tsx scripts/generate-ledger-schema.ts` if not)', () => {
    for (const { name, text } of generateSchemaModules()) {
      expect(readFileSync(join(schemaDir, name), 'utf8'), name).toBe(text);
    }
  });

  it('the YAML copies keep their license header', () => {
    for (const name of ['transaction_v2.0.yaml', 'transaction_create_v2.0.yaml', 'transaction_transfer_v2.0.yaml']) {
      expect(readFileSync(join(schemaDir, name), 'utf8')).toMatch(
        /^# Copyright © 2020 Interplanetary Database Association e\.V\.,\n# BigchainDB and IPDB software contributors\.\n# SPDX-License-Identifier: \(Apache-2\.0 AND CC-BY-4\.0\)/,
      );
    }
  });

  it('the generated validators compile nothing at runtime (no eval / new Function: CSP-safe)', () => {
    const code = readFileSync(join(schemaDir, 'validators.generated.ts'), 'utf8');
    expect(code).not.toMatch(/\beval\(|new Function|\bFunction\(|require\(|^import /m);
  });
});
