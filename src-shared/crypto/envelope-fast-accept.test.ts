// The envelope's fast accept (envelope-fast-accept.ts) may only say yes where zod says yes and returns the same
// value in the same key order: checked over real sealed envelopes and every single mutation of them, zod as the
// oracle; and parseEnvelope still refuses what the schema refuses (fails if the fast accept let one skip the schema).
import { describe, expect, it } from 'vitest';
import { judgeByZod } from '../../test/fixtures/zod-oracle';
import { clone, singleMutations } from '../../test/fixtures/single-mutations';
import nacl from 'tweetnacl';
import { base58 } from '@scure/base';
import {
  ENVELOPE_ACTIONS,
  ENVELOPE_TYPE,
  envelopeSchema,
  EnvelopeError,
  parseEnvelope,
  sealEnvelope,
} from './envelope';
import { envelopeFastAccept } from './envelope-fast-accept';

const fastAccept = envelopeFastAccept(envelopeSchema, ENVELOPE_TYPE, ENVELOPE_ACTIONS);
const key = () => base58.encode(nacl.box.keyPair().publicKey);
const author = base58.encode(nacl.sign.keyPair().publicKey);
const text = new TextEncoder().encode('{"chart":"sealed"}');

function bases(): unknown[] {
  const update = { action: 'update' as const, seq: 3, at: '2026-11-25T04:00:00.000Z', author, chart: 'ab'.repeat(32) };
  const create = { action: 'create' as const, seq: 1, at: '2026-11-25T04:00:00+01:00', author };
  return [sealEnvelope(update, text, [key(), key(), key()]), sealEnvelope(create, text, [key()])].map(
    (e) => JSON.parse(JSON.stringify(e)) as unknown,
  );
}

const replacements: unknown[] = [
  ...ENVELOPE_ACTIONS,
  ENVELOPE_TYPE,
  `${ENVELOPE_TYPE} `,
  'hc.chart.version/2',
  'CREATE',
  0,
  1,
  2,
  -1,
  1.5,
  2 ** 53,
  2 ** 53 - 1,
  '1',
  null,
  true,
  [],
  {},
  [{}],
  '2026-11-25T04:00:00Z',
  '2026-11-25T04:00:00.123456Z',
  '2026-11-25T04:00:00',
  '2026-11-25 04:00:00Z',
  '2026-02-29T00:00:00Z',
  '2024-02-29T00:00:00Z',
  '2026-11-25T24:00:00Z',
  '2026-11-25T04:00:60Z',
  '2026-11-25T04:00:00+24:00',
  '2026-11-25T04:00:00+05:30',
  '2026-11-25',
  '',
  ' ',
  'ab'.repeat(32),
  'AB'.repeat(32),
  `${'ab'.repeat(32)}0`,
  author,
  `${author}x`,
  author.slice(0, 31),
  'AAAA',
  'AAA=',
  'AA==',
  'A===',
  'AAAA ',
  'AA-_',
  'AAAAAAAA',
  'not base64!',
];

function* mutations(base: unknown): Generator<unknown> {
  yield* singleMutations(base, replacements);
  const withChart = clone(base) as Record<string, unknown>;
  if (!('chart' in withChart)) yield { ...withChart, chart: 'cd'.repeat(32) };
}

describe("the envelope's fast accept", () => {
  it('accepts real envelopes as they are', () => {
    for (const base of bases()) {
      expect(fastAccept(clone(base))).toBe(true);
      expect(parseEnvelope(base)).toBe(base);
    }
  });

  it('accepts only what zod accepts, and zod returns it unchanged (every single mutation)', () => {
    const { accepted, deferred, refused } = judgeByZod(
      fastAccept,
      envelopeSchema,
      (function* () {
        for (const base of bases()) yield* mutations(base);
      })(),
    );
    expect(accepted).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(500);
    expect(deferred).toBeGreaterThan(5);
  });

  it('parseEnvelope still refuses what the schema refuses', () => {
    let refused = 0;
    for (const base of bases()) {
      for (const input of mutations(base)) {
        const zod = envelopeSchema.safeParse(clone(input));
        if (zod.success) expect(JSON.stringify(parseEnvelope(input))).toBe(JSON.stringify(zod.data));
        else {
          expect(() => parseEnvelope(input)).toThrow(EnvelopeError);
          refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(500);
  });
});
