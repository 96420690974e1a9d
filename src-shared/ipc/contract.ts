// THE IPC contract: every channel between the renderer and main, with its schemas. The preload and the test bridge
// build `window.healthchain` from it (client.ts); src-main/ipc registers handlers from it. Adding a channel here is the
// only way to add one.
import { z } from 'zod';
import { channel, event, type ChannelDef } from './channel';
import {
  accessCardSchema,
  appStatusSchema,
  chartIdSchema,
  chartSchema,
  chartSummarySchema,
  chartViewSchema,
  historyEntrySchema,
  identitySummarySchema,
  lockEventSchema,
  nodeStatusSchema,
  nodeTestResultSchema,
  nodeUrlSchema,
  outboxItemSchema,
  passwordSchema,
  patientSessionSchema,
  pinSchema,
  practitionerSchema,
  publicKeySchema,
  recentActionSchema,
  sessionSchema,
  settingsPatchSchema,
  settingsViewSchema,
  txIdSchema,
  verificationReportSchema,
} from './data';
import { networkCheckSchema } from './network-check';
import { chartAccessSchema, emergencyRequestStateSchema, reasonCodeSchema } from './access';
import {
  ceremonyRequestSchema,
  credentialIssueRequestSchema,
  credentialRenewRequestSchema,
  credentialRevokeRequestSchema,
  credentialsListSchema,
  custodyActSchema,
  heldChartsRequestSchema,
  heldChartsSchema,
  hospitalStatusSchema,
  offboardRequestSchema,
  quorumActSchema,
  recoverRequestSchema,
  rekeyRequestSchema,
  signPartialRequestSchema,
} from './hospital';
import {
  migrateRequestSchema,
  migrationPlanSchema,
  migrationReportSchema,
  officerBackupRequestSchema,
  officerCreateRequestSchema,
  officerRestoreRequestSchema,
  officerListSchema,
  officerSummarySchema,
  recoverWithSharesRequestSchema,
  recoverySessionSchema,
  sealShareRequestSchema,
  sessionRecoverySchema,
} from './it-desk';
import {
  emergencyFollowUpRequestSchema,
  emergencyFollowUpSchema,
  emergencyReportRequestSchema,
  emergencyReportSchema,
} from './emergency-review';
import { upgradeV3ReportSchema, upgradeV3RequestSchema } from './upgrade-v3';

const none = z.strictObject({});
const done = z.object({});
const W = ['workstation'] as const;
const K = ['kiosk'] as const;
const BOTH = ['workstation', 'kiosk'] as const;
const requiredText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, { error: `${label} is required` })
    .max(max, { error: `${label} must be at most ${max} characters` });
/** Where a file was saved, or null when the user cancelled the save dialog. */
const saved = z.object({ savedTo: z.string().nullable() });
/** A write's answer: the chart as it now is, and the version just written (so the renderer need not read again). */
const written = z.object({ chart: chartViewSchema, version: historyEntrySchema });

export const contract = {
  vault: {
    list: channel({
      request: none,
      response: z.object({ identities: z.array(identitySummarySchema) }),
      readOnly: true,
      variants: W,
      doc: 'Identities on this workstation (public parts only).',
    }),
    session: channel({
      request: none,
      response: sessionSchema,
      readOnly: true,
      variants: W,
      doc: 'The unlocked identity, if any.',
    }),
    create: channel({
      request: z.strictObject({
        name: requiredText('Name', 200),
        specialty: requiredText('Specialty', 200),
        licenceNumber: requiredText('Licence number', 100),
        password: passwordSchema,
      }),
      response: z.object({ identity: identitySummarySchema }),
      readOnly: false,
      variants: W,
      doc: 'Create a doctor identity, store it sealed in the OS keychain, publish it as a practitioner, and unlock it.',
    }),
    unlock: channel({
      request: z.strictObject({
        id: z.string().min(1),
        password: z.string().min(1, { error: 'Password is required' }).max(1024),
      }),
      response: z.object({ identity: identitySummarySchema }),
      readOnly: false,
      variants: W,
      doc: 'Unlock an identity with its password (WRONG_PASSWORD, with a growing delay after repeated failures).',
    }),
    lock: channel({
      request: none,
      response: done,
      readOnly: false,
      variants: W,
      doc: 'Lock now (key material wiped).',
    }),
    changePassword: channel({
      request: z.strictObject({
        id: z.string().min(1),
        oldPassword: z.string().min(1).max(1024),
        newPassword: passwordSchema,
      }),
      response: done,
      readOnly: false,
      variants: W,
      doc: 'Re-seal the identity under a new password.',
    }),
    delete: channel({
      request: z.strictObject({
        id: z.string().min(1),
        confirmation: z.string().min(1, { error: 'Type the identity name to confirm' }),
        password: z.string().min(1, { error: 'Enter the password of this identity' }).max(1024),
      }),
      response: done,
      readOnly: false,
      variants: W,
      doc: 'Delete an identity from this workstation; `confirmation` must equal the identity name (CONFIRMATION_MISMATCH) and `password` must unseal it (WRONG_PASSWORD).',
    }),
    exportBackup: channel({
      request: z.strictObject({ id: z.string().min(1), password: z.string().min(1).max(1024) }),
      response: saved,
      readOnly: true,
      variants: W,
      doc: 'Write an encrypted backup file chosen in a save dialog (needs the identity password).',
    }),
    importBackup: channel({
      request: z.strictObject({
        backup: z.string().min(1, { error: 'Choose a backup file' }).max(1_000_000),
        password: z.string().min(1).max(1024),
      }),
      response: z.object({ identity: identitySummarySchema }),
      readOnly: false,
      variants: W,
      doc: 'Import a backup (the file content as text, read by the renderer from a file input).',
    }),
  },
  charts: {
    list: channel({
      request: z.strictObject({ status: z.enum(['all', 'active', 'revoked']).default('all') }),
      response: z.object({
        charts: z.array(chartSummarySchema),
        /** Set when no node answered: the charts are the ones last verified on this workstation, maybe out of date. */
        offline: z.object({ message: z.string() }).optional(),
      }),
      readOnly: true,
      variants: W,
      doc: 'Charts the signed-in doctor can read, newest first. Search by name happens in the renderer.',
    }),
    get: channel({
      request: z.strictObject({ chartId: chartIdSchema, seq: z.number().int().min(1).optional() }),
      response: chartViewSchema,
      readOnly: true,
      variants: W,
      doc: 'One chart, verified and decrypted (an older version with `seq`).',
    }),
    create: channel({
      request: z.strictObject({ chart: chartSchema, pin: pinSchema }),
      response: z.object({ chart: chartViewSchema, card: accessCardSchema }),
      readOnly: false,
      variants: W,
      doc: 'New chart and patient identity; returns the access card, shown once (the workstation keeps no patient seed).',
    }),
    update: channel({
      request: z.strictObject({ chartId: chartIdSchema, baseSeq: z.number().int().min(1), chart: chartSchema }),
      response: written,
      readOnly: false,
      variants: W,
      doc: 'New version. `baseSeq` is the version edited; CONFLICT if the chart moved on.',
    }),
    revoke: channel({
      request: z.strictObject({ chartId: chartIdSchema, reason: z.string().trim().max(500).default('') }),
      response: written,
      readOnly: false,
      variants: W,
      doc: 'Tombstone version: shown as revoked, history kept.',
    }),
    restore: channel({
      request: z.strictObject({ chartId: chartIdSchema }),
      response: written,
      readOnly: false,
      variants: W,
      doc: 'Undo a revoke with a new version.',
    }),
    share: channel({
      request: z.strictObject({ chartId: chartIdSchema, signKey: publicKeySchema }),
      response: written,
      readOnly: false,
      variants: W,
      doc: 'Add a doctor (from practitioners) as reader.',
    }),
    unshare: channel({
      request: z.strictObject({ chartId: chartIdSchema, signKey: publicKeySchema }),
      response: written,
      readOnly: false,
      variants: W,
      doc: 'Drop a reader (new data key from this version on).',
    }),
    custody: channel({
      request: z.strictObject({ chartId: chartIdSchema, signKey: publicKeySchema }),
      response: written,
      readOnly: false,
      variants: W,
      doc: 'Hand the chart over to another doctor.',
    }),
    history: channel({
      request: z.strictObject({ chartId: chartIdSchema }),
      response: z.object({ versions: z.array(historyEntrySchema) }),
      readOnly: true,
      variants: W,
      doc: 'Every version, oldest first, with field diffs.',
    }),
    verify: channel({
      request: z.strictObject({ chartId: chartIdSchema, seq: z.number().int().min(1).optional() }),
      response: verificationReportSchema,
      readOnly: true,
      variants: W,
      doc: 'Re-fetch and re-check one version (default: head) against the ledger.',
    }),
    practitioners: channel({
      request: z.strictObject({ query: z.string().max(200).default('') }),
      response: z.object({
        practitioners: z.array(practitionerSchema),
        /** Why the list is empty: the pinned hospital authority cannot be verified (fail closed). */
        unavailable: z.string().max(2000).nullable().optional(),
      }),
      readOnly: true,
      variants: W,
      doc: 'Practitioner directory from the ledger.',
    }),
    recent: channel({
      request: none,
      response: z.object({ actions: z.array(recentActionSchema) }),
      readOnly: true,
      variants: W,
      doc: "This doctor's latest actions (committed and pending), newest first.",
    }),
    outbox: channel({
      request: none,
      response: z.object({ items: z.array(outboxItemSchema) }),
      readOnly: true,
      variants: W,
      doc: 'Signed transactions not yet committed by a node.',
    }),
    discardRejected: channel({
      request: z.strictObject({ txId: txIdSchema }),
      response: done,
      readOnly: false,
      variants: W,
      doc: 'Drop a version the node rejected from the outbox, so the chart can be written again (only rejected items).',
    }),
    access: channel({
      request: z.strictObject({ chartId: chartIdSchema }),
      response: chartAccessSchema,
      readOnly: true,
      variants: BOTH,
      doc: "Who can read the chart now (custodian, patient, shared doctors, running emergency grants) and its access history (shares, custody, revocations, emergency requests and answers; a sealed reason's text only where this viewer can open it). The kiosk answers the open card's chart only.",
    }),
    exportFhir: channel({
      request: z.strictObject({ chartId: chartIdSchema, ips: z.boolean().optional() }),
      response: saved,
      readOnly: true,
      variants: W,
      doc: 'Save the chart as a FHIR R4 Bundle through a save dialog; with ips, an International Patient Summary document (Composition and sections).',
    }),
    upgradeV3: channel({
      request: upgradeV3RequestSchema,
      response: upgradeV3ReportSchema,
      readOnly: false,
      variants: W,
      doc: 'Re-create every v1 chart the signed-in doctor holds as a private-format (v3) chart and close the old one as moved (their password, checked again), as `charts upgrade-v3 --all`: writes in random order with random pauses up to spreadSeconds (default 2 s); per chart upgraded, skipped or failed with the reason. Re-running skips what is done.',
    }),
  },
  patient: {
    openCard: channel({
      request: z.strictObject({
        code: z.string().trim().min(1, { error: 'Enter the code from your card' }).max(4096),
        pin: z.string().min(1, { error: 'Enter your PIN' }).max(64),
      }),
      response: patientSessionSchema,
      readOnly: true,
      variants: K,
      doc: "Open the access card (INVALID_CARD for a mistyped code, WRONG_PIN, TOO_MANY_ATTEMPTS). Changes nothing on the ledger; on disk only the kiosk's attempt counters (no health data).",
    }),
    getChart: channel({
      request: none,
      response: chartViewSchema,
      readOnly: true,
      variants: K,
      doc: "The open card's chart, verified and decrypted.",
    }),
    signOut: channel({
      request: none,
      response: done,
      readOnly: true,
      variants: K,
      doc: 'Forget the session (memory only).',
    }),
  },
  emergency: {
    request: channel({
      request: z.strictObject({
        patient: z.discriminatedUnion('by', [
          z.strictObject({ by: z.literal('chart'), chartId: chartIdSchema }),
          z.strictObject({
            by: z.literal('card'),
            code: z.string().trim().min(1, { error: "Scan or paste the patient's access card" }).max(4096),
          }),
          // From the wristband: the emergency service finds the chart (docs/EMERGENCY.md, "Requests by patient identifiers").
          z.strictObject({
            by: z.literal('name'),
            family: requiredText('Family name', 200),
            given: z.string().trim().max(200).default(''),
            birthDate: z.iso.date({ error: 'Date of birth must be a date (YYYY-MM-DD)' }),
          }),
        ]),
        reason: reasonCodeSchema,
        note: z.string().trim().max(1000, { error: 'The note must be at most 1000 characters' }).default(''),
      }),
      response: emergencyRequestStateSchema,
      readOnly: false,
      variants: W,
      doc: "Break the glass: post an emergency access request for a chart (found by id, by the patient's access card, or by family name, given name and date of birth sealed for the emergency service), signed by the signed-in doctor's key, its note sealed to the patient, the custodian and the privacy officers. Answers the request's state (waiting for the emergency service).",
    }),
    state: channel({
      request: z.strictObject({ requestId: txIdSchema }),
      response: emergencyRequestStateSchema,
      readOnly: true,
      variants: W,
      doc: "Where one of the signed-in doctor's emergency requests stands: waiting, granted (until when) or refused (why), read and checked from the ledger.",
    }),
    report: channel({
      request: emergencyReportRequestSchema,
      response: emergencyReportSchema,
      readOnly: true,
      variants: W,
      doc: "The privacy officer's review: every emergency request since a date (who, when, which chart, reason code, grant or refusal, expiry, latest follow-up); with an officer password the sealed reasons and comments are opened.",
    }),
    followUp: channel({
      request: emergencyFollowUpRequestSchema,
      response: emergencyFollowUpSchema,
      readOnly: false,
      variants: W,
      doc: 'Post a follow-up of an emergency access (acknowledged / justified / escalated, comment sealed to the officers), signed by an officer key of this computer (officer password).',
    }),
  },
  hospital: {
    status: channel({
      request: none,
      response: hospitalStatusSchema,
      readOnly: true,
      variants: W,
      doc: "The pinned hospital authority (who pinned it: IT or this machine), verified from the ledger, or why it cannot be; the signed-in doctor's credential.",
    }),
    setUp: channel({
      request: z.strictObject({
        hospitalName: requiredText('Hospital name', 200),
        officerName: requiredText('Officer name', 200),
        password: passwordSchema,
      }),
      response: hospitalStatusSchema,
      readOnly: false,
      variants: W,
      doc: 'Set up this hospital on one machine: a 1-of-1 authority whose officer key is sealed in this keychain under its own password, posted, then pinned in the user settings (SETTING_LOCKED when IT pinned one).',
    }),
    join: channel({
      request: z.strictObject({ authorityId: txIdSchema }),
      response: hospitalStatusSchema,
      readOnly: false,
      variants: W,
      doc: 'Join a hospital: the authority id is verified from the ledger first, then pinned in the user settings (SETTING_LOCKED when IT pinned one).',
    }),
    signPartial: channel({
      request: signPartialRequestSchema,
      response: quorumActSchema,
      readOnly: false,
      variants: W,
      doc: "Add this machine's officer signature to a partially signed file (officer password); posted once enough officers signed.",
    }),
    exportPartial: channel({
      request: z.strictObject({ partial: z.string().min(1).max(1_000_000) }),
      response: saved,
      readOnly: true,
      variants: W,
      doc: 'Save a partially signed file (public data only) through a save dialog, for the next officer; it must parse as one.',
    }),
    startCeremony: channel({
      request: ceremonyRequestSchema,
      response: quorumActSchema,
      readOnly: true,
      variants: W,
      doc: "Prepare a multi-officer authority ceremony (officers' public keys, threshold): the partially signed file every officer signs (hospital.signPartial posts it once all have); then join it. Refused while this computer is pinned to one.",
    }),
    heldCharts: channel({
      request: heldChartsRequestSchema,
      response: heldChartsSchema,
      readOnly: true,
      variants: W,
      doc: 'The charts a credentialed practitioner holds now (unspent chart outputs naming them custodian): ids only.',
    }),
    recover: channel({
      request: recoverRequestSchema,
      response: custodyActSchema,
      readOnly: false,
      variants: W,
      doc: "Recover charts: this machine's officers (each with their password, at least the threshold) rebuild the recovery key in memory and the quorum moves custody to a credentialed doctor.",
    }),
    offboard: channel({
      request: offboardRequestSchema,
      response: custodyActSchema,
      readOnly: false,
      variants: W,
      doc: 'Off-board a doctor: their credential revoked by the quorum, then custody of each chart they hold moved to a credentialed doctor.',
    }),
    rekey: channel({
      request: rekeyRequestSchema,
      response: custodyActSchema,
      readOnly: false,
      variants: W,
      doc: 'Re-key a doctor: a credential for their new keys superseding the old one, their charts moved to the new keys, the old credential revoked.',
    }),
    officerList: channel({
      request: none,
      response: officerListSchema,
      readOnly: true,
      variants: W,
      doc: "This machine's officer keys (public keys and names; an unreadable keychain entry is named, never fatal).",
    }),
    officerCreate: channel({
      request: officerCreateRequestSchema,
      response: officerSummarySchema,
      readOnly: false,
      variants: W,
      doc: 'Make an officer key in main, sealed in the keychain under its own password (password rule as a doctor’s); answers its public signKey and boxKey for the ceremony, never the seed.',
    }),
    officerBackup: channel({
      request: officerBackupRequestSchema,
      response: saved,
      readOnly: true,
      variants: W,
      doc: "Back up one of this machine's officer keys (`hospital officer backup`): main opens it with the officer password, seals it again under that password (the backup scrypt cost) and writes it through its save dialog; null when cancelled. Nothing secret is answered.",
    }),
    officerRestore: channel({
      request: officerRestoreRequestSchema,
      response: officerSummarySchema,
      readOnly: false,
      variants: W,
      doc: "Restore an officer backup file (the CLI's or the app's; its text as the user picked it) into this machine's keychain under its password (`hospital officer restore`); refuses a wrong password (WRONG_PASSWORD), a file that is not an officer backup such as a doctor's (CORRUPTED_ENTRY / INVALID_REQUEST) and a key already here (INVALID_REQUEST). Answers its public keys.",
    }),
    migrationPlan: channel({
      request: none,
      response: migrationPlanSchema,
      readOnly: true,
      variants: W,
      doc: 'What each chart the signed-in doctor holds lacks to be under the pinned authority (quorum custody branch, recovery wrap, emergency wrap), read from the ledger without opening any chart.',
    }),
    migrate: channel({
      request: migrateRequestSchema,
      response: migrationReportSchema,
      readOnly: false,
      variants: W,
      doc: "Migrate the signed-in doctor's charts under the authority (their password, checked again): one 'share' version each, as `hospital migrate`; per chart done, skipped (already under it) or failed with the reason. Idempotent.",
    }),
    startRecoverySession: channel({
      request: none,
      response: recoverySessionSchema,
      readOnly: false,
      variants: W,
      doc: "Start a recovery session on the coordinator's machine: a one-time key pair whose secret stays in main's memory (until ended or the app quits); answers the public session key officers seal their shares to.",
    }),
    endRecoverySession: channel({
      request: z.strictObject({ sessionKey: publicKeySchema }),
      response: done,
      readOnly: false,
      variants: W,
      doc: 'End a recovery session: its secret is wiped (shares sealed to it no longer open anywhere).',
    }),
    sealShare: channel({
      request: sealShareRequestSchema,
      response: saved,
      readOnly: false,
      variants: W,
      doc: 'An officer on their own machine: opens their recovery share (officer password) and seals it to a session key, saved as a share file through a save dialog in main.',
    }),
    recoverWithShares: channel({
      request: recoverWithSharesRequestSchema,
      response: sessionRecoverySchema,
      readOnly: false,
      variants: W,
      doc: "The coordinator: share files sealed to this machine's session rebuild the recovery key in memory, the custody move of one chart is built and signed by the coordinating officer; posted when that is enough, else the partially signed file for the other officers.",
    }),
  },
  credentials: {
    list: channel({
      request: none,
      response: credentialsListSchema,
      readOnly: true,
      variants: W,
      doc: "The pinned authority's credentialed practitioners (with status, valid until, end reason) and the registry's problems.",
    }),
    issue: channel({
      request: credentialIssueRequestSchema,
      response: quorumActSchema,
      readOnly: false,
      variants: W,
      doc: 'Issue a credential (officer password): 1-of-1 posts at once, m-of-n answers the partially signed file. A licence already held is refused.',
    }),
    renew: channel({
      request: credentialRenewRequestSchema,
      response: quorumActSchema,
      readOnly: false,
      variants: W,
      doc: 'Renew a credential until a later date (officer password).',
    }),
    revoke: channel({
      request: credentialRevokeRequestSchema,
      response: quorumActSchema,
      readOnly: false,
      variants: W,
      doc: 'Revoke a credential (off-boarding; officer password).',
    }),
  },
  settings: {
    get: channel({
      request: none,
      response: settingsViewSchema,
      readOnly: true,
      variants: BOTH,
      doc: 'Effective settings and which keys IT locked.',
    }),
    set: channel({
      request: z.strictObject({ patch: settingsPatchSchema }),
      response: settingsViewSchema,
      readOnly: false,
      variants: W,
      doc: 'Change user settings (SETTING_LOCKED for a managed key).',
    }),
    testNode: channel({
      request: z.strictObject({ url: nodeUrlSchema }),
      response: nodeTestResultSchema,
      readOnly: true,
      variants: W,
      doc: 'Probe a node URL being configured (GET /): reachable or not, nothing more. Only node-URL-rule URLs; when IT fixed the list, only those (URL_NOT_ALLOWED).',
    }),
  },
  network: {
    check: channel({
      request: none,
      response: networkCheckSchema,
      readOnly: true,
      variants: W,
      doc: 'Check the ledger nodes in use: each answers, one chain and height, each advertised stream opens; with a plain-text report.',
    }),
  },
  app: {
    status: channel({
      request: none,
      response: appStatusSchema,
      readOnly: true,
      variants: BOTH,
      doc: 'Variant, node in use and reachability, signed-in state.',
    }),
    openExternal: channel({
      request: z.strictObject({ url: z.string().max(2048) }),
      response: done,
      readOnly: true,
      variants: W,
      doc: "Open a transaction's node URL in the browser: only `<IT's or the embedded node>/api/v1/transactions/<64 hex>` (URL_NOT_ALLOWED).",
    }),
    activity: channel({
      request: none,
      response: done,
      readOnly: true,
      variants: BOTH,
      doc: 'The user is active (call at most every few seconds on input): resets auto-lock and kiosk idle timers.',
    }),
  },
} as const;

export const events = {
  recentActions: event({
    payload: z.object({ actions: z.array(recentActionSchema) }),
    variants: W,
    doc: 'The recent-actions list changed (full list).',
  }),
  lock: event({
    payload: lockEventSchema,
    variants: BOTH,
    doc: 'The doctor was locked out / the patient signed out; drop all chart data.',
  }),
  nodeStatus: event({ payload: nodeStatusSchema, variants: BOTH, doc: 'Node in use or its reachability changed.' }),
} as const;

export type Contract = typeof contract;
export type Events = typeof events;
export type Namespace = keyof Contract;

export interface ChannelEntry {
  /** `namespace.method`, e.g. `charts.list`; the Electron IPC channel is `hc:` + this. */
  readonly name: string;
  readonly namespace: string;
  readonly method: string;
  readonly def: ChannelDef;
}

export function channelEntries(): ChannelEntry[] {
  const out: ChannelEntry[] = [];
  for (const [namespace, methods] of Object.entries(contract)) {
    for (const [method, def] of Object.entries(methods)) {
      out.push({ name: `${namespace}.${method}`, namespace, method, def: def as ChannelDef });
    }
  }
  return out;
}

export const IPC_PREFIX = 'hc:';
export const EVENT_PREFIX = 'hc-event:';
