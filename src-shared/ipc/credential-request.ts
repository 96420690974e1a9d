// A doctor's credential request: the public half of an identity made on a workstation (name, licence, specialty,
// sign key, box key) as a small JSON document the doctor copies or saves and IT imports to issue a credential. It
// carries no secret, and proves nothing by itself: IT checks the licence, and the quorum's signature is the proof.
import { z } from 'zod';
import { BASE58_KEY } from '../ledger/patterns';

export const CREDENTIAL_REQUEST_FORMAT = 'healthchain.credential-request';

const requestSchema = z.strictObject({
  format: z.literal(CREDENTIAL_REQUEST_FORMAT),
  version: z.literal(1),
  name: z.string().trim().min(1).max(200),
  licence: z.string().trim().min(1).max(100),
  specialty: z.string().trim().max(200),
  signKey: z.string().regex(BASE58_KEY, { error: 'must be a base58 public key' }),
  boxKey: z.string().regex(BASE58_KEY, { error: 'must be a base58 public key' }),
});
export type CredentialRequest = z.infer<typeof requestSchema>;

export function credentialRequestOf(identity: {
  name: string;
  licenceNumber: string;
  specialty: string;
  signKey: string;
  boxKey: string;
}): CredentialRequest {
  return {
    format: CREDENTIAL_REQUEST_FORMAT,
    version: 1,
    name: identity.name,
    licence: identity.licenceNumber,
    specialty: identity.specialty,
    signKey: identity.signKey,
    boxKey: identity.boxKey,
  };
}

export function formatCredentialRequest(request: CredentialRequest): string {
  return JSON.stringify(request, null, 2);
}

/** The request in `text`, or the one thing wrong with it, said plainly. */
export function parseCredentialRequest(
  text: string,
): { ok: true; request: CredentialRequest } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      ok: false,
      error: 'This is not a credential request: it is not JSON. Paste the whole text the doctor copied.',
    };
  }
  if ((json as { format?: unknown } | null)?.format !== CREDENTIAL_REQUEST_FORMAT)
    return { ok: false, error: `This is not a credential request (its format is not "${CREDENTIAL_REQUEST_FORMAT}").` };
  const parsed = requestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      error: `This credential request is damaged: ${issue?.path.join('.') || 'document'} ${issue?.message}.`,
    };
  }
  return { ok: true, request: parsed.data };
}
