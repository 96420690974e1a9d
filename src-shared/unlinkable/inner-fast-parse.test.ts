// The inner envelope's fast parse (inner-fast-parse.ts) may only answer where zod accepts, and must answer what zod
// outputs, key order included: checked over inner envelopes as encodeInnerV3 writes them (canonical JSON, keys
// sorted) and as zod outputs them (the schema's order), and every single mutation of them (each field, and the
// payload's upper levels, replaced by values at and around every limit, removed, moved, keys added), zod as the
// oracle. The chart inside is the payload's fast parse, whose own test mutates every leaf. decodeInnerV3 still refuses
// what the schema refuses, and a fast parse with one rule broken on purpose is caught by the oracle.
import { describe, expect, it } from 'vitest';
import { base58 } from '@scure/base';
import nacl from 'tweetnacl';
import { judgeParseByZod } from '../../test/fixtures/zod-oracle';
import { clone, singleMutations } from '../../test/fixtures/single-mutations';
import { fullSampleChart, sampleChart } from '../../test/fixtures/sample-chart';
import { randomBytes, toBase64, utf8 } from '../crypto/bytes';
import { EnvelopeError } from '../crypto/envelope';
import { CHART_ACTIONS } from '../records/actions';
import { payloadOf } from '../records/payload';
import { NO } from '../records/payload-fast-accept';
import { decodeInnerV3, encodeInnerV3, innerV3Rules, innerV3Schema, type InnerV3Input } from './inner-envelope';
import { innerFastParse, type InnerRules } from './inner-fast-parse';

const fastParse = innerFastParse(innerV3Schema, innerV3Rules);
const key = () => base58.encode(nacl.sign.keyPair().publicKey);
const KEY = key();
const KEY2 = key();
const HEX = 'cd'.repeat(32);
const custodian = { signKey: KEY, boxKey: KEY2, name: 'Dr A' };

/**
 * Inner envelopes as the writer makes them (canonical JSON), a CREATE without authority and a later version with its
 * quorum, and the same as zod outputs them (the schema's key order).
 */
function bases(): unknown[] {
  const create: InnerV3Input = {
    chart: 'ab'.repeat(16),
    seq: 1,
    action: 'create',
    at: '2026-12-04T22:00:00.000Z',
    author: KEY,
    secret: randomBytes(32),
    previousSecret: null,
    authority: null,
    quorum: null,
    payload: payloadOf(sampleChart(), null, custodian, []),
  };
  const full = payloadOf(fullSampleChart('Full Chart'), { signKey: KEY2, boxKey: KEY }, custodian, [
    { signKey: KEY2, boxKey: KEY2, name: 'Dr B' },
  ]);
  const later: InnerV3Input = {
    chart: HEX,
    seq: 3,
    action: 'custody',
    at: '2026-12-04T23:00:00+01:00',
    author: KEY2,
    secret: randomBytes(32),
    previousSecret: randomBytes(32),
    authority: HEX,
    quorum: { threshold: 2, officers: [KEY, KEY2, key()] },
    payload: {
      ...full,
      note: 'moved',
      recovery: { authority: HEX, boxKey: KEY },
      emergency: { authority: HEX, boxKey: KEY2 },
    },
  };
  const written = [create, later].map((i) => JSON.parse(new TextDecoder().decode(encodeInnerV3(i))) as unknown);
  return [...written, ...written.map((w) => innerV3Schema.parse(clone(w)))];
}

const b64 = (n: number) => toBase64(new Uint8Array(n).fill(7));
const officers = (n: number) => Array.from({ length: n }, () => KEY);
/** Values a field is replaced by: every limit ±1, other types, near-misses of each pattern. */
const replacements: unknown[] = [
  ...CHART_ACTIONS,
  'CREATE',
  innerV3Rules.type,
  `${innerV3Rules.type} `,
  'hc.chart.inner/2',
  'ab'.repeat(16),
  'ab'.repeat(32),
  `${'ab'.repeat(16)}a`,
  'ab'.repeat(16).slice(1),
  'AB'.repeat(16),
  `${HEX}0`,
  HEX.slice(1),
  HEX.toUpperCase(),
  '2026-11-25T04:00:00Z',
  '2026-11-25T04:00:00.123456Z',
  '2024-02-29T00:00:00Z',
  '2026-11-25T24:00:00Z',
  '2026-11-25T04:00:60Z',
  '2026-11-25T04:00:00+24:00',
  '2026-11-25T04:00:00+05:30',
  '2026-11-25',
  KEY,
  `${KEY}x`,
  KEY.slice(0, 31),
  KEY.slice(0, 32),
  `0OIl${KEY.slice(4)}`,
  b64(31),
  b64(32),
  b64(33),
  b64(32).replace('=', ''),
  `${b64(32).slice(0, 42)}A=`, // non-canonical: the last character's unused bits set
  b64(32).replace('A', '-'),
  ` ${b64(32)}`,
  'AAAA',
  '',
  ' ',
  0,
  -0,
  1,
  2,
  3,
  4,
  -1,
  1.5,
  2 ** 53,
  2 ** 53 - 1,
  '1',
  null,
  undefined,
  true,
  [],
  {},
  [{}],
  officers(1),
  officers(253),
  officers(254),
  officers(255),
  { threshold: 1, officers: officers(254) },
  { threshold: 254, officers: officers(254) },
  { threshold: 255, officers: officers(254) },
  { threshold: 1, officers: officers(255) },
  { threshold: 1, officers: [] },
  { threshold: 0, officers: [KEY] },
  { officers: [KEY], threshold: 1 },
];

/** Every single mutation; the payload down to its third level only (its leaves are the payload test's). */
function* mutations(base: unknown): Generator<unknown> {
  yield* singleMutations(base, replacements, (path) => !(path[0] === 'payload' && path.length >= 3));
  const payload = (base as { payload: Record<string, unknown> }).payload;
  yield { ...clone(base as object), payload: { ...clone(payload), v: 1 } };
}

const judge = (parse: (v: unknown) => unknown) =>
  judgeParseByZod(
    parse,
    NO,
    innerV3Schema,
    (function* () {
      // Each mutation as decodeInnerV3 sees it: JSON only.
      for (const base of bases()) for (const m of mutations(base)) yield JSON.parse(JSON.stringify(m)) as unknown;
    })(),
  );

describe("the inner envelope's fast parse", () => {
  it("answers what the writer writes, as zod's output", () => {
    for (const base of bases()) {
      const zod = JSON.stringify(innerV3Schema.parse(clone(base)));
      expect(JSON.stringify(fastParse(clone(base)))).toBe(zod);
      const decoded = decodeInnerV3(utf8(JSON.stringify(base)));
      expect(JSON.stringify({ ...decoded, secretBytes: undefined, previousSecretBytes: undefined })).toBe(zod);
    }
  });

  it('answers only where zod accepts, and what zod outputs (every single mutation)', () => {
    const { accepted, deferred, refused } = judge(fastParse);
    // The mutations reach all three outcomes in numbers (a generator that produced nothing would prove nothing).
    expect(accepted).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(2000);
    expect(deferred).toBeGreaterThan(5);
  });

  it('is caught by the oracle when one of its rules is broken on purpose', () => {
    const broken = (rules: Partial<InnerRules>) => innerFastParse(innerV3Schema, { ...innerV3Rules, ...rules });
    expect(() => judge(broken({ maxOfficers: innerV3Rules.maxOfficers + 1 }))).toThrow(/expected/);
    expect(() => judge(broken({ chartRef: /^[0-9a-f]{32,64}$/ }))).toThrow(/expected/);
    expect(() => judge(broken({ secretLength: 31 }))).toThrow(/expected/);
    expect(() => judge(broken({ actions: [...CHART_ACTIONS, 'CREATE'] }))).toThrow(/expected/);
  });

  it('decodeInnerV3 still refuses what the schema refuses', () => {
    let refused = 0;
    for (const base of bases()) {
      for (const input of mutations(base)) {
        const bytes = utf8(JSON.stringify(input));
        const zod = innerV3Schema.safeParse(JSON.parse(JSON.stringify(input)));
        if (zod.success) {
          const decoded = decodeInnerV3(bytes);
          expect(JSON.stringify({ ...decoded, secretBytes: undefined, previousSecretBytes: undefined })).toBe(
            JSON.stringify(zod.data),
          );
        } else {
          expect(() => decodeInnerV3(bytes)).toThrow(EnvelopeError);
          refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(2000);
  });

  it('turns itself off for a schema with a field it does not check', () => {
    const wider = innerV3Schema.extend({ added: innerV3Schema.shape.chart });
    const base = bases()[0]!;
    expect(innerFastParse(wider, innerV3Rules)(clone(base))).toBe(NO);
    expect(innerFastParse(innerV3Schema, innerV3Rules)(clone(base))).not.toBe(NO);
  });
});
