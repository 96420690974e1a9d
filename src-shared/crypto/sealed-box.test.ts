import { describe, expect, it } from 'vitest';
import { openSealedWithSecret, SEALED_BOX_OVERHEAD, sealTo } from './sealed-box';
import { deriveIdentityKeys, newSeed } from './keys';
import { utf8 } from './bytes';
import { SealedBoxError } from './errors';

describe('sealed box', () => {
  const alice = deriveIdentityKeys(newSeed());
  const bob = deriveIdentityKeys(newSeed());
  const message = utf8('data key for chart 42');

  it('round-trips to the recipient and has the pinned layout', () => {
    const sealed = sealTo(alice.boxKey, message);
    expect(sealed.length).toBe(message.length + SEALED_BOX_OVERHEAD);
    expect(SEALED_BOX_OVERHEAD).toBe(32 + 24 + 16);
    expect(openSealedWithSecret(alice.boxSecret, sealed)).toEqual(message);
  });

  it('uses a fresh ephemeral key and nonce each time', () => {
    const a = sealTo(alice.boxKey, message);
    const b = sealTo(alice.boxKey, message);
    expect(a.subarray(0, 56)).not.toEqual(b.subarray(0, 56));
  });

  it('refuses another recipient, a flipped bit and a truncated box with a typed error', () => {
    const sealed = sealTo(alice.boxKey, message);
    expect(() => openSealedWithSecret(bob.boxSecret, sealed)).toThrow(SealedBoxError);
    const tampered = Uint8Array.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => openSealedWithSecret(alice.boxSecret, tampered)).toThrow(/altered/);
    expect(() => openSealedWithSecret(alice.boxSecret, sealed.subarray(0, 40))).toThrow(/at least 72 bytes/);
  });

  it('refuses to seal to something that is not a box key', () => {
    expect(() => sealTo('not-a-key', message)).toThrow(SealedBoxError);
    expect(() => sealTo('1111', message)).toThrow(/32 bytes/);
  });
});
