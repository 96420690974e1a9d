// Ed25519 signing on libsodium, prepared once per key holder: the 64-byte libsodium secret key (seed ‖ public key)
// lives in secure memory until the holder locks. Ed25519 is deterministic, so the signatures are exactly the
// RFC 8032 ones the pure-JS default (@noble/curves) gives.
import type { PreparedKey } from '../../src-shared/crypto/keyholder';
import { secureBytes, sodium, wipeSecure } from './sodium';

export function ed25519Signer(signSeed: Uint8Array): PreparedKey<Uint8Array, Uint8Array> {
  if (signSeed.length !== sodium.crypto_sign_SEEDBYTES) throw new TypeError('an Ed25519 private key is 32 bytes');
  const secretKey = secureBytes(sodium.crypto_sign_SECRETKEYBYTES);
  const publicKey = new Uint8Array(sodium.crypto_sign_PUBLICKEYBYTES);
  sodium.crypto_sign_seed_keypair(publicKey, secretKey, signSeed);
  let live = true;
  return {
    use(message) {
      if (!live) throw new TypeError('this key was wiped');
      const signature = new Uint8Array(sodium.crypto_sign_BYTES);
      sodium.crypto_sign_detached(signature, message, secretKey);
      return signature;
    },
    wipe() {
      live = false;
      wipeSecure(secretKey);
    },
  };
}
