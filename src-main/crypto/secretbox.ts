// XSalsa20-Poly1305 on libsodium, for the envelope's box (src-shared/crypto/envelope.ts `SecretboxOpen`, `EnvelopeBox`):
// crypto_secretbox_open_easy reads exactly what tweetnacl's secretbox writes (MAC ‖ ciphertext), ~7× faster; every
// version read is opened once. Sealing writes the same bytes as tweetnacl for the same key and nonce, and takes its
// key and nonce from libsodium's generator (tweetnacl's copied Node's random bytes: in a bulk import's profile the
// pure-JS sealing and its random bytes were ~3 % of the main thread).
import type { EnvelopeBox, SecretboxOpen } from '../../src-shared/crypto/envelope';
import { randomBytes, sodium } from './sodium';

export const envelopeBox: EnvelopeBox = {
  seal(plaintext, nonce, key) {
    const box = new Uint8Array(sodium.crypto_secretbox_MACBYTES + plaintext.length);
    sodium.crypto_secretbox_easy(box, plaintext, nonce, key);
    return box;
  },
  randomBytes,
};

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
