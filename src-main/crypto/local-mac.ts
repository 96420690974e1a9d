// The MAC an identity puts on data it stores for itself (its cache of verified transactions): libsodium's crypto_auth,
// HMAC-SHA-512-256, under the identity's local key. The pure-JS default in seed-key-holder.ts computes
// the same function with @noble/hashes.
import type { PreparedKey } from './seed-key-holder';
import { prepareSecret, sodium } from './sodium';

export function localMacer(localKey: Uint8Array): PreparedKey<Uint8Array, Uint8Array> {
  if (localKey.length !== sodium.crypto_auth_KEYBYTES) throw new TypeError('a local MAC key is 32 bytes');
  return prepareSecret(
    localKey.length,
    (key) => key.set(localKey),
    (key, data: Uint8Array) => {
      const tag = new Uint8Array(sodium.crypto_auth_BYTES);
      sodium.crypto_auth(tag, data, key);
      return tag;
    },
  );
}
