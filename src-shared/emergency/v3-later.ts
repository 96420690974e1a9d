// Later versions under a valid v3 grant (docs/UNLINKABLE.md §9, docs/EMERGENCY.md "Later versions"): while the grant
// runs, the service passes the data key of each version saved after the granted one to the requester. As every v3
// part, nothing in clear ties it to the requester, the chart, the doctor or even the grant:
//   asset    {type, tag, wrap, service}, a CREATE signed by the emergency key's public signKey
//   tag      laterTag(data key of the granted version, grant id, j): the j-th later version of that grant; only the
//            version's readers, the requester (its wrap holds the data key) and the emergency key derive it
//   wrap     sealed to the requester: chart, version, grant, requester, the later version's data key, expiry, time
//   service  sealed to the emergency key: grant, version, time (so a restarted service does not repeat one)
// Its output goes to a fresh key nobody keeps: an output of the emergency key would read as a pending request, and
// one of the requester's (or of the request's tweaked issuer) would tie it to them.
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import nacl from 'tweetnacl';
import { z } from 'zod';
import { concatBytes, fromBase64, toBase58, toBase64, utf8 } from '../crypto/bytes';
import { sealTo } from '../crypto/sealed-box';
import type { EnvelopeReaderKey } from '../crypto/envelope';
import {
  contextFromTransactions,
  ed25519Output,
  makeCreate,
  pureCryptoProvider,
  validateTransaction,
  type CryptoProvider,
  type JsonObject,
  type Transaction,
  type UnsignedTransaction,
} from '../ledger';
import { HEX64 } from '../ledger/patterns';
import { TAG_PATTERN } from '../unlinkable/rendezvous';
import { UNLINKABLE_SALT } from '../unlinkable/owner-keys';
import { EmergencyInputError, firstProblem } from './model';
import { base64Field, decodePadded, encodePadded, idField, instantField, keyField } from './v3-parts';
import { provesKey, type Checked } from './verify';
import type { LaterGrantLedger } from './later';

export const LATER_V3_TYPE = 'hc.emergency.later/3';
const WRAP_TYPE = 'hc.emergency.later.wrap/3';
const SERVICE_TYPE = 'hc.emergency.later.service/3';
const TAG_INFO = 'healthchain.v3.later-tag/1';
/** A grant's search for later versions stops here (a bound far above the versions one grant's hours can see). */
export const MAX_LATER_PER_GRANT = 1_000;

const id = idField;
const base64 = base64Field;
const instant = instantField;

const laterAssetSchema = z.strictObject({
  type: z.literal(LATER_V3_TYPE),
  tag: z.string().regex(TAG_PATTERN, 'must be a 32-hex tag'),
  wrap: base64,
  service: base64,
});
export type LaterV3Asset = z.infer<typeof laterAssetSchema>;

const laterWrapSchema = z.strictObject({
  type: z.literal(WRAP_TYPE),
  chart: id,
  version: id,
  grant: id,
  requester: keyField,
  dataKey: base64,
  expiresAt: instant,
  at: instant,
});
export type LaterWrapV3 = Omit<z.infer<typeof laterWrapSchema>, 'dataKey'> & { dataKey: Uint8Array };

const laterServiceSchema = z.strictObject({ type: z.literal(SERVICE_TYPE), grant: id, version: id, at: instant });
export type LaterServiceNoteV3 = z.infer<typeof laterServiceSchema>;

const encode = encodePadded;
const decode = decodePadded;

const u32be = (n: number) => new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);

/** The tag of the j-th later version passed on under `grantTx`, from the granted version's data key. */
export function laterTagV3(grantedDataKey: Uint8Array, grantTx: string, j: number): string {
  if (grantedDataKey.length !== nacl.secretbox.keyLength) throw new TypeError('a data key is 32 bytes');
  if (!HEX64.test(grantTx)) throw new TypeError('a grant id is 64 hex characters');
  const info = concatBytes(utf8(TAG_INFO), hexToBytes(grantTx), u32be(j));
  return bytesToHex(hkdf(sha256, grantedDataKey, utf8(UNLINKABLE_SALT), info, 16));
}

export interface LaterV3Input {
  serviceSignKey: string;
  serviceBoxKey: string;
  requester: { signKey: string; boxKey: string };
  grantTx: string;
  grantedDataKey: Uint8Array;
  /** The index among this grant's later versions (the first tag no later version carries yet). */
  j: number;
  chart: string;
  version: string;
  dataKey: Uint8Array;
  expiresAt: string;
  at: string;
}

/** The CREATE passing one later version on (unsigned: the emergency key signs it). */
export function makeLaterV3(input: LaterV3Input): UnsignedTransaction {
  if (!(Date.parse(input.at) <= Date.parse(input.expiresAt)))
    throw new EmergencyInputError('no later version is passed on after the grant expired');
  const wrap = laterWrapSchema.parse({
    type: WRAP_TYPE,
    chart: input.chart,
    version: input.version,
    grant: input.grantTx,
    requester: input.requester.signKey,
    dataKey: toBase64(input.dataKey),
    expiresAt: input.expiresAt,
    at: input.at,
  });
  const asset: LaterV3Asset = {
    type: LATER_V3_TYPE,
    tag: laterTagV3(input.grantedDataKey, input.grantTx, input.j),
    wrap: toBase64(sealTo(input.requester.boxKey, encode(wrap))),
    service: toBase64(
      sealTo(
        input.serviceBoxKey,
        encode({ type: SERVICE_TYPE, grant: input.grantTx, version: input.version, at: input.at }),
      ),
    ),
  };
  const nobody = toBase58(nacl.sign.keyPair().publicKey);
  return makeCreate(asset as unknown as JsonObject, null, [ed25519Output(nobody)], [input.serviceSignKey]);
}

/** A later-version CREATE as read from a node: valid, signed by the emergency key, with a later asset. */
export function verifyLaterV3(
  raw: unknown,
  serviceSignKey: string,
  crypto: CryptoProvider = pureCryptoProvider,
): Checked<{ tx: Transaction; asset: LaterV3Asset }> {
  const result = validateTransaction(raw, contextFromTransactions([]), crypto);
  if (!result.ok) return { ok: false, reason: `not a valid transaction (${result.error.type})` };
  const tx = result.tx;
  const asset = laterAssetSchema.safeParse((tx.asset as { data?: unknown }).data);
  if (tx.operation !== 'CREATE' || !asset.success)
    return { ok: false, reason: `not a v3 later version${asset.success ? '' : ` (${firstProblem(asset.error)})`}` };
  if (
    tx.inputs.length !== 1 ||
    tx.inputs[0]!.owners_before.join() !== serviceSignKey ||
    !provesKey(tx, serviceSignKey, crypto)
  )
    return { ok: false, reason: 'the later version was not passed on by the emergency key' };
  return { ok: true, value: { tx, asset: asset.data } };
}

/** The requester's part: which later version, its data key; it must name `grantTx` and have been made before expiry. */
export async function openLaterWrapV3(
  asset: LaterV3Asset,
  grantTx: string,
  requesterKey: EnvelopeReaderKey,
): Promise<LaterWrapV3> {
  const padded = await requesterKey.openSealed(fromBase64(asset.wrap)).catch((error: unknown) => {
    throw new EmergencyInputError(`the later version is not sealed to this key (${(error as Error).message})`);
  });
  const wrap = decode(laterWrapSchema, padded, "the later version's wrap");
  if (wrap.grant !== grantTx) throw new EmergencyInputError('the later version names another grant');
  if (!(Date.parse(wrap.at) <= Date.parse(wrap.expiresAt)))
    throw new EmergencyInputError('the later version was passed on after the grant expired');
  return { ...wrap, dataKey: fromBase64(wrap.dataKey) };
}

/** The emergency key's own note of a later version (which grant and version it served). */
export async function openLaterServiceNoteV3(
  asset: LaterV3Asset,
  emergency: EnvelopeReaderKey,
): Promise<LaterServiceNoteV3> {
  return decode(laterServiceSchema, await emergency.openSealed(fromBase64(asset.service)), "the later version's note");
}

/**
 * The verified later-version CREATEs of a grant, by tag j = 0, 1, … until one finds nothing (the asset's tag must be
 * the searched one: a text search also finds the tag inside other text), and the first j with nothing (the next free).
 */
export async function findLaterV3(
  ledger: LaterGrantLedger,
  grantedDataKey: Uint8Array,
  grantTx: string,
  serviceSignKey: string,
  crypto: CryptoProvider = pureCryptoProvider,
): Promise<{ found: { j: number; asset: LaterV3Asset }[]; next: number }> {
  const found: { j: number; asset: LaterV3Asset }[] = [];
  let j = 0;
  for (; j < MAX_LATER_PER_GRANT; j++) {
    const tag = laterTagV3(grantedDataKey, grantTx, j);
    const { value: hits } = await ledger.searchAssets(tag, 0);
    if (hits.length === 0) break;
    for (const hit of hits) {
      if ((hit?.data as { tag?: unknown } | null)?.tag !== tag) continue;
      const checked = verifyLaterV3((await ledger.getTransaction(hit.id)).value, serviceSignKey, crypto);
      if (checked.ok && checked.value.asset.tag === tag) found.push({ j, asset: checked.value.asset });
    }
  }
  return { found, next: j };
}
