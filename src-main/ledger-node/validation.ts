// The node validates with the shared transaction core (the same verifier the app uses), OpenSSL's SHA3 and
// libsodium's Ed25519 (src-main/crypto/ledger-crypto.ts): the reference server's verifier, far faster than pure JS.
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
