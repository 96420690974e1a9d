// Python's str()/repr() of JSON values, because the reference's error texts embed them
// (e.g. `'FOO' is not one of [...]`, `The transaction's id 'None' ...`). Numbers follow canonical-json's reading:
// integer-valued numbers are Python ints, others floats.
import { formatNumber } from './canonical-json';

export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? formatNumber(value) : String(value);
  if (typeof value === 'string') return reprString(value);
  if (Array.isArray(value)) return '[' + value.map(pyRepr).join(', ') + ']';
  if (typeof value === 'object') {
    return (
      '{' +
      Object.entries(value)
        .map(([k, v]) => `${reprString(k)}: ${pyRepr(v)}`)
        .join(', ') +
      '}'
    );
  }
  return String(value);
}

/** `'{}'.format(value)`: strings as they are, everything else as repr. */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

const nonPrintable = /[\p{C}\p{Z}]/u;

export function reprString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + quote;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && (cp < 0x20 || cp === 0x7f || nonPrintable.test(ch))) {
      out += cp < 0x100 ? '\\x' + hex(cp, 2) : cp < 0x10000 ? '\\u' + hex(cp, 4) : '\\U' + hex(cp, 8);
    } else out += ch;
  }
  return out + quote;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}
