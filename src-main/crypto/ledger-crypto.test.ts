// The native provider must answer exactly as the pure-JS one, including "false" (not a throw) for junk.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { pureCryptoProvider } from '../../src-shared/ledger';
import { nativeLedgerCrypto } from './ledger-crypto';

describe('nativeLedgerCrypto', () => {
  it('hashes text like the pure-JS provider hashes its UTF-8 (any code points, lone surrogates aside)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        expect(Buffer.from(nativeLedgerCrypto.sha3_256Text!(text))).toEqual(
          Buffer.from(pureCryptoProvider.sha3_256(new TextEncoder().encode(text))),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('hashes like the pure-JS provider', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        expect(Buffer.from(nativeLedgerCrypto.sha3_256(data))).toEqual(Buffer.from(pureCryptoProvider.sha3_256(data)));
        expect(Buffer.from(nativeLedgerCrypto.sha256!(data))).toEqual(Buffer.from(pureCryptoProvider.sha256!(data)));
      }),
      { numRuns: 200 },
    );
  });

  it('verifies Ed25519 like the pure-JS provider, for good, altered and malformed signatures and keys', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.nat(63),
        (seed, message, flip) => {
          const publicKey = ed25519.getPublicKey(seed);
          const signature = ed25519.sign(message, seed);
          expect(nativeLedgerCrypto.ed25519Verify(signature, message, publicKey)).toBe(true);
          const bad = signature.slice();
          bad[flip] = bad[flip]! ^ 1;
          expect(nativeLedgerCrypto.ed25519Verify(bad, message, publicKey)).toBe(
            pureCryptoProvider.ed25519Verify(bad, message, publicKey),
          );
          expect(nativeLedgerCrypto.ed25519Verify(bad, message, publicKey)).toBe(false);
        },
      ),
      { numRuns: 50 },
    );
    const key = ed25519.getPublicKey(new Uint8Array(32));
    expect(nativeLedgerCrypto.ed25519Verify(new Uint8Array(63), new Uint8Array(1), key)).toBe(false);
    expect(nativeLedgerCrypto.ed25519Verify(new Uint8Array(64), new Uint8Array(1), new Uint8Array(31))).toBe(false);
    expect(nativeLedgerCrypto.ed25519Verify(new Uint8Array(64), new Uint8Array(1), new Uint8Array(32).fill(0xff))).toBe(
      false,
    );
  });
});
