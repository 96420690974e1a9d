import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { secretboxOpen } from './secretbox';

describe('libsodium secretbox opening', () => {
  it('opens what tweetnacl sealed, for every length, and refuses any altered byte, key or nonce', () => {
    for (let n = 0; n < 200; n += 7) {
      const [key, nonce, message] = [nacl.randomBytes(32), nacl.randomBytes(24), nacl.randomBytes(n)];
      const box = nacl.secretbox(message, nonce, key);
      expect(secretboxOpen(box, nonce, key)).toEqual(message);
      const altered = Uint8Array.from(box);
      altered[n % box.length]! ^= 1;
      expect(secretboxOpen(altered, nonce, key)).toBeNull();
      expect(secretboxOpen(box, nacl.randomBytes(24), key)).toBeNull();
      expect(secretboxOpen(box, nonce, nacl.randomBytes(32))).toBeNull();
    }
    expect(secretboxOpen(new Uint8Array(10), nacl.randomBytes(24), nacl.randomBytes(32))).toBeNull();
    expect(secretboxOpen(new Uint8Array(40), nacl.randomBytes(23), nacl.randomBytes(32))).toBeNull();
  });
});
