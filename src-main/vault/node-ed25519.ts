// Ed25519 signing through node:crypto (OpenSSL): ~50× faster than pure JS on this CPU (docs/STACK.md). The private
// key is wrapped in a PKCS#8 buffer only for the duration of one call and zeroed right after; OpenSSL cleanses its own
// copy when the transient KeyObject is freed.
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import type { Ed25519Sign } from '../../src-shared/crypto/keyholder';

const PKCS8_ED25519_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);

export const nodeEd25519Sign: Ed25519Sign = (message, signSeed) => {
  const der = Buffer.alloc(PKCS8_ED25519_PREFIX.length + 32);
  der.set(PKCS8_ED25519_PREFIX, 0);
  der.set(signSeed, PKCS8_ED25519_PREFIX.length);
  try {
    const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    const signature = sign(null, message, key);
    return new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength);
  } finally {
    der.fill(0);
  }
};

/**
 * The same, prepared once per key holder: parsing a PKCS#8 key costs OpenSSL 3 several times the signature itself,
 * so the holder keeps the key object until it locks (then drops it; OpenSSL cleanses it when it is freed).
 */
export function nodeEd25519Signer(signSeed: Uint8Array): (message: Uint8Array) => Uint8Array {
  const der = Buffer.alloc(PKCS8_ED25519_PREFIX.length + 32);
  der.set(PKCS8_ED25519_PREFIX, 0);
  der.set(signSeed, PKCS8_ED25519_PREFIX.length);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    der.fill(0);
  }
  return (message) => {
    const signature = sign(null, message, key);
    return new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength);
  };
}
