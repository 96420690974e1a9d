import { describe, expect, it } from 'vitest';
import { MISSING, parseQueryArgs, pythonRepr, validBool, validLimit, validTxid } from './query-args';

describe('reqparse-compatible query arguments', () => {
  it('reports the first failing argument in declaration order, then unknown arguments on strict endpoints', () => {
    const specs = { a: { parse: validBool, required: true }, b: { parse: validLimit } };
    const q = (s: string) => new URLSearchParams(s);
    expect(parseQueryArgs(q('b=x'), specs)).toMatchObject({
      ok: false,
      reply: { status: 400, body: JSON.stringify({ message: { a: MISSING } }) },
    });
    expect(parseQueryArgs(q('a=TRUE&b=2&a=false'), specs)).toEqual({ ok: true, args: { a: true, b: 2 } });
    expect(parseQueryArgs(q('a=true&z=1&y=2&z=3'), specs, { strict: true })).toMatchObject({
      ok: false,
      reply: { body: JSON.stringify({ message: 'Unknown arguments: z, y' }) },
    });
  });

  it('reads limits as Python int() does and refuses negative or unsafe ones', () => {
    expect(validLimit(' +1_000 ')).toBe(1000);
    expect(() => validLimit('ten')).toThrow("invalid literal for int() with base 10: 'ten'");
    expect(() => validLimit('-1')).toThrow(/limit must be an integer from 0/);
    expect(() => validLimit('9'.repeat(30))).toThrow(/limit must be an integer from 0/);
  });

  it('lower-cases valid hashes and writes Python reprs', () => {
    expect(validTxid('AB'.repeat(32))).toBe('ab'.repeat(32));
    expect(() => validTxid('xyz')).toThrow('Invalid hash');
    expect(pythonRepr("it's")).toBe('"it\'s"');
    expect(pythonRepr('a\nb\\')).toBe("'a\\nb\\\\'");
  });
});
