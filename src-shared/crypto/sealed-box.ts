// Anonymous sealed box: anyone can seal to a boxKey, only its owner can open.
// Format (pinned): ephemeralPublicKey(32) ‖ nonce(24) ‖ tweetnacl.box(plaintext, nonce, recipient, ephemeralSecret).
// The ephemeral secret is wiped right after use, so the sender cannot open its own box later.
import nacl from 'tweetnacl';
import { concatBytes, decodeKey32, randomBytes, wipe } from './bytes';
import { SealedBoxError } from './errors';

const KEY = nacl.box.publicKeyLength;
const NONCE = nacl.box.nonceLength;
const MAC = nacl.box.overheadLength;
export const SEALED_BOX_OVERHEAD = KEY + NONCE + MAC;

export function sealTo(recipientBoxKey: string, plaintext: Uint8Array): Uint8Array {
  const recipient = decodeKey32(recipientBoxKey);
  if (!recipient) throw new SealedBoxError(`"${recipientBoxKey}" is not a base58 box key of 32 bytes`);
  const ephemeral = nacl.box.keyPair();
  const nonce = randomBytes(NONCE);
  const box = nacl.box(plaintext, nonce, recipient, ephemeral.secretKey);
  wipe(ephemeral.secretKey);
  return concatBytes(ephemeral.publicKey, nonce, box);
}

export function openSealedWithSecret(secret: Uint8Array, sealed: Uint8Array): Uint8Array {
  if (secret.length !== nacl.box.secretKeyLength) throw new SealedBoxError('a box secret is 32 bytes');
  if (sealed.length < SEALED_BOX_OVERHEAD) {
    throw new SealedBoxError(`a sealed box is at least ${SEALED_BOX_OVERHEAD} bytes; this one has ${sealed.length}`);
  }
  const ephemeralPublic = sealed.subarray(0, KEY);
  const nonce = sealed.subarray(KEY, KEY + NONCE);
  const opened = nacl.box.open(sealed.subarray(KEY + NONCE), nonce, ephemeralPublic, secret);
  if (!opened) throw new SealedBoxError('this sealed box was not addressed to this key, or it was altered');
  return opened;
}
