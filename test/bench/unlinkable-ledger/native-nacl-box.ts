// For the benchmark's chart builders only: tweetnacl's `box` and `box.keyPair` (pure-JS X25519, ~4–7 ms a scalar
// multiplication on this host) replaced by libsodium's, which compute the same function. `sealV3` fills the slots no
// reader uses with a sealed box to a throw-away key through src-shared's tweetnacl sealTo: three X25519 a slot, ~80 %
// of the builders' CPU, ~400 s at 10,000 charts. The bytes are of the same function (crypto_box_easy writes what
// nacl.box writes, MAC ‖ ciphertext: src-main/crypto/sealed-box.ts relies on it too), checked here against tweetnacl
// before anything is built: a builder whose swap disagreed would throw rather than write a chart.
import nacl from 'tweetnacl';
import { sodium } from '../../../src-main/crypto/sodium';

const KEY = nacl.box.publicKeyLength;

function nativeKeyPair(): nacl.BoxKeyPair {
  const publicKey = new Uint8Array(KEY);
  const secretKey = new Uint8Array(nacl.box.secretKeyLength);
  sodium.crypto_box_keypair(publicKey, secretKey);
  return { publicKey, secretKey };
}

function nativeBox(message: Uint8Array, nonce: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array {
  const out = new Uint8Array(nacl.box.overheadLength + message.length);
  sodium.crypto_box_easy(out, message, nonce, publicKey, secretKey);
  return out;
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);

/** Swaps tweetnacl's box and box.keyPair for libsodium's in this thread, after checking they agree. */
export function useNativeNaclBox(): void {
  const jsBox = nacl.box;
  for (let i = 0; i < 4; i++) {
    const pair = nativeKeyPair();
    if (!same(nacl.box.keyPair.fromSecretKey(pair.secretKey).publicKey, pair.publicKey))
      throw new Error('libsodium’s X25519 key pair differs from tweetnacl’s');
    const recipient = nacl.box.keyPair();
    const message = nacl.randomBytes(32 + i * 40);
    const nonce = nacl.randomBytes(nacl.box.nonceLength);
    const native = nativeBox(message, nonce, recipient.publicKey, pair.secretKey);
    if (!same(native, jsBox(message, nonce, recipient.publicKey, pair.secretKey)))
      throw new Error('libsodium’s box differs from tweetnacl’s');
    if (!same(nacl.box.open(native, nonce, pair.publicKey, recipient.secretKey) ?? new Uint8Array(0), message))
      throw new Error('tweetnacl does not open libsodium’s box');
  }
  const box = Object.assign(nativeBox, jsBox, { keyPair: Object.assign(nativeKeyPair, jsBox.keyPair) });
  (nacl as { box: typeof nacl.box }).box = box as typeof nacl.box;
}
