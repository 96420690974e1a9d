// Per-version owner keys of envelope v3 (docs/UNLINKABLE.md §3). Every chart output, and the key that signs the next
// version's input, is the author's directory Ed25519 key shifted by a secret tweak: A' = A + t·G, whose secret scalar
// is a' = a + t (mod L). Without t, A' is a uniformly random key that no observer can tie to A or to another chart;
// with t (sealed inside the box, so only the chart's readers have it) a reader recomputes A + t·G from the directory
// and so proves which credentialed practitioner owns or signed a version (the #12 rule) with no extra signature.
// The node sees an ordinary Ed25519 key and signature: its validation is unchanged.
//
//   t(seq, slot) = HKDF-SHA-256(ikm = chart secret, salt = "healthchain.unlinkable/1",
//                               info = "healthchain.v3.owner-tweak/1" ‖ u32be(seq) ‖ u8(slot), 64 bytes) mod L
//
// seq is the version whose output the key owns (0: the key that signs the CREATE's input); slot 0 is the custodian,
// slot 1 + i the authority's officer i (each officer key tweaked on its own, so the quorum's keys do not repeat).
//
// A key on the ledger must have 43 or 44 base58 characters (BigchainDB's schema, `[1-9a-zA-Z^OIl]{43,44}`); a 32-byte
// key whose leading bytes are small encodes shorter (about one key in 400,000), and the node would refuse the
// version. So the owner key of (seq, slot) is A + t_k·G for the least attempt k ≥ 0 whose key has 43–44 characters:
// t_0 is the derivation above (every chart written before keeps its keys), t_k for k ≥ 1 appends u8(k) to the info.
// Writer and reader apply the same rule to the same A, so nothing about it is stored.
// Signing with a' follows RFC 8032 §5.1.6 with a' for the scalar and a nonce prefix bound to t (a different t never
// reuses a nonce of the identity's own key).
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, toBase58, utf8 } from '../crypto/bytes';

export const UNLINKABLE_SALT = 'healthchain.unlinkable/1';
export const OWNER_TWEAK_INFO = 'healthchain.v3.owner-tweak/1';
export const TWEAK_PREFIX_LABEL = 'healthchain.v3.tweak-prefix/1';
export const CHART_SECRET_LENGTH = 32;
/** Slot of the custodian's key; officer i of the authority is slot 1 + i. */
export const CUSTODIAN_SLOT = 0;
export const MAX_SLOT = 255;
/** Attempts of the owner-key rule (header); eight misses in a row have probability ~10^-48. */
export const MAX_OWNER_ATTEMPTS = 8;
/** The fewest base58 characters of a key BigchainDB's schema takes. */
export const MIN_LEDGER_KEY_CHARS = 43;

const Point = ed25519.Point;
const L = Point.Fn.ORDER;
const mod = (x: bigint) => ((x % L) + L) % L;

function u32be(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

/** The tweak of one owner key: a scalar in [1, L), little-endian 32 bytes. */
export function ownerTweak(
  chartSecret: Uint8Array,
  seq: number,
  slot: number = CUSTODIAN_SLOT,
  attempt = 0,
): Uint8Array {
  if (chartSecret.length !== CHART_SECRET_LENGTH) throw new TypeError(`a chart secret is ${CHART_SECRET_LENGTH} bytes`);
  if (!Number.isInteger(seq) || seq < 0 || seq > 0xffffffff) throw new RangeError('seq is an integer in [0, 2^32)');
  if (!Number.isInteger(slot) || slot < 0 || slot > MAX_SLOT)
    throw new RangeError(`slot is an integer in [0, ${MAX_SLOT}]`);
  if (!Number.isInteger(attempt) || attempt < 0 || attempt >= MAX_OWNER_ATTEMPTS)
    throw new RangeError(`attempt is an integer in [0, ${MAX_OWNER_ATTEMPTS})`);
  const info = concatBytes(
    utf8(OWNER_TWEAK_INFO),
    u32be(seq),
    Uint8Array.of(slot),
    attempt === 0 ? new Uint8Array(0) : Uint8Array.of(attempt),
  );
  // 64 bytes reduced mod L: the bias is below 2^-250, unlike reducing 32 bytes.
  const t = mod(bytesToNumberLE(hkdf(sha256, chartSecret, utf8(UNLINKABLE_SALT), info, 64)));
  // t = 0 would leave the directory key in clear; its probability is 2^-252, but the check costs nothing.
  if (t === 0n) throw new RangeError('the owner tweak is zero');
  return numberToBytesLE(t, 32);
}

/** Does a 32-byte key have the 43–44 base58 characters the ledger's schema takes? */
export function isLedgerEncodable(key: Uint8Array): boolean {
  return toBase58(key).length >= MIN_LEDGER_KEY_CHARS;
}

/**
 * The owner tweak of (seq, slot) for the directory key A and the key it gives: the least attempt whose A + t·G the
 * ledger takes (see the header). Throws only after MAX_OWNER_ATTEMPTS misses in a row (probability ~10^-48).
 */
export function ledgerOwnerTweak(
  publicKey: Uint8Array,
  chartSecret: Uint8Array,
  seq: number,
  slot: number = CUSTODIAN_SLOT,
): { tweak: Uint8Array; key: Uint8Array } {
  for (let attempt = 0; attempt < MAX_OWNER_ATTEMPTS; attempt++) {
    const tweak = ownerTweak(chartSecret, seq, slot, attempt);
    const key = tweakPublicKey(publicKey, tweak);
    if (isLedgerEncodable(key)) return { tweak, key };
  }
  throw new RangeError('no owner tweak gives a key the ledger takes');
}

/** A' = A + t·G for a directory Ed25519 key A (32 bytes): what anyone holding t computes from the directory. */
export function tweakPublicKey(publicKey: Uint8Array, tweak: Uint8Array): Uint8Array {
  const A = Point.fromBytes(publicKey);
  return A.add(Point.BASE.multiply(scalarOf(tweak))).toBytes();
}

/** The tweaked key pair's public half, from the identity's Ed25519 seed (the vault side). */
export function tweakedPublicKey(signSeed: Uint8Array, tweak: Uint8Array): Uint8Array {
  const { scalar } = ed25519.utils.getExtendedPublicKey(signSeed);
  return Point.BASE.multiply(mod(scalar + scalarOf(tweak))).toBytes();
}

/** An RFC 8032 Ed25519 signature by a' = a + t; it verifies under tweakPublicKey(A, t) with any Ed25519 verifier. */
export function signTweaked(signSeed: Uint8Array, tweak: Uint8Array, message: Uint8Array): Uint8Array {
  const { scalar, prefix } = ed25519.utils.getExtendedPublicKey(signSeed);
  const a = mod(scalar + scalarOf(tweak));
  const publicKey = Point.BASE.multiply(a).toBytes();
  const noncePrefix = sha512(concatBytes(utf8(TWEAK_PREFIX_LABEL), prefix, tweak)).subarray(0, 32);
  const r = mod(bytesToNumberLE(sha512(concatBytes(noncePrefix, message))));
  if (r === 0n) throw new RangeError('the signing nonce is zero'); // probability 2^-252; multiply(0) would throw anyway
  const R = Point.BASE.multiply(r).toBytes();
  const k = mod(bytesToNumberLE(sha512(concatBytes(R, publicKey, message))));
  const S = mod(r + k * a);
  return concatBytes(R, numberToBytesLE(S, 32));
}

function scalarOf(tweak: Uint8Array): bigint {
  if (tweak.length !== 32) throw new TypeError('a tweak is 32 bytes');
  const t = bytesToNumberLE(tweak);
  if (t === 0n || t >= L) throw new RangeError('a tweak is a scalar in [1, L)');
  return t;
}
