// A fast parse for decodeInnerV3, as envelope-fast-accept.ts and payload-fast-accept.ts are for v1: an inner envelope
// with exactly the fields innerV3Schema outputs (in any key order: the writer's canonical JSON sorts them, §2), valid
// by every rule of the schema, is answered as zod would answer it — its objects in the schema's key order — without
// zod; anything else answers NO and zod decides, with its own reasons. zod over the whole inner envelope (the stored
// chart inside) was the "inner schema" share of a v3 version's opening CPU (docs/UNLINKABLE.md §12, fifteenth part).
// The chart payload inside is the payload's own fast parse, built on the inner schema's `payload` field. The keys are
// read from the schemas: a field added there and not checked here turns the fast parse off.
// inner-fast-parse.test.ts checks, with zod as the oracle, that it never answers where zod refuses, nor anything but
// what zod outputs.
import type { z } from 'zod';
import { fromBase64, isBase64 } from '../crypto/bytes';
import { BASE58_KEY, HEX64 } from '../ledger/patterns';
import { NO, payloadFastParse } from '../records/payload-fast-accept';

type Parse = (value: unknown) => unknown;
interface Def {
  _zod: { def: { shape?: Record<string, unknown>; pattern?: RegExp; innerType?: unknown; type?: string } };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const keysOf = (schema: unknown): string[] => Object.keys((schema as Def | undefined)?._zod?.def?.shape ?? {});
/** The object schema under `.nullable()` (the quorum is nullable). */
const unwrapNullable = (schema: unknown): unknown => {
  const def = (schema as Def | undefined)?._zod?.def;
  return def?.type === 'nullable' ? def.innerType : schema;
};
/** Exactly these keys, in any order (JSON.parse keeps one of a repeated key). */
const hasKeys = (v: Record<string, unknown>, keys: readonly string[]): boolean =>
  Object.keys(v).length === keys.length && keys.every((k) => Object.hasOwn(v, k));

const INNER_KEYS = [
  'type',
  'chart',
  'seq',
  'action',
  'at',
  'author',
  'secret',
  'previousSecret',
  'authority',
  'quorum',
  'payload',
] as const;
const QUORUM_KEYS = ['threshold', 'officers'] as const;

/** What inner-envelope.ts's schema is built from, passed in (no import cycle). */
export interface InnerRules {
  type: string;
  actions: readonly string[];
  /** The pattern of `chart` (a list tag or an asset id). */
  chartRef: RegExp;
  secretLength: number;
  maxOfficers: number;
  payloadVersion: number;
}

/** Builds the fast parse for `innerSchema`: the inner envelope as zod outputs it, or NO. */
export function innerFastParse(
  innerSchema: z.ZodObject,
  { type, actions, chartRef, secretLength, maxOfficers, payloadVersion }: InnerRules,
): Parse {
  const shape = innerSchema.shape as Record<string, Def>;
  const at = shape.at?._zod.def.pattern;
  const quorumSchema = unwrapNullable(shape.quorum);
  if (!at || keysOf(innerSchema).join() !== INNER_KEYS.join() || keysOf(quorumSchema).join() !== QUORUM_KEYS.join())
    return () => NO;
  const payload = payloadFastParse(shape.payload as unknown as z.ZodType, payloadVersion);
  const key = (v: unknown): boolean => typeof v === 'string' && BASE58_KEY.test(v);
  const secret = (v: unknown): boolean => typeof v === 'string' && isBase64(v) && fromBase64(v).length === secretLength;
  const quorum = (q: unknown): boolean => {
    if (!isObject(q) || !hasKeys(q, QUORUM_KEYS)) return false;
    const { threshold, officers } = q;
    return (
      Number.isSafeInteger(threshold) &&
      (threshold as number) >= 1 &&
      Array.isArray(officers) &&
      officers.length >= 1 &&
      officers.length <= maxOfficers &&
      officers.every(key) &&
      (threshold as number) <= officers.length
    );
  };
  return (v) => {
    if (!isObject(v) || !hasKeys(v, INNER_KEYS)) return NO;
    const valid =
      v.type === type &&
      typeof v.chart === 'string' &&
      chartRef.test(v.chart) &&
      Number.isSafeInteger(v.seq) &&
      (v.seq as number) >= 1 &&
      typeof v.action === 'string' &&
      actions.includes(v.action) &&
      typeof v.at === 'string' &&
      ((at.lastIndex = 0), at.test(v.at)) &&
      key(v.author) &&
      secret(v.secret) &&
      (v.previousSecret === null || secret(v.previousSecret)) &&
      (v.authority === null || (typeof v.authority === 'string' && HEX64.test(v.authority))) &&
      (v.quorum === null || quorum(v.quorum));
    const parsed = valid ? payload(v.payload) : NO;
    if (parsed === NO) return NO;
    const q = v.quorum as { threshold: number; officers: string[] } | null;
    // zod's output: the schema's key order (a new object, as zod's is).
    return {
      type: v.type,
      chart: v.chart,
      seq: v.seq,
      action: v.action,
      at: v.at,
      author: v.author,
      secret: v.secret,
      previousSecret: v.previousSecret,
      authority: v.authority,
      quorum: q && { threshold: q.threshold, officers: q.officers },
      payload: parsed,
    };
  };
}
