// Keyed reader slots (src-shared/unlinkable/keyed-slot.ts) on libsodium, byte for byte the reference's layout:
// ephemeralPublicKey(32) ‖ nonce(24) ‖ crypto_secretbox_easy(dataKey) — tweetnacl's secretbox writes the same MAC ‖
// ciphertext. The ephemeral key is a real X25519 key (one base-point multiplication, its secret zeroed at once), so the
// slot looks like a sealed box; opening is one secretbox of 32 bytes, no X25519.
import { KEYED_SLOT_LENGTH } from '../../src-shared/unlinkable/keyed-slot';
import { key32 } from '../../src-shared/unlinkable/rendezvous';
import { sodium } from './sodium';

const KEY = 32;
const NONCE = 24;

export function sealKeyedSlotNative(key: Uint8Array, dataKey: Uint8Array): Uint8Array {
  key32(key, 'a slot key');
  key32(dataKey, 'a data key');
  const out = new Uint8Array(KEYED_SLOT_LENGTH);
  const ephemeralSecret = new Uint8Array(sodium.crypto_box_SECRETKEYBYTES);
  try {
    sodium.crypto_box_keypair(out.subarray(0, KEY), ephemeralSecret);
  } finally {
    sodium.sodium_memzero(ephemeralSecret);
  }
  const nonce = out.subarray(KEY, KEY + NONCE);
  sodium.randombytes_buf(nonce);
  sodium.crypto_secretbox_easy(out.subarray(KEY + NONCE), dataKey, nonce, key);
  return out;
}

export function openKeyedSlotNative(key: Uint8Array, body: Uint8Array): Uint8Array | null {
  key32(key, 'a slot key');
  if (body.length !== KEYED_SLOT_LENGTH) return null;
  const dataKey = new Uint8Array(32);
  return sodium.crypto_secretbox_open_easy(dataKey, body.subarray(KEY + NONCE), body.subarray(KEY, KEY + NONCE), key)
    ? dataKey
    : null;
}
