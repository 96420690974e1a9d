import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { base58 } from '@scure/base';
import { SeedKeyHolder } from './seed-key-holder';
import { openSealedWithSecret, sealTo as pureSealTo, SEALED_BOX_OVERHEAD } from '../../src-shared/crypto/sealed-box';
import { SealedBoxError } from '../../src-shared/crypto/errors';
import { nativeKeyHolderCrypto } from './key-holder-crypto';
import { openSealed, sealedBoxOpener, sealTo } from './sealed-box';

const message = new TextEncoder().encode('data key 32 bytes long, exactly!');

describe('sealed boxes on libsodium interoperate with the pure-JS ones (src-shared/crypto/sealed-box.ts)', () => {
  it('pure-JS opens what libsodium sealed, with the same length', () => {
    const pair = nacl.box.keyPair();
    const sealed = sealTo(base58.encode(pair.publicKey), message);
    expect(sealed.length).toBe(pureSealTo(base58.encode(pair.publicKey), message).length);
    expect(openSealedWithSecret(pair.secretKey, sealed)).toEqual(message);
  });

  it('libsodium opens what pure-JS sealed, and what it sealed itself', () => {
    for (let i = 0; i < 20; i++) {
      const pair = nacl.box.keyPair();
      const plaintext = nacl.randomBytes(i * 7);
      expect(openSealed(pair.secretKey, pureSealTo(base58.encode(pair.publicKey), plaintext))).toEqual(plaintext);
      expect(openSealed(pair.secretKey, sealTo(base58.encode(pair.publicKey), plaintext))).toEqual(plaintext);
    }
  });

  it('uses a fresh ephemeral key and nonce for every box', () => {
    const pair = nacl.box.keyPair();
    const a = sealTo(base58.encode(pair.publicKey), message);
    const b = sealTo(base58.encode(pair.publicKey), message);
    expect(Buffer.from(a.subarray(0, 32))).not.toEqual(Buffer.from(b.subarray(0, 32)));
    expect(Buffer.from(a.subarray(32, 56))).not.toEqual(Buffer.from(b.subarray(32, 56)));
  });

  it('both refuse the wrong key and a flipped byte anywhere, with the same typed error', () => {
    const [a, b] = [nacl.box.keyPair(), nacl.box.keyPair()];
    const sealed = pureSealTo(base58.encode(a.publicKey), new Uint8Array([1, 2, 3]));
    for (const open of [openSealedWithSecret, openSealed]) {
      expect(() => open(b.secretKey, sealed)).toThrow(/not addressed to this key/);
      for (const index of [0, 31, 32, 55, 56, sealed.length - 1]) {
        const altered = Uint8Array.from(sealed);
        altered[index]! ^= 1;
        expect(() => open(a.secretKey, altered)).toThrow(SealedBoxError);
      }
    }
  });

  it('refuses a short box, a bad secret, a low-order ephemeral key and what is not a box key', () => {
    const pair = nacl.box.keyPair();
    expect(() => openSealed(pair.secretKey, new Uint8Array(SEALED_BOX_OVERHEAD - 1))).toThrow(/at least 72 bytes/);
    expect(() => openSealed(new Uint8Array(31), new Uint8Array(100))).toThrow(/32 bytes/);
    expect(() => openSealed(pair.secretKey, new Uint8Array(100))).toThrow(SealedBoxError); // ephemeral key 0
    expect(() => sealTo('not-a-key', new Uint8Array(1))).toThrow(/not a base58 box key/);
    expect(() => sealTo(base58.encode(new Uint8Array(32)), new Uint8Array(1))).toThrow(/not a usable X25519 key/);
  });

  it('an opener keeps its own copy of the secret, and wipe() ends it', () => {
    const pair = nacl.box.keyPair();
    const secret = Uint8Array.from(pair.secretKey);
    const opener = sealedBoxOpener(secret);
    secret.fill(0); // the caller wipes its buffer: the opener still works from its secure copy
    const sealed = sealTo(base58.encode(pair.publicKey), message);
    expect(opener.use(sealed)).toEqual(message);
    opener.wipe();
    expect(() => opener.use(sealed)).toThrow(/wiped/);
  });

  it('a key holder with the main-process crypto opens, signs and MACs exactly like the pure-JS one', async () => {
    const seed = nacl.randomBytes(32);
    const plain = new SeedKeyHolder(Uint8Array.from(seed));
    const native = new SeedKeyHolder(Uint8Array.from(seed), nativeKeyHolderCrypto);
    expect(native.boxKey).toBe(plain.boxKey);
    const sealed = pureSealTo(native.boxKey, message);
    expect(await native.openSealed(sealed)).toEqual(await plain.openSealed(sealed));
    expect(await native.sign(message)).toEqual(await plain.sign(message));
    expect(native.localMac(message)).toEqual(plain.localMac(message));
    native.lock();
    await expect(native.openSealed(sealed)).rejects.toThrow(/locked/i);
    expect(() => native.localMac(message)).toThrow(/locked/i);
  });
});
