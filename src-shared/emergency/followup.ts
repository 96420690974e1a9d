// A privacy officer's follow-up of an emergency access (docs/EMERGENCY.md, "Review"): acknowledged, justified or
// escalated, with a comment sealed to the privacy officers. A CREATE signed by one officer key of the authority (its
// only issuer, its output its own), so who reviewed what and when is on the ledger like the access itself.
import type { ZodError } from 'zod';
import { z } from 'zod';
import type { EnvelopeReaderKey } from '../crypto/envelope';
import { signerFor, type KeyHolder } from '../crypto/keyholder';
import {
  contextFromTransactions,
  ed25519Output,
  makeCreate,
  pureCryptoProvider,
  signTransaction,
  validateTransaction,
  type CryptoProvider,
  type JsonObject,
  type Transaction,
} from '../ledger';
import { HEX64 } from '../ledger/patterns';
import { EmergencyInputError, FOLLOWUP_STATES, firstProblem, sealedNoteSchema, type FollowUpState } from './model';
import { openNote, sealNote } from './note';
import { provesKey, type Checked } from './verify';

export const FOLLOWUP_TYPE = 'hc.emergency.followup/1';

const id = z.string().regex(HEX64, 'must be a 64-hex id');
const instant = z
  .string()
  .max(40)
  .refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date-time');

export const followUpSchema = z.strictObject({
  type: z.literal(FOLLOWUP_TYPE),
  authority: id,
  /** The emergency request reviewed. */
  request: id,
  state: z.enum(FOLLOWUP_STATES),
  /** The officer's comment (may be empty), sealed to the privacy officers. */
  comment: sealedNoteSchema,
  at: instant,
});
export type FollowUp = z.infer<typeof followUpSchema>;

export interface FollowUpInput {
  authority: string;
  request: string;
  state: FollowUpState;
  comment: string;
  /** The privacy officers' boxKeys (the authority's officers). */
  officers: readonly string[];
  at?: Date;
}

function parsed<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } },
  value: unknown,
): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new EmergencyInputError(`follow-up: ${firstProblem(result.error)}`);
  return result.data;
}

/** The follow-up CREATE, signed by `officer` (an officer key of the authority). */
export async function buildFollowUp(
  input: FollowUpInput,
  officer: KeyHolder,
  crypto: CryptoProvider = pureCryptoProvider,
): Promise<Transaction> {
  if (input.comment.length > 2000)
    throw new EmergencyInputError('follow-up: the comment is longer than 2000 characters');
  const data = parsed(followUpSchema, {
    type: FOLLOWUP_TYPE,
    authority: input.authority,
    request: input.request,
    state: input.state,
    comment: sealNote(input.comment, input.officers),
    at: (input.at ?? new Date()).toISOString(),
  });
  const unsigned = makeCreate(data as unknown as JsonObject, null, [ed25519Output(officer.signKey)], [officer.signKey]);
  return signTransaction(unsigned, signerFor(officer), { crypto });
}

export interface VerifiedFollowUp {
  tx: Transaction;
  data: FollowUp;
  /** The officer's signKey. */
  by: string;
}

/**
 * A follow-up as read from a node: a valid CREATE whose only issuer is one of `officerSignKeys` (the pinned
 * authority's officers), for `authority`. Anything else is not a follow-up of this hospital.
 */
export function verifyFollowUp(
  raw: unknown,
  authority: string,
  officerSignKeys: readonly string[],
  crypto: CryptoProvider = pureCryptoProvider,
): Checked<VerifiedFollowUp> {
  const result = validateTransaction(raw, contextFromTransactions([]), crypto);
  if (!result.ok) return { ok: false, reason: `not a valid transaction (${result.error.type})` };
  const tx = result.tx;
  if (tx.operation !== 'CREATE') return { ok: false, reason: 'a follow-up is a CREATE' };
  const data = followUpSchema.safeParse((tx.asset as { data?: unknown }).data);
  if (!data.success) return { ok: false, reason: `not a follow-up (${firstProblem(data.error)})` };
  if (data.data.authority !== authority) return { ok: false, reason: 'the follow-up names another authority' };
  const issuers = tx.inputs.flatMap((i) => i.owners_before);
  if (issuers.length !== 1 || !officerSignKeys.includes(issuers[0]!) || !provesKey(tx, issuers[0]!, crypto))
    return { ok: false, reason: 'the follow-up was not signed by an officer of the authority' };
  return { ok: true, value: { tx, data: data.data, by: issuers[0]! } };
}

export function openFollowUpComment(followUp: FollowUp, officer: EnvelopeReaderKey): Promise<string> {
  return openNote(followUp.comment, officer);
}
