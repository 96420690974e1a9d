import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { base58 } from '@scure/base';
import { SeedKeyHolder } from '../../src-shared/crypto/keyholder';
import { openSealedWithSecret, sealTo, SEALED_BOX_OVERHEAD } from '../../src-shared/crypto/sealed-box';
import { SealedBoxError } from '../../src-shared/crypto/errors';
import { nodeKeyHolderCrypto } from './node-key-holder';
import { openSealedWithOpenSsl, sealToWithOpenSsl } from './node-sealed-box';

const message = new TextEncoder().encode('data key 32 bytes long, exactly!');

describe('sealed boxes on OpenSSL interoperate with the pure-JS ones (src-shared/crypto/sealed-box.ts)', () => {
  it('pure-JS opens what OpenSSL sealed, with the same length', () => {
    const pair = nacl.box.keyPair();
    const sealed = sealToWithOpenSsl(base58.encode(pair.publicKey), message);
    expect(sealed.length).toBe(sealTo(base58.encode(pair.publicKey), message).length);
    expect(openSealedWithSecret(pair.secretKey, sealed)).toEqual(message);
  });

  it('OpenSSL opens what pure-JS sealed, and what it sealed itself', () => {
    for (let i = 0; i < 20; i++) {
      const pair = nacl.box.keyPair();
      const plaintext = nacl.randomBytes(i * 7);
      expect(openSealedWithOpenSsl(pair.secretKey, sealTo(base58.encode(pair.publicKey), plaintext))).toEqual(plaintext);
      expect(openSealedWithOpenSsl(pair.secretKey, sealToWithOpenSsl(base58.encode(pair.publicKey), plaintext))).toEqual(plaintext);
    }
  });

  it('both refuse the wrong key and a flipped byte anywhere, with the same typed error', () => {
    const [a, b] = [nacl.box.keyPair(), nacl.box.keyPair()];
    const sealed = sealTo(base58.encode(a.publicKey), new Uint8Array([1, 2, 3]));
    for (const open of [openSealedWithSecret, openSealedWithOpenSsl]) {
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
    expect(() => openSealedWithOpenSsl(pair.secretKey, new Uint8Array(SEALED_BOX_OVERHEAD - 1))).toThrow(/at least 72 bytes/);
    expect(() => openSealedWithOpenSsl(new Uint8Array(31), new Uint8Array(100))).toThrow(/32 bytes/);
    expect(() => openSealedWithOpenSsl(pair.secretKey, new Uint8Array(100))).toThrow(SealedBoxError); // ephemeral key 0
    expect(() => sealToWithOpenSsl('not-a-key', new Uint8Array(1))).toThrow(/not a base58 box key/);
    expect(() => sealToWithOpenSsl(base58.encode(new Uint8Array(32)), new Uint8Array(1))).toThrow(/not a usable X25519 key/);
  });

  it('a key holder with the main-process crypto opens and signs exactly like the pure-JS one', async () => {
    const seed = nacl.randomBytes(32);
    const plain = new SeedKeyHolder(Uint8Array.from(seed));
    const node = new SeedKeyHolder(Uint8Array.from(seed), nodeKeyHolderCrypto);
    expect(node.boxKey).toBe(plain.boxKey);
    const sealed = sealTo(node.boxKey, message);
    expect(await node.openSealed(sealed)).toEqual(await plain.openSealed(sealed));
    expect(await node.sign(message)).toEqual(await plain.sign(message));
    node.lock();
    await expect(node.openSealed(sealed)).rejects.toThrow(/locked/i);
  });
});
