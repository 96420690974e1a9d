// Crypto-condition fulfillments (docs/PROTOCOL.md §3.3, §3.5): DER parse/encode of Ed25519 and threshold fulfillments,
// the condition a fulfillment proves, and signature verification of every leaf.
import { concatBytes, compareBytes } from './bytes';
import type { CryptoCondition } from './conditions';
import { conditionBinary, ed25519Condition, parseConditionElement, thresholdCondition } from './conditions';
import type { CryptoProvider } from './crypto-provider';
import { pureCryptoProvider } from './crypto-provider';
import { DerError, readElements, readSingle, tlv } from './der';

export type Fulfillment = Ed25519Fulfillment | ThresholdFulfillment;

export interface Ed25519Fulfillment {
  type: 'ed25519-sha-256';
  publicKey: Uint8Array;
  signature: Uint8Array;
}

export interface ThresholdFulfillment {
  type: 'threshold-sha-256';
  subfulfillments: Fulfillment[];
  /** conditions of the subconditions that are not fulfilled */
  subconditions: CryptoCondition[];
}

const MAX_FULFILLMENT_DEPTH = 100;

/** Parses a DER fulfillment; throws DerError on anything malformed or of a type BigchainDB v2.0 does not sign with. */
export function parseFulfillment(bytes: Uint8Array): Fulfillment {
  const el = readSingle(bytes);
  return parseElement(el.tag, el.contents, 0);
}

function parseElement(tag: number, contents: Uint8Array, depth: number): Fulfillment {
  if (depth >= MAX_FULFILLMENT_DEPTH) throw new DerError('fulfillment nested too deeply');
  const fields = readElements(contents);
  if (tag === 0xa4) {
    const [pk, sig] = fields;
    if (fields.length !== 2 || pk?.tag !== 0x80 || sig?.tag !== 0x81) throw new DerError('bad Ed25519 fulfillment');
    if (pk.contents.length !== 32 || sig.contents.length !== 64) throw new DerError('bad Ed25519 fulfillment lengths');
    return { type: 'ed25519-sha-256', publicKey: pk.contents.slice(), signature: sig.contents.slice() };
  }
  if (tag === 0xa2) {
    const [subs, conds] = fields;
    if (fields.length !== 2 || subs?.tag !== 0xa0 || conds?.tag !== 0xa1)
      throw new DerError('bad threshold fulfillment');
    const subfulfillments = readElements(subs.contents).map((e) => parseElement(e.tag, e.contents, depth + 1));
    // A threshold's value is the number of sub-fulfillments: zero would be a threshold of 0, which is invalid.
    if (subfulfillments.length === 0) throw new DerError('threshold fulfillment without sub-fulfillments');
    const subconditions = readElements(conds.contents).map((e) => parseConditionElement(e.tag, e.contents));
    return { type: 'threshold-sha-256', subfulfillments, subconditions };
  }
  throw new DerError(`unsupported fulfillment type tag ${tag}`);
}

export function encodeFulfillment(f: Fulfillment): Uint8Array {
  if (f.type === 'ed25519-sha-256') return tlv(0xa4, concatBytes([tlv(0x80, f.publicKey), tlv(0x81, f.signature)]));
  const subs = f.subfulfillments.map(encodeFulfillment).sort(compareBytes);
  const conds = f.subconditions.map(conditionBinary).sort(compareBytes);
  return tlv(0xa2, concatBytes([tlv(0xa0, concatBytes(subs)), tlv(0xa1, concatBytes(conds))]));
}

/** The condition this fulfillment satisfies; a threshold's value is the number of sub-fulfillments present. */
export function fulfillmentCondition(f: Fulfillment, crypto: CryptoProvider = pureCryptoProvider): CryptoCondition {
  if (f.type === 'ed25519-sha-256') return ed25519Condition(f.publicKey, crypto);
  const subs = f.subfulfillments.map((s) => fulfillmentCondition(s, crypto));
  return thresholdCondition(f.subfulfillments.length, [...subs, ...f.subconditions], crypto);
}

/** True when every Ed25519 leaf signs `message`. */
export function verifyFulfillment(
  f: Fulfillment,
  message: Uint8Array,
  crypto: CryptoProvider = pureCryptoProvider,
): boolean {
  if (f.type === 'ed25519-sha-256') return crypto.ed25519Verify(f.signature, message, f.publicKey);
  return f.subfulfillments.every((s) => verifyFulfillment(s, message, crypto));
}
