// The generated (ajv) validator decides; the explainer words the error. They must never disagree on validity.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import vectorsFile from '../../../test/fixtures/bigchaindb/test-vectors.json';
import { explainSchemaError } from './explain';
import { createSchema, transactionSchema, transferSchema } from './schemas.generated';
import { validateCreate, validateTransaction, validateTransfer } from './validators.generated';

type Node = Record<string, unknown> | unknown[];
const samples = Object.values(vectorsFile.vectors).map((v) => v.transaction);

function containers(value: unknown, out: Node[] = []): Node[] {
  if (typeof value === 'object' && value !== null) {
    out.push(value as Node);
    for (const v of Object.values(value)) containers(v, out);
  }
  return out;
}

const interesting = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    '2.0',
    'CREATE',
    'TRANSFER',
    'ed25519-sha-256',
    'threshold-sha-256',
    '5',
    '0',
    'a'.repeat(64),
    -1,
    0,
    1,
    101,
    1.5,
    null,
    {},
    [],
  ),
);

describe('schema explainer', () => {
  it('agrees with the generated validators on random mutations of real transactions', () => {
    fc.assert(
      fc.property(
        fc.nat(samples.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(2), interesting), { minLength: 1, maxLength: 3 }),
        (which, edits) => {
          const tx = JSON.parse(JSON.stringify(samples[which])) as Record<string, unknown>;
          for (const [pickNode, pickKey, action, shared] of edits) {
            const value: unknown = JSON.parse(JSON.stringify(shared)); // fresh copy: constants are shared between runs
            const nodes = containers(tx);
            const node = nodes[pickNode % nodes.length]!;
            const keys = Object.keys(node);
            const k = keys.length ? keys[pickKey % keys.length]! : 'extra';
            if (action === 0 && !Array.isArray(node)) delete node[k];
            else if (action === 1 && !Array.isArray(node)) node[`${k}_x`] = value;
            else (node as Record<string, unknown>)[k] = value;
          }
          expect(validateTransaction(tx)).toBe(explainSchemaError(tx, transactionSchema) === null);
          if (validateTransaction(tx)) {
            const transfer = tx.operation === 'TRANSFER';
            expect((transfer ? validateTransfer : validateCreate)(tx)).toBe(
              explainSchemaError(tx, transfer ? transferSchema : createSchema) === null,
            );
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('passes the valid vectors', () => {
    for (const tx of samples) expect(explainSchemaError(tx, transactionSchema)).toBeNull();
  });
});
