// What crosses IPC for IT's tools that only the CLI had (issue #12): this machine's officer keys (create, list, back
// up, restore), migrating the signed-in doctor's older charts under the authority, and recovery with officers on
// separate machines (a session key whose secret stays in main, shares sealed to it travelling as files). Public keys and sealed bytes
// only: an officer's seed, a recovery share in clear and a session secret never cross IPC.
import { z } from 'zod';
import { BASE58_KEY, BASE58_KEY_32, HEX64 } from '../ledger/patterns';
import { quorumActSchema } from './hospital';

const key = z.string().regex(BASE58_KEY, { error: 'must be a base58 public key' });
const txId = z.string().regex(HEX64, { error: 'must be a 64-character hex id' });
const officerPassword = z.string().min(1, { error: "Enter the officer's password" }).max(1024);

export const officerSummarySchema = z.object({
  name: z.string(),
  signKey: key,
  boxKey: key,
  createdAt: z.string(),
});
export type OfficerSummaryView = z.infer<typeof officerSummarySchema>;

export const officerCreateRequestSchema = z.strictObject({
  name: z.string().trim().min(1, { error: 'Name is required' }).max(200),
  /** Checked against the password rule in main (as a doctor's), with the name as a personal word. */
  password: z.string().min(10, { error: 'Password must be at least 10 characters' }).max(1024),
});

export const officerListSchema = z.object({
  officers: z.array(officerSummarySchema),
  /** Keychain entries under the officers' service that could not be read, with why (never fatal). */
  unreadable: z.array(z.object({ account: z.string(), problem: z.string() })),
});
export type OfficerList = z.infer<typeof officerListSchema>;

/** Back up one of this machine's officer keys: main seals it (officer password) and writes it through its save dialog. */
export const officerBackupRequestSchema = z.strictObject({
  officer: key,
  password: officerPassword,
});

export const officerRestoreRequestSchema = z.strictObject({
  /** The backup file's text as the user picked it (sealed by the officer password; the CLI's format). */
  backup: z.string().min(1, { error: 'Choose an officer backup file' }).max(1_000_000),
  password: officerPassword,
});

// ---------- migration of the signed-in doctor's charts ----------

/** What an older chart lacks to be under the authority (docs/AUTHORITY.md, "Migration"). */
export const MIGRATION_GAPS = ['custody', 'recovery', 'emergency'] as const;
export const migrationGapSchema = z.enum(MIGRATION_GAPS);
export type MigrationGap = z.infer<typeof migrationGapSchema>;

export const migrationPlanSchema = z.object({
  signKey: key,
  charts: z.array(
    z.object({
      chartId: txId,
      seq: z.number().int().min(0),
      /** Empty: already under the authority (a migration skips it). */
      gaps: z.array(migrationGapSchema),
      /** Why it cannot be migrated now (revoked, does not verify); null when it can. */
      blocked: z.string().nullable(),
    }),
  ),
});
export type MigrationPlan = z.infer<typeof migrationPlanSchema>;

export const migrateRequestSchema = z.strictObject({
  /** The signed-in doctor's password, checked again for this bulk act. */
  password: z.string().min(1, { error: 'Enter your password' }).max(1024),
  chartIds: z
    .array(txId)
    .min(1, { error: 'Choose at least one chart' })
    .max(50)
    .refine((ids) => new Set(ids).size === ids.length, { error: 'The same chart twice' }),
});

export const migrationReportSchema = z.object({
  charts: z.array(
    z.object({
      chartId: txId,
      status: z.enum(['done', 'skipped', 'failed']),
      /** The version written (done; it may still be pending in the outbox). */
      txId: txId.nullable(),
      /** Why skipped or failed; null when done. */
      reason: z.string().nullable(),
    }),
  ),
});
export type MigrationReport = z.infer<typeof migrationReportSchema>;

// ---------- recovery with officers on separate machines ----------

const sessionKey = z.string().regex(BASE58_KEY_32, { error: 'is not a recovery session key' });

export const recoverySessionSchema = z.object({ sessionKey, startedAt: z.string() });
export type RecoverySessionView = z.infer<typeof recoverySessionSchema>;

export const sealShareRequestSchema = z.strictObject({
  sessionKey,
  password: officerPassword,
  /** Which of this machine's officer keys; omitted when it holds exactly one of the authority's. */
  officer: key.optional(),
});

export const recoverWithSharesRequestSchema = z.strictObject({
  sessionKey,
  /** The share files' text as the coordinator opened them (each sealed to the session key). */
  shares: z.array(z.string().min(1).max(100_000)).min(1, { error: 'Add the officers’ share files' }).max(20),
  chartId: txId,
  /** The new custodian: a practitioner with a valid credential (signKey or credential id). */
  to: z.union([key, txId], { error: 'must be a practitioner signKey or credential id' }),
  reason: z.string().trim().max(500).default(''),
  /** The coordinating officer (this machine) signs the move first. */
  password: officerPassword,
  officer: key.optional(),
});

export const sessionRecoverySchema = z.object({
  act: quorumActSchema,
  /** Officers whose shares rebuilt the recovery key. */
  sharesFrom: z.array(key),
});
export type SessionRecovery = z.infer<typeof sessionRecoverySchema>;
