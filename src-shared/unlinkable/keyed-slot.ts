// Keyed reader slots of envelope v3 (docs/UNLINKABLE.md §4, "Keyed slots"): a reader the writer already shares a pair
// key with gets its slot's data key sealed symmetrically instead of in a sealed box, so it opens the slot without an
// X25519 — a doctor's own charts, whose pair key K(C→C) is derived once a session, open with none a version.
//
//   slot key          HKDF-SHA-256(ikm = K(W→R), salt, info = "healthchain.v3.slot-key/1" ‖ chart secret of version
//                     seq−1 ‖ u32be(seq), 32)     a reader R continuing from seq−1 to seq; W = seq−1's custodian
//   creator slot key  HKDF-SHA-256(ikm = list key (from K(C→C)), salt, info = "healthchain.v3.creator-slot-key/1" ‖
//                     list tag (16 bytes), 32)    the creator's own slot in its CREATE
//   keyed slot body   ephemeralPublicKey(32) ‖ nonce(24) ‖ secretbox(dataKey, nonce, slot key)    = 104 bytes
//
// The body has a sealed box's layout and lengths (sealed-box.ts): the 32 bytes in front are a real X25519 public key
// made by the writer and thrown away (a random string would differ from one: its top bit), the nonce is random, and
// the rest is a MAC and a ciphertext. A removed reader knows the previous secret but not K(W→R): it cannot derive the
// key. Anyone can seal a box to R, but only W and R can make a slot that opens under K(W→R), so a slot the keyed trial
// opens could have been written as a sealed box by anyone: the trial accepts nothing the sealed-box path would not.
import nacl from 'tweetnacl';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { concatBytes, randomBytes, utf8, wipe } from '../crypto/bytes';
import { UNLINKABLE_SALT } from './owner-keys';
import { key32, u32be } from './rendezvous';

export const SLOT_KEY_INFO = {
  continuing: 'healthchain.v3.slot-key/1',
  creator: 'healthchain.v3.creator-slot-key/1',
} as const;
/** A keyed slot's body: as long as a sealed box of a 32-byte data key. */
export const KEYED_SLOT_LENGTH = 32 + 24 + 16 + 32;

const salt = utf8(UNLINKABLE_SALT);
const LIST_TAG = /^[0-9a-f]{32}$/;

/** The key of reader R's slot in version `seq`, from K(W→R) and version seq−1's chart secret. */
export function slotKey(pair: Uint8Array, previousChartSecret: Uint8Array, seq: number): Uint8Array {
  const info = concatBytes(
    utf8(SLOT_KEY_INFO.continuing),
    key32(previousChartSecret, 'a chart secret'),
    u32be(seq, 'seq'),
  );
  return hkdf(sha256, key32(pair, 'a pair key'), salt, info, 32);
}

/** The key of the creator's slot in the CREATE whose asset carries `listTagHex`, from the creator's list key. */
export function creatorSlotKey(listKey: Uint8Array, listTagHex: string): Uint8Array {
  if (!LIST_TAG.test(listTagHex)) throw new TypeError('a list tag is 32 lower-case hex digits');
  const info = concatBytes(utf8(SLOT_KEY_INFO.creator), hexToBytes(listTagHex));
  return hkdf(sha256, key32(listKey, 'a list key'), salt, info, 32);
}

/** Seals a 32-byte data key under a slot key, in a sealed box's layout (see above). */
export function sealKeyedSlot(key: Uint8Array, dataKey: Uint8Array): Uint8Array {
  key32(key, 'a slot key');
  key32(dataKey, 'a data key');
  const ephemeral = nacl.box.keyPair();
  wipe(ephemeral.secretKey);
  const nonce = randomBytes(nacl.secretbox.nonceLength);
  return concatBytes(ephemeral.publicKey, nonce, nacl.secretbox(dataKey, nonce, key));
}

/** The data key a keyed slot body holds under `key`, or null when it is not this key's (or was altered). */
export function openKeyedSlot(key: Uint8Array, body: Uint8Array): Uint8Array | null {
  key32(key, 'a slot key');
  if (body.length !== KEYED_SLOT_LENGTH) return null;
  return nacl.secretbox.open(body.subarray(56), body.subarray(32, 56), key);
}
