// Emergency access for an envelope v3 chart (docs/UNLINKABLE.md §9). The ledger shows "someone asked" and "someone
// was answered", nothing more: the request's chart, requester and reason are in a box sealed to the emergency key,
// and its issuer is the requester's key tweaked by a random scalar kept in that box (the tweak binds the box to the
// requester: only the holder of the directory key can sign for A + t·G). The grant's output goes to that same tweaked
// key; the grant carries
//   tag      grantTag(chart secret of the granted version, k): the version's readers find the k-th grant by search
//   wrap     sealed to the requester: chart, version, the version's data key, expiry
//   box      secretbox under grantBoxKey(secret, k): who was granted, why, until when (for the chart's readers)
//   service  sealed to the emergency key itself: requester, nonce, version and expiry, for the rate limit and the
//            later versions (v3-later.ts) after a restart
// Every sealed part is padded to a size bucket (§6), so lengths say nothing about the note or the keys.
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import nacl from 'tweetnacl';
import { z } from 'zod';
import { concatBytes, fromBase58, fromBase64, randomBytes, toBase58, toBase64, wipe } from '../crypto/bytes';
import { sealTo } from '../crypto/sealed-box';
import type { EnvelopeReaderKey } from '../crypto/envelope';
import type { KeyHolder } from '../crypto/keyholder';
import {
  contextFromTransactions,
  ed25519Details,
  ed25519Output,
  makeCreateBy,
  makeTransfer,
  pureCryptoProvider,
  signTransaction,
  validateTransaction,
  type CryptoProvider,
  type JsonObject,
  type Transaction,
  type UnsignedTransaction,
} from '../ledger';
import { fieldBytes, v3Slots, type V3Metadata } from '../unlinkable/envelope-v3';
import { openKeyedSlot } from '../unlinkable/keyed-slot';
import { decodeInnerV3, type InnerV3 } from '../unlinkable/inner-envelope';
import { ledgerOwnerTweak, tweakPublicKey } from '../unlinkable/owner-keys';
import { unpad } from '../unlinkable/padding';
import { SLOT_TAG_LENGTH, TAG_PATTERN, grantBoxKey, grantTag } from '../unlinkable/rendezvous';
import {
  EmergencyInputError,
  REASON_CODES,
  firstProblem,
  patientQuerySchema,
  type PatientQuery,
  type ReasonCode,
} from './model';
import { base64Field, decodePadded, encodePadded, idField, instantField, keyField } from './v3-parts';
import { provesKey, type Checked } from './verify';

export const REQUEST_V3_TYPE = 'hc.emergency.request/3';
export const GRANT_V3_TYPE = 'hc.emergency.grant/3';
const REQUEST_INNER_TYPE = 'hc.emergency.request.inner/3';
const WRAP_TYPE = 'hc.emergency.grant.wrap/3';
const BOX_TYPE = 'hc.emergency.grant.box/3';
const SERVICE_TYPE = 'hc.emergency.grant.service/3';
const NOTE_MAX = 2_000;

const key = keyField;
const id = idField;
const base64 = base64Field;
const instant = instantField;
const requester = z.strictObject({ signKey: key, boxKey: key });

const requestAssetSchema = z.strictObject({ type: z.literal(REQUEST_V3_TYPE), box: base64 });

export const requestInnerV3Schema = z
  .strictObject({
    type: z.literal(REQUEST_INNER_TYPE),
    authority: id,
    /** The chart, from the patient's card; else `query`, the patient's identifiers the service matches (its index). */
    chart: id.optional(),
    query: patientQuerySchema.optional(),
    requester,
    /** The scalar t of the request's issuer A + t·G, 32 bytes little-endian as hex. */
    tweak: z.string().regex(/^[0-9a-f]{64}$/, 'must be 32 bytes of hex'),
    reason: z.enum(REASON_CODES),
    note: z.string().max(NOTE_MAX),
    nonce: base64,
    at: instant,
  })
  .refine((r) => (r.chart === undefined) !== (r.query === undefined), 'names a chart or a patient query, not both');
export type RequestInnerV3 = z.infer<typeof requestInnerV3Schema>;

export const grantV3MetaSchema = z.strictObject({
  type: z.literal(GRANT_V3_TYPE),
  request: id,
  tag: z.string().regex(TAG_PATTERN, 'must be a 32-hex tag'),
  wrap: base64,
  box: base64,
  service: base64,
});
export type GrantV3Meta = z.infer<typeof grantV3MetaSchema>;

const grantWrapSchema = z.strictObject({
  type: z.literal(WRAP_TYPE),
  chart: id,
  version: id,
  requester: key,
  dataKey: base64,
  expiresAt: instant,
});
export type GrantWrapV3 = Omit<z.infer<typeof grantWrapSchema>, 'dataKey'> & { dataKey: Uint8Array };

export const grantBoxV3Schema = z.strictObject({
  type: z.literal(BOX_TYPE),
  chart: id,
  version: id,
  requester,
  reason: z.enum(REASON_CODES),
  note: z.string().max(NOTE_MAX),
  expiresAt: instant,
  at: instant,
});
export type GrantBoxV3 = z.infer<typeof grantBoxV3Schema>;

const serviceNoteSchema = z.strictObject({
  type: z.literal(SERVICE_TYPE),
  requester: key,
  nonce: base64,
  at: instant,
  /** The granted version and the expiry, so a restarted service passes later versions on (absent in older grants). */
  version: id.optional(),
  /** The granted chart: a request by patient identifiers names none (absent in older grants). */
  chart: id.optional(),
  expiresAt: instant.optional(),
});
export type ServiceNoteV3 = z.infer<typeof serviceNoteSchema>;

const encode = encodePadded;
const decode = decodePadded;

export function isRequestV3(raw: unknown): boolean {
  return (raw as { asset?: { data?: { type?: unknown } } } | null)?.asset?.data?.type === REQUEST_V3_TYPE;
}

/** The request's issuer: the requester's directory key tweaked by t (what the node sees instead of the key). */
export function requestIssuer(requesterSignKey: string, tweakHex: string): string {
  return toBase58(tweakPublicKey(fromBase58(requesterSignKey), hexToBytes(tweakHex)));
}

export interface RequestV3Input {
  authority: string;
  /** The chart (from the patient's card) or the patient's identifiers: exactly one, sealed inside the box. */
  chart?: string;
  query?: PatientQuery;
  reason: ReasonCode;
  note: string;
  /** The emergency key as the authority publishes it: the box is sealed to boxKey, the output owned by signKey. */
  service: { signKey: string; boxKey: string };
  at: string;
}

/** The v3 request, signed by `holder`'s key tweaked with a fresh random scalar (KeyHolder.signTweaked). */
export async function buildEmergencyRequestV3(
  holder: KeyHolder,
  input: RequestV3Input,
  crypto: CryptoProvider = pureCryptoProvider,
): Promise<Transaction> {
  if (!holder.signTweaked) throw new EmergencyInputError('this identity cannot sign with a tweaked key');
  // ownerTweak maps 32 random bytes to a scalar in [1, L) without bias: a fresh, unlinkable issuer per request, one
  // the ledger's schema takes (the owner-key rule).
  const { tweak } = ledgerOwnerTweak(fromBase58(holder.signKey), randomBytes(32), 0);
  const inner = requestInnerV3Schema.safeParse({
    type: REQUEST_INNER_TYPE,
    authority: input.authority,
    ...(input.chart !== undefined ? { chart: input.chart } : {}),
    ...(input.query !== undefined ? { query: input.query } : {}),
    requester: { signKey: holder.signKey, boxKey: holder.boxKey },
    tweak: bytesToHex(tweak),
    reason: input.reason,
    note: input.note,
    nonce: toBase64(randomBytes(16)),
    at: input.at,
  });
  if (!inner.success) throw new EmergencyInputError(`request: ${firstProblem(inner.error)}`);
  const issuer = requestIssuer(holder.signKey, inner.data.tweak);
  const unsigned = makeCreateBy(
    { type: REQUEST_V3_TYPE, box: toBase64(sealTo(input.service.boxKey, encode(inner.data))) },
    null,
    [ed25519Output(input.service.signKey)],
    ed25519Details(issuer),
  );
  return signTransaction(
    unsigned,
    async (publicKey, message) => {
      if (publicKey !== issuer) throw new Error(`this request's signer (${issuer}) cannot sign for ${publicKey}`);
      return holder.signTweaked!(tweak, message);
    },
    { crypto, checkSignatures: false },
  );
}

export interface OpenedRequestV3 {
  tx: Transaction;
  data: RequestInnerV3;
}

/**
 * The request as the emergency service reads it: a valid CREATE owned by the service's signKey, its box opened with
 * the emergency key, and its issuer equal to the requester the box names tweaked by the box's t, so a box copied into
 * someone else's request names nobody but its own requester's key, which that someone cannot sign for.
 */
export async function openRequestV3(
  raw: unknown,
  emergency: EnvelopeReaderKey,
  serviceSignKey: string,
  crypto: CryptoProvider = pureCryptoProvider,
): Promise<Checked<OpenedRequestV3>> {
  const result = validateTransaction(raw, contextFromTransactions([]), crypto);
  if (!result.ok) return { ok: false, reason: `the request is not a valid transaction (${result.error.type})` };
  const tx = result.tx;
  if (tx.operation !== 'CREATE') return { ok: false, reason: 'a request is a CREATE' };
  const asset = requestAssetSchema.safeParse((tx.asset as { data?: unknown }).data);
  if (!asset.success) return { ok: false, reason: `not a v3 emergency request (${firstProblem(asset.error)})` };
  const out = tx.outputs[0];
  if (tx.outputs.length !== 1 || out?.amount !== '1' || out.public_keys.join() !== serviceSignKey)
    return { ok: false, reason: "the request's output is not owned by the emergency key" };
  let data: RequestInnerV3;
  try {
    data = decode(requestInnerV3Schema, await emergency.openSealed(fromBase64(asset.data.box)), "the request's box");
  } catch (error) {
    return {
      ok: false,
      reason: `the request's box does not open with the emergency key (${(error as Error).message})`,
    };
  }
  let issuer: string;
  try {
    issuer = requestIssuer(data.requester.signKey, data.tweak);
  } catch (error) {
    return { ok: false, reason: `the request's tweak is not a scalar (${(error as Error).message})` };
  }
  if (tx.inputs.length !== 1 || tx.inputs[0]!.owners_before.join() !== issuer || !provesKey(tx, issuer, crypto))
    return { ok: false, reason: 'the request was not signed by the requester its box names' };
  return { ok: true, value: { tx, data } };
}

/**
 * The data key of a v3 version, from the reader's slot (the emergency key has no slot tag: it tries each slot), under
 * one of `slotKeys` first for a reader with a keyed slot (keyed-slot.ts; the emergency key has none).
 */
export async function v3DataKey(
  metadata: V3Metadata,
  reader: EnvelopeReaderKey,
  slotKeys: readonly Uint8Array[] = [],
): Promise<Uint8Array> {
  const box = fieldBytes(metadata, 'box');
  const nonce = fieldBytes(metadata, 'nonce');
  for (const key of slotKeys)
    for (const slot of v3Slots(metadata)) {
      const opened = openKeyedSlot(key, slot.subarray(SLOT_TAG_LENGTH));
      if (opened && nacl.secretbox.open(box, nonce, opened)) return opened;
    }
  for (const slot of v3Slots(metadata)) {
    let opened: Uint8Array;
    try {
      opened = await reader.openSealed(slot.subarray(SLOT_TAG_LENGTH));
    } catch {
      continue;
    }
    if (opened.length === nacl.secretbox.keyLength && nacl.secretbox.open(box, nonce, opened)) return opened;
    wipe(opened);
  }
  throw new EmergencyInputError('this chart version has no slot for the emergency key');
}

export interface GrantV3Input {
  request: OpenedRequestV3;
  /** The asset id of the chart and the granted version (its head), with that version's data key and chart secret. */
  chart: string;
  version: string;
  dataKey: Uint8Array;
  chartSecret: Uint8Array;
  /** This grant's index among the version's grants (the first free grant tag). */
  k: number;
  serviceBoxKey: string;
  expiresAt: string;
  at: string;
}

/** The grant: spends the request's output to the request's own tweaked issuer, signed by the emergency key. */
export function makeGrantV3(input: GrantV3Input): UnsignedTransaction {
  const { tx, data } = input.request;
  const who = data.requester;
  const wrap = encode({
    type: WRAP_TYPE,
    chart: input.chart,
    version: input.version,
    requester: who.signKey,
    dataKey: toBase64(input.dataKey),
    expiresAt: input.expiresAt,
  });
  const nonce = randomBytes(nacl.secretbox.nonceLength);
  const boxKey = grantBoxKey(input.chartSecret, input.k);
  try {
    const box = nacl.secretbox(
      encode({
        type: BOX_TYPE,
        chart: input.chart,
        version: input.version,
        requester: who,
        reason: data.reason,
        note: data.note,
        expiresAt: input.expiresAt,
        at: input.at,
      }),
      nonce,
      boxKey,
    );
    const meta: GrantV3Meta = {
      type: GRANT_V3_TYPE,
      request: tx.id,
      tag: grantTag(input.chartSecret, input.k),
      wrap: toBase64(sealTo(who.boxKey, wrap)),
      box: toBase64(concatBytes(nonce, box)),
      service: toBase64(
        sealTo(
          input.serviceBoxKey,
          encode({
            type: SERVICE_TYPE,
            requester: who.signKey,
            nonce: data.nonce,
            at: input.at,
            version: input.version,
            chart: input.chart,
            expiresAt: input.expiresAt,
          }),
        ),
      ),
    };
    return makeTransfer(
      [{ tx, outputIndex: 0 }],
      [ed25519Output(tx.inputs[0]!.owners_before[0]!)],
      meta as unknown as JsonObject,
    );
  } finally {
    wipe(wrap, boxKey);
  }
}

/** A v3 grant answering `request`: a valid spend of its output with grant metadata; null when it is something else. */
export function verifyGrantV3(
  raw: unknown,
  request: Transaction,
  crypto: CryptoProvider = pureCryptoProvider,
): { tx: Transaction; meta: GrantV3Meta } | null {
  if ((raw as { metadata?: { type?: unknown } } | null)?.metadata?.type !== GRANT_V3_TYPE) return null;
  const result = validateTransaction(raw, contextFromTransactions([request]), crypto);
  if (!result.ok) return null;
  const spends = result.tx.inputs[0]?.fulfills;
  if (result.tx.inputs.length !== 1 || spends?.transaction_id !== request.id || spends.output_index !== 0) return null;
  const meta = grantV3MetaSchema.safeParse(result.tx.metadata);
  return meta.success && meta.data.request === request.id ? { tx: result.tx, meta: meta.data } : null;
}

export function parseGrantV3Meta(value: unknown): GrantV3Meta {
  const meta = grantV3MetaSchema.safeParse(value);
  if (!meta.success) throw new EmergencyInputError(`not a v3 grant (${firstProblem(meta.error)})`);
  return meta.data;
}

/** The requester's part of a grant: which version of which chart, and its data key. */
export async function openGrantWrapV3(meta: GrantV3Meta, requesterKey: EnvelopeReaderKey): Promise<GrantWrapV3> {
  const padded = await requesterKey.openSealed(fromBase64(meta.wrap)).catch((error: unknown) => {
    throw new EmergencyInputError(`the grant is not sealed to this key (${(error as Error).message})`);
  });
  const wrap = decode(grantWrapSchema, padded, "the grant's wrap");
  return { ...wrap, dataKey: fromBase64(wrap.dataKey) };
}

/** The readers' part of the k-th grant of a version whose chart secret they hold: who was granted, why, until when. */
export function openGrantBoxV3(meta: GrantV3Meta, chartSecret: Uint8Array, k: number): GrantBoxV3 {
  if (meta.tag !== grantTag(chartSecret, k)) throw new EmergencyInputError(`this is not grant ${k} of the version`);
  const bytes = fromBase64(meta.box);
  const boxKey = grantBoxKey(chartSecret, k);
  try {
    const opened = nacl.secretbox.open(
      bytes.subarray(nacl.secretbox.nonceLength),
      bytes.subarray(0, nacl.secretbox.nonceLength),
      boxKey,
    );
    if (!opened) throw new EmergencyInputError("the grant's box does not open with the version's secret");
    return decode(grantBoxV3Schema, opened, "the grant's box");
  } finally {
    wipe(boxKey);
  }
}

/** The emergency key's own note of a grant (the rate limit's requester), opened with the emergency key. */
export async function openServiceNoteV3(meta: GrantV3Meta, emergency: EnvelopeReaderKey): Promise<ServiceNoteV3> {
  return decode(serviceNoteSchema, await emergency.openSealed(fromBase64(meta.service)), "the grant's service note");
}

/**
 * Opens the granted version with the grant's wrap: the transaction must be the version the wrap names, of the chart
 * it names, and the box's place (chart, seq) must be that version's. Nothing opens after `expiresAt`.
 */
export function openGrantedVersionV3(versionTx: Transaction, wrap: GrantWrapV3, now: Date): InnerV3 {
  if (now.getTime() > Date.parse(wrap.expiresAt)) throw new EmergencyInputError('the emergency grant has expired');
  if (versionTx.id !== wrap.version) throw new EmergencyInputError('the emergency grant does not cover this version');
  const asset = versionTx.asset as { id?: unknown; data?: { chart?: unknown } };
  const chart = versionTx.operation === 'CREATE' ? versionTx.id : asset.id;
  if (chart !== wrap.chart) throw new EmergencyInputError('this version belongs to another chart than the granted one');
  const { secretBytes, previousSecretBytes, ...inner } = decodeInnerV3(openGrantedBoxV3(versionTx, wrap));
  wipe(secretBytes, previousSecretBytes);
  const place = versionTx.operation === 'CREATE' ? asset.data?.chart : chart;
  if (inner.chart !== place) throw new EmergencyInputError("the granted version's box belongs to another place");
  return inner as InnerV3;
}

/**
 * The granted version's inner envelope bytes (unpadded), opened with the wrap's data key: only the version the wrap
 * names. The desk reads them through the chart opener, which checks place, author and output as for any reader.
 */
export function openGrantedBoxV3(versionTx: Transaction, wrap: GrantWrapV3): Uint8Array {
  if (versionTx.id !== wrap.version) throw new EmergencyInputError('the emergency grant does not cover this version');
  const metadata = versionTx.metadata as { box?: unknown; nonce?: unknown } | null;
  if (typeof metadata?.box !== 'string' || typeof metadata.nonce !== 'string')
    throw new EmergencyInputError('the granted version is not an envelope v3 version');
  const fields = { box: metadata.box, nonce: metadata.nonce };
  const opened = nacl.secretbox.open(fieldBytes(fields, 'box'), fieldBytes(fields, 'nonce'), wrap.dataKey);
  if (!opened) throw new EmergencyInputError('the version does not open with the granted key');
  return unpad(opened);
}
