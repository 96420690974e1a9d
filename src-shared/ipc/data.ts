// The data that crosses IPC, as zod schemas. Chart content itself is the records engineer's `chartSchema`; everything
// here is the public, displayable view of identities, versions and ledger state. Nothing here may carry a seed, a
// private key, a password or a data key: these shapes are the whole of what the renderer can ever see.
import { z } from 'zod';
import { chartSchema, storedChartSchema } from '../records/chart';
import { CHART_ACTIONS } from '../records/actions';
import { BASE58_KEY, HEX64 as TX_ID } from '../ledger/patterns';
import { REASON_CODES } from '../emergency/model';
import { SETTING_KEYS, nodeUrlSchema, settingFields, settingsSchema } from '../settings/model';

export { chartSchema, nodeUrlSchema };

export const publicKeySchema = z.string().regex(BASE58_KEY, { error: 'must be a base58 public key' });
export const txIdSchema = z.string().regex(TX_ID, { error: 'must be a 64-character hex transaction id' });
/** Chart id = the asset id of the chart's CREATE transaction. */
export const chartIdSchema = txIdSchema;
/** ISO time as written by the author; empty when unknown (e.g. a chart whose head failed verification). */
export const isoTimeSchema = z.string().max(64);

export { CHART_ACTIONS };
export const chartActionSchema = z.enum(CHART_ACTIONS);
export type ChartAction = z.infer<typeof chartActionSchema>;

// ---------- identities (vault) ----------

export const identitySummarySchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  specialty: z.string(),
  licenceNumber: z.string(),
  signKey: publicKeySchema,
  boxKey: publicKeySchema,
  createdAt: isoTimeSchema,
});
export type IdentitySummary = z.infer<typeof identitySummarySchema>;

export const sessionSchema = z.object({
  /** The unlocked identity, or null when the vault is locked. */
  identity: identitySummarySchema.nullable(),
});
export type Session = z.infer<typeof sessionSchema>;

export const passwordSchema = z.string().min(10, { error: 'Password must be at least 10 characters' }).max(1024);
export const pinSchema = z.string().regex(/^\d{6,12}$/, { error: 'PIN must be 6 to 12 digits' });

// ---------- charts ----------

export const CHART_STATUSES = ['active', 'revoked'] as const;
/**
 * verified: every check passed; pending: written locally, not yet committed; tampered: a check failed;
 * unknown-author: every signature and the chain verify, but (hospital authority pinned) a version's author held no
 * valid credential at its ledger position, or the authority itself cannot be verified — never shown as data.
 */
export const INTEGRITY = ['verified', 'pending', 'tampered', 'unknown-author'] as const;
export const integritySchema = z.enum(INTEGRITY);
export type Integrity = z.infer<typeof integritySchema>;

export const personRefSchema = z.object({
  /** base58 signing key; empty when unknown (a tampered chart names nobody it could not verify). */
  signKey: z.string().max(100),
  /** From the practitioner directory; null when the key is not in it. */
  name: z.string().nullable(),
});
export type PersonRef = z.infer<typeof personRefSchema>;

export const chartSummarySchema = z.object({
  chartId: chartIdSchema,
  /** Decrypted for the signed-in user only; never stored by the renderer. Empty when tampered. */
  patientName: z.string(),
  status: z.enum(CHART_STATUSES),
  integrity: integritySchema,
  /** Exact reason when integrity is 'tampered' or 'unknown-author' (which: "Unknown author: …" or the authority's). */
  tamperReason: z.string().nullable(),
  seq: z.number().int().min(1),
  /** The current version's transaction; null when its id is not a valid one (a tampered head). */
  headTxId: txIdSchema.nullable(),
  updatedAt: isoTimeSchema,
  custodian: personRefSchema,
  /** How the signed-in doctor relates to the chart. */
  role: z.enum(['custodian', 'reader']),
});
export type ChartSummary = z.infer<typeof chartSummarySchema>;

/** Shown above a chart read through an emergency grant (issue #13): who granted it, why, until when. */
export const emergencyBannerSchema = z.object({
  grantedBy: personRefSchema,
  reason: z.enum(REASON_CODES),
  grantedAt: isoTimeSchema,
  expiresAt: isoTimeSchema,
  requestId: txIdSchema,
});
export type EmergencyBanner = z.infer<typeof emergencyBannerSchema>;

export const chartViewSchema = z.object({
  summary: chartSummarySchema,
  /**
   * The decrypted chart of the version shown; null when that version could not be verified or opened. Checked as a
   * stored version (shape only): whether its dates lay in the future was the writer's concern, on the writer's clock.
   */
  data: storedChartSchema.nullable(),
  /** Doctors (other than the custodian) who can read the current version. */
  sharedWith: z.array(personRefSchema),
  /** The version shown (equals summary.seq unless an older version was asked for). */
  seq: z.number().int().min(1),
  txId: txIdSchema,
  /** Set when the viewer reads by an emergency grant (read-only); absent for the chart's own readers. */
  emergency: emergencyBannerSchema.optional(),
});
export type ChartView = z.infer<typeof chartViewSchema>;

export const fieldChangeSchema = z.object({
  /** Dot path into the chart, e.g. `patient.name` or `medications.med-3.dose` (entries addressed by id). */
  path: z.string(),
  /** Human label, e.g. "Medication › Amoxicillin › Dose". */
  label: z.string(),
  kind: z.enum(['added', 'removed', 'changed']),
  before: z.string().nullable(),
  after: z.string().nullable(),
});
export type FieldChange = z.infer<typeof fieldChangeSchema>;

/** A transaction id as a node reported it: shown, never trusted (a tampered answer may carry a malformed one). */
const reportedTxId = z.string().max(200);

export const historyEntrySchema = z.object({
  seq: z.number().int().min(1),
  txId: reportedTxId,
  action: chartActionSchema,
  at: isoTimeSchema,
  author: personRefSchema,
  integrity: integritySchema,
  tamperReason: z.string().nullable(),
  /** The author's note, e.g. why the chart was revoked. */
  note: z.string().nullable(),
  /** Changes against the previous version (empty for create, or when either version could not be opened). */
  changes: z.array(fieldChangeSchema),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const verificationCheckSchema = z.object({
  /** e.g. "Transaction id matches its content", "Signature of <key>", "Spends version 6". */
  label: z.string(),
  ok: z.boolean(),
  detail: z.string().nullable(),
});

export const verificationReportSchema = z.object({
  chartId: chartIdSchema,
  seq: z.number().int().min(1),
  txId: reportedTxId,
  operation: z.enum(['CREATE', 'TRANSFER']),
  ok: z.boolean(),
  /** Exact reason of the first failure; null when ok. */
  reason: z.string().nullable(),
  checks: z.array(verificationCheckSchema),
  signatures: z.array(z.object({ publicKey: z.string().max(100), name: z.string().nullable(), ok: z.boolean() })),
  /** The version chain from CREATE to this version: each entry spends the previous one. */
  chain: z.array(
    z.object({
      seq: z.number().int().min(1),
      txId: reportedTxId,
      action: chartActionSchema.nullable(),
      ok: z.boolean(),
    }),
  ),
  nodeUrl: z.string(),
  /** `<nodeUrl>/api/v1/transactions/<txId>`: where anyone can see the transaction (open with app.openExternal). */
  txUrl: z.string(),
});
export type VerificationReport = z.infer<typeof verificationReportSchema>;

export const practitionerSchema = z.object({
  name: z.string(),
  specialty: z.string(),
  signKey: publicKeySchema,
  boxKey: publicKeySchema,
  /**
   * In settings.trustedPractitionerKeys (set by IT). Always false while a hospital authority is pinned: credentials
   * supersede that list (docs/DEPLOYMENT.md §4).
   */
  trusted: z.boolean(),
  /** The licence on the practitioner's credential; present only when a hospital authority is pinned. */
  licence: z.string().max(200).optional(),
});
export type Practitioner = z.infer<typeof practitionerSchema>;

export const recentActionSchema = z.object({
  txId: txIdSchema,
  chartId: chartIdSchema,
  action: chartActionSchema,
  at: isoTimeSchema,
  /** Decrypted patient name when the signed-in doctor can read it, else null. */
  patientName: z.string().nullable(),
  state: z.enum(['pending', 'committed', 'rejected']),
  /** The node's reason when rejected. */
  error: z.string().nullable(),
});
export type RecentAction = z.infer<typeof recentActionSchema>;

export const outboxItemSchema = z.object({
  txId: txIdSchema,
  chartId: chartIdSchema.nullable(),
  action: chartActionSchema.nullable(),
  queuedAt: isoTimeSchema,
  attempts: z.number().int().min(0),
  nextAttemptAt: isoTimeSchema.nullable(),
  lastError: z.string().nullable(),
});
export type OutboxItem = z.infer<typeof outboxItemSchema>;

/** The patient's access card, shown exactly once after a chart is created. */
export const accessCardSchema = z.object({
  /** The human-typeable code (with checksum) the patient types at the kiosk. */
  code: z.string().min(1),
  /** `data:image/png;base64,…` QR of the same code. */
  qrDataUrl: z.string().startsWith('data:image/'),
  /** Printed instructions for the patient. */
  instructions: z.string(),
});
export type AccessCard = z.infer<typeof accessCardSchema>;

// ---------- settings and status ----------

export { settingsSchema, SETTING_KEYS };
export type SettingsValues = z.infer<typeof settingsSchema>;
export const settingKeySchema = z.enum(SETTING_KEYS);

export const settingsViewSchema = z.object({
  values: settingsSchema,
  /** Keys fixed by hospital IT: show them locked. */
  locked: z.array(settingKeySchema),
});
export type SettingsView = z.infer<typeof settingsViewSchema>;

// The same fields and messages main validates with (src-shared/settings/model.ts); the kiosk camera is IT's alone,
// and the hospital authority is pinned only through its own channels (set up / join), never by a settings patch.
export const settingsPatchSchema = z
  .strictObject(settingFields)
  .omit({ kioskCamera: true, hospitalAuthority: true })
  .partial();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const nodeStatusSchema = z.object({
  /** The node URL in use now (failover may change it). */
  url: z.string().nullable(),
  /** True when the app started its own embedded node (no node URL configured). */
  embedded: z.boolean(),
  reachable: z.boolean(),
  checkedAt: isoTimeSchema.nullable(),
  /** Why it is unreachable, when it is. */
  error: z.string().nullable(),
  /** Signed transactions waiting in the outbox. */
  pending: z.number().int().min(0),
});
export type NodeStatus = z.infer<typeof nodeStatusSchema>;

export const appStatusSchema = z.object({
  variant: z.enum(['workstation', 'kiosk']),
  version: z.string(),
  node: nodeStatusSchema,
  /** Workstation: whether an identity is unlocked. Kiosk: whether a card is open. */
  signedIn: z.boolean(),
});
export type AppStatus = z.infer<typeof appStatusSchema>;

/** Only whether a BigchainDB node answered: no status, latency, body or error text reaches the renderer. */
export const nodeTestResultSchema = z.object({
  url: z.string(),
  reachable: z.boolean(),
});
export type NodeTestResult = z.infer<typeof nodeTestResultSchema>;

export const lockEventSchema = z.object({
  reason: z.enum(['manual', 'idle', 'screen-lock', 'suspend', 'kiosk-idle', 'signed-out']),
});
export type LockEvent = z.infer<typeof lockEventSchema>;

export const patientSessionSchema = z.object({
  patientName: z.string(),
  chartId: chartIdSchema,
  /** Seconds of inactivity before the kiosk signs the patient out. */
  idleSeconds: z.number().int(),
});
export type PatientSession = z.infer<typeof patientSessionSchema>;
