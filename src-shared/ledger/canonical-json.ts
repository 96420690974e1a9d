// Canonical JSON exactly as the reference server writes it before hashing (docs/PROTOCOL.md §2.1):
// python-rapidjson `dumps(v, ensure_ascii=False, sort_keys=True)`, compact. Where the JS driver's
// json-stable-stringify differs (docs/PROTOCOL.md §2.1.3) we follow the reference, so an id we compute is the id a real
// BigchainDB computes:
//   - keys sorted by Unicode code point (not UTF-16 code unit);
//   - control characters escaped with UPPER-case hex (`\u001F`);
//   - non-integer numbers written as Python's float repr (`1e-05`, `1e-07`), which differs from JS only below 1e-4;
//   - integer-valued numbers below 1e21 written as integers (what Python prints for an integer literal).
// A number's original lexeme is lost by JSON.parse, so `1.0` sent by a non-JS client hashes as `1` here: a known gap.
import { LedgerInputError } from './errors';

export function canonicalJson(value: unknown): string {
  return write(value);
}

function write(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return formatNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + write(value[i]);
        return out + ']';
      }
      // Plain objects only (from any realm: an Object.prototype's own prototype is null); not Date, Map, class instances.
      const proto = Object.getPrototypeOf(value) as object | null;
      if (proto !== null && Object.getPrototypeOf(proto) !== null) {
        throw new LedgerInputError('InvalidJson', `not a JSON value: ${describe(value)}`);
      }
      const record = value as Record<string, unknown>;
      const keys = sortKeys(Object.keys(record).filter((k) => record[k] !== undefined));
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        out += (i === 0 ? '' : ',') + quote(key) + ':' + write(record[key]);
      }
      return out + '}';
    }
    default:
      throw new LedgerInputError('InvalidJson', `not a JSON value: ${typeof value}`);
  }
}

function describe(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' ? name : 'object';
}

// Code units that need the slow path: controls (escaped upper-case) and surrogates (must be paired).
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const needsCare = /[\u0000-\u001f\ud800-\udfff]/;
// Anything that is written other than as itself. Most strings of a transaction (keys, ids, base64) have none, and
// quoting them by concatenation skips JSON.stringify's copy (4 µs for an envelope's 1.6 kB box).
// eslint-disable-next-line no-control-regex -- as above
const needsEscape = /["\\\u0000-\u001f\ud800-\udfff]/;

function quote(text: string): string {
  if (!needsEscape.test(text)) return `"${text}"`;
  if (!needsCare.test(text)) return JSON.stringify(text);
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) {
      out += shortEscapes[c] ?? '\\u00' + c.toString(16).toUpperCase().padStart(2, '0');
    } else if (c === 0x22) {
      out += '\\"';
    } else if (c === 0x5c) {
      out += '\\\\';
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) throw unpaired();
      out += text[i] + (text[i + 1] as string);
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      throw unpaired();
    } else {
      out += text[i];
    }
  }
  return out + '"';
}

function unpaired(): LedgerInputError {
  // The reference cannot encode such a string to UTF-8 at all, so no id exists for it.
  return new LedgerInputError('InvalidJson', 'string contains an unpaired UTF-16 surrogate');
}

const shortEscapes: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new LedgerInputError('InvalidJson', `not a JSON number: ${n}`);
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return Object.is(n, -0) ? '0' : String(n);
  return pythonFloatRepr(n);
}

/** Python's `repr(float)`: shortest round-trip digits, fixed notation for 1e-4 ≤ |x| < 1e16, else `d.ddde±XX`. */
export function pythonFloatRepr(n: number): string {
  const [mantissa, expText] = n.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exp >= -4 && exp < 16) {
    let fixed: string;
    if (exp < 0) fixed = '0.' + '0'.repeat(-exp - 1) + digits;
    else if (digits.length > exp + 1) fixed = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
    else fixed = digits + '0'.repeat(exp + 1 - digits.length) + '.0';
    return sign + fixed;
  }
  const m = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
  const e = Math.abs(exp).toString().padStart(2, '0');
  return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
}

const surrogate = /[\ud800-\udfff]/;

/** Sorts by code point, as Python does; plain UTF-16 order differs only when surrogates meet U+E000–U+FFFF. */
function sortKeys(keys: string[]): string[] {
  keys.sort();
  if (keys.length > 1 && keys.some((k) => surrogate.test(k))) keys.sort(compareCodePoints);
  return keys;
}

export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

// Moves surrogates above U+E000–U+FFFF so that UTF-16 units compare like code points.
function rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}
