import { describe, expect, it } from 'vitest';
import nacl from 'tweetnacl';
import { base58 } from '@scure/base';
import { openEnvelope, sealEnvelope } from '../../src-shared/crypto/envelope';
import { openSealedWithSecret } from '../../src-shared/crypto/sealed-box';
import { sealTo } from './sealed-box';
import { envelopeBox, secretboxOpen } from './secretbox';

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

describe('libsodium secretbox sealing (envelopeBox)', () => {
  it("writes tweetnacl's very bytes for the same key and nonce, for every length", () => {
    for (let n = 0; n < 5000; n += 97) {
      const [key, nonce, message] = [nacl.randomBytes(32), nacl.randomBytes(24), nacl.randomBytes(n)];
      expect(envelopeBox.seal(message, nonce, key)).toEqual(nacl.secretbox(message, nonce, key));
    }
  });

  it('draws fresh random keys and nonces of the length asked', () => {
    const [a, b] = [envelopeBox.randomBytes(32), envelopeBox.randomBytes(32)];
    expect([a.length, envelopeBox.randomBytes(24).length]).toEqual([32, 24]);
    expect(a).not.toEqual(b);
  });

  it('an envelope sealed with it opens with the pure-JS defaults, for each reader', async () => {
    const readers = [nacl.box.keyPair(), nacl.box.keyPair()];
    const plaintext = new TextEncoder().encode('{"chart":"sealed with libsodium"}');
    const envelope = sealEnvelope(
      { action: 'create', seq: 1, at: new Date().toISOString(), author: base58.encode(nacl.randomBytes(32)) },
      plaintext,
      readers.map((r) => base58.encode(r.publicKey)),
      sealTo,
      envelopeBox,
    );
    for (const r of readers)
      expect(
        await openEnvelope(envelope, {
          boxKey: base58.encode(r.publicKey),
          openSealed: async (sealed) => openSealedWithSecret(r.secretKey, sealed),
        }),
      ).toEqual(plaintext);
  });
});
