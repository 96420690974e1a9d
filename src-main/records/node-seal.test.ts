import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { base58 } from '@scure/base';
import { openSealedWithSecret, sealTo } from '../../src-shared/crypto/sealed-box';
import { sealToWithOpenSsl } from './node-seal';

describe('sealToWithOpenSsl', () => {
  it('produces the pinned sealed-box format that openSealedWithSecret opens', () => {
    const pair = nacl.box.keyPair();
    const message = new TextEncoder().encode('data key 32 bytes long, exactly!');
    const sealed = sealToWithOpenSsl(base58.encode(pair.publicKey), message);
    expect(sealed.length).toBe(sealTo(base58.encode(pair.publicKey), message).length);
    expect(openSealedWithSecret(pair.secretKey, sealed)).toEqual(message);
  });

  it('only the recipient opens it, and a flipped byte is refused', () => {
    const [a, b] = [nacl.box.keyPair(), nacl.box.keyPair()];
    const sealed = sealToWithOpenSsl(base58.encode(a.publicKey), new Uint8Array([1, 2, 3]));
    expect(() => openSealedWithSecret(b.secretKey, sealed)).toThrow(/not addressed to this key/);
    sealed[sealed.length - 1]! ^= 1;
    expect(() => openSealedWithSecret(a.secretKey, sealed)).toThrow(/altered/);
  });

  it('refuses what is not a box key', () => {
    expect(() => sealToWithOpenSsl('not-a-key', new Uint8Array(1))).toThrow(/not a base58 box key/);
    expect(() => sealToWithOpenSsl(base58.encode(new Uint8Array(32)), new Uint8Array(1))).toThrow(/not a usable X25519 key/);
  });
});
