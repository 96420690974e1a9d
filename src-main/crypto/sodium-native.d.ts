// The part of sodium-native's API this app uses (the package ships no types). Every function throws a TypeError when
// a buffer has the wrong length; the wrappers beside this file check lengths first.
declare module 'sodium-native' {
  type Bytes = Uint8Array;
  interface SodiumNative {
    readonly crypto_sign_BYTES: number;
    readonly crypto_sign_PUBLICKEYBYTES: number;
    readonly crypto_sign_SECRETKEYBYTES: number;
    readonly crypto_sign_SEEDBYTES: number;
    readonly crypto_box_PUBLICKEYBYTES: number;
    readonly crypto_box_SECRETKEYBYTES: number;
    readonly crypto_box_NONCEBYTES: number;
    readonly crypto_box_MACBYTES: number;
    readonly crypto_secretbox_KEYBYTES: number;
    readonly crypto_secretbox_NONCEBYTES: number;
    readonly crypto_secretbox_MACBYTES: number;
    readonly crypto_auth_BYTES: number;
    readonly crypto_auth_KEYBYTES: number;
    crypto_sign_seed_keypair(publicKey: Bytes, secretKey: Bytes, seed: Bytes): void;
    crypto_sign_detached(signature: Bytes, message: Bytes, secretKey: Bytes): void;
    crypto_sign_verify_detached(signature: Bytes, message: Bytes, publicKey: Bytes): boolean;
    crypto_box_keypair(publicKey: Bytes, secretKey: Bytes): void;
    crypto_box_easy(ciphertext: Bytes, message: Bytes, nonce: Bytes, publicKey: Bytes, secretKey: Bytes): void;
    crypto_box_open_easy(message: Bytes, ciphertext: Bytes, nonce: Bytes, publicKey: Bytes, secretKey: Bytes): boolean;
    crypto_secretbox_easy(ciphertext: Bytes, message: Bytes, nonce: Bytes, key: Bytes): void;
    crypto_secretbox_open_easy(message: Bytes, ciphertext: Bytes, nonce: Bytes, key: Bytes): boolean;
    crypto_auth(out: Bytes, message: Bytes, key: Bytes): void;
    crypto_hash_sha512(out: Bytes, input: Bytes): void;
    crypto_scalarmult(sharedSecret: Bytes, secretKey: Bytes, publicKey: Bytes): void;
    /** X25519 public key of a secret (clamped by libsodium, as tweetnacl does). */
    crypto_scalarmult_base(publicKey: Bytes, secretKey: Bytes): void;
    crypto_scalarmult_ed25519_base_noclamp(point: Bytes, scalar: Bytes): void;
    crypto_core_ed25519_is_valid_point(point: Bytes): boolean;
    crypto_core_ed25519_add(sum: Bytes, p: Bytes, q: Bytes): void;
    crypto_core_ed25519_scalar_add(sum: Bytes, x: Bytes, y: Bytes): void;
    /** 64 bytes in, reduced mod L into 32 bytes. */
    crypto_core_ed25519_scalar_reduce(reduced: Bytes, wide: Bytes): void;
    /** EXPERIMENTAL in sodium-native: RFC 8032-shaped signature by a raw scalar, with its own nonce derivation. */
    extension_tweak_ed25519_sign_detached(signature: Bytes, message: Bytes, scalar: Bytes, publicKey?: Bytes): void;
    randombytes_buf(buffer: Bytes): void;
    /** Guarded, locked memory (freed and zeroed by libsodium when garbage-collected). */
    sodium_malloc(size: number): Buffer & { readonly secure: boolean };
    sodium_memzero(buffer: Bytes): void;
  }
  const sodium: SodiumNative;
  export default sodium;
}
