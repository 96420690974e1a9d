// Query-argument parsing with the error shapes of Flask-RESTful's reqparse as the reference uses it
// (docs/PROTOCOL.md §5.0):
// `{"message": {"<arg>": "<text>"}}` for a bad or missing argument (first failing argument, in declaration order),
// and `{"message": "Unknown arguments: a, b"}` on strict endpoints once every declared argument parsed.
import { jsonReply, type Reply } from './reply';

export const MISSING = 'Missing required parameter in the JSON body or the post body or the query string';

/** Thrown by an argument parser with the message reqparse would print. */
export class ArgumentValueError extends Error {}

export interface ArgSpec<T> {
  readonly required?: boolean;
  readonly parse: (raw: string) => T;
}

type Parsed<S> = { [K in keyof S]: S[K] extends ArgSpec<infer T> ? T | undefined : never };

export type ArgsResult<S> = { ok: true; args: Parsed<S> } | { ok: false; reply: Reply };

export function parseQueryArgs<S extends Record<string, ArgSpec<unknown>>>(
  query: URLSearchParams,
  specs: S,
  options: { strict?: boolean } = {},
): ArgsResult<S> {
  const args: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    // reqparse's default action "store" keeps the first value of a repeated argument.
    const raw = query.get(name);
    if (raw === null) {
      if (spec.required) return { ok: false, reply: jsonReply(400, { message: { [name]: MISSING } }) };
      args[name] = undefined;
      continue;
    }
    try {
      args[name] = spec.parse(raw);
    } catch (error) {
      const text = error instanceof ArgumentValueError ? error.message : `invalid value: ${String(error)}`;
      return { ok: false, reply: jsonReply(400, { message: { [name]: text } }) };
    }
  }
  if (options.strict) {
    const unknown = [...new Set(query.keys())].filter((name) => !(name in specs));
    if (unknown.length > 0)
      return { ok: false, reply: jsonReply(400, { message: `Unknown arguments: ${unknown.join(', ')}` }) };
  }
  return { ok: true, args: args as Parsed<S> };
}

// ---- the reference's argument types (bigchaindb/web/views/parameters.py) ----

export function validTxid(raw: string): string {
  if (/^[a-fA-F0-9]{64}$/.test(raw)) return raw.toLowerCase();
  throw new ArgumentValueError('Invalid hash');
}

export function validBool(raw: string): boolean {
  const value = raw.toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ArgumentValueError('Boolean value must be "true" or "false" (lowercase)');
}

export function validEd25519(raw: string): string {
  if (/^[1-9a-zA-Z]{43,44}$/.test(raw) && !/[Il0O]/.test(raw)) return raw;
  throw new ArgumentValueError('Invalid base58 ed25519 key');
}

export function validOperation(raw: string): 'CREATE' | 'TRANSFER' {
  const value = raw.toUpperCase();
  if (value === 'CREATE' || value === 'TRANSFER') return value;
  throw new ArgumentValueError('Operation must be "CREATE" or "TRANSFER"');
}

export type Mode = 'async' | 'sync' | 'commit';

export function validMode(raw: string): Mode {
  if (raw === 'async' || raw === 'sync' || raw === 'commit') return raw;
  throw new ArgumentValueError('Mode must be "async", "sync" or "commit"');
}

export function anyString(raw: string): string {
  return raw;
}

/** Python's repr() of a str, for messages that quote the offending text as the reference does. */
export function pythonRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/**
 * `limit` as Python's int() reads it (sign, surrounding blanks and digit underscores allowed), then held to a
 * non-negative safe integer: where the reference would pass a negative or 64-bit-overflowing value to MongoDB
 * (odd results or a 500), this node answers 400.
 */
export function validLimit(raw: string): number {
  if (!/^\s*[+-]?\d+(_\d+)*\s*$/.test(raw)) {
    throw new ArgumentValueError(`invalid literal for int() with base 10: ${pythonRepr(raw)}`);
  }
  const value = Number(raw.trim().replace(/_/g, ''));
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ArgumentValueError(`limit must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}`);
  }
  return value;
}
