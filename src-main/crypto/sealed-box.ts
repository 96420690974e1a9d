// The pinned sealed-box format of src-shared/crypto/sealed-box.ts — ephemeralPublicKey(32) ‖ nonce(24) ‖
// nacl.box(plaintext) — on libsodium: crypto_box_easy writes exactly what tweetnacl's box does (MAC ‖ ciphertext),
// so both directions interoperate byte for byte with the pure-JS code. One wrap per reader per version when
// writing, one unwrap per version read: libsodium makes each ~5× cheaper than tweetnacl.
import { decodeKey32 } from '../../src-shared/crypto/bytes';
import { SealedBoxError } from '../../src-shared/crypto/errors';
import type { PreparedKey } from './seed-key-holder';
import { SEALED_BOX_OVERHEAD } from '../../src-shared/crypto/sealed-box';
import { prepareSecret, sodium } from './sodium';

const KEY = 32;
const NONCE = 24;
const NOT_FOR_THIS_KEY = 'this sealed box was not addressed to this key, or it was altered';

export function sealTo(recipientBoxKey: string, plaintext: Uint8Array): Uint8Array {
  const recipient = decodeKey32(recipientBoxKey);
  if (!recipient) throw new SealedBoxError(`"${recipientBoxKey}" is not a base58 box key of 32 bytes`);
  const out = new Uint8Array(KEY + NONCE + sodium.crypto_box_MACBYTES + plaintext.length);
  const ephemeralPublic = out.subarray(0, KEY);
  const nonce = out.subarray(KEY, KEY + NONCE);
  // A plain buffer, zeroed below: secure memory costs an mmap per allocation (~0.1 ms), paid once per reader per
  // version written, for a secret that lives microseconds.
  const ephemeralSecret = new Uint8Array(sodium.crypto_box_SECRETKEYBYTES);
  try {
    sodium.crypto_box_keypair(ephemeralPublic, ephemeralSecret);
    sodium.randombytes_buf(nonce);
    try {
      sodium.crypto_box_easy(out.subarray(KEY + NONCE), plaintext, nonce, recipient, ephemeralSecret);
    } catch {
      // libsodium refuses a low-order key (the shared secret would be all zeros); no real box key is one.
      throw new SealedBoxError(`"${recipientBoxKey}" is not a usable X25519 key`);
    }
    return out;
  } finally {
    // The sender cannot open its own box later: the ephemeral secret is gone.
    sodium.sodium_memzero(ephemeralSecret);
  }
}

/** Opens sealed boxes addressed to `boxSecret`'s key; the secret is copied to secure memory, wiped by `wipe()`. */
export function sealedBoxOpener(boxSecret: Uint8Array): PreparedKey<Uint8Array, Uint8Array> {
  if (boxSecret.length !== sodium.crypto_box_SECRETKEYBYTES) throw new SealedBoxError('a box secret is 32 bytes');
  return prepareSecret(
    boxSecret.length,
    (secret) => secret.set(boxSecret),
    (secret, sealed: Uint8Array) => {
      if (sealed.length < SEALED_BOX_OVERHEAD) {
        throw new SealedBoxError(
          `a sealed box is at least ${SEALED_BOX_OVERHEAD} bytes; this one has ${sealed.length}`,
        );
      }
      const opened = new Uint8Array(sealed.length - SEALED_BOX_OVERHEAD);
      const ok = sodium.crypto_box_open_easy(
        opened,
        sealed.subarray(KEY + NONCE),
        sealed.subarray(KEY, KEY + NONCE),
        sealed.subarray(0, KEY),
        secret,
      );
      if (!ok) throw new SealedBoxError(NOT_FOR_THIS_KEY);
      return opened;
    },
  );
}

/** One-off form of the above, with openSealedWithSecret's signature. */
export function openSealed(boxSecret: Uint8Array, sealed: Uint8Array): Uint8Array {
  const opener = sealedBoxOpener(boxSecret);
  try {
    return opener.use(sealed);
  } finally {
    opener.wipe();
  }
}
