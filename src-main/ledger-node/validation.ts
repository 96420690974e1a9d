// The node validates with the shared transaction core (the same verifier the app uses) and OpenSSL's SHA3 and
// Ed25519 through node:crypto, which verify ~300× faster than the pure-JS defaults.
import { validateTransaction, type LedgerContext } from '../../src-shared/ledger';
import type { Validator } from './commit/committer';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';

export function createValidator(): Validator {
  return (body, ctx) => {
    // The context serves transactions that passed this same validator before they were stored, so they are
    // complete v2.0 transactions even though storage only declares the fields it indexes.
    const result = validateTransaction(body, ctx as unknown as LedgerContext, nativeLedgerCrypto);
    return result.ok ? { ok: true, tx: result.tx } : { ok: false, error: result.error };
  };
}
