// The emergency-access documents on the ledger (docs/EMERGENCY.md): the request's asset, the grant's and the
// refusal's metadata, as zod schemas. Everything here is public: keys, ids, codes and dates; the requester's free text
// is sealed (`note`), never in clear.
import { z } from 'zod';
import { isBase64 } from '../crypto/bytes';
import { BASE58_KEY_32, HEX64 } from '../ledger/patterns';

export const REQUEST_TYPE = 'hc.emergency.request/1';
export const REQUEST_META_TYPE = 'hc.emergency.request.meta/1';
export const GRANT_TYPE = 'hc.emergency.grant/1';
export const REFUSAL_TYPE = 'hc.emergency.refusal/1';

export const REASON_CODES = [
  'unconscious',
  'life-threatening',
  'unable-to-consent',
  'urgent-treatment',
  'other',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const REFUSAL_REASONS = [
  'no-credential',
  'revoked',
  'expired',
  'not-yet',
  'forged',
  'replayed',
  'rate-limit',
  'unknown-chart',
  'no-emergency-wrap',
  'wrong-authority',
  /** A request by patient identifiers that several charts match: the requester is asked to scan the card. */
  'ambiguous',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** A privacy officer's follow-up of an emergency access (followup.ts). */
export const FOLLOWUP_STATES = ['acknowledged', 'justified', 'escalated'] as const;
export type FollowUpState = (typeof FOLLOWUP_STATES)[number];

const key = z.string().regex(BASE58_KEY_32, 'must be a base58 key of 32 bytes');
const id = z.string().regex(HEX64, 'must be a 64-hex id');
const base64 = z.string().max(20_000).refine(isBase64, 'must be padded standard base64');
const instant = z
  .string()
  .max(40)
  .refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date-time');

export const sealedNoteSchema = z.strictObject({
  readers: z
    .array(z.strictObject({ key, wrap: base64 }))
    .min(1)
    .max(40)
    .refine((rs) => new Set(rs.map((r) => r.key)).size === rs.length, 'a reader is listed twice'),
  nonce: base64,
  box: base64,
});
export type SealedNote = z.infer<typeof sealedNoteSchema>;

/**
 * A patient named by what a wristband shows (the requester cannot search encrypted charts; the service can). It goes
 * on the ledger only sealed to the emergency key and the privacy officers (`query` of a request), never in clear.
 */
export const patientQuerySchema = z.strictObject({
  family: z.string().trim().min(1, 'enter the family name').max(200),
  given: z.string().trim().max(200),
  birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
});
export type PatientQuery = z.infer<typeof patientQuerySchema>;

export const requestDataSchema = z
  .strictObject({
    type: z.literal(REQUEST_TYPE),
    authority: id,
    /** The chart, when the requester knows it (the patient's access card); else `query`. */
    chart: id.optional(),
    /** The patient's identifiers (PatientQuery as JSON), sealed to the emergency key and the privacy officers. */
    query: sealedNoteSchema.optional(),
    requester: z.strictObject({ signKey: key, boxKey: key }),
    reason: z.enum(REASON_CODES),
    note: sealedNoteSchema,
    /** 16 random bytes: two requests with the same words are distinct, and a copied one is recognised. */
    nonce: base64,
  })
  .refine((r) => (r.chart === undefined) !== (r.query === undefined), {
    message: 'a request names either a chart or a sealed patient query, not both or neither',
    path: ['chart'],
  });
export type RequestData = z.infer<typeof requestDataSchema>;

export const requestMetaSchema = z.strictObject({ type: z.literal(REQUEST_META_TYPE), at: instant });

export const grantSchema = z.strictObject({
  type: z.literal(GRANT_TYPE),
  request: id,
  chart: id,
  /** The chart version whose data key is wrapped here (the latest committed one at the grant). */
  version: id,
  requester: key,
  /** The version's data key, sealed to the requester's boxKey. */
  wrap: base64,
  expiresAt: instant,
  at: instant,
});
export type Grant = z.infer<typeof grantSchema>;

export const refusalSchema = z.strictObject({
  type: z.literal(REFUSAL_TYPE),
  request: id,
  reason: z.enum(REFUSAL_REASONS),
  detail: z.string().max(500),
  at: instant,
});
export type Refusal = z.infer<typeof refusalSchema>;

export class EmergencyInputError extends Error {
  override name = 'EmergencyInputError';
}

export function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'invalid';
}
