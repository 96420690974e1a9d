// Later versions under a valid grant (docs/EMERGENCY.md, "Later versions"): while a grant has not expired, the
// service wraps the data key of each chart version saved after the granted one to the requester, as a CREATE signed by
// the emergency key — `hc.emergency.later/1` naming the grant, the version and the wrap. None is made after expiry,
// so versions saved later are never opened for the requester.
import { z } from 'zod';
import {
  contextFromTransactions,
  ed25519Output,
  makeCreate,
  pureCryptoProvider,
  validateTransaction,
  type CryptoProvider,
  type JsonObject,
  type Transaction,
  type UnsignedTransaction,
} from '../ledger';
import { BASE58_KEY_32, HEX64 } from '../ledger/patterns';
import { isBase64, toBase64 } from '../crypto/bytes';
import { EmergencyInputError, firstProblem } from './model';
import { provesKey, type Checked } from './verify';
import type { GrantedVersion } from './requester';

export const LATER_TYPE = 'hc.emergency.later/1';

const id = z.string().regex(HEX64, 'must be a 64-hex id');
export const laterGrantSchema = z.strictObject({
  type: z.literal(LATER_TYPE),
  request: id,
  /** The grant transaction this extends (its expiry bounds this one). */
  grant: id,
  chart: id,
  version: id,
  requester: z.string().regex(BASE58_KEY_32, 'must be a base58 key of 32 bytes'),
  wrap: z.string().max(20_000).refine(isBase64, 'must be padded standard base64'),
  expiresAt: z.string().max(40),
  at: z.string().max(40),
});
export type LaterGrant = z.infer<typeof laterGrantSchema>;

/**
 * The CREATE for one later version, signed by the emergency key (its only issuer). Its output goes to the requester:
 * an output of the emergency key's own would read as a pending request.
 */
export function makeLaterGrant(
  serviceSignKey: string,
  input: Omit<LaterGrant, 'type' | 'wrap'> & { wrap: Uint8Array },
): UnsignedTransaction {
  const parsed = laterGrantSchema.safeParse({ ...input, type: LATER_TYPE, wrap: toBase64(input.wrap) });
  if (!parsed.success) throw new EmergencyInputError(`later grant: ${firstProblem(parsed.error)}`);
  return makeCreate(
    parsed.data as unknown as JsonObject,
    null,
    [ed25519Output(parsed.data.requester)],
    [serviceSignKey],
  );
}

/** A later-version grant as read from a node: signed by the emergency key, for `grantTx`, before its expiry. */
export function verifyLaterGrant(
  raw: unknown,
  grantTx: string,
  serviceSignKey: string,
  crypto: CryptoProvider = pureCryptoProvider,
): Checked<{ tx: Transaction; data: LaterGrant }> {
  const result = validateTransaction(raw, contextFromTransactions([]), crypto);
  if (!result.ok) return { ok: false, reason: `not a valid transaction (${result.error.type})` };
  const tx = result.tx;
  const data = laterGrantSchema.safeParse((tx.asset as { data?: unknown }).data);
  if (tx.operation !== 'CREATE' || !data.success)
    return { ok: false, reason: `not a later grant${data.success ? '' : ` (${firstProblem(data.error)})`}` };
  if (
    tx.inputs.length !== 1 ||
    tx.inputs[0]!.owners_before.join() !== serviceSignKey ||
    !provesKey(tx, serviceSignKey, crypto)
  )
    return { ok: false, reason: 'the later grant was not signed by the emergency key' };
  if (data.data.grant !== grantTx) return { ok: false, reason: 'the later grant names another grant' };
  if (!(Date.parse(data.data.at) <= Date.parse(data.data.expiresAt)))
    return { ok: false, reason: 'the later grant was made after the grant expired' };
  return { ok: true, value: { tx, data: data.data } };
}

/** The verified later versions among `raws` (e.g. an asset search for the grant's id), one per version. */
export function laterVersions(
  raws: readonly unknown[],
  grantTx: string,
  serviceSignKey: string,
  crypto: CryptoProvider = pureCryptoProvider,
): GrantedVersion[] {
  const byVersion = new Map<string, GrantedVersion>();
  for (const raw of raws) {
    const checked = verifyLaterGrant(raw, grantTx, serviceSignKey, crypto);
    if (checked.ok && !byVersion.has(checked.value.data.version))
      byVersion.set(checked.value.data.version, { version: checked.value.data.version, wrap: checked.value.data.wrap });
  }
  return [...byVersion.values()];
}

/** What `findLaterVersions` reads: a node's asset search and single-transaction read (answers as the client gives them). */
export interface LaterGrantLedger {
  searchAssets(text: string, limit?: number): Promise<{ value: { id: string; data: unknown }[] }>;
  getTransaction(id: string): Promise<{ value: unknown }>;
}

/**
 * The versions the service wrapped to the requester under `grantTx`, read from a node: an asset search for the
 * grant's id, each later grant read whole and verified (`laterVersions`).
 */
export async function findLaterVersions(
  ledger: LaterGrantLedger,
  grantTx: string,
  serviceSignKey: string,
  crypto: CryptoProvider = pureCryptoProvider,
): Promise<GrantedVersion[]> {
  const { value: hits } = await ledger.searchAssets(grantTx, 0);
  const raws = await Promise.all(
    hits
      .filter((hit) => (hit?.data as { type?: unknown } | null)?.type === LATER_TYPE)
      .map(async (hit) => (await ledger.getTransaction(hit.id)).value),
  );
  return laterVersions(raws, grantTx, serviceSignKey, crypto);
}
