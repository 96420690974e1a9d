// The hospital authority's ledger documents (docs/AUTHORITY.md): the authority asset, practitioner credentials and
// the quorum's acts on them, as zod schemas. Everything here is public (it goes on the ledger in clear): names, keys,
// licence numbers and dates, never health data.
import { z } from 'zod';

export const AUTHORITY_TYPE = 'hc.authority/1';
export const AUTHORITY_CEREMONY_TYPE = 'hc.authority.ceremony/1';
export const CREDENTIAL_TYPE = 'hc.credential/1';
export const CREDENTIAL_ISSUE_TYPE = 'hc.credential.issue/1';
export const CREDENTIAL_RENEW_TYPE = 'hc.credential.renew/1';
export const CREDENTIAL_REVOKE_TYPE = 'hc.credential.revoke/1';
export const AUTHORITY_EMERGENCY_KEY_TYPE = 'hc.authority.emergency-key/1';

const BASE58_KEY = /^[1-9A-HJ-NP-Za-km-z]{43,44}$/;
const TX_ID = /^[0-9a-f]{64}$/;
export const MAX_OFFICERS = 20;

const key = z.string().regex(BASE58_KEY, 'must be a base58 key of 32 bytes');
const text = (max: number) => z.string().trim().min(1).max(max);
/** An ISO 8601 instant with its offset ("2026-12-04T14:00:00Z"): compared as instants, never as text. */
const instant = z
  .string()
  .max(40)
  .refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date-time');

export const officerSchema = z.object({ name: text(200), signKey: key, boxKey: key }).strict();
export type Officer = z.infer<typeof officerSchema>;

export const authorityDataSchema = z
  .object({
    type: z.literal(AUTHORITY_TYPE),
    name: text(200),
    threshold: z.number().int().min(1).max(MAX_OFFICERS),
    officers: z.array(officerSchema).min(1).max(MAX_OFFICERS),
    /** X25519 public key of the hospital's recovery key (its secret is split among the officers). */
    recoveryKey: key,
    /** X25519 public key for emergency access requests (#13); null until that exists. */
    emergencyKey: key.nullable(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.threshold > a.officers.length)
      ctx.addIssue({
        code: 'custom',
        message: `threshold ${a.threshold} is more than the ${a.officers.length} officer(s)`,
      });
    if (new Set(a.officers.map((o) => o.signKey)).size !== a.officers.length)
      ctx.addIssue({ code: 'custom', message: 'an officer signKey is listed twice' });
    if (new Set(a.officers.map((o) => o.boxKey)).size !== a.officers.length)
      ctx.addIssue({ code: 'custom', message: 'an officer boxKey is listed twice' });
  });
export type AuthorityData = z.infer<typeof authorityDataSchema>;

/**
 * An authority act (a quorum-signed TRANSFER of the authority's own output back to the quorum) publishing the
 * hospital's emergency key (docs/EMERGENCY.md): the latest such act on the authority's chain is the current key.
 */
export const emergencyKeyActSchema = z
  .object({
    type: z.literal(AUTHORITY_EMERGENCY_KEY_TYPE),
    at: instant,
    emergencyKey: z.object({ signKey: key, boxKey: key }).strict(),
  })
  .strict();
export type EmergencyKeyAct = z.infer<typeof emergencyKeyActSchema>;

export const recoveryShareSchema = z.object({ officer: key, share: z.string().min(1).max(2000) }).strict();
export type SealedRecoveryShare = z.infer<typeof recoveryShareSchema>;

/** Metadata of the authority CREATE: the quorum-signed ceremony time and each officer's sealed recovery share. */
export const ceremonyMetadataSchema = z
  .object({
    type: z.literal(AUTHORITY_CEREMONY_TYPE),
    at: instant,
    recoveryShares: z.array(recoveryShareSchema).max(MAX_OFFICERS),
  })
  .strict();
export type CeremonyMetadata = z.infer<typeof ceremonyMetadataSchema>;

export const credentialDataSchema = z
  .object({
    type: z.literal(CREDENTIAL_TYPE),
    authority: z.string().regex(TX_ID, 'must be the authority asset id'),
    name: text(200),
    licence: text(100),
    specialty: z.string().trim().max(200),
    signKey: key,
    boxKey: key,
    validFrom: instant,
    validUntil: instant,
    /** A re-key: the credential (same licence) this one replaces, from this credential's ledger position on. */
    supersedes: z.string().regex(TX_ID).optional(),
  })
  .strict()
  .refine((c) => Date.parse(c.validFrom) < Date.parse(c.validUntil), 'validFrom must be before validUntil');
export type CredentialData = z.infer<typeof credentialDataSchema>;

export const credentialActSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal(CREDENTIAL_ISSUE_TYPE), at: instant }).strict(),
  z.object({ type: z.literal(CREDENTIAL_RENEW_TYPE), at: instant, validUntil: instant }).strict(),
  z
    .object({
      type: z.literal(CREDENTIAL_REVOKE_TYPE),
      at: instant,
      revokedAt: instant,
      reason: z.string().max(500).optional(),
    })
    .strict(),
]);
export type CredentialAct = z.infer<typeof credentialActSchema>;

/** Licences compare case-insensitively with spaces and dashes ignored: "GMC 123-456" and "gmc123456" are one. */
export function licenceKey(licence: string): string {
  return licence
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-_./]+/g, '');
}

/** The first problem of a zod parse, as one sentence naming the field. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || 'document'}: ${issue?.message ?? 'is invalid'}`;
}
