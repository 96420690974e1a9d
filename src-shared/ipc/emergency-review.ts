// What crosses IPC for the privacy officer's review of emergency access (docs/EMERGENCY.md, "Review"): the report
// rows (public ledger facts, plus the sealed reason and comments opened in main with the officer's key for this one
// call) and a follow-up to post. The officer's password goes renderer → main only, per act; no key is answered.
import { z } from 'zod';
import { BASE58_KEY, HEX64 } from '../ledger/patterns';
import { FOLLOWUP_STATES, REASON_CODES, REFUSAL_REASONS } from '../emergency/model';

const key = z.string().regex(BASE58_KEY, { error: 'must be a base58 public key' });
const txId = z.string().regex(HEX64, { error: 'must be a 64-character hex transaction id' });
const officerPassword = z.string().min(1, { error: "Enter the officer's password" }).max(1024);

export const emergencyReportRequestSchema = z.strictObject({
  since: z
    .string()
    .trim()
    .max(64)
    .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && Number.isFinite(Date.parse(s)), {
      error: 'Since is not a date (use YYYY-MM-DD)',
    }),
  /** With the officer's password, the sealed reasons and follow-up comments are opened for this answer. */
  password: officerPassword.optional(),
  officer: key.optional(),
});

const followUpRowSchema = z.object({
  state: z.enum(FOLLOWUP_STATES),
  at: z.string(),
  by: key,
  byName: z.string().nullable(),
  tx: txId,
  comment: z.string().nullable(),
});

export const emergencyReportRowSchema = z.object({
  request: txId,
  at: z.string(),
  height: z.number().int().nullable(),
  requester: z.object({ signKey: key, name: z.string().nullable(), credential: z.string() }),
  chart: txId.nullable(),
  byQuery: z.boolean(),
  reason: z.enum(REASON_CODES),
  note: z.string().nullable(),
  outcome: z.enum(['waiting', 'granted', 'refused']),
  refusal: z.object({ reason: z.enum(REFUSAL_REASONS), detail: z.string() }).nullable(),
  grantedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  emergencyKey: key,
  followUp: followUpRowSchema.nullable(),
  followUps: z.number().int().min(0),
});
export type EmergencyReportRowView = z.infer<typeof emergencyReportRowSchema>;

export const emergencyReportSchema = z.object({
  rows: z.array(emergencyReportRowSchema),
  /** The emergency key the authority publishes now (null: none yet, so no request can be served). */
  emergencyKey: key.nullable(),
  /** The reasons and comments were opened (an officer key of this computer, its password given). */
  opened: z.boolean(),
});
export type EmergencyReport = z.infer<typeof emergencyReportSchema>;

export const emergencyFollowUpRequestSchema = z.strictObject({
  request: txId,
  state: z.enum(FOLLOWUP_STATES),
  comment: z.string().trim().max(2000, { error: 'At most 2000 characters' }).default(''),
  password: officerPassword,
  officer: key.optional(),
});

export const emergencyFollowUpSchema = z.object({
  posted: txId,
  /** Kept in the outbox because no ledger node answered: posted when one does. */
  queued: z.boolean().optional(),
});
