// Envelope v3's owner keys on the ledger (docs/UNLINKABLE.md §3, §5): the one function the writer builds a version's
// output with and the reader recomputes it with, so the two agree byte for byte. Every key is a directory key plus a
// tweak fresh for (chart secret, seq, slot): slot 0 the custodian, slot 1 + i officer i of the authority's quorum.
import { ed25519Details, fromBase58, outputFromDetails, thresholdDetails, type Output } from '../../src-shared/ledger';
import { custodyDetails, type CustodyPolicy } from '../../src-shared/authority/custody';
import type { Quorum } from '../../src-shared/unlinkable/inner-envelope';
import { CUSTODIAN_SLOT } from '../../src-shared/unlinkable/owner-keys';
import { createHash } from 'node:crypto';
import { ledgerOwnerTweakNative } from '../crypto/unlinkable-keys';

/**
 * Owner keys computed lately. A reader computes each key up to three times per version (the spent output's key for the
 * author check, the version's own output, its freshness key), and a list opens every chart again each session: the
 * curve arithmetic was most of that. Keyed by a SHA-256 of the inputs, so no chart secret is kept; the values are
 * public keys. Bounded: the oldest half goes when it is full.
 */
const recentKeys = new Map<string, string>();
const RECENT_KEYS = 100_000;

/** A + t(secret, seq, slot)·G for the directory signKey A, base58. Throws on a key that is no curve point. */
export function ownerKey(signKey: string, secret: Uint8Array, seq: number, slot: number = CUSTODIAN_SLOT): string {
  const memo = createHash('sha256').update(secret).update(`\0${seq}\0${slot}\0${signKey}`).digest('base64');
  const known = recentKeys.get(memo);
  if (known !== undefined) return known;
  const key = fromBase58(signKey);
  if (!key || key.length !== 32) throw new TypeError(`"${signKey}" is not a base58 Ed25519 key`);
  const owner = ledgerOwnerTweakNative(key, secret, seq, slot).base58;
  if (recentKeys.size >= RECENT_KEYS) {
    let drop = RECENT_KEYS / 2;
    for (const old of recentKeys.keys()) {
      if (drop-- <= 0) break;
      recentKeys.delete(old);
    }
  }
  recentKeys.set(memo, owner);
  return owner;
}

/** The tweak behind ownerKey(signKey, secret, seq, slot): what the key's holder signs with (the same rule). */
export function ownerTweakFor(
  signKey: string,
  secret: Uint8Array,
  seq: number,
  slot: number = CUSTODIAN_SLOT,
): Uint8Array {
  const key = fromBase58(signKey);
  if (!key || key.length !== 32) throw new TypeError(`"${signKey}" is not a base58 Ed25519 key`);
  return ledgerOwnerTweakNative(key, secret, seq, slot).tweak;
}

/** The quorum as the inner envelope names it: threshold and the officers' directory keys in slot order. */
export function quorumOf(policy: CustodyPolicy | null): Quorum | null {
  if (!policy) return null;
  const q = policy.quorum;
  if (q.type !== 'threshold-sha-256' || q.subconditions.some((s) => s.type !== 'ed25519-sha-256'))
    throw new TypeError('A quorum is a threshold of Ed25519 keys');
  return {
    threshold: q.threshold,
    officers: q.subconditions.map((s) => (s as { public_key: string }).public_key),
  };
}

/** Version `seq`'s output: 1-of-[A_c + t₀·G, m-of-n[Oᵢ + tᵢ·G]] under a quorum, A_c + t₀·G alone without. */
export function outputV3(custodian: string, quorum: Quorum | null, secret: Uint8Array, seq: number): Output {
  const custodianKey = ownerKey(custodian, secret, seq);
  if (!quorum) return outputFromDetails(ed25519Details(custodianKey));
  const officers = quorum.officers.map((o, i) => ownerKey(o, secret, seq, 1 + i));
  return outputFromDetails(custodyDetails(custodianKey, thresholdDetails(quorum.threshold, officers)));
}
