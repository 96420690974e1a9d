// The transaction core's CryptoProvider for the main process and the ledger node: SHA3-256 and SHA-256 from OpenSSL
// (node:crypto; libsodium has no SHA3), Ed25519 verification from libsodium — the reference server's verifier.
import { createHash } from 'node:crypto';
import type { CryptoProvider } from '../../src-shared/ledger';
import { sodium } from './sodium';

export const nativeLedgerCrypto: CryptoProvider = {
  sha3_256: (data) => createHash('sha3-256').update(data).digest(),
  sha3_256Text: (text) => createHash('sha3-256').update(text, 'utf8').digest(),
  sha256: (data) => createHash('sha256').update(data).digest(),
  ed25519Verify(signature, message, publicKey) {
    // libsodium throws on wrong lengths; a wrong length is simply not a valid signature.
    if (signature.length !== sodium.crypto_sign_BYTES || publicKey.length !== sodium.crypto_sign_PUBLICKEYBYTES)
      return false;
    return sodium.crypto_sign_verify_detached(signature, message, publicKey);
  },
};
