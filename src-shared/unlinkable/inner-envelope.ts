// The inner envelope of v3, `hc.chart.inner/3` (docs/UNLINKABLE.md §2, §7): everything v1 showed in clear (action,
// seq, time, author, readers), the chart secret of this version (§3: the owner tweaks, the next version's tags), the
// custody rule the output was built from, the previous version's secret (so a reader added at this version can check
// who signed its input, which was tweaked with that secret: §3), and today's payload (v2: chart, custodian, patient, doctors, note, recovery
// and emergency keys). Sealed in the box, so only the version's readers see it. `chart` and `seq` name the version's
// place: a box copied into another chart or position fails the reader's check (version-opener-v3.ts).
import { utf8 as utf8Codec } from '@scure/base';
import { z } from 'zod';
import { fromBase64, isBase64, toBase64, utf8 } from '../crypto/bytes';
import { EnvelopeError } from '../crypto/envelope';
import { canonicalJson } from '../ledger/canonical-json';
import { BASE58_KEY, HEX64 } from '../ledger/patterns';
import { CHART_ACTIONS } from '../records/actions';
import { payloadSchema, PAYLOAD_VERSION, type ChartPayload } from '../records/payload';
import { innerFastParse, type InnerRules } from './inner-fast-parse';
import { NO } from '../records/payload-fast-accept';
import { CHART_SECRET_LENGTH } from './owner-keys';

export const INNER_V3_TYPE = 'hc.chart.inner/3';
/** A CREATE names its chart by the asset's list tag (it cannot hold its own id); later versions by the asset id. */
const CHART_REF = /^(?:[0-9a-f]{32}|[0-9a-f]{64})$/;
/** The most officers a quorum names (each takes an owner-tweak slot, 1 + i: owner-keys.ts). */
const MAX_OFFICERS = 254;

const secretSchema = z
  .string()
  .refine((s) => isBase64(s) && fromBase64(s).length === CHART_SECRET_LENGTH, { error: 'is not a 32-byte secret' });

export const quorumSchema = z
  .strictObject({
    threshold: z.number().int().min(1),
    /** The officers' directory signKeys, in the order of their owner-tweak slots (officer i: slot 1 + i). */
    officers: z.array(z.string().regex(BASE58_KEY)).min(1).max(MAX_OFFICERS),
  })
  .refine((q) => q.threshold <= q.officers.length, { error: 'the threshold exceeds the officers' });

export const innerV3Schema = z.strictObject({
  type: z.literal(INNER_V3_TYPE),
  chart: z.string().regex(CHART_REF),
  seq: z.number().int().min(1),
  action: z.enum(CHART_ACTIONS),
  at: z.iso.datetime({ offset: true }),
  author: z.string().regex(BASE58_KEY),
  secret: secretSchema,
  /** The chart secret of version seq − 1 (null for the CREATE). */
  previousSecret: secretSchema.nullable(),
  /** The pinned authority whose quorum shares the output (null: the custodian's key alone). */
  authority: z.string().regex(HEX64).nullable(),
  quorum: quorumSchema.nullable(),
  payload: payloadSchema,
});

export type InnerV3 = z.infer<typeof innerV3Schema>;
/** The rules innerV3Schema is built from, for its fast parse (and its test, which breaks one on purpose). */
export const innerV3Rules: InnerRules = {
  type: INNER_V3_TYPE,
  actions: CHART_ACTIONS,
  chartRef: CHART_REF,
  secretLength: CHART_SECRET_LENGTH,
  maxOfficers: MAX_OFFICERS,
  payloadVersion: PAYLOAD_VERSION,
};
const fastParse = innerFastParse(innerV3Schema, innerV3Rules);
export type Quorum = z.infer<typeof quorumSchema>;

export interface InnerV3Input extends Omit<InnerV3, 'type' | 'secret' | 'previousSecret' | 'payload'> {
  secret: Uint8Array;
  previousSecret: Uint8Array | null;
  payload: ChartPayload;
}

export function encodeInnerV3(input: InnerV3Input): Uint8Array {
  if ((input.authority === null) !== (input.quorum === null))
    throw new EnvelopeError('malformed', 'An authority and its quorum go together');
  if ((input.previousSecret === null) !== (input.seq === 1))
    throw new EnvelopeError('malformed', 'Every version but the first names the previous secret');
  const inner = {
    ...input,
    type: INNER_V3_TYPE,
    secret: toBase64(input.secret),
    previousSecret: input.previousSecret && toBase64(input.previousSecret),
  };
  const checked = innerV3Schema.safeParse(JSON.parse(JSON.stringify(inner)));
  if (!checked.success)
    throw new EnvelopeError('malformed', `Bad inner envelope at ${checked.error.issues[0]?.path.join('.') || 'top'}`);
  return utf8(canonicalJson(checked.data));
}

/** The inner envelope of an opened box; a box that opens but holds no valid inner envelope is an error. */
export function decodeInnerV3(
  bytes: Uint8Array,
): InnerV3 & { secretBytes: Uint8Array; previousSecretBytes: Uint8Array | null } {
  let value: unknown;
  try {
    value = JSON.parse(utf8Codec.encode(bytes));
  } catch {
    throw new EnvelopeError('box', 'The opened version is not JSON');
  }
  // `value` is this call's own JSON.parse result, so what the fast parse keeps of it is shared with no one.
  let inner = fastParse(value) as InnerV3 | typeof NO;
  if (inner === NO) {
    const result = innerV3Schema.safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new EnvelopeError(
        'box',
        `The opened version is not a valid inner envelope (${issue?.path.join('.') || 'top'}: ${issue?.message ?? 'invalid'})`,
      );
    }
    inner = result.data;
  }
  const { secret, previousSecret } = inner;
  return {
    ...inner,
    secretBytes: fromBase64(secret),
    previousSecretBytes: previousSecret === null ? null : fromBase64(previousSecret),
  };
}
