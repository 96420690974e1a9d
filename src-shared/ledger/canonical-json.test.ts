// Canonical JSON must equal python-rapidjson's output (the reference), including where the JS driver differs.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, pythonFloatRepr } from './canonical-json';
import { LedgerInputError } from './errors';

// json-stable-stringify with the driver's comparator: what the driver hashes.
function driverStringify(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(driverStringify).join(',') + ']';
  const o = v as Record<string, unknown>;
  return (
    '{' +
    Object.keys(o)
      .sort()
      .map((k) => JSON.stringify(k) + ':' + driverStringify(o[k]))
      .join(',') +
    '}'
  );
}

describe('canonicalJson', () => {
  it('sorts keys, writes no whitespace, keeps array order and leaves out undefined members', () => {
    expect(canonicalJson({ b: [3, 1, { z: null, a: true }], a: 'x', u: undefined })).toBe(
      '{"a":"x","b":[3,1,{"a":true,"z":null}]}',
    );
  });

  it('writes non-ASCII, "/", U+007F, U+2028/2029 raw and escapes quotes and backslashes', () => {
    expect(canonicalJson({ s: 'héllo 🩺 / \u007f \u2028\u2029 "q" \\' })).toBe(
      '{"s":"héllo 🩺 / \u007f \u2028\u2029 \\"q\\" \\\\"}',
    );
  });

  it('escapes control characters like the reference: short forms, else \\u00XX in upper case', () => {
    expect(canonicalJson('\b\f\n\r\t\u0000\u001f\u000b')).toBe('"\\b\\f\\n\\r\\t\\u0000\\u001F\\u000B"');
    // the driver writes lower case here, so driver-signed data with such characters gets a different id
    expect(driverStringify('\u001f')).toBe('"\\u001f"');
  });

  it('writes numbers as Python does for the values JSON.parse can produce', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [7, '7'],
      [-12, '-12'],
      [1e16, '10000000000000000'],
      [2 ** 60, '1152921504606847000'] /* JS text, which Python reads as this int */,
      [0.1, '0.1'],
      [1.5, '1.5'],
      [-2.25, '-2.25'],
      [0.0001, '0.0001'],
      [123.456, '123.456'],
      [0.00001, '1e-05'],
      [1e-7, '1e-07'],
      [1.2345e-5, '1.2345e-05'],
      [-2.5e-10, '-2.5e-10'],
      [5e-324, '5e-324'],
      [1e21, '1e+21'],
      [1e300, '1e+300'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [-1.5e22, '-1.5e+22'],
    ];
    for (const [n, text] of cases) expect(canonicalJson(n), String(n)).toBe(text);
  });

  it('formats Python float repr for the whole range (fixed between 1e-4 and 1e16, else exponent of ≥ 2 digits)', () => {
    expect(pythonFloatRepr(1)).toBe('1.0');
    expect(pythonFloatRepr(1e15)).toBe('1000000000000000.0');
    expect(pythonFloatRepr(1e16)).toBe('1e+16');
    expect(pythonFloatRepr(0.5)).toBe('0.5');
    expect(pythonFloatRepr(1e5 + 0.5)).toBe('100000.5');
  });

  it('sorts keys by code point like Python (not by UTF-16 unit like JS)', () => {
    // U+FF01 < U+1F600 by code point, but its UTF-16 unit 0xFF01 > the surrogate 0xD83D
    expect(canonicalJson({ '😀': 1, '！': 2, a: 3 })).toBe('{"a":3,"！":2,"😀":1}');
    expect(driverStringify({ '😀': 1, '！': 2, a: 3 })).toBe('{"a":3,"😀":1,"！":2}');
  });

  it('rejects what has no JSON text with a typed error', () => {
    for (const bad of [
      NaN,
      Infinity,
      undefined,
      () => 1,
      10n,
      new Date(0),
      new Map(),
      '\ud800',
      'a\udc00b',
      { k: [Symbol('s')] },
    ]) {
      expect(() => canonicalJson(bad), String(typeof bad)).toThrow(LedgerInputError);
    }
    expect(canonicalJson('\ud83d\ude00')).toBe('"😀"');
  });

  it('agrees with the driver on everything outside the documented gaps (random JSON, incl. unicode)', () => {
    // eslint-disable-next-line no-control-regex -- the control characters are the documented gap
    const controlGap = /[\u0000-\u0007\u000b\u000e-\u001f]/;
    const gap = (v: unknown): boolean =>
      typeof v === 'number'
        ? !Number.isInteger(v) && Math.abs(v) < 1e-4
        : typeof v === 'string'
          ? controlGap.test(v)
          : Array.isArray(v)
            ? v.some(gap)
            : v !== null && typeof v === 'object'
              ? Object.entries(v).some(([k, x]) => gap(k) || /[\ud800-\udfff]/.test(k) || gap(x))
              : false;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        fc.pre(!gap(v));
        expect(canonicalJson(v)).toBe(driverStringify(v));
        expect(canonicalJson(JSON.parse(canonicalJson(v)))).toBe(canonicalJson(v));
      }),
      { numRuns: 300 },
    );
  });
});
