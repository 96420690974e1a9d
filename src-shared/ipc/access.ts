// Who can read a chart and how that came about (issue #13): the IPC shapes of the access history that the doctor's
// chart view and the patient's kiosk "Access" tab show, and of the doctor's emergency request. Public facts only
// (keys, names from the directory, dates, reason codes); a sealed reason's text appears only for a reader who could
// open it.
import { z } from 'zod';
import { REASON_CODES, REFUSAL_REASONS } from '../emergency/model';
import { isoTimeSchema, personRefSchema, txIdSchema } from './data';

export { REASON_CODES, REFUSAL_REASONS };
export const reasonCodeSchema = z.enum(REASON_CODES);
export const refusalReasonSchema = z.enum(REFUSAL_REASONS);

export const ACCESS_ROLES = [
  'custodian',
  'doctor',
  'patient',
  'emergency',
  'recovery',
  'emergency-service',
  'unknown',
] as const;
export const accessRoleSchema = z.enum(ACCESS_ROLES);
export type AccessRole = z.infer<typeof accessRoleSchema>;

export const accessPartySchema = z.object({
  role: accessRoleSchema,
  person: personRefSchema,
  /** An emergency grant's end; null for the others (they read until unshared). */
  until: isoTimeSchema.nullable(),
  /** An emergency grant covers one version: set when a later one exists, which this reader cannot open. */
  versionSeq: z.number().int().min(1).nullable(),
});
export type AccessParty = z.infer<typeof accessPartySchema>;

export const ACCESS_EVENT_KINDS = [
  'created',
  'shared',
  'unshared',
  'custody',
  'revoked',
  'restored',
  'emergency-request',
  'emergency-grant',
  'emergency-refusal',
] as const;
export const accessEventKindSchema = z.enum(ACCESS_EVENT_KINDS);
export type AccessEventKind = z.infer<typeof accessEventKindSchema>;

export const accessEventSchema = z.object({
  kind: accessEventKindSchema,
  at: isoTimeSchema,
  /** Who acted: the version's author, the requester, or the emergency service for its answers. */
  by: personRefSchema,
  /** Whom it concerns: the reader added or dropped, the new custodian, the requester granted or refused. */
  subject: personRefSchema.nullable(),
  /** An emergency request's reason code. */
  reason: reasonCodeSchema.nullable(),
  /** A refusal's reason code. */
  refusal: refusalReasonSchema.nullable(),
  /** Text: the sealed reason of a request (only when this reader opened it), a version's note, a refusal's detail. */
  text: z.string().max(2000).nullable(),
  /** An emergency grant's end. */
  expiresAt: isoTimeSchema.nullable(),
  txId: txIdSchema,
});
export type AccessEvent = z.infer<typeof accessEventSchema>;

export const chartAccessSchema = z.object({
  chartId: txIdSchema,
  /** Who can read the current version now, and emergency grants still running. */
  canRead: z.array(accessPartySchema),
  /** Oldest first. */
  history: z.array(accessEventSchema),
  /** Why the emergency part is missing (no emergency service known to this app); null when it is included. */
  emergencyUnavailable: z.string().max(500).nullable(),
});
export type ChartAccess = z.infer<typeof chartAccessSchema>;

/** A doctor's emergency request as it stands: waiting for the service, granted (until) or refused (why). */
export const emergencyRequestStateSchema = z.object({
  requestId: txIdSchema,
  /** The chart the request names, or (a request by name and date of birth) the one its grant names; else null. */
  chartId: txIdSchema.nullable(),
  reason: reasonCodeSchema,
  requestedAt: isoTimeSchema,
  state: z.enum(['waiting', 'granted', 'refused']),
  grant: z
    .object({ grantedBy: personRefSchema, at: isoTimeSchema, expiresAt: isoTimeSchema, versionTxId: txIdSchema })
    .nullable(),
  refusal: z.object({ reason: refusalReasonSchema, detail: z.string().max(500), at: isoTimeSchema }).nullable(),
});
export type EmergencyRequestState = z.infer<typeof emergencyRequestStateSchema>;

export { emergencyBannerSchema, type EmergencyBanner } from './data';

/** Words for the codes, shared by the doctor's console and the kiosk. */
export const REASON_LABELS: Record<(typeof REASON_CODES)[number], string> = {
  unconscious: 'Patient unconscious',
  'life-threatening': 'Life-threatening condition',
  'unable-to-consent': 'Patient unable to consent',
  'urgent-treatment': 'Urgent treatment needed',
  other: 'Other (see the note)',
};

export const REFUSAL_LABELS: Record<(typeof REFUSAL_REASONS)[number], string> = {
  'no-credential': 'the requester holds no credential of this hospital',
  revoked: "the requester's credential was revoked",
  expired: "the requester's credential has expired",
  'not-yet': "the requester's credential is not valid yet",
  forged: 'the request was not signed by the clinician it names',
  replayed: 'the request repeats an earlier one',
  'rate-limit': 'the requester made too many emergency requests in the last hours',
  'unknown-chart': 'the chart does not exist on the ledger',
  'no-emergency-wrap': 'this chart cannot be opened by the emergency service',
  'wrong-authority': 'the request names another hospital',
  ambiguous: "several patients match this name and date of birth: scan the patient's access card",
};
