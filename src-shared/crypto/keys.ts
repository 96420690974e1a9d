// Identity keys. An identity is one 32-byte random seed; everything else is derived from it, so backing up or
// sealing the seed is enough. Derivation (fixed forever for format version 1; test vectors in fixtures/):
//
//   prk      = HKDF-Extract(SHA-256, salt = "healthchain.identity/1", ikm = seed)
//   signSeed = HKDF-Expand(prk, info = "healthchain.ed25519-sign/1", 32)   -> RFC 8032 Ed25519 private key
//   boxSecret= HKDF-Expand(prk, info = "healthchain.x25519-box/1", 32)     -> X25519 secret (tweetnacl box)
//   localKey = HKDF-Expand(prk, info = "healthchain.local-mac/1", 32)      -> MAC key for data the identity keeps
//                                                                             for itself on this machine (never shared)
//
// signKey = base58(Ed25519 public key) is the BigchainDB owner key (the driver's Ed25519Keypair(signSeed) yields the
// same publicKey). boxKey = base58(X25519 public key) is the key charts are wrapped to.
// Separate labels keep the keys independent: none leaks anything about another.
import { ed25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import nacl from 'tweetnacl';
import { randomBytes, toBase58, utf8, wipe } from './bytes';

export const SEED_LENGTH = 32;
export const KEY_DERIVATION = {
  salt: 'healthchain.identity/1',
  signInfo: 'healthchain.ed25519-sign/1',
  boxInfo: 'healthchain.x25519-box/1',
  localInfo: 'healthchain.local-mac/1',
} as const;

/** Public half of an identity, safe to show, store and send anywhere. */
export interface PublicIdentity {
  readonly signKey: string;
  readonly boxKey: string;
}

/** Secret material derived from a seed. Callers own these buffers and must wipe() them when done. */
export interface IdentityKeys extends PublicIdentity {
  readonly signSeed: Uint8Array;
  readonly signPublic: Uint8Array;
  readonly boxSecret: Uint8Array;
  readonly boxPublic: Uint8Array;
  readonly localKey: Uint8Array;
}

/**
 * The two public-key computations of a derivation. The default is pure JS (@noble/curves, tweetnacl); the main process
 * passes libsodium's (src-main/crypto/identity-keys-native.ts), which gives the same bytes: the pure Ed25519 one
 * builds its base-point table on first use (~0.1–0.2 s of main thread), which an unlock paid right after scrypt.
 */
export interface PublicKeyMath {
  /** The RFC 8032 Ed25519 public key of a 32-byte private key (seed). */
  ed25519Public(signSeed: Uint8Array): Uint8Array;
  /** The X25519 public key of a 32-byte secret (clamped by the function). */
  x25519Public(boxSecret: Uint8Array): Uint8Array;
}

export const pureKeyMath: PublicKeyMath = {
  ed25519Public: (signSeed) => ed25519.getPublicKey(signSeed),
  // tweetnacl clamps the scalar itself, so any 32 bytes are a valid box secret.
  x25519Public: (boxSecret) => nacl.box.keyPair.fromSecretKey(boxSecret).publicKey,
};

/** The fewest base58 characters of a 32-byte key that BigchainDB's schema (`[1-9a-zA-Z^OIl]{43,44}`) takes. */
export const MIN_KEY_CHARS = 43;

/**
 * A new identity seed whose two public keys have 43–44 base58 characters. About one 32-byte key in 400,000 encodes
 * shorter (small leading bytes); the ledger's schema would refuse every transaction such a key signs or owns, and
 * the app's own key fields ask for 43–44 characters, so such a seed is drawn again. `draw` exists for tests.
 */
export function newSeed(
  math: PublicKeyMath = pureKeyMath,
  draw: () => Uint8Array = () => randomBytes(SEED_LENGTH),
): Uint8Array {
  for (;;) {
    const seed = draw();
    const keys = deriveIdentityKeys(seed, math);
    wipeIdentityKeys(keys);
    if (keys.signKey.length >= MIN_KEY_CHARS && keys.boxKey.length >= MIN_KEY_CHARS) return seed;
    wipe(seed);
  }
}

export function deriveIdentityKeys(seed: Uint8Array, math: PublicKeyMath = pureKeyMath): IdentityKeys {
  if (!(seed instanceof Uint8Array) || seed.length !== SEED_LENGTH) {
    throw new TypeError(`an identity seed is ${SEED_LENGTH} bytes`);
  }
  const salt = utf8(KEY_DERIVATION.salt);
  const signSeed = hkdf(sha256, seed, salt, utf8(KEY_DERIVATION.signInfo), 32);
  const boxSecret = hkdf(sha256, seed, salt, utf8(KEY_DERIVATION.boxInfo), 32);
  const localKey = hkdf(sha256, seed, salt, utf8(KEY_DERIVATION.localInfo), 32);
  const signPublic = math.ed25519Public(signSeed);
  const boxPublic = math.x25519Public(boxSecret);
  return {
    signSeed,
    signPublic,
    boxSecret,
    boxPublic,
    localKey,
    signKey: toBase58(signPublic),
    boxKey: toBase58(boxPublic),
  };
}

/** Public keys of a seed, without keeping any secret around. */
export function publicIdentityOf(seed: Uint8Array, math: PublicKeyMath = pureKeyMath): PublicIdentity {
  const keys = deriveIdentityKeys(seed, math);
  wipeIdentityKeys(keys);
  return { signKey: keys.signKey, boxKey: keys.boxKey };
}

export function wipeIdentityKeys(keys: IdentityKeys): void {
  wipe(keys.signSeed, keys.boxSecret, keys.localKey);
}
