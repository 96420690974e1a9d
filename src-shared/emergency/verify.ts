// Checks of emergency transactions as read from a node, trusting nothing in the answer: id, schema and signatures
// (the validator the node runs), that a request was signed by the requester it names and is addressed to the
// emergency key, and that an answer spends that request's output with the emergency key's signature.
import nacl from 'tweetnacl';
import { fromBase64, wipe } from '../crypto/bytes';
import type { Envelope, EnvelopeReaderKey } from '../crypto/envelope';
import {
  conditionFromDetails,
  conditionUri,
  contextFromTransactions,
  ed25519Details,
  fromBase64Url,
  fulfillmentCondition,
  parseFulfillment,
  pureCryptoProvider,
  validateTransaction,
  type CryptoProvider,
  type Transaction,
} from '../ledger';
import {
  EmergencyInputError,
  GRANT_TYPE,
  firstProblem,
  grantSchema,
  refusalSchema,
  requestDataSchema,
  requestMetaSchema,
  type Grant,
  type Refusal,
  type RequestData,
} from './model';

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Does the first input's fulfillment prove `signKey`? (a CREATE's fulfillment is tied to no condition by the node) */
export function provesKey(tx: Transaction, signKey: string, crypto: CryptoProvider): boolean {
  try {
    const bytes = fromBase64Url(tx.inputs[0]?.fulfillment ?? '');
    if (!bytes) return false;
    return (
      conditionUri(fulfillmentCondition(parseFulfillment(bytes), crypto)) ===
      conditionUri(conditionFromDetails(ed25519Details(signKey), crypto))
    );
  } catch {
    return false;
  }
}

export interface VerifiedRequest {
  tx: Transaction;
  data: RequestData;
  at: string;
}

/** The transaction's first issuer (for a refusal of a request whose data cannot be trusted); null if none. */
export function issuerOf(tx: unknown): string | null {
  const key = (tx as { inputs?: { owners_before?: unknown[] }[] } | null)?.inputs?.[0]?.owners_before?.[0];
  return typeof key === 'string' ? key : null;
}

export function verifyRequest(
  raw: unknown,
  serviceSignKey: string,
  crypto: CryptoProvider = pureCryptoProvider,
): Checked<VerifiedRequest> {
  const result = validateTransaction(raw, contextFromTransactions([]), crypto);
  if (!result.ok) return { ok: false, reason: `the request is not a valid transaction (${result.error.type})` };
  const tx = result.tx;
  if (tx.operation !== 'CREATE') return { ok: false, reason: 'a request is a CREATE' };
  const data = requestDataSchema.safeParse((tx.asset as { data?: unknown }).data);
  if (!data.success) return { ok: false, reason: `not an emergency request (${firstProblem(data.error)})` };
  const meta = requestMetaSchema.safeParse(tx.metadata);
  if (!meta.success) return { ok: false, reason: `the request's metadata is malformed (${firstProblem(meta.error)})` };
  const requester = data.data.requester.signKey;
  if (tx.inputs.length !== 1 || tx.inputs[0]!.owners_before.join() !== requester || !provesKey(tx, requester, crypto))
    return { ok: false, reason: 'the request was not signed by the requester it names' };
  const serviceUri = conditionUri(conditionFromDetails(ed25519Details(serviceSignKey), crypto));
  if (tx.outputs.length !== 1 || tx.outputs[0]!.amount !== '1' || tx.outputs[0]!.condition.uri !== serviceUri)
    return { ok: false, reason: "the request's output is not owned by the emergency key" };
  return { ok: true, value: { tx, data: data.data, at: meta.data.at } };
}

export type Answer =
  { kind: 'grant'; grant: Grant; tx: Transaction } | { kind: 'refusal'; refusal: Refusal; tx: Transaction };

/** An answer to `request`: it must spend the request's output (so only the emergency key could sign it). */
export function verifyAnswer(
  raw: unknown,
  request: Transaction,
  crypto: CryptoProvider = pureCryptoProvider,
): Checked<Answer> {
  const result = validateTransaction(raw, contextFromTransactions([request]), crypto);
  if (!result.ok) return { ok: false, reason: `the answer is not a valid spend of the request (${result.error.type})` };
  const tx = result.tx;
  const spends = tx.inputs[0]?.fulfills;
  if (
    tx.operation !== 'TRANSFER' ||
    tx.inputs.length !== 1 ||
    spends?.transaction_id !== request.id ||
    spends.output_index !== 0
  )
    return { ok: false, reason: "the answer does not spend the request's output" };
  const type = (tx.metadata as { type?: unknown } | null)?.type;
  if (type === GRANT_TYPE) {
    const grant = grantSchema.safeParse(tx.metadata);
    if (!grant.success) return { ok: false, reason: `the grant is malformed (${firstProblem(grant.error)})` };
    if (grant.data.request !== request.id) return { ok: false, reason: 'the grant names another request' };
    return { ok: true, value: { kind: 'grant', grant: grant.data, tx } };
  }
  const refusal = refusalSchema.safeParse(tx.metadata);
  if (!refusal.success)
    return { ok: false, reason: `the answer is neither a grant nor a refusal (${firstProblem(refusal.error)})` };
  if (refusal.data.request !== request.id) return { ok: false, reason: 'the refusal names another request' };
  return { ok: true, value: { kind: 'refusal', refusal: refusal.data, tx } };
}

/**
 * Opens the granted chart version as the requester. The grant covers exactly one version: any other one (a later
 * save has a fresh data key) is refused here, and so is every use after `expiresAt` by the caller's clock.
 */
export async function openVersionWithGrant(
  envelope: Envelope,
  versionId: string,
  grant: Grant,
  requester: EnvelopeReaderKey,
  now: Date,
): Promise<Uint8Array> {
  if (versionId !== grant.version) throw new EmergencyInputError('the emergency grant does not cover this version');
  return openVersionWithWrap(envelope, grant.wrap, grant.expiresAt, requester, now);
}

/**
 * Opens a chart version with a data key wrapped to the requester (a grant's, or a later version's under it). The
 * caller picks the wrap for `versionId` from the request's state; after `expiresAt` nothing is opened.
 */
export async function openVersionWithWrap(
  envelope: Envelope,
  wrap: string,
  expiresAt: string,
  requester: EnvelopeReaderKey,
  now: Date,
): Promise<Uint8Array> {
  if (now.getTime() > Date.parse(expiresAt)) throw new EmergencyInputError('the emergency grant has expired');
  const dataKey = await requester.openSealed(fromBase64(wrap));
  try {
    const opened = nacl.secretbox.open(fromBase64(envelope.box), fromBase64(envelope.nonce), dataKey);
    if (!opened) throw new EmergencyInputError('the version does not open with the granted key');
    return opened;
  } finally {
    wipe(dataKey);
  }
}
