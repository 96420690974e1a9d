// Where an emergency request stands, read from a node (the requester's app and the officer's review call this):
// its transactions are verified by `requestState` (src-shared/emergency/requester.ts); nothing unverified is used.
import { findLaterVersions, requestState, type EmergencyRequestState } from '../../src-shared/emergency';
import type { Transaction } from '../../src-shared/ledger';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import type { Answer } from '../ledger/node-client';

export interface RequestStateLedger {
  listTransactions(assetId: string): Promise<Answer<unknown[]>>;
  getTransaction(id: string): Promise<Answer<unknown | null>>;
  searchAssets(text: string, limit?: number): Promise<Answer<{ id: string; data: unknown }[]>>;
}

/** Null when the node does not have the request (not posted, or not committed yet). */
export async function readEmergencyRequest(
  ledger: RequestStateLedger,
  requestId: string,
  serviceSignKey: string,
): Promise<EmergencyRequestState | null> {
  const { value: txs } = await ledger.listTransactions(requestId);
  const request = txs.find((t) => (t as { id?: unknown } | null)?.id === requestId) as Transaction | undefined;
  if (!request) return null;
  const state = requestState(request, txs, serviceSignKey, [], nativeLedgerCrypto);
  if (state.state !== 'granted') return state;
  return requestState(
    request,
    txs,
    serviceSignKey,
    // Versions saved while the grant was valid, each wrapped by the service in its own transaction naming the grant.
    await findLaterVersions(ledger, state.grantTx, serviceSignKey, nativeLedgerCrypto),
    nativeLedgerCrypto,
  );
}
