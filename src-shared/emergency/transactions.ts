// Builders of the three emergency transactions (docs/EMERGENCY.md). The request's single output belongs to the
// emergency key, and a grant or refusal spends it: the ledger's double-spend rule lets a request be answered once.
import nacl from 'tweetnacl';
import type { ZodError } from 'zod';
import { fromBase64, randomBytes, toBase64, wipe } from '../crypto/bytes';
import { sealTo } from '../crypto/sealed-box';
import type { Envelope, EnvelopeReaderKey } from '../crypto/envelope';
import {
  ed25519Output,
  makeCreate,
  makeTransfer,
  type JsonObject,
  type Transaction,
  type UnsignedTransaction,
} from '../ledger';
import {
  EmergencyInputError,
  GRANT_TYPE,
  REFUSAL_TYPE,
  REQUEST_META_TYPE,
  REQUEST_TYPE,
  firstProblem,
  grantSchema,
  refusalSchema,
  requestDataSchema,
  requestMetaSchema,
  type ReasonCode,
  type RefusalReason,
  type PatientQuery,
  type RequestData,
} from './model';
import { sealNote } from './note';
import { sealQuery } from './query';

function parsed<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } },
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new EmergencyInputError(`${what}: ${firstProblem(result.error)}`);
  return result.data;
}

export interface RequestInput {
  authority: string;
  /** The chart (from the patient's access card); or `query`. */
  chart?: string;
  /** The patient's identifiers, sealed to `queryReaders` (the emergency key's boxKey and the privacy officers). */
  query?: PatientQuery;
  queryReaders?: readonly string[];
  requester: { signKey: string; boxKey: string };
  reason: ReasonCode;
  /** Free text; sealed to `noteReaders` (patient, custodian, privacy officers). */
  note: string;
  noteReaders: readonly string[];
  /** The emergency key's signKey: it owns the request's output, so only it can answer. */
  serviceSignKey: string;
  at: string;
}

/** The request CREATE, to be signed by the requester's own key (its only issuer). */
export function makeEmergencyRequest(input: RequestInput): UnsignedTransaction {
  const data: RequestData = parsed(
    requestDataSchema,
    {
      type: REQUEST_TYPE,
      authority: input.authority,
      ...(input.chart !== undefined ? { chart: input.chart } : {}),
      ...(input.query !== undefined ? { query: sealQuery(input.query, input.queryReaders ?? []) } : {}),
      requester: input.requester,
      reason: input.reason,
      note: sealNote(input.note, input.noteReaders),
      nonce: toBase64(randomBytes(16)),
    },
    'request',
  );
  const meta = parsed(requestMetaSchema, { type: REQUEST_META_TYPE, at: input.at }, 'request');
  return makeCreate(
    data as unknown as JsonObject,
    meta as unknown as JsonObject,
    [ed25519Output(input.serviceSignKey)],
    [input.requester.signKey],
  );
}

/**
 * The version's data key, unwrapped with the emergency key's reader entry and sealed to the requester; the clear key
 * exists only inside this call. Throws EmergencyInputError when the version was not wrapped for the emergency key.
 */
export async function rewrapForRequester(
  envelope: Envelope,
  emergency: EnvelopeReaderKey,
  requesterBoxKey: string,
): Promise<Uint8Array> {
  const entry = envelope.readers.find((r) => r.key === emergency.boxKey);
  if (!entry) throw new EmergencyInputError('this chart version is not wrapped for the emergency key');
  const dataKey = await emergency.openSealed(fromBase64(entry.wrap));
  try {
    if (dataKey.length !== nacl.secretbox.keyLength) throw new EmergencyInputError('the wrapped data key is malformed');
    return sealTo(requesterBoxKey, dataKey);
  } finally {
    wipe(dataKey);
  }
}

export interface GrantInput {
  /** The chart served: the one the request names, or the one its patient query matched. */
  chart: string;
  version: string;
  wrap: Uint8Array;
  expiresAt: string;
  at: string;
}

/** The grant: spends the request's output to the requester, signed by the emergency key. */
export function makeGrant(request: Transaction, input: GrantInput): UnsignedTransaction {
  const data = parsed(requestDataSchema, (request.asset as { data?: unknown }).data, 'request');
  if (data.chart !== undefined && data.chart !== input.chart)
    throw new EmergencyInputError('grant: the chart differs from the one the request names');
  const grant = parsed(
    grantSchema,
    {
      type: GRANT_TYPE,
      request: request.id,
      chart: input.chart,
      version: input.version,
      requester: data.requester.signKey,
      wrap: toBase64(input.wrap),
      expiresAt: input.expiresAt,
      at: input.at,
    },
    'grant',
  );
  return makeTransfer(
    [{ tx: request, outputIndex: 0 }],
    [ed25519Output(data.requester.signKey)],
    grant as unknown as JsonObject,
  );
}

/**
 * The refusal: spends the request's output to its issuer, signed by the emergency key. `requesterSignKey` is the
 * transaction's issuer (a forged request may name someone else in its data).
 */
export function makeRefusal(
  request: Transaction,
  requesterSignKey: string,
  reason: RefusalReason,
  detail: string,
  at: string,
): UnsignedTransaction {
  const refusal = parsed(
    refusalSchema,
    { type: REFUSAL_TYPE, request: request.id, reason, detail: detail.slice(0, 500), at },
    'refusal',
  );
  return makeTransfer(
    [{ tx: request, outputIndex: 0 }],
    [ed25519Output(requesterSignKey)],
    refusal as unknown as JsonObject,
  );
}
