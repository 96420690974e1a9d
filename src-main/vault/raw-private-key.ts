// OpenSSL only takes private keys in an encoding (here PKCS#8 DER), never as raw bytes. The secret is copied into a
// DER buffer only while OpenSSL parses it, and that buffer is zeroed right after; OpenSSL cleanses its own copy when
// the KeyObject is freed.
import { createPrivateKey, type KeyObject } from 'node:crypto';

/** PKCS#8 headers for a raw 32-byte key of each curve (RFC 8410). */
export const PKCS8_PREFIX = {
  ed25519: Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]),
  x25519: Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20]),
} as const;

export function privateKeyFromRaw(curve: keyof typeof PKCS8_PREFIX, secret: Uint8Array): KeyObject {
  const prefix = PKCS8_PREFIX[curve];
  const der = Buffer.alloc(prefix.length + secret.length);
  der.set(prefix, 0);
  der.set(secret, prefix.length);
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    der.fill(0);
  }
}
