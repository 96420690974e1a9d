// Finds one member of a stored transaction's JSON without parsing the whole of it: a search answer copies the
// `metadata` or `asset.data` of up to every transaction, and parsing then re-serialising each was most of the
// cost of a large answer. Works on the stored UTF-8 bytes; the stored texts are JSON.stringify output, so a
// member's bytes are exactly what JSON.stringify would write for its parsed value.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipSpace(json: Uint8Array, at: number): number {
  let i = at;
  while (i < json.length && isSpace(json[i] as number)) i++;
  return i;
}

/** Index just past the string literal that starts at `at` (an opening quote). */
function endOfString(json: Buffer, at: number): number {
  let from = at + 1;
  for (;;) {
    const quote = json.indexOf(QUOTE, from);
    if (quote < 0) throw new SyntaxError('unterminated string in stored JSON');
    let backslashes = 0;
    while (json[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** Index just past the JSON value that starts at `at`. */
function endOfValue(json: Buffer, at: number): number {
  const first = json[at];
  if (first === QUOTE) return endOfString(json, at);
  let i = at;
  if (first === 0x7b || first === 0x5b) {
    let depth = 0;
    while (i < json.length) {
      const byte = json[i] as number;
      if (byte === QUOTE) {
        i = endOfString(json, i);
        continue;
      }
      if (byte === 0x7b || byte === 0x5b) depth++;
      else if (byte === 0x7d || byte === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    throw new SyntaxError('unterminated object or array in stored JSON');
  }
  while (i < json.length) {
    const byte = json[i] as number;
    if (byte === 0x2c || byte === 0x7d || byte === 0x5d || isSpace(byte)) break;
    i++;
  }
  return i;
}

/**
 * Where the value of member `name` of the JSON object in json[start, end) lies, or undefined if there is no
 * such member (or no object). `name` must need no escaping in JSON (plain ASCII letters), as the members read
 * here do.
 */
export function memberRange(json: Buffer, name: string, start = 0, end = json.length): [number, number] | undefined {
  const view = start === 0 && end === json.length ? json : json.subarray(start, end);
  let i = skipSpace(view, 0);
  if (view[i] !== 0x7b) return undefined;
  i = skipSpace(view, i + 1);
  while (i < view.length && view[i] === QUOTE) {
    const keyEnd = endOfString(view, i);
    let isWanted = keyEnd - i - 2 === name.length;
    for (let k = 0; isWanted && k < name.length; k++) isWanted = view[i + 1 + k] === name.charCodeAt(k);
    i = skipSpace(view, skipSpace(view, keyEnd) + 1);
    const valueEnd = endOfValue(view, i);
    if (isWanted) return [start + i, start + valueEnd];
    i = skipSpace(view, valueEnd);
    if (view[i] !== 0x2c) break;
    i = skipSpace(view, i + 1);
  }
  return undefined;
}
