// The requester's side (the doctor's app): build and sign a request naming a chart (access card) or a patient by the
// identifiers on the wristband, and read where a request stands from what the ledger holds about it.
import { signerFor, type KeyHolder } from '../crypto/keyholder';
import { pureCryptoProvider, signTransaction, type CryptoProvider, type Transaction } from '../ledger';
import type { PatientQuery, ReasonCode, RefusalReason } from './model';
import { makeEmergencyRequest } from './transactions';
import { verifyAnswer, verifyRequest } from './verify';

export type EmergencyTarget = { chart: string } | { query: PatientQuery };

export interface EmergencyRequestOptions {
  /** The pinned hospital authority. */
  authority: string;
  /** The requester's own key (it signs; its signKey and boxKey are named in the request). */
  requester: KeyHolder;
  reason: ReasonCode;
  /** Free text, sealed to `noteReaders`. */
  note: string;
  /** Who reads the reason: the patient and custodian when known, and the privacy officers' boxKeys. */
  noteReaders: readonly string[];
  /** The hospital's current emergency key (published by the authority: docs/EMERGENCY.md). */
  emergencyKey: { signKey: string; boxKey: string };
  /** The privacy officers' boxKeys: a patient query is sealed to them and to the emergency key. */
  officers: readonly string[];
  at?: Date;
  crypto?: CryptoProvider;
}

/** The request, signed by the requester, ready to post. Throws EmergencyInputError naming the bad field. */
export async function buildEmergencyRequest(
  target: EmergencyTarget,
  options: EmergencyRequestOptions,
): Promise<Transaction> {
  const unsigned = makeEmergencyRequest({
    authority: options.authority,
    ...('chart' in target
      ? { chart: target.chart }
      : { query: target.query, queryReaders: [options.emergencyKey.boxKey, ...options.officers] }),
    requester: { signKey: options.requester.signKey, boxKey: options.requester.boxKey },
    reason: options.reason,
    note: options.note,
    noteReaders: options.noteReaders,
    serviceSignKey: options.emergencyKey.signKey,
    at: (options.at ?? new Date()).toISOString(),
  });
  return signTransaction(unsigned, signerFor(options.requester), { crypto: options.crypto ?? pureCryptoProvider });
}

/** One chart version's data key, sealed to the requester's boxKey. */
export interface GrantedVersion {
  version: string;
  wrap: string;
}

export type EmergencyRequestState =
  | { state: 'waiting' }
  | {
      state: 'granted';
      grantTx: string;
      chart: string;
      /** The version current at the grant, and its data key wrapped to the requester. */
      version: string;
      wrap: string;
      at: string;
      expiresAt: string;
      /** Versions saved while the grant was valid and served later (docs/EMERGENCY.md, "Later versions"). */
      later: GrantedVersion[];
    }
  | { state: 'refused'; reason: RefusalReason; detail: string; at: string }
  /** Something on the ledger claims to answer the request but does not verify: shown, never used. */
  | { state: 'invalid'; detail: string };

/**
 * Where `request` stands, from the transactions of its asset (`GET /api/v1/transactions?asset_id=<request id>`) and
 * any later-version grants (`laterGrants`: already verified by `verifyLaterGrant`). Nothing unverified is used: an
 * answer must spend the request's output (only the emergency key can), else it is ignored.
 */
export function requestState(
  request: Transaction,
  assetTransactions: readonly unknown[],
  serviceSignKey: string,
  laterGrants: readonly GrantedVersion[] = [],
  crypto: CryptoProvider = pureCryptoProvider,
): EmergencyRequestState {
  const checked = verifyRequest(request, serviceSignKey, crypto);
  if (!checked.ok) return { state: 'invalid', detail: checked.reason };
  for (const tx of assetTransactions) {
    if ((tx as { id?: unknown } | null)?.id === request.id) continue;
    const answer = verifyAnswer(tx, request, crypto);
    if (!answer.ok) continue;
    if (answer.value.kind === 'refusal') {
      const { reason, detail, at } = answer.value.refusal;
      return { state: 'refused', reason, detail, at };
    }
    const g = answer.value.grant;
    return {
      state: 'granted',
      grantTx: answer.value.tx.id,
      chart: g.chart,
      version: g.version,
      wrap: g.wrap,
      at: g.at,
      expiresAt: g.expiresAt,
      later: laterGrants.filter((l) => l.version !== g.version),
    };
  }
  return { state: 'waiting' };
}
