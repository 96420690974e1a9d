// Hashing and signature verification go through this interface so Node code can inject native crypto (libsodium,
// OpenSSL), which verifies Ed25519 hundreds of times faster than pure JS; browsers and tests use the pure-JS default.
import { sha3_256 } from '@noble/hashes/sha3.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ed25519 } from '@noble/curves/ed25519.js';

export interface CryptoProvider {
  sha3_256(data: Uint8Array): Uint8Array;
  /** RFC 8032 Ed25519 verification; must return false (not throw) for malformed keys or signatures. */
  ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  /** SHA-256, used for crypto-condition fingerprints. Optional: the pure-JS one is used when absent. */
  sha256?(data: Uint8Array): Uint8Array;
  /**
   * SHA3-256 of the UTF-8 of `text` (ids and signed messages are hashes of canonical JSON text). Optional: a native
   * hash that encodes the string itself saves copying kilobytes into a byte array first.
   */
  sha3_256Text?(text: string): Uint8Array;
}

/** SHA3-256 of a text's UTF-8, through the provider's text hash when it has one. */
export function sha3Text(crypto: CryptoProvider, text: string): Uint8Array {
  return crypto.sha3_256Text ? crypto.sha3_256Text(text) : crypto.sha3_256(utf8ToBytes(text));
}

export const pureCryptoProvider: CryptoProvider = {
  sha3_256: (data) => sha3_256(data),
  sha256: (data) => sha256(data),
  ed25519Verify(signature, message, publicKey) {
    if (signature.length !== 64 || publicKey.length !== 32) return false;
    try {
      // zip215: false = strict RFC 8032 rules (canonical encodings), closest to libsodium, which the reference uses.
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
};

export function sha256With(crypto: CryptoProvider, data: Uint8Array): Uint8Array {
  return crypto.sha256 ? crypto.sha256(data) : sha256(data);
}
