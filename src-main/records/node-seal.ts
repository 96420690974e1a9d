// The pinned sealed-box format (src-shared/crypto/sealed-box.ts: ephemeralPublicKey ‖ nonce ‖ nacl.box) with the
// X25519 step done by OpenSSL (node:crypto), ~18× faster than tweetnacl's scalar multiplication here. Sealing a
// version wraps its data key once per reader, so this is what keeps writes and bulk imports quick. The output is
// byte-for-byte the same format: any openSealed (the vault's) opens it.
import { createPublicKey, diffieHellman, generateKeyPairSync, randomBytes } from 'node:crypto';
import nacl from 'tweetnacl';
import { concatBytes, decodeKey32, wipe } from '../../src-shared/crypto/bytes';
import { SealedBoxError } from '../../src-shared/crypto/errors';

const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const SIGMA = new TextEncoder().encode('expand 32-byte k');
const hsalsa20 = (nacl as unknown as { lowlevel: { crypto_core_hsalsa20(out: Uint8Array, input: Uint8Array, k: Uint8Array, c: Uint8Array): void } })
  .lowlevel.crypto_core_hsalsa20;

export function sealToWithOpenSsl(recipientBoxKey: string, plaintext: Uint8Array): Uint8Array {
  const recipient = decodeKey32(recipientBoxKey);
  if (!recipient) throw new SealedBoxError(`"${recipientBoxKey}" is not a base58 box key of 32 bytes`);
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const ephemeralPublic = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(X25519_SPKI_PREFIX.length));
  let shared: Uint8Array;
  try {
    shared = diffieHellman({ privateKey, publicKey: createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, recipient]), format: 'der', type: 'spki' }) });
  } catch {
    throw new SealedBoxError(`"${recipientBoxKey}" is not a usable X25519 key`);
  }
  // nacl.box = secretbox under HSalsa20(shared secret): the same key tweetnacl's box.before derives.
  const key = new Uint8Array(32);
  hsalsa20(key, new Uint8Array(16), shared, SIGMA);
  const nonce = new Uint8Array(randomBytes(nacl.box.nonceLength));
  try {
    return concatBytes(ephemeralPublic, nonce, nacl.secretbox(plaintext, nonce, key));
  } finally {
    wipe(key, shared);
  }
}
