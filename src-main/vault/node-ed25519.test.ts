import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { randomBytes } from 'node:crypto';
import { nodeEd25519Sign } from './node-ed25519';

describe('node:crypto Ed25519 signer', () => {
  it('gives exactly the RFC 8032 signature noble gives, for many keys and message sizes', () => {
    for (let i = 0; i < 50; i++) {
      const seed = new Uint8Array(randomBytes(32));
      const message = new Uint8Array(randomBytes(i * 7));
      const signature = nodeEd25519Sign(message, seed);
      expect(signature).toEqual(ed25519.sign(message, seed));
      expect(ed25519.verify(signature, message, ed25519.getPublicKey(seed))).toBe(true);
    }
  });

  it('leaves the caller’s key buffer intact (the holder owns and wipes it)', () => {
    const seed = new Uint8Array(randomBytes(32));
    const copy = Uint8Array.from(seed);
    nodeEd25519Sign(new Uint8Array(32), seed);
    expect(seed).toEqual(copy);
  });
});
