// The pinned sealed-box format (src-shared/crypto/sealed-box.ts: ephemeralPublicKey(32) ‖ nonce(24) ‖ nacl.box) with
// the X25519 step done by OpenSSL (node:crypto): ~18× faster here than tweetnacl's scalar multiplication, which is
// most of the cost of opening a chart (one unwrap per version) and of sealing one (one wrap per reader). nacl.box is
// secretbox under HSalsa20(X25519 shared secret), so only the shared secret moves to OpenSSL; the box itself is
// still tweetnacl's, and both directions are byte-for-byte interchangeable with the pure-JS implementation.
import { createPublicKey, diffieHellman, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { privateKeyFromRaw } from './raw-private-key';
import nacl from 'tweetnacl';
import { concatBytes, decodeKey32, wipe } from '../../src-shared/crypto/bytes';
import { SealedBoxError } from '../../src-shared/crypto/errors';
import { SEALED_BOX_OVERHEAD } from '../../src-shared/crypto/sealed-box';

const KEY = nacl.box.publicKeyLength;
const NONCE = nacl.box.nonceLength;
const SIGMA = new TextEncoder().encode('expand 32-byte k');
const hsalsa20 = (nacl as unknown as { lowlevel: { crypto_core_hsalsa20(out: Uint8Array, input: Uint8Array, k: Uint8Array, c: Uint8Array): void } })
  .lowlevel.crypto_core_hsalsa20;

/** Public keys go through JWK: ~10× cheaper than DER in OpenSSL 3 (no decoder lookup), and a public key is no secret. */
function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64url') }, format: 'jwk' });
}

/** tweetnacl's box.before: HSalsa20 of the X25519 shared secret. Wipes `shared`. */
function boxKeyOf(shared: Uint8Array): Uint8Array {
  const key = new Uint8Array(32);
  hsalsa20(key, new Uint8Array(16), shared, SIGMA);
  wipe(shared);
  return key;
}

export function sealToWithOpenSsl(recipientBoxKey: string, plaintext: Uint8Array): Uint8Array {
  const recipient = decodeKey32(recipientBoxKey);
  if (!recipient) throw new SealedBoxError(`"${recipientBoxKey}" is not a base58 box key of 32 bytes`);
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const ephemeralPublic = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url'));
  let shared: Uint8Array;
  try {
    shared = diffieHellman({ privateKey, publicKey: publicKeyObject(recipient) });
  } catch {
    throw new SealedBoxError(`"${recipientBoxKey}" is not a usable X25519 key`);
  }
  const key = boxKeyOf(shared);
  const nonce = new Uint8Array(randomBytes(NONCE));
  try {
    return concatBytes(ephemeralPublic, nonce, nacl.secretbox(plaintext, nonce, key));
  } finally {
    wipe(key);
  }
}

/**
 * openSealedWithSecret on OpenSSL, prepared once per key holder: the secret is wrapped in a PKCS#8 buffer only to
 * build the key object (the buffer is zeroed right after), and the holder drops the returned function when it locks.
 * OpenSSL cleanses its copy of the key when the key object is freed.
 */
export function sealedBoxOpenerWithOpenSsl(boxSecret: Uint8Array): (sealed: Uint8Array) => Uint8Array {
  if (boxSecret.length !== nacl.box.secretKeyLength) throw new SealedBoxError('a box secret is 32 bytes');
  const privateKey = privateKeyFromRaw('x25519', boxSecret);
  return (sealed) => {
    if (sealed.length < SEALED_BOX_OVERHEAD) {
      throw new SealedBoxError(`a sealed box is at least ${SEALED_BOX_OVERHEAD} bytes; this one has ${sealed.length}`);
    }
    let shared: Uint8Array;
    try {
      shared = diffieHellman({ privateKey, publicKey: publicKeyObject(sealed.subarray(0, KEY)) });
    } catch {
      // OpenSSL refuses a low-order ephemeral key (all-zero shared secret); no honest sealer produces one.
      throw new SealedBoxError('this sealed box was not addressed to this key, or it was altered');
    }
    const key = boxKeyOf(shared);
    try {
      const opened = nacl.secretbox.open(sealed.subarray(KEY + NONCE), sealed.subarray(KEY, KEY + NONCE), key);
      if (!opened) throw new SealedBoxError('this sealed box was not addressed to this key, or it was altered');
      return opened;
    } finally {
      wipe(key);
    }
  };
}

/** One-off form of the above, with openSealedWithSecret's signature. */
export function openSealedWithOpenSsl(boxSecret: Uint8Array, sealed: Uint8Array): Uint8Array {
  return sealedBoxOpenerWithOpenSsl(boxSecret)(sealed);
}
