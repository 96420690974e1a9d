// Ed25519 signing on libsodium, prepared once per key holder: the 64-byte libsodium secret key (seed ‖ public key)
// lives in secure memory until the holder locks. Ed25519 is deterministic, so the signatures are exactly the
// RFC 8032 ones the pure-JS default (@noble/curves) gives.
import type { PreparedKey } from './seed-key-holder';
import { prepareSecret, sodium } from './sodium';

export function ed25519Signer(signSeed: Uint8Array): PreparedKey<Uint8Array, Uint8Array> {
  if (signSeed.length !== sodium.crypto_sign_SEEDBYTES) throw new TypeError('an Ed25519 private key is 32 bytes');
  return prepareSecret(
    sodium.crypto_sign_SECRETKEYBYTES,
    (secretKey) =>
      sodium.crypto_sign_seed_keypair(new Uint8Array(sodium.crypto_sign_PUBLICKEYBYTES), secretKey, signSeed),
    (secretKey, message: Uint8Array) => {
      const signature = new Uint8Array(sodium.crypto_sign_BYTES);
      sodium.crypto_sign_detached(signature, message, secretKey);
      return signature;
    },
  );
}
