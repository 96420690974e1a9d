import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { base64 } from '@scure/base';
import { fromBase64, isBase64, toBase64 } from './bytes';

describe('base64 (envelopes, vault entries)', () => {
  it('writes and reads exactly what a strict RFC 4648 codec does, any length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        const text = toBase64(bytes);
        expect(text).toBe(base64.encode(bytes));
        expect(fromBase64(text)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
    const large = Uint8Array.from({ length: 200_000 }, (_, i) => i % 251); // more than one String.fromCharCode chunk
    expect(fromBase64(toBase64(large))).toEqual(large);
  });

  it('encodes every value of a one- and two-byte tail (the padded ends) as the reference codec does', () => {
    for (let b = 0; b < 256; b++)
      for (const bytes of [[b], [b, 255 - b], [7, 9, 11, b], [7, 9, 11, b, b ^ 0x5a]])
        expect(toBase64(Uint8Array.from(bytes))).toBe(base64.encode(Uint8Array.from(bytes)));
  });

  it('refuses unpadded, spaced, padded-inside, non-canonical and foreign text (atob alone would take some of it)', () => {
    // 'YR==' and 'YWI=' → 'YWJ=' carry stray bits in the last character: atob reads them as 'a' and 'ab'.
    for (const bad of [
      'YQ',
      'YQ=',
      'Y Q==',
      ' YQ=',
      'YQ==YQ==',
      'YQ==\n',
      '@@@@',
      'YWJj-_8=',
      'YR==',
      'YWJ=',
      '====',
      'Y===',
    ]) {
      expect(() => fromBase64(bad), bad).toThrow(/not padded standard base64/);
      expect(isBase64(bad), bad).toBe(false);
    }
    expect(fromBase64('')).toEqual(new Uint8Array(0));
    expect(isBase64('YWI=')).toBe(true);
  });
});
