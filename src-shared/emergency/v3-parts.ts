// What the v3 emergency transactions (v3.ts, v3-later.ts) share: their field schemas, and the padded canonical JSON
// every sealed part holds, so no length on the ledger depends on a note or a key (docs/UNLINKABLE.md §6).
import { utf8 as utf8Codec } from '@scure/base';
import { z } from 'zod';
import { isBase64, utf8 } from '../crypto/bytes';
import { canonicalJson } from '../ledger/canonical-json';
import type { JsonObject } from '../ledger';
import { BASE58_KEY_32, HEX64 } from '../ledger/patterns';
import { padToBucket, unpad } from '../unlinkable/padding';
import { EmergencyInputError, firstProblem } from './model';

export const keyField = z.string().regex(BASE58_KEY_32, 'must be a base58 key of 32 bytes');
export const idField = z.string().regex(HEX64, 'must be a 64-hex id');
export const base64Field = z.string().refine(isBase64, 'must be padded standard base64');
export const instantField = z
  .string()
  .max(40)
  .refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date-time');

/** A value as canonical JSON, padded to its size bucket (ready to seal). */
export const encodePadded = (value: object): Uint8Array => padToBucket(utf8(canonicalJson(value as JsonObject)));

/** An opened sealed part: unpadded, parsed and checked by `schema`; `what` names it in the error. */
export function decodePadded<T>(schema: z.ZodType<T>, padded: Uint8Array, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(utf8Codec.encode(unpad(padded)));
  } catch (error) {
    throw new EmergencyInputError(`${what} is not padded JSON (${(error as Error).message})`);
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new EmergencyInputError(`${what}: ${firstProblem(result.error)}`);
  return result.data;
}
