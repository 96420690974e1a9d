// What crosses IPC about the hospital authority (docs/AUTHORITY.md): its pinned identity and officers, the credential
// registry as IT sees it, and the answer of a quorum act (posted, or a partially signed file still needing officers).
// Public data only: officer keys stay in the keychain, passwords go one way (renderer → main) and are never answered.
import { z } from 'zod';
import { BASE58_KEY, HEX64 } from '../ledger/patterns';

const key = z.string().regex(BASE58_KEY, { error: 'must be a base58 public key' });
const txId = z.string().regex(HEX64, { error: 'must be a 64-character hex transaction id' });

export const CREDENTIAL_STATUSES = ['valid', 'not-yet', 'expired', 'revoked', 'unknown'] as const;
export const credentialStatusSchema = z.enum(CREDENTIAL_STATUSES);
export type CredentialStatusView = z.infer<typeof credentialStatusSchema>;

export const authorityViewSchema = z.object({
  id: txId,
  name: z.string(),
  threshold: z.number().int().min(1),
  officers: z.array(
    z.object({
      name: z.string(),
      signKey: key,
      /** This machine's keychain holds this officer's (sealed) key: it can sign here. */
      onThisMachine: z.boolean(),
    }),
  ),
});
export type AuthorityView = z.infer<typeof authorityViewSchema>;

export const hospitalStatusSchema = z.object({
  /** The pinned authority id; null when none is pinned. */
  authorityId: txId.nullable(),
  /** managed: IT pinned it (or pinned "none"), it cannot be changed here; user: set up or joined on this machine. */
  pinnedBy: z.enum(['managed', 'user']).nullable(),
  /** IT fixed the setting on this computer (first run offers nothing then). */
  locked: z.boolean(),
  /** The app runs its own embedded node (the single-machine default, where "Set up this hospital" is offered). */
  embedded: z.boolean(),
  /**
   * none: nothing pinned; verified: read and checked from the ledger; unverified: it cannot be trusted (reason);
   * unreachable: no node answered to read it (reason), which says nothing about the authority.
   */
  state: z.enum(['none', 'verified', 'unverified', 'unreachable']),
  authority: authorityViewSchema.nullable(),
  /** Why the pinned authority cannot be verified or read (state unverified or unreachable). */
  reason: z.string().nullable(),
  /** The signed-in doctor's credential now (null when nobody is signed in or nothing is pinned). */
  doctor: z
    .object({
      signKey: key,
      status: credentialStatusSchema,
      credentialId: txId.nullable(),
    })
    .nullable(),
});
export type HospitalStatus = z.infer<typeof hospitalStatusSchema>;

export const credentialEntrySchema = z.object({
  credentialId: txId,
  name: z.string(),
  licence: z.string(),
  specialty: z.string(),
  signKey: key,
  boxKey: key,
  validFrom: z.string(),
  validUntil: z.string(),
  issuedHeight: z.number().int().min(0),
  endHeight: z.number().int().min(0).nullable(),
  endReason: z.enum(['revoked', 'superseded', 'tampered']).nullable(),
  status: credentialStatusSchema,
});
export type CredentialEntry = z.infer<typeof credentialEntrySchema>;

export const registryProblemSchema = z.object({ id: z.string(), reason: z.string() });
export type RegistryProblemView = z.infer<typeof registryProblemSchema>;

export const credentialsListSchema = z.object({
  authority: authorityViewSchema,
  credentials: z.array(credentialEntrySchema),
  /** Everything the registry ignored (an outsider's credential, a licence already held, a broken chain), with why. */
  problems: z.array(registryProblemSchema),
});
export type CredentialsList = z.infer<typeof credentialsListSchema>;

/** A quorum act: posted when enough officers signed (1-of-1: at once), else the partially signed file to pass on. */
export const quorumActSchema = z
  .object({
    posted: txId.nullable(),
    /** The partially signed transaction file (public data only) for the other officers; null once posted. */
    partial: z.string().nullable(),
    /** What the transaction does, read from the transaction itself. */
    describes: z.string(),
    /** The keys that signed: officers' directory keys, or for an envelope v3 move their per-chart tweaked keys. */
    signedBy: z.array(key),
    /**
     * Per key of signedBy, the officer's name where the desk can tell it (a directory key of the authority's officers, or
     * a v3 move's tweaked key the desk maps back by a tweak its own box holds); null for one it cannot (docs/SECURITY.md).
     */
    signers: z.array(z.string().max(200).nullable()).optional(),
    /** Officers' signatures the authority needs (its threshold; every officer for the ceremony). */
    needed: z.number().int().min(1),
    /** Signed and kept in the outbox because no ledger node answered: posted when one does. */
    queued: z.boolean().optional(),
  })
  .refine((act) => act.signers === undefined || act.signers.length === act.signedBy.length, {
    error: 'signers must name each key of signedBy (or null)',
    path: ['signers'],
  });
export type QuorumAct = z.infer<typeof quorumActSchema>;

const when = (label: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `${label} is required` })
    .max(64)
    .refine((s) => Number.isFinite(Date.parse(s)), { error: `${label} is not a date (use YYYY-MM-DD)` });
const officerPassword = z.string().min(1, { error: "Enter the officer's password" }).max(1024);
/** Which of this machine's officer keys signs; omitted when the machine holds exactly one of the authority's. */
const officer = key.optional();

export const credentialIssueRequestSchema = z.strictObject({
  name: z.string().trim().min(1, { error: 'Name is required' }).max(200),
  licence: z.string().trim().min(1, { error: 'Licence number is required' }).max(100),
  specialty: z.string().trim().max(200).default(''),
  signKey: key,
  boxKey: key,
  /** Default: now. */
  validFrom: when('Valid from').optional(),
  validUntil: when('Valid until'),
  password: officerPassword,
  officer,
});

export const credentialRenewRequestSchema = z.strictObject({
  credentialId: txId,
  validUntil: when('Valid until'),
  password: officerPassword,
  officer,
});

export const credentialRevokeRequestSchema = z.strictObject({
  credentialId: txId,
  reason: z.string().trim().max(500).default(''),
  password: officerPassword,
  officer,
});

export const signPartialRequestSchema = z.strictObject({
  partial: z.string().min(1, { error: 'Paste or open the partially signed file' }).max(1_000_000),
  password: officerPassword,
  officer,
});

// The quorum's custody acts (recover, off-board, re-key: docs/AUTHORITY.md, "Custody, recovery, re-key and
// off-boarding"). The officers who sign are the ones whose keys this machine's keychain holds, each with their own
// password: their recovery shares rebuild the recovery key in memory, so at least the authority's threshold of them.
const who = z.union([key, txId], { error: 'must be a practitioner signKey or credential id' });
const chartId = z.string().regex(HEX64, { error: 'must be a 64-character hex chart id' });

export const custodySignersSchema = z
  .array(z.strictObject({ officer, password: officerPassword }))
  .min(1, { error: 'At least one officer signs' })
  .max(20)
  .refine((signers) => signers.length === 1 || signers.every((s) => s.officer !== undefined), {
    error: 'With several officers, name each one',
  })
  .refine((signers) => new Set(signers.map((s) => s.officer)).size === signers.length, {
    error: 'The same officer twice',
  });

const reason = z.string().trim().max(500).default('');

export const recoverRequestSchema = z.strictObject({
  chartIds: z
    .array(chartId)
    .min(1, { error: 'Choose at least one chart' })
    .max(200)
    .refine((ids) => new Set(ids).size === ids.length, { error: 'The same chart twice' }),
  /** The new custodian: a practitioner with a valid credential. */
  to: who,
  reason,
  officers: custodySignersSchema,
});

export const offboardRequestSchema = z.strictObject({
  /** The leaving doctor. */
  leaving: who,
  /** Who takes custody of their charts. */
  to: who,
  reason,
  officers: custodySignersSchema,
});

export const rekeyRequestSchema = z.strictObject({
  /** The doctor's credential or old signKey. */
  old: who,
  /** The doctor's new identity (public keys, from their credential request). */
  signKey: key,
  boxKey: key,
  officers: custodySignersSchema,
});

export const heldChartsRequestSchema = z.strictObject({ practitioner: who });
export const heldChartsSchema = z.object({
  signKey: key,
  name: z.string(),
  /** Charts whose current custodian is this practitioner (ids only: IT reads no chart). */
  chartIds: z.array(txId),
});
export type HeldCharts = z.infer<typeof heldChartsSchema>;

/** What a custody act did, each a posted quorum transaction. */
export const custodyActSchema = z.object({
  /** Re-key: the new credential (superseding the old one). */
  issued: txId.nullable(),
  /** Off-board and re-key: the revocation (null when it was already revoked). */
  revoked: txId.nullable(),
  moved: z.array(z.object({ chartId: txId, txId })),
  /** Charts that stay where they were, with why (off-board and re-key still revoke; recover refuses before posting). */
  notMoved: z.array(z.object({ chartId: txId, reason: z.string() })),
  /** The new custodian of every moved chart. */
  to: z.object({ name: z.string(), signKey: key }).nullable(),
  /** The acts above still waiting in the outbox (no ledger node answered): posted, in order, when one does. */
  queued: z.array(txId).optional(),
});
export type CustodyAct = z.infer<typeof custodyActSchema>;

/**
 * The multi-officer ceremony started from IT's screen (`hospital init` with officers' public keys): the authority
 * CREATE with the recovery key split m-of-n and sealed to each officer, as a partially signed file EVERY officer signs.
 */
export const ceremonyRequestSchema = z
  .strictObject({
    hospitalName: z.string().trim().min(1, { error: 'Hospital name is required' }).max(200),
    threshold: z.number().int().min(1, { error: 'At least 1 officer' }).max(20),
    officers: z
      .array(
        z.strictObject({
          name: z.string().trim().min(1, { error: 'Each officer needs a name' }).max(200),
          signKey: key,
          boxKey: key,
        }),
      )
      .min(1, { error: 'List the officers' })
      .max(20)
      .refine((os) => new Set(os.flatMap((o) => [o.signKey, o.boxKey])).size === os.length * 2, {
        error: 'The same key twice',
      }),
  })
  .refine((r) => r.threshold <= r.officers.length, {
    error: 'The threshold cannot exceed the number of officers',
    path: ['threshold'],
  });
