import { describe, expect, it } from 'vitest';
import { CODE_SYMBOLS, CROCKFORD_ALPHABET, decodeCardCode, encodeCardCode, normaliseCardCode } from './card-code';
import { InvalidCardCodeError } from './errors';
import { randomBytes } from './bytes';

function problemOf(code: string): string | null {
  try {
    decodeCardCode(code);
    return null;
  } catch (error) {
    if (error instanceof InvalidCardCodeError) return error.problem;
    throw error;
  }
}

describe('card code', () => {
  it('round-trips a card secret through a short, grouped, typeable code', () => {
    for (let i = 0; i < 50; i++) {
      const secret = randomBytes(16);
      const code = encodeCardCode(secret);
      expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}$/);
      expect(code.replace(/-/g, '')).toHaveLength(CODE_SYMBOLS);
      const decoded = decodeCardCode(code);
      expect(decoded.secret).toEqual(secret);
      expect(decoded.version).toBe(2); // cards printed since issue #14 (version 1 is still read: below)
    }
  });

  it('accepts the code typed in lower case, with spaces, and with O/I/L for 0/1/1', () => {
    const secret = randomBytes(16);
    const code = encodeCardCode(secret);
    const sloppy = code.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
    expect(decodeCardCode(sloppy).secret).toEqual(secret);
    expect(decodeCardCode(sloppy).code).toBe(code);
  });

  it('detects every single-character substitution, at every position, with every other symbol', () => {
    for (let round = 0; round < 3; round++) {
      const symbols = normaliseCardCode(encodeCardCode(randomBytes(16)));
      let checked = 0;
      for (let pos = 0; pos < symbols.length; pos++) {
        for (const replacement of CROCKFORD_ALPHABET) {
          if (replacement === symbols[pos]) continue;
          const typo = symbols.slice(0, pos) + replacement + symbols.slice(pos + 1);
          expect(problemOf(typo), `${typo} (position ${pos})`).toBe('checksum');
          checked++;
        }
      }
      expect(checked).toBe(CODE_SYMBOLS * 31);
    }
  });

  it('detects every transposition of two different characters, adjacent or not', () => {
    const symbols = normaliseCardCode(encodeCardCode(randomBytes(16)));
    for (let i = 0; i < symbols.length; i++) {
      for (let j = i + 1; j < symbols.length; j++) {
        if (symbols[i] === symbols[j]) continue;
        const swapped = [...symbols];
        [swapped[i], swapped[j]] = [swapped[j]!, swapped[i]!];
        expect(problemOf(swapped.join(''))).toBe('checksum');
      }
    }
  });

  it('says which character is not allowed, and when characters are missing or extra', () => {
    const code = encodeCardCode(randomBytes(16));
    const withU = 'U' + code.slice(1);
    expect(() => decodeCardCode(withU)).toThrow(/"U" \(character 1\)/);
    expect(problemOf(code.slice(0, -1))).toBe('length');
    expect(problemOf(code + '7')).toBe('length');
    expect(problemOf('')).toBe('length');
    expect(() => decodeCardCode(code.slice(0, -1))).toThrow('A card code has 28 characters; 27 were entered.');
  });

  it('refuses a code of an unknown format version even with a valid checksum', () => {
    // Version 2 became a known format with issue #14 (cards that need the hospital card key); 0 and 3 are unknown.
    expect(problemOf(encodeCardCode(randomBytes(16), 3))).toBe('version');
    expect(problemOf(encodeCardCode(randomBytes(16), 0))).toBe('version');
    expect(() => decodeCardCode(encodeCardCode(randomBytes(16), 3))).toThrow(
      'This card uses format 3, which this version of HealthChain cannot read.',
    );
  });

  it('still reads version 1 codes (cards printed before issue #14)', () => {
    const secret = randomBytes(16);
    expect(decodeCardCode(encodeCardCode(secret, 1))).toMatchObject({ version: 1, secret });
  });
});
