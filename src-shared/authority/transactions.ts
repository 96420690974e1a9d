// The authority's transactions, unsigned: the ceremony CREATE (issued by ALL officers, so each proves possession of
// their key), and the quorum's credential acts (issued or spent by the m-of-n quorum condition). Signing is
// partial-signing.ts's job, so each officer signs on their own machine with their own key.
import type { ZodError } from 'zod';
import {
  conditionFromDetails,
  conditionUri,
  ed25519Details,
  makeCreate,
  makeCreateBy,
  makeTransfer,
  outputFromDetails,
  thresholdDetails,
  type ConditionDetails,
  type JsonObject,
  type Output,
  type Transaction,
  type UnsignedTransaction,
} from '../ledger';
import {
  AUTHORITY_CEREMONY_TYPE,
  AUTHORITY_TYPE,
  CREDENTIAL_ISSUE_TYPE,
  CREDENTIAL_RENEW_TYPE,
  CREDENTIAL_REVOKE_TYPE,
  CREDENTIAL_TYPE,
  AUTHORITY_EMERGENCY_KEY_TYPE,
  emergencyKeyActSchema,
  authorityDataSchema,
  ceremonyMetadataSchema,
  credentialActSchema,
  credentialDataSchema,
  firstIssue,
  type AuthorityData,
  type CredentialData,
  type Officer,
  type SealedRecoveryShare,
} from './model';

export class AuthorityInputError extends Error {
  override name = 'AuthorityInputError';
}

/** The quorum: m-of-n over the officers' signing keys (always a threshold condition, also for 1-of-1). */
export function quorumDetails(authority: Pick<AuthorityData, 'threshold' | 'officers'>): ConditionDetails {
  return thresholdDetails(
    authority.threshold,
    authority.officers.map((o) => o.signKey),
  );
}

export function quorumUri(authority: Pick<AuthorityData, 'threshold' | 'officers'>): string {
  return conditionUri(conditionFromDetails(quorumDetails(authority)));
}

export function quorumOutput(authority: Pick<AuthorityData, 'threshold' | 'officers'>): Output {
  return outputFromDetails(quorumDetails(authority));
}

/** What the ceremony's fulfillment must prove: every officer signed (n-of-n; a lone officer's own Ed25519 key). */
export function allOfficersDetails(officers: readonly Officer[]): ConditionDetails {
  return officers.length === 1
    ? ed25519Details(officers[0]!.signKey)
    : thresholdDetails(
        officers.length,
        officers.map((o) => o.signKey),
      );
}

function parseOr<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } },
  value: unknown,
  what: string,
): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AuthorityInputError(`${what}: ${firstIssue(parsed.error)}`);
  return parsed.data;
}

export interface CeremonyInput {
  name: string;
  threshold: number;
  officers: Officer[];
  recoveryKey: string;
  recoveryShares: SealedRecoveryShare[];
  /** The ceremony's time as the officers sign it (a quorum-signed time anchor, docs/AUTHORITY.md). */
  at: string;
}

/** The authority CREATE: asset hc.authority/1, output owned by the quorum, to be signed by every officer. */
export function makeAuthorityCreate(input: CeremonyInput): UnsignedTransaction {
  const data: AuthorityData = parseOr(
    authorityDataSchema,
    {
      type: AUTHORITY_TYPE,
      name: input.name,
      threshold: input.threshold,
      officers: input.officers,
      recoveryKey: input.recoveryKey,
      emergencyKey: null,
    },
    'authority',
  );
  const metadata = parseOr(
    ceremonyMetadataSchema,
    { type: AUTHORITY_CEREMONY_TYPE, at: input.at, recoveryShares: input.recoveryShares },
    'ceremony',
  );
  const officers = new Set(data.officers.map((o) => o.signKey));
  if (
    metadata.recoveryShares.length !== officers.size ||
    !metadata.recoveryShares.every((s) => officers.has(s.officer))
  ) {
    throw new AuthorityInputError('ceremony: one recovery share per officer is needed');
  }
  const unsigned = makeCreate(
    data as unknown as JsonObject,
    metadata as unknown as JsonObject,
    [quorumOutput(data)],
    [...officers],
  );
  return { ...unsigned, inputs: [{ ...unsigned.inputs[0]!, fulfillment: allOfficersDetails(data.officers) }] };
}

/** A credential CREATE, issued by the quorum and owned by it (only the quorum can renew or revoke it). */
export function makeCredentialIssue(
  authority: AuthorityData,
  data: Omit<CredentialData, 'type'>,
  at: string,
): UnsignedTransaction {
  const credential = parseOr(credentialDataSchema, { type: CREDENTIAL_TYPE, ...data }, 'credential');
  const act = parseOr(credentialActSchema, { type: CREDENTIAL_ISSUE_TYPE, at }, 'issue');
  return makeCreateBy(
    credential as unknown as JsonObject,
    act as unknown as JsonObject,
    [quorumOutput(authority)],
    quorumDetails(authority),
  );
}

/** Renews (new validUntil) by spending the credential's latest output back to the quorum. */
export function makeCredentialRenew(
  authority: AuthorityData,
  latest: Transaction,
  validUntil: string,
  at: string,
): UnsignedTransaction {
  const act = parseOr(credentialActSchema, { type: CREDENTIAL_RENEW_TYPE, at, validUntil }, 'renew');
  return makeTransfer([{ tx: latest, outputIndex: 0 }], [quorumOutput(authority)], act as unknown as JsonObject);
}

/** Revokes (off-boarding): from this transaction's ledger position on, the credential counts for nothing. */
export function makeCredentialRevoke(
  authority: AuthorityData,
  latest: Transaction,
  revokedAt: string,
  at: string,
  reason?: string,
): UnsignedTransaction {
  const act = parseOr(
    credentialActSchema,
    { type: CREDENTIAL_REVOKE_TYPE, at, revokedAt, ...(reason ? { reason } : {}) },
    'revoke',
  );
  return makeTransfer([{ tx: latest, outputIndex: 0 }], [quorumOutput(authority)], act as unknown as JsonObject);
}

/**
 * Publishes the emergency key: spends the authority's latest output (the CREATE, or the previous act) back to the
 * quorum, so only m officers can publish or replace it.
 */
export function makeEmergencyKeyAct(
  authority: AuthorityData,
  latest: Transaction,
  emergencyKey: { signKey: string; boxKey: string },
  at: string,
): UnsignedTransaction {
  const act = parseOr(emergencyKeyActSchema, { type: AUTHORITY_EMERGENCY_KEY_TYPE, at, emergencyKey }, 'emergency key');
  return makeTransfer([{ tx: latest, outputIndex: 0 }], [quorumOutput(authority)], act as unknown as JsonObject);
}
