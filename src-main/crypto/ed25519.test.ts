import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { randomBytes } from 'node:crypto';
import { ed25519Signer } from './ed25519';

describe('libsodium Ed25519 signer', () => {
  it('gives exactly the RFC 8032 signature noble gives, for many keys and message sizes', () => {
    for (let i = 0; i < 50; i++) {
      const seed = new Uint8Array(randomBytes(32));
      const message = new Uint8Array(randomBytes(i * 7));
      const signer = ed25519Signer(seed);
      const signature = signer.use(message);
      signer.wipe();
      expect(signature).toEqual(ed25519.sign(message, seed));
      expect(ed25519.verify(signature, message, ed25519.getPublicKey(seed))).toBe(true);
    }
  });

  it('leaves the caller’s key buffer intact (the holder owns and wipes it), and refuses to sign once wiped', () => {
    const seed = new Uint8Array(randomBytes(32));
    const copy = Uint8Array.from(seed);
    const signer = ed25519Signer(seed);
    signer.use(new Uint8Array(32));
    expect(seed).toEqual(copy);
    signer.wipe();
    expect(() => signer.use(new Uint8Array(32))).toThrow(/wiped/);
  });

  it('refuses a key of the wrong length', () => {
    expect(() => ed25519Signer(new Uint8Array(31))).toThrow(/32 bytes/);
  });
});
