// A fast accept for parseEnvelope, as payload-fast-accept.ts is for payloads: an envelope already in the exact shape
// envelopeSchema outputs (keys in the schema's order, nothing extra) and valid by every rule of the schema is returned
// as it is; anything else answers false and zod decides, with its own reasons. zod's safeParse of the envelope was
// ~3 % of a cold list's main thread (docs/BENCHMARKS.md, "helper list12g"). The timestamp is checked with the
// schema's own pattern, and the keys are read from the schema: a field added there and not checked here turns the
// fast accept off. envelope-fast-accept.test.ts checks, with zod as the oracle, that it never says yes where zod says
// no or returns something else.
import type { z } from 'zod';
import { isBase64 } from './bytes';
import { BASE58_KEY, HEX64 } from '../ledger/patterns';

type Check = (value: unknown) => boolean;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const keysOf = (schema: unknown): string[] =>
  Object.keys((schema as { _zod?: { def?: { shape?: object } } })?._zod?.def?.shape ?? {});

/** Builds the fast accept for `envelopeSchema` (envelope.ts passes it and its type and actions: no import cycle). */
export function envelopeFastAccept(envelopeSchema: z.ZodObject, type: string, actions: readonly string[]): Check {
  const shape = envelopeSchema.shape as Record<string, { _zod: { def: { pattern?: RegExp; element?: unknown } } }>;
  const checked = ['type', 'action', 'seq', 'at', 'author', 'chart', 'readers', 'nonce', 'box'];
  const readerKeys = ['key', 'wrap'];
  const at = shape.at?._zod.def.pattern;
  if (
    !at ||
    keysOf(envelopeSchema).join() !== checked.join() ||
    keysOf(shape.readers?._zod.def.element).join() !== readerKeys.join()
  )
    return () => false;
  const reader = (r: unknown): boolean => {
    if (!isObject(r)) return false;
    const keys = Object.keys(r);
    return (
      keys.length === 2 &&
      keys[0] === 'key' &&
      keys[1] === 'wrap' &&
      typeof r.key === 'string' &&
      BASE58_KEY.test(r.key) &&
      typeof r.wrap === 'string' &&
      isBase64(r.wrap)
    );
  };
  return (v) => {
    if (!isObject(v)) return false;
    const keys = Object.keys(v);
    // `chart` is the one optional field (absent on a CREATE).
    const expected = 'chart' in v ? checked : checked.filter((k) => k !== 'chart');
    if (keys.length !== expected.length || keys.some((k, i) => k !== expected[i])) return false;
    const { readers } = v;
    return (
      v.type === type &&
      typeof v.action === 'string' &&
      actions.includes(v.action) &&
      Number.isSafeInteger(v.seq) &&
      (v.seq as number) >= 1 &&
      typeof v.at === 'string' &&
      ((at.lastIndex = 0), at.test(v.at)) &&
      typeof v.author === 'string' &&
      BASE58_KEY.test(v.author) &&
      (!('chart' in v) || (typeof v.chart === 'string' && HEX64.test(v.chart))) &&
      Array.isArray(readers) &&
      readers.length >= 1 &&
      readers.every(reader) &&
      new Set(readers.map((r: { key: string }) => r.key)).size === readers.length &&
      typeof v.nonce === 'string' &&
      isBase64(v.nonce) &&
      typeof v.box === 'string' &&
      isBase64(v.box)
    );
  };
}
