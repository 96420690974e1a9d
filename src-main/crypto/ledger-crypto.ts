// The transaction core's CryptoProvider for the main process and the ledger node: SHA3-256 and SHA-256 from OpenSSL
// (node:crypto; libsodium has no SHA3), Ed25519 verification from libsodium — the reference server's verifier.
import { hash } from 'node:crypto';
import type { CryptoProvider } from '../../src-shared/ledger';
import { sodium } from './sodium';

export const nativeLedgerCrypto: CryptoProvider = {
  // One-shot hashes (no Hash object per call): a condition's fingerprints are many SHA-256s of a few dozen bytes.
  sha3_256: (data) => hash('sha3-256', data, 'buffer'),
  // A string is hashed as its UTF-8.
  sha3_256Text: (text) => hash('sha3-256', text, 'buffer'),
  sha256: (data) => hash('sha256', data, 'buffer'),
  ed25519Verify(signature, message, publicKey) {
    // libsodium throws on wrong lengths; a wrong length is simply not a valid signature.
    if (signature.length !== sodium.crypto_sign_BYTES || publicKey.length !== sodium.crypto_sign_PUBLICKEYBYTES)
      return false;
    return sodium.crypto_sign_verify_detached(signature, message, publicKey);
  },
};
