// Ed25519 signing through node:crypto (OpenSSL): ~50× faster than pure JS on this CPU (docs/STACK.md).
import { sign } from 'node:crypto';
import type { Ed25519Sign } from '../../src-shared/crypto/keyholder';
import { privateKeyFromRaw } from './raw-private-key';

/** One-shot: the key object lives for this call only. */
export const nodeEd25519Sign: Ed25519Sign = (message, signSeed) => {
  const signature = sign(null, message, privateKeyFromRaw('ed25519', signSeed));
  return new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength);
};

/**
 * The same, prepared once per key holder: parsing a PKCS#8 key costs OpenSSL 3 several times the signature itself,
 * so the holder keeps the key object until it locks (then drops it; OpenSSL cleanses it when it is freed).
 */
export function nodeEd25519Signer(signSeed: Uint8Array): (message: Uint8Array) => Uint8Array {
  const key = privateKeyFromRaw('ed25519', signSeed);
  return (message) => {
    const signature = sign(null, message, key);
    return new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength);
  };
}
