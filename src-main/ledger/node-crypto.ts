// The ledger core's CryptoProvider on OpenSSL (node:crypto): Ed25519 verification ~300× faster than pure JS,
// which is what lets the embedded node check thousands of transactions a second.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { CryptoProvider } from '../../src-shared/ledger';

// SubjectPublicKeyInfo prefix for a raw 32-byte Ed25519 key (RFC 8410).
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const KEY_CACHE_LIMIT = 4096;
const keyCache = new Map<string, KeyObject>();

function publicKeyObject(raw: Uint8Array): KeyObject | null {
  if (raw.length !== 32) return null;
  const id = Buffer.from(raw).toString('base64');
  let key = keyCache.get(id);
  if (!key) {
    try {
      key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
    } catch {
      return null;
    }
    // A bounded cache: the same doctors sign most transactions, but an attacker must not grow memory without limit.
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value as string);
    keyCache.set(id, key);
  }
  return key;
}

export const nodeCryptoProvider: CryptoProvider = {
  sha3_256: (data) => createHash('sha3-256').update(data).digest(),
  sha256: (data) => createHash('sha256').update(data).digest(),
  ed25519Verify(signature, message, publicKey) {
    if (signature.length !== 64) return false;
    const key = publicKeyObject(publicKey);
    if (!key) return false;
    try {
      return verify(null, message, key, signature);
    } catch {
      return false;
    }
  },
};
