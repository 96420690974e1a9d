// The validator's verdicts after the CPU work of issue #15 (docs/BENCHMARKS.md "helper valid15e"): remembered
// conditions (src-shared/ledger/conditions.ts), one-allocation DER writing (der.ts) and one-shot native hashes
// (ledger-crypto.ts) must answer exactly what the code before them answered. The code before them is kept as an
// oracle (test/fixtures/ledger-oracle/, verbatim but for import paths); the inputs are real v3 transactions made by
// the app's writer and every single mutation of their conditions, fulfillments and fields.
import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  contextFromTransactions,
  fromBase64Url,
  toBase58,
  transactionId,
  validateTransaction,
  type CryptoProvider,
  type Transaction,
} from '../../../src-shared/ledger';
import * as conditions from '../../../src-shared/ledger/conditions';
import * as der from '../../../src-shared/ledger/der';
import { fulfillmentCondition, parseFulfillment, type Fulfillment } from '../../../src-shared/ledger/fulfillments';
import * as oracle from '../../fixtures/ledger-oracle/conditions';
import * as oracleDer from '../../fixtures/ledger-oracle/der';
import { makeV3ValidationRows } from '../../fixtures/v3-validation-rows';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Real v3 rows (test/fixtures/v3-validation-rows.ts), each key of the 43–44 base58 characters the schema takes. */
async function makeCharts(count: number): Promise<Transaction[][]> {
  const rows = await makeV3ValidationRows(count);
  // The writer takes only keys of 43–44 base58 characters (the owner-key rule, docs/UNLINKABLE.md §3), which the
  // reference's schema requires: a shorter one here would test the schema, not the conditions.
  const keys = rows
    .flat()
    .flatMap((tx) => [...tx.outputs.flatMap((o) => o.public_keys), ...tx.inputs.flatMap((i) => i.owners_before)]);
  expect(keys.length).toBeGreaterThan(rows.length * 3);
  for (const key of keys) expect(key.length, key).toBeGreaterThanOrEqual(43);
  return rows;
}

/** What a condition function answered: the URI, or the error's class name, kind and text. */
function outcome(run: () => { typeId: number; fingerprint: Uint8Array; cost: number; subtypes: number }): string {
  try {
    return oracle.conditionUri(run());
  } catch (e) {
    const error = e as Error & { kind?: string };
    return `${error.name}/${error.kind ?? ''}: ${error.message}`;
  }
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Every single change of a details tree: keys, thresholds, types, subconditions dropped, doubled, moved, nested. */
function detailsMutations(details: Json, otherKeys: string[]): Json[] {
  const out: Json[] = [];
  const visit = (path: (string | number)[]) => {
    const at = (root: Json): Json => path.reduce<Json>((v, k) => (v as Record<string, Json>)[k] as Json, root);
    const node = at(details) as Record<string, Json>;
    const edit = (change: (n: Record<string, Json>) => void) => {
      const copy = clone(details);
      change(at(copy) as Record<string, Json>);
      out.push(copy);
    };
    for (const other of [...otherKeys, 'x', '', '1' + otherKeys[0]!.slice(1), 'O' + otherKeys[0]!.slice(1)])
      edit((n) => (n.public_key = other));
    for (const type of ['ed25519-sha-256', 'threshold-sha-256', 'preimage-sha-256', 7, null])
      edit((n) => (n.type = type));
    edit((n) => delete n.public_key);
    for (const threshold of [0, 1, 2, 3, 4, 1.5, '2', null, -1, 2 ** 53]) edit((n) => (n.threshold = threshold));
    if (Array.isArray(node.subconditions)) {
      const subs = node.subconditions;
      edit((n) => (n.subconditions = []));
      edit((n) => (n.subconditions = 'none'));
      edit((n) => (n.subconditions as Json[]).reverse());
      subs.forEach((_, i) => {
        edit((n) => (n.subconditions as Json[]).splice(i, 1));
        edit((n) => (n.subconditions as Json[]).push(clone(subs[i]!)));
        edit(
          (n) =>
            ((n.subconditions as Json[])[i] = {
              type: 'threshold-sha-256',
              threshold: 1,
              subconditions: [clone(subs[i]!)],
            }),
        );
        visit([...path, 'subconditions', i]);
      });
    }
  };
  visit([]);
  // The same tree nested just above, at and below the reference's depth limit (ThresholdTooDeep).
  for (const depth of [1, 97, 98, 99, 100]) {
    let deep: Json = clone(details);
    for (let i = 0; i < depth; i++) deep = { type: 'threshold-sha-256', threshold: 1, subconditions: [deep] };
    out.push(deep);
  }
  out.push(null, 'details', [], {});
  return out;
}

/** Every single-byte change, truncation and extension of a fulfillment's DER. */
function bytesMutations(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i++) {
    for (const flip of [0x01, 0x80, 0xff]) {
      const copy = bytes.slice();
      copy[i]! ^= flip;
      out.push(copy);
    }
    out.push(bytes.slice(0, i));
  }
  out.push(Uint8Array.of(...bytes, 0));
  return out;
}

function oracleFulfillmentCondition(f: Fulfillment, crypto: CryptoProvider): oracle.CryptoCondition {
  if (f.type === 'ed25519-sha-256') return oracle.ed25519Condition(f.publicKey, crypto);
  const subs = f.subfulfillments.map((s) => oracleFulfillmentCondition(s, crypto));
  return oracle.thresholdCondition(f.subfulfillments.length, [...subs, ...f.subconditions], crypto);
}

describe('validation after the CPU work of issue #15 answers as before', () => {
  let charts: Transaction[][] = [];
  // One provider for the whole file, as a process has: its remembered conditions carry over from test to test.
  const shared = nativeLedgerCrypto;
  const fresh = (): CryptoProvider => ({ ...nativeLedgerCrypto });

  beforeAll(async () => {
    charts = await makeCharts(3);
  }, 60_000);

  it('conditions from details: every mutation of real custody and owner details, remembered or not', () => {
    let compared = 0;
    let refused = 0;
    const keys = charts.flat().flatMap((tx) => tx.outputs.flatMap((o) => o.public_keys));
    for (const tx of charts.flat()) {
      const details = tx.outputs[0]!.condition.details as unknown as Json;
      // the real details first, so that the mutations meet remembered subtrees
      for (const d of [details, ...detailsMutations(details, keys.slice(0, 3)), details]) {
        const expected = outcome(() => oracle.conditionFromDetails(d, shared));
        expect(outcome(() => conditions.conditionFromDetails(d, shared))).toBe(expected);
        expect(outcome(() => conditions.conditionFromDetails(d, fresh()))).toBe(expected);
        compared++;
        if (!expected.startsWith('ni:')) refused++;
      }
    }
    // the sweep must reach both verdicts
    expect(refused).toBeGreaterThan(100);
    expect(compared - refused).toBeGreaterThan(100);
  });

  it("fulfillments: every byte change of real fulfillments proves the oracle's condition, or fails to parse as before", () => {
    let parsed = 0;
    for (const tx of charts.flat()) {
      const bytes = fromBase64Url(tx.inputs[0]!.fulfillment as string)!;
      // the spent output's condition is remembered before its fulfillment is read, as validation does
      for (const o of charts.flat().flatMap((t) => t.outputs))
        conditions.conditionFromDetails(o.condition.details, shared);
      for (const b of [bytes, ...bytesMutations(bytes)]) {
        let f: Fulfillment;
        try {
          f = parseFulfillment(b);
        } catch {
          continue;
        }
        parsed++;
        const expected = outcome(() => oracleFulfillmentCondition(f, shared));
        expect(outcome(() => fulfillmentCondition(f, shared))).toBe(expected);
        expect(outcome(() => fulfillmentCondition(f, fresh()))).toBe(expected);
      }
    }
    expect(parsed).toBeGreaterThan(50);
  });

  it('whole transactions: every single change of a field gets the same verdict with remembered conditions as without', () => {
    const verdicts = new Map<string, number>();
    for (const [created, next, imported] of charts as [Transaction, Transaction, Transaction][]) {
      for (const [tx, spent] of [
        [created, []],
        [next, [created]],
        [imported, []],
      ] as [Transaction, Transaction[]][]) {
        for (const mutated of withIds(fieldMutations(tx as unknown as Json))) {
          const warm = validateTransaction(mutated, contextFromTransactions(spent), shared);
          const cold = validateTransaction(mutated, contextFromTransactions(spent), fresh());
          expect(warm).toEqual(cold);
          const key = warm.ok ? 'ok' : warm.error.type;
          verdicts.set(key, (verdicts.get(key) ?? 0) + 1);
        }
      }
    }
    // the sweep reaches the id, the schema and the signature checks, and valid transactions
    for (const type of ['ok', 'InvalidHash', 'SchemaValidationError', 'InvalidSignature', 'ValidationError'])
      expect(verdicts.get(type), type).toBeGreaterThan(0);
  });

  it('DER writing: tlv and encodeUnsigned write the same bytes as before', () => {
    const values = [0, 1, 127, 128, 255, 256, 1024, 131072, 267264, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1];
    for (let i = 0; i < 500; i++) values.push(Math.floor(Math.random() * 2 ** (1 + (i % 53))));
    for (const v of values) expect(der.encodeUnsigned(v)).toEqual(oracleDer.encodeUnsigned(v));
    for (const v of [-1, 0.5, 2 ** 53, NaN]) expect(() => der.encodeUnsigned(v)).toThrow(der.DerError);
    for (const n of [0, 1, 36, 127, 128, 200, 255, 256, 300]) {
      const contents = new Uint8Array(randomBytes(n));
      for (const tag of [0x30, 0x80, 0xa1, 0xa4]) expect(der.tlv(tag, contents)).toEqual(oracleDer.tlv(tag, contents));
    }
  });

  it('condition binaries: the same bytes as before for every type, cost and subtypes, short and long', () => {
    const fingerprints = [new Uint8Array(32).fill(1), new Uint8Array(0), new Uint8Array(100).fill(2)];
    for (const typeId of [0, 1, 2, 3, 4])
      for (const fingerprint of fingerprints)
        for (const cost of [0, 1, 127, 128, 131072, 267264, 2 ** 40, 2 ** 53 - 1])
          for (const subtypes of [0, 1 << 4, (1 << 4) | (1 << 1), 0x7fffffff]) {
            const c = { typeId, fingerprint, cost, subtypes };
            expect(conditions.conditionBinary(c)).toEqual(oracle.conditionBinary(c));
          }
  });

  it('native hashes: the one-shot hashes equal a Hash object over the same bytes and the UTF-8 of any text', () => {
    const texts = ['', 'a', '{"id":null}', 'é', '日本語', '\u{1F600}', '\ud800', 'x'.repeat(9000)];
    for (const text of texts) {
      const bytes = new Uint8Array(Buffer.from(text, 'utf8'));
      expect(nativeLedgerCrypto.sha3_256Text!(text)).toEqual(createHash('sha3-256').update(text, 'utf8').digest());
      expect(nativeLedgerCrypto.sha3_256(bytes)).toEqual(createHash('sha3-256').update(bytes).digest());
      expect(nativeLedgerCrypto.sha256!(bytes)).toEqual(createHash('sha256').update(bytes).digest());
    }
    for (let n = 0; n < 300; n += 7) {
      const bytes = new Uint8Array(randomBytes(n));
      expect(nativeLedgerCrypto.sha256!(bytes)).toEqual(createHash('sha256').update(bytes).digest());
    }
  });
});

/** Every single change of a transaction's fields: each value replaced by a few others, each member removed. */
function* fieldMutations(tx: Json): Generator<Json> {
  yield tx;
  const paths: (string | number)[][] = [];
  const walk = (v: Json, path: (string | number)[]) => {
    if (path.length > 0) paths.push(path);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(tx, []);
  const other = toBase58(new Uint8Array(32).fill(9));
  for (const path of paths) {
    const parentPath = path.slice(0, -1);
    const last = path[path.length - 1]!;
    const replace = (value: Json | undefined) => {
      const copy = clone(tx);
      const parent = parentPath.reduce<Json>((v, k) => (v as Record<string, Json>)[k] as Json, copy) as Record<
        string | number,
        Json
      >;
      if (value === undefined) {
        if (Array.isArray(parent)) parent.splice(last as number, 1);
        else delete parent[last];
      } else parent[last] = value;
      return copy;
    };
    const value = parentPath.reduce<Json>((v, k) => (v as Record<string, Json>)[k] as Json, tx) as Record<
      string | number,
      Json
    >;
    const current = value[last]!;
    yield replace(undefined);
    if (typeof current === 'string') {
      yield replace(current.length > 0 ? current.slice(0, -1) + (current.endsWith('A') ? 'B' : 'A') : 'A');
      yield replace(other);
    } else if (typeof current === 'number') {
      yield replace(current + 1);
      yield replace(String(current));
    } else if (current !== null && typeof current === 'object') {
      yield replace(null);
    }
  }
}

/** Each mutation as it is, and re-hashed (its id made right), so that it reaches the checks after the id's. */
function* withIds(mutations: Iterable<Json>): Generator<Json> {
  for (const m of mutations) {
    yield m;
    if (m === null || typeof m !== 'object' || Array.isArray(m)) continue;
    try {
      yield { ...m, id: transactionId(m) };
    } catch {
      // no id exists for it (e.g. not JSON data): the unhashed mutation covers it
    }
  }
}
