// The fast accept (payload-fast-accept.ts) may only say yes where zod says yes and returns the same value, key order
// included: checked over generated payloads and every single mutation of them (each leaf replaced by values at and
// around every limit the fast accept knows, keys removed, added, moved), with zod as the oracle. And what zod refuses
// decodePayload still refuses (a test that fails if the fast accept let a payload skip the schema).
import { describe, expect, it } from 'vitest';
import { judgeByZod, judgeParseByZod } from '../../test/fixtures/zod-oracle';
import { clone, singleMutations } from '../../test/fixtures/single-mutations';
import { canonicalJson } from '../ledger/canonical-json';
import { fullSampleChart, sampleChart } from '../../test/fixtures/sample-chart';
import {
  ALLERGY_CRITICALITIES,
  ALLERGY_TYPES,
  DOCTOR_ROLES,
  GENDERS,
  PROCEDURE_STATUSES,
  RESULT_CATEGORIES,
  RESULT_STATUSES,
  ROUTES,
} from './chart';
import {
  decodePayload,
  encodePayload,
  payloadOf,
  payloadSchema,
  PayloadError,
  PAYLOAD_VERSION,
  type ChartPayload,
} from './payload';
import { NO, payloadFastAccept, payloadFastParse } from './payload-fast-accept';

const fastAccept = payloadFastAccept(payloadSchema, PAYLOAD_VERSION);
const KEY = '7i9DaiYp7752wxAGL77AL3dZiETaBtwoorNUzFvKAf91';
const KEY2 = 'j9Gvw4hxNLdWaJqfpWit1Xz6ZqF16Mr2JXHcqz2QAdG';
const HEX = 'ab'.repeat(32);
const custodian = { signKey: KEY, boxKey: KEY2, name: 'Dr A' };

/** Payloads as the writer makes them (zod's output), from small to every field and optional part filled. */
function bases(): ChartPayload[] {
  const full = payloadSchema.parse(
    payloadOf(fullSampleChart('Full Chart'), { signKey: KEY2, boxKey: KEY }, custodian, [
      { signKey: KEY2, boxKey: KEY2, name: 'Dr B' },
    ]),
  );
  return [
    payloadSchema.parse(payloadOf(sampleChart(), null, custodian, [])),
    full,
    {
      ...full,
      note: 'revoked: moved away',
      movedTo: HEX,
      recovery: { authority: HEX, boxKey: KEY },
      emergency: { authority: HEX, boxKey: KEY2 },
    },
  ];
}

const lengths = [
  0, 1, 2, 43, 44, 45, 50, 51, 63, 64, 65, 100, 101, 200, 201, 300, 301, 500, 501, 1000, 1001, 2000, 2001, 20000, 20001,
];
/** Values a leaf is replaced by: every limit ±1, padded text, dates at the edges, keys, ids, enums, other types. */
const replacements: unknown[] = [
  ...lengths.map((n) => 'a'.repeat(n)),
  ...lengths.filter((n) => n > 0).map((n) => ` ${'b'.repeat(n - 1)}`),
  'x ',
  '\tx',
  'x\n',
  ' ',
  '\u00a0x',
  'x\u2028',
  '2024-02-29',
  '2023-02-29',
  '1850-01-01',
  '1849-12-31',
  '2024-13-01',
  '2024-00-10',
  '2024-04-31',
  '2024-4-01',
  '2099-01-01',
  ' 2024-01-01',
  KEY,
  KEY2,
  `${KEY}x`,
  KEY.slice(0, 31),
  KEY.slice(0, 32),
  '0OIl' + KEY.slice(4),
  HEX,
  HEX.toUpperCase(),
  `${HEX}0`,
  'd1',
  'bad id',
  'a'.repeat(64),
  'a'.repeat(65),
  ...GENDERS,
  ...DOCTOR_ROLES,
  ...ROUTES.slice(0, 3),
  ...ALLERGY_TYPES,
  ...ALLERGY_CRITICALITIES,
  ...PROCEDURE_STATUSES,
  ...RESULT_CATEGORIES,
  ...RESULT_STATUSES,
  'active',
  'entered-in-error',
  'current',
  'treated',
  null,
  undefined,
  0,
  -0,
  1,
  2,
  3,
  -1,
  1.5,
  150,
  151,
  1e21,
  true,
  false,
  [],
  [{}],
  {},
  { id: 'x' },
];

/** Every single mutation of `base` (test/fixtures/single-mutations.ts), then the cross-field rules broken. */
function* mutations(base: ChartPayload): Generator<unknown> {
  yield* singleMutations(base, replacements);
  // The cross-field rules: two current doctors, an id used twice, dates in the wrong order.
  const chart = (f: (c: ChartPayload['chart']) => void) => {
    const m = clone(base);
    f(m.chart);
    return m;
  };
  yield chart((c) => c.doctors.forEach((d) => ((d.role = 'current'), (d.status = 'active'))));
  yield chart(
    (c) =>
      c.doctors.length &&
      c.doctors.push({ ...c.doctors[0]!, id: 'other', role: 'current', status: 'entered-in-error' }),
  );
  yield chart((c) => c.illnesses.push(...c.illnesses));
  yield chart((c) => c.medications.forEach((m) => ((m.start = '2020-01-02'), (m.end = '2020-01-01'))));
  yield chart((c) => c.medications.forEach((m) => ((m.start = '2020-01-02'), (m.end = '2020-01-02'))));
  yield chart((c) => ((c.patient.birthDate = '2026-11-21'), (c.patient.visitDate = '2026-11-20')));
  yield chart((c) => ((c.patient.birthDate = ''), (c.patient.age = null)));
  yield chart((c) => ((c.patient.birthDate = ''), (c.patient.age = 40)));
  yield chart((c) => (c.illnesses = Array.from({ length: 1001 }, (_, i) => ({ ...c.illnesses[0]!, id: `i${i}` }))));
  yield chart((c) => (c.illnesses = Array.from({ length: 1000 }, (_, i) => ({ ...c.illnesses[0]!, id: `i${i}` }))));
  yield chart((c) => {
    if (c.illnesses[0])
      c.illnesses[0].codes = Array.from({ length: 21 }, () => ({ system: '', code: 'c', display: '' }));
  });
  yield chart((c) => {
    if (c.illnesses[0])
      c.illnesses[0].codes = Array.from({ length: 20 }, () => ({ system: '', code: 'c', display: '' }));
  });
  yield { ...clone(base), v: 1 };
}

describe('the payload fast accept', () => {
  it('accepts what the writer writes, unchanged', () => {
    for (const base of bases()) {
      expect(fastAccept(clone(base))).toBe(true);
      expect(decodePayload(encodePayload(base))).toEqual(base);
    }
  });

  it('accepts only what zod accepts, and zod returns it unchanged (every single mutation of the bases)', () => {
    // The small chart and the full one with every optional part (the middle base adds no field of its own), each
    // mutation as decodePayload sees it: JSON only.
    const inputs = function* () {
      for (const base of [bases()[0]!, bases()[2]!])
        for (const mutated of mutations(base)) yield JSON.parse(JSON.stringify(mutated)) as unknown;
    };
    const { accepted, deferred, refused } = judgeByZod(fastAccept, payloadSchema, inputs());
    // The mutations reach all three outcomes in numbers (a generator that produced nothing would prove nothing).
    expect(accepted).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(1000);
    expect(deferred).toBeGreaterThan(100);
  });

  it("the fast parse answers payloads with keys in another order (v3's canonical JSON) as zod outputs them", () => {
    const fastParse = payloadFastParse(payloadSchema, PAYLOAD_VERSION);
    const sorted = (v: unknown) => JSON.parse(canonicalJson(v)) as unknown;
    for (const base of bases()) {
      expect(JSON.stringify(fastParse(sorted(base)))).toBe(JSON.stringify(base));
      expect(fastParse(clone(base))).not.toBe(NO);
    }
    // Every mutation of the full base, keys sorted at every level (what a v3 box holds).
    const inputs = function* () {
      for (const mutated of mutations(bases()[2]!)) yield sorted(JSON.parse(JSON.stringify(mutated)));
    };
    const { accepted, deferred, refused } = judgeParseByZod(fastParse, NO, payloadSchema, inputs());
    expect(accepted).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(1000);
    expect(deferred).toBeGreaterThan(50);
  });

  it('decodePayload still refuses what the schema refuses, and opens v1 and untrimmed payloads through zod', () => {
    const base = bases()[0]!;
    let checked = 0;
    for (const mutated of mutations(base)) {
      const input = JSON.parse(JSON.stringify(mutated)) as unknown;
      const zod = payloadSchema.safeParse(clone(input));
      const bytes = encodePayload(input as ChartPayload);
      if (zod.success) expect(JSON.stringify(decodePayload(bytes))).toBe(JSON.stringify(zod.data));
      else expect(() => decodePayload(bytes)).toThrow(PayloadError);
      checked++;
    }
    expect(checked).toBeGreaterThan(2000);
  });

  it('turns itself off for an object whose zod schema has a field it does not check', () => {
    const wider = payloadSchema.extend({ added: payloadSchema.shape.note });
    const base = bases()[0]!;
    expect(payloadFastAccept(wider, PAYLOAD_VERSION)(clone(base))).toBe(false);
    expect(payloadFastAccept(payloadSchema, PAYLOAD_VERSION)(clone(base))).toBe(true);
  });
});
