// An identity's public keys on libsodium, for the derivation in src-shared/crypto/keys.ts (the HKDF stays there, one
// spec for every process). The same bytes as the pure-JS default: Ed25519 from the RFC 8032 seed, X25519 of the
// clamped secret. Pure JS cost an unlock ~0.1–0.2 s of main thread right after scrypt, before a CLI import's first
// chart (@noble's base-point table is built on first use; docs/BENCHMARKS.md, helper import16i).
import { deriveIdentityKeys, type IdentityKeys, type PublicKeyMath } from '../../src-shared/crypto/keys';
import { secureBytes, sodium, wipeSecure } from './sodium';

export const nativeKeyMath: PublicKeyMath = {
  ed25519Public(signSeed) {
    if (signSeed.length !== sodium.crypto_sign_SEEDBYTES) throw new TypeError('an Ed25519 private key is 32 bytes');
    const publicKey = new Uint8Array(sodium.crypto_sign_PUBLICKEYBYTES);
    // libsodium's secret key is seed ‖ public key: it holds the seed, so it lives in secure memory, wiped at once.
    const secretKey = secureBytes(sodium.crypto_sign_SECRETKEYBYTES);
    try {
      sodium.crypto_sign_seed_keypair(publicKey, secretKey, signSeed);
    } finally {
      wipeSecure(secretKey);
    }
    return publicKey;
  },
  x25519Public(boxSecret) {
    if (boxSecret.length !== sodium.crypto_box_SECRETKEYBYTES) throw new TypeError('an X25519 secret is 32 bytes');
    const publicKey = new Uint8Array(sodium.crypto_box_PUBLICKEYBYTES);
    sodium.crypto_scalarmult_base(publicKey, boxSecret);
    return publicKey;
  },
};

/** deriveIdentityKeys with libsodium's public-key math (a SeedKeyHolder's `deriveKeys` in the main process). */
export const deriveIdentityKeysNative = (seed: Uint8Array): IdentityKeys => deriveIdentityKeys(seed, nativeKeyMath);
