// XSalsa20-Poly1305 opening on libsodium, for the envelope's box (src-shared/crypto/envelope.ts `SecretboxOpen`):
// crypto_secretbox_open_easy reads exactly what tweetnacl's secretbox writes (MAC ‖ ciphertext), ~7× faster; every
// version read is opened once.
import type { SecretboxOpen } from '../../src-shared/crypto/envelope';
import { sodium } from './sodium';

export const secretboxOpen: SecretboxOpen = (box, nonce, key) => {
  if (
    box.length < sodium.crypto_secretbox_MACBYTES ||
    nonce.length !== sodium.crypto_secretbox_NONCEBYTES ||
    key.length !== sodium.crypto_secretbox_KEYBYTES
  )
    return null;
  const message = new Uint8Array(box.length - sodium.crypto_secretbox_MACBYTES);
  return sodium.crypto_secretbox_open_easy(message, box, nonce, key) ? message : null;
};
