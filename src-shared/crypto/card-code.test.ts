import { describe, expect, it } from 'vitest';
import {
  CHART_CARD_VERSION,
  CODE_SYMBOLS,
  CROCKFORD_ALPHABET,
  LEGACY_CODE_SYMBOLS,
  chartTagOf,
  decodeCardCode,
  encodeCardCode,
  encodeChartCardCode,
  normaliseCardCode,
} from './card-code';
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
      expect(code.replace(/-/g, '')).toHaveLength(LEGACY_CODE_SYMBOLS);
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
      expect(checked).toBe(LEGACY_CODE_SYMBOLS * 31);
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
    // Since issue #12 a card code has 54 characters; printed older cards have 28, and both lengths are read.
    expect(() => decodeCardCode(code.slice(0, -1))).toThrow(
      'A card code has 54 characters (28 on cards printed before December 2026); 27 were entered.',
    );
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

  describe('version 3: the card names its chart (issue #12)', () => {
    const chartId = () => [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0')).join('');

    it("round-trips the secret and the chart tag (the chart id's first 16 bytes) through a 54-symbol code", () => {
      for (let i = 0; i < 50; i++) {
        const secret = randomBytes(16);
        const id = chartId();
        const code = encodeChartCardCode(secret, id);
        expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){13}[0-9A-HJKMNP-TV-Z]{2}$/);
        expect(code.replace(/-/g, '')).toHaveLength(CODE_SYMBOLS);
        const decoded = decodeCardCode(code);
        expect(decoded).toMatchObject({ version: CHART_CARD_VERSION, secret, chartTag: id.slice(0, 32), code });
        expect(chartTagOf(id)).toBe(decoded.chartTag);
      }
      // Tags with leading zero bytes keep their length.
      expect(decodeCardCode(encodeChartCardCode(randomBytes(16), '00'.repeat(20) + 'ab'.repeat(12))).chartTag).toBe(
        '00'.repeat(16),
      );
    });

    it('older codes carry no chart tag and are still read', () => {
      const secret = randomBytes(16);
      expect(decodeCardCode(encodeCardCode(secret, 2))).toMatchObject({ version: 2, secret, chartTag: null });
      expect(decodeCardCode(encodeCardCode(secret, 1))).toMatchObject({ version: 1, secret, chartTag: null });
    });

    it('catches every substitution and every transposition in the long code too', () => {
      const symbols = normaliseCardCode(encodeChartCardCode(randomBytes(16), chartId()));
      for (let pos = 0; pos < symbols.length; pos++)
        for (const replacement of CROCKFORD_ALPHABET) {
          if (replacement === symbols[pos]) continue;
          expect(problemOf(symbols.slice(0, pos) + replacement + symbols.slice(pos + 1))).toBe('checksum');
        }
      for (let i = 0; i < symbols.length; i++)
        for (let j = i + 1; j < symbols.length; j++) {
          if (symbols[i] === symbols[j]) continue;
          const swapped = [...symbols];
          [swapped[i], swapped[j]] = [swapped[j]!, swapped[i]!];
          expect(problemOf(swapped.join(''))).toBe('checksum');
        }
    });

    it('refuses a chart id that is not one', () => {
      expect(() => encodeChartCardCode(randomBytes(16), 'abc')).toThrow(/not a chart id/);
    });
  });
});
