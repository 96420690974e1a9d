// What a version's box contains: the chart plus the facts about access that readers need and the node must not
// see in clear (which reader key is the patient, who the shared doctors are).
import { utf8 } from '@scure/base';
import { z } from 'zod';
import { storedChartSchema, type Chart } from './chart';
import { toFieldErrors } from './validate';
import { payloadFastAccept } from './payload-fast-accept';
import { BASE58_KEY, HEX64 } from '../ledger/patterns';

const keyPair = z.strictObject({ signKey: z.string().regex(BASE58_KEY), boxKey: z.string().regex(BASE58_KEY) });

/** The payload shape written now. v1 (before #16: no codes, allergies, immunizations, procedures, results,
 * structured names or contact) is read as v2 with those fields empty, and so is written as v2 on its next version. */
export const PAYLOAD_VERSION = 2;

export const payloadSchema = z.strictObject({
  v: z.union([z.literal(1), z.literal(PAYLOAD_VERSION)]).transform((): typeof PAYLOAD_VERSION => PAYLOAD_VERSION),
  chart: storedChartSchema,
  /** The patient's identity (access card); null until a card is issued (e.g. a chart imported in bulk). */
  patient: keyPair.nullable(),
  /** The doctor owning the chart's output after this version. */
  custodian: keyPair.extend({ name: z.string().max(200) }),
  /** Doctors the chart is shared with (besides author and custodian), as named when shared. */
  doctors: z.array(keyPair.extend({ name: z.string().max(200) })).max(500),
  /** Why this version was written (e.g. the reason for a revoke); sealed like the chart, and not carried forward. */
  note: z.string().max(500).optional(),
  /**
   * On the last v1 version of a chart moved to envelope v3 (`charts upgrade-v3`, docs/UNLINKABLE.md §10): the new
   * chart's id. Sealed here, never in clear, so the ledger does not link the two charts; not carried forward.
   */
  movedTo: z.string().regex(HEX64).optional(),
  /**
   * The pinned hospital authority's recovery key, which this version's data key is also wrapped to (so m officers
   * together can recover the chart): a reader that is no person (docs/AUTHORITY.md, "Custody"). Absent on versions
   * written without an authority.
   */
  recovery: z.strictObject({ authority: z.string().regex(HEX64), boxKey: z.string().regex(BASE58_KEY) }).optional(),
  /**
   * The pinned authority's emergency key (published by a quorum act, docs/EMERGENCY.md), which this version's data key
   * is also wrapped to, so the emergency service can serve a break-the-glass request: a reader that is no person.
   * Absent on versions written while no emergency key was published.
   */
  emergency: z.strictObject({ authority: z.string().regex(HEX64), boxKey: z.string().regex(BASE58_KEY) }).optional(),
});

export type ChartPayload = z.infer<typeof payloadSchema>;

/** True only for a payload zod would return unchanged (payload-fast-accept.ts); anything else goes through zod. */
const alreadyValid = payloadFastAccept(payloadSchema, PAYLOAD_VERSION);
export type SharedDoctor = ChartPayload['doctors'][number];

export function encodePayload(payload: ChartPayload): Uint8Array {
  return utf8.decode(JSON.stringify(payload));
}

export class PayloadError extends Error {
  override readonly name = 'PayloadError';
}

/** The payload of an opened box; a box that opens but holds no valid chart is an error, never partial data. */
export function decodePayload(bytes: Uint8Array): ChartPayload {
  let value: unknown;
  try {
    value = JSON.parse(utf8.encode(bytes));
  } catch {
    throw new PayloadError('The opened version is not JSON');
  }
  // `value` is this call's own JSON.parse result, so handing it out as is shares it with no one.
  if (alreadyValid(value)) return value as ChartPayload;
  const result = payloadSchema.safeParse(value);
  if (!result.success) {
    const first = toFieldErrors(result.error.issues)[0];
    throw new PayloadError(
      `The opened version is not a valid chart (${first ? `${first.path}: ${first.message}` : 'invalid'})`,
    );
  }
  return result.data;
}

export function payloadOf(
  chart: Chart,
  patient: ChartPayload['patient'],
  custodian: ChartPayload['custodian'],
  doctors: ChartPayload['doctors'],
): ChartPayload {
  return { v: PAYLOAD_VERSION, chart, patient, custodian, doctors };
}
