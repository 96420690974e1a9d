// Crypto-conditions (draft-thomas-crypto-conditions-03, docs/PROTOCOL.md §3): a condition's fingerprint, cost,
// subtypes, its DER binary and its `ni:` URI, derived from `condition.details` JSON.
import { concatBytes, compareBytes, decodePublicKey, toBase64Url } from './bytes';
import type { CryptoProvider } from './crypto-provider';
import { pureCryptoProvider, sha256With } from './crypto-provider';
import { DerError, decodeBitSet, decodeUnsigned, encodeBitSet, encodeUnsigned, readElements, tlv } from './der';
import type { ConditionDetails } from './types';

export const TYPE_THRESHOLD = 2;
export const TYPE_ED25519 = 4;
const TYPE_NAMES = ['preimage-sha-256', 'prefix-sha-256', 'threshold-sha-256', 'rsa-sha-256', 'ed25519-sha-256'];
const COMPOUND_TYPES = new Set([1, 2]);
export const ED25519_COST = 131072;
/** The reference raises ThresholdTooDeep when it reaches this nesting depth in `details`. */
export const MAX_DETAILS_DEPTH = 100;

export interface CryptoCondition {
  typeId: number;
  fingerprint: Uint8Array;
  cost: number;
  /** bit k set when type id k occurs below this node (never the node's own type) */
  subtypes: number;
}

export function ed25519Condition(publicKey: Uint8Array, crypto: CryptoProvider = pureCryptoProvider): CryptoCondition {
  // fingerprint contents: SEQUENCE { [0] publicKey }
  const contents = tlv(0x30, tlv(0x80, publicKey));
  return { typeId: TYPE_ED25519, fingerprint: sha256With(crypto, contents), cost: ED25519_COST, subtypes: 0 };
}

export function thresholdCondition(
  threshold: number,
  subconditions: CryptoCondition[],
  crypto: CryptoProvider = pureCryptoProvider,
): CryptoCondition {
  const key = thresholdKey(threshold, subconditions);
  if (key === null) return computeThresholdCondition(threshold, subconditions, crypto);
  const { thresholds } = memoOf(crypto);
  return thresholds.get(key) ?? remember(thresholds, key, computeThresholdCondition(threshold, subconditions, crypto));
}

function computeThresholdCondition(
  threshold: number,
  subconditions: CryptoCondition[],
  crypto: CryptoProvider,
): CryptoCondition {
  const binaries = subconditions.map(conditionBinary).sort(compareBytes);
  const contents = tlv(0x30, concatBytes([tlv(0x80, encodeUnsigned(threshold)), tlv(0xa1, concatBytes(binaries))]));
  const costs = subconditions.map((c) => c.cost).sort((a, b) => b - a);
  let cost = 1024 * subconditions.length;
  for (let i = 0; i < threshold && i < costs.length; i++) cost += costs[i] as number;
  let subtypes = 0;
  for (const c of subconditions) subtypes |= c.subtypes | (1 << c.typeId);
  subtypes &= ~(1 << TYPE_THRESHOLD);
  return { typeId: TYPE_THRESHOLD, fingerprint: sha256With(crypto, contents), cost, subtypes };
}

// Conditions built from details are remembered per crypto provider: an Ed25519 leaf under its key's base58 text, a
// threshold under its value and its subconditions, when these are themselves remembered conditions (named by a
// number given once to each). Validating a TRANSFER builds the output it spends a second time (the spent
// transaction's own validation built it first), and a fulfillment's threshold reuses it. Only successes are
// remembered, so every refusal is computed, and worded, as before. Remembered conditions are shared: nothing may
// modify a condition or its fingerprint (no code does).
const REMEMBERED = 4096;

interface Memo {
  leaves: Map<string, CryptoCondition>;
  thresholds: Map<string, CryptoCondition>;
}

const memos = new WeakMap<CryptoProvider, Memo>();
const names = new WeakMap<CryptoCondition, number>();
let lastName = 0;

function memoOf(crypto: CryptoProvider): Memo {
  let memo = memos.get(crypto);
  if (!memo) {
    memo = { leaves: new Map(), thresholds: new Map() };
    memos.set(crypto, memo);
  }
  return memo;
}

function remember(map: Map<string, CryptoCondition>, key: string, condition: CryptoCondition): CryptoCondition {
  // A whole-map reset keeps the bound without bookkeeping; the working set (one answer, one block) is far smaller.
  if (map.size >= REMEMBERED) map.clear();
  if (!names.has(condition)) names.set(condition, ++lastName);
  map.set(key, condition);
  return condition;
}

/**
 * The threshold's key: its value and its subconditions' names in ascending order (the condition does not depend on
 * their order: binaries and costs are sorted). null when a subcondition was not remembered (e.g. parsed from a
 * fulfillment), so has no name.
 */
function thresholdKey(threshold: number, subconditions: CryptoCondition[]): string | null {
  const named: number[] = [];
  for (const c of subconditions) {
    const name = names.get(c);
    if (name === undefined) return null;
    named.push(name);
  }
  return `${threshold}:${named.sort((a, b) => a - b).join(',')}`;
}

/** DER of a condition: `[type] { [0] fingerprint, [1] cost, [2] subtypes (compound types only) }`. */
export function conditionBinary(c: CryptoCondition): Uint8Array {
  const fingerprint = c.fingerprint;
  const cost = encodeUnsigned(c.cost);
  const subtypes = COMPOUND_TYPES.has(c.typeId) ? encodeBitSet(c.subtypes) : null;
  const length = 4 + fingerprint.length + cost.length + (subtypes ? 2 + subtypes.length : 0);
  if (length >= 0x80) {
    const parts = [tlv(0x80, fingerprint), tlv(0x81, cost)];
    if (subtypes) parts.push(tlv(0x82, subtypes));
    return tlv(0xa0 + c.typeId, concatBytes(parts));
  }
  // Every length fits one byte (a real condition's always does): the same bytes, written into one array.
  const out = new Uint8Array(2 + length);
  let at = 0;
  const put = (tag: number, contents: Uint8Array) => {
    out[at++] = tag;
    out[at++] = contents.length;
    out.set(contents, at);
    at += contents.length;
  };
  out[at++] = 0xa0 + c.typeId;
  out[at++] = length;
  put(0x80, fingerprint);
  put(0x81, cost);
  if (subtypes) put(0x82, subtypes);
  return out;
}

/** Parses a condition binary element (as found among a threshold fulfillment's unfulfilled conditions). */
export function parseConditionElement(tag: number, contents: Uint8Array): CryptoCondition {
  const typeId = tag - 0xa0;
  if (typeId < 0 || typeId >= TYPE_NAMES.length) throw new DerError(`unknown condition type tag ${tag}`);
  const fields = readElements(contents);
  const compound = COMPOUND_TYPES.has(typeId);
  const [fp, cost, subtypes] = fields;
  if (fields.length !== (compound ? 3 : 2) || fp?.tag !== 0x80 || cost?.tag !== 0x81)
    throw new DerError('bad condition');
  if (fp.contents.length !== 32) throw new DerError('bad fingerprint length');
  let bits = 0;
  if (compound) {
    if (subtypes?.tag !== 0x82) throw new DerError('bad condition subtypes');
    bits = decodeBitSet(subtypes.contents);
  }
  return { typeId, fingerprint: fp.contents.slice(), cost: decodeUnsigned(cost.contents), subtypes: bits };
}

export function conditionUri(c: CryptoCondition): string {
  let uri = `ni:///sha-256;${toBase64Url(c.fingerprint)}?fpt=${TYPE_NAMES[c.typeId]}&cost=${c.cost}`;
  if (COMPOUND_TYPES.has(c.typeId)) {
    const names: string[] = [];
    for (let id = 0; id < TYPE_NAMES.length; id++) if (c.subtypes & (1 << id)) names.push(TYPE_NAMES[id] as string);
    uri += `&subtypes=${names.sort().join(',')}`;
  }
  return uri;
}

export function conditionsEqual(a: CryptoCondition, b: CryptoCondition): boolean {
  return (
    a.typeId === b.typeId &&
    a.cost === b.cost &&
    a.subtypes === b.subtypes &&
    compareBytes(a.fingerprint, b.fingerprint) === 0
  );
}

/** Why `details` cannot become a condition. `tooDeep` maps to the reference's ThresholdTooDeep. */
export class DetailsError extends Error {
  override readonly name = 'DetailsError';
  constructor(
    readonly kind: 'tooDeep' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

/** Builds the condition `details` describe; throws DetailsError for anything the v2.0 model cannot hold. */
export function conditionFromDetails(
  details: unknown,
  crypto: CryptoProvider = pureCryptoProvider,
  depth = 0,
): CryptoCondition {
  if (depth >= MAX_DETAILS_DEPTH) throw new DetailsError('tooDeep', '');
  if (typeof details !== 'object' || details === null)
    throw new DetailsError('invalid', 'condition details must be an object');
  const d = details as Partial<Record<string, unknown>>;
  if (d.type === 'ed25519-sha-256') {
    const { leaves } = memoOf(crypto);
    const known = typeof d.public_key === 'string' ? leaves.get(d.public_key) : undefined;
    if (known) return known;
    const key = typeof d.public_key === 'string' ? decodePublicKey(d.public_key) : null;
    if (key === null)
      throw new DetailsError('invalid', `Invalid public key "${String(d.public_key)}" in condition details`);
    return remember(leaves, d.public_key as string, ed25519Condition(key, crypto));
  }
  if (d.type === 'threshold-sha-256') {
    const { threshold, subconditions } = d;
    if (!Array.isArray(subconditions))
      throw new DetailsError('invalid', 'threshold condition needs a subconditions array');
    if (
      typeof threshold !== 'number' ||
      !Number.isInteger(threshold) ||
      threshold < 1 ||
      threshold > subconditions.length
    ) {
      throw new DetailsError(
        'invalid',
        `Threshold ${String(threshold)} cannot be met by ${subconditions.length} subcondition(s)`,
      );
    }
    const subs = subconditions.map((s) => conditionFromDetails(s, crypto, depth + 1));
    return thresholdCondition(threshold, subs, crypto);
  }
  throw new DetailsError('invalid', `Unsupported condition type "${String(d.type)}"`);
}

export function conditionUriFromDetails(
  details: ConditionDetails,
  crypto: CryptoProvider = pureCryptoProvider,
): string {
  return conditionUri(conditionFromDetails(details, crypto));
}

/** Every Ed25519 key in `details`, depth first, without duplicates (what the driver writes into `public_keys`). */
export function detailsPublicKeys(details: ConditionDetails): string[] {
  const keys: string[] = [];
  const visit = (d: ConditionDetails): void => {
    if (d.type === 'ed25519-sha-256') {
      if (!keys.includes(d.public_key)) keys.push(d.public_key);
    } else d.subconditions.forEach(visit);
  };
  visit(details);
  return keys;
}
