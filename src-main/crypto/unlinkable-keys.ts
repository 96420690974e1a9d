// Envelope v3's hot primitives on libsodium (docs/UNLINKABLE.md §3, §4): the same functions, byte for byte, as the
// pure-TypeScript reference in src-shared/unlinkable (pinned by the same independent vectors), at native speed. A
// cold list checks one tweaked owner key per chart and derives thousands of rendezvous tags, and a writer signs every
// version with a tweaked scalar: in noble these cost 0.6, 0.06 and 2.6 ms, too slow for 10,000 charts.
//
// Signing: libsodium has no "sign with this raw scalar" in its API and sodium-native 5.1.0 exposes no
// crypto_core_ed25519_scalar_mul. Its `extension_tweak_ed25519_sign_detached` does sign with a raw scalar but derives
// the nonce its own way (SHA-512 of a domain prefix, the scalar and the message), so its signatures would differ from
// the design's and from the vectors. Here every point operation and hash is libsodium's and the one scalar product
// k·a' (mod L) is a JavaScript bigint, as in the pure-TypeScript path; the identity's scalar and nonce prefix stay in
// secure memory between signatures.
import { createHmac } from 'node:crypto';
import {
  CHART_SECRET_LENGTH,
  CUSTODIAN_SLOT,
  MAX_OWNER_ATTEMPTS,
  MAX_SLOT,
  MIN_LEDGER_KEY_CHARS,
  OWNER_TWEAK_INFO,
  TWEAK_PREFIX_LABEL,
  UNLINKABLE_SALT,
} from '../../src-shared/unlinkable/owner-keys';
import {
  RENDEZVOUS_INFO,
  SLOT_TAG_LENGTH,
  TAG_LENGTH,
  TAG_PATTERN,
  key32,
} from '../../src-shared/unlinkable/rendezvous';
import { SLOT_KEY_INFO } from '../../src-shared/unlinkable/keyed-slot';
import { toBase58 } from '../../src-shared/crypto/bytes';
import type { PreparedKey } from './seed-key-holder';
import { prepareSecret, sodium, wipeSecure } from './sodium';

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const SALT = Buffer.from(UNLINKABLE_SALT, 'utf8');
const OWNER_INFO = Buffer.from(OWNER_TWEAK_INFO, 'utf8');
const PREFIX_LABEL = Buffer.from(TWEAK_PREFIX_LABEL, 'utf8');
const PAIR_INFO = Buffer.from(RENDEZVOUS_INFO.pair, 'utf8');
const INTRO_INFO = Buffer.from(RENDEZVOUS_INFO.intro, 'utf8');
const VERSION_INFO = Buffer.from(RENDEZVOUS_INFO.version, 'utf8');
const LIST_KEY_INFO = Buffer.from(RENDEZVOUS_INFO.listKey, 'utf8');
const LIST_INFO = Buffer.from(RENDEZVOUS_INFO.list, 'utf8');
const CREATOR_SLOT_INFO = Buffer.from(RENDEZVOUS_INFO.creatorSlot, 'utf8');
const SLOT_INFO = Buffer.from(RENDEZVOUS_INFO.slot, 'utf8');
const CARD_INFO = Buffer.from(RENDEZVOUS_INFO.card, 'utf8');
const SLOT_KEY = Buffer.from(SLOT_KEY_INFO.continuing, 'utf8');
const CREATOR_SLOT_KEY = Buffer.from(SLOT_KEY_INFO.creator, 'utf8');

function u32be(n: number, what = 'a counter'): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`${what} is an integer in [0, 2^32)`);
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n);
  return out;
}

/**
 * HKDF-SHA-256 (RFC 5869) with the design's salt, written on HMAC: the same bytes as node:crypto's hkdfSync at about
 * half its CPU for these short outputs (7.6 against 13.4 µs for 64 bytes, 4.6 against 9.5 for 16: hkdfSync makes a
 * KeyObject per call), and a reader derives ~5 owner tweaks a version. Pinned by the vectors and the reference
 * comparison in unlinkable-keys.test.ts.
 */
function hkdf(ikm: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (length > 255 * 32) throw new RangeError('HKDF-SHA-256 gives at most 8,160 bytes');
  const prk = createHmac('sha256', SALT).update(ikm).digest();
  const out = new Uint8Array(length);
  let block: Buffer = Buffer.alloc(0);
  for (let i = 1, at = 0; at < length; i++, at += 32) {
    const next = createHmac('sha256', prk).update(block).update(info).update(Buffer.of(i)).digest();
    block.fill(0);
    block = next;
    out.set(block.subarray(0, Math.min(32, length - at)), at);
  }
  block.fill(0);
  prk.fill(0);
  return out;
}

const isZero = (b: Uint8Array) => b.every((x) => x === 0);

/** The owner tweak t_attempt(seq, slot), as ownerTweak in src-shared/unlinkable/owner-keys.ts. */
export function ownerTweakNative(
  chartSecret: Uint8Array,
  seq: number,
  slot: number = CUSTODIAN_SLOT,
  attempt = 0,
): Uint8Array {
  if (!(chartSecret instanceof Uint8Array) || chartSecret.length !== CHART_SECRET_LENGTH)
    throw new TypeError(`a chart secret is ${CHART_SECRET_LENGTH} bytes`);
  if (!Number.isInteger(seq) || seq < 0 || seq > 0xffffffff) throw new RangeError('seq is an integer in [0, 2^32)');
  if (!Number.isInteger(slot) || slot < 0 || slot > MAX_SLOT)
    throw new RangeError(`slot is an integer in [0, ${MAX_SLOT}]`);
  if (!Number.isInteger(attempt) || attempt < 0 || attempt >= MAX_OWNER_ATTEMPTS)
    throw new RangeError(`attempt is an integer in [0, ${MAX_OWNER_ATTEMPTS})`);
  const tail = attempt === 0 ? [u32be(seq), Buffer.of(slot)] : [u32be(seq), Buffer.of(slot), Buffer.of(attempt)];
  const wide = hkdf(chartSecret, Buffer.concat([OWNER_INFO, ...tail]), 64);
  const tweak = new Uint8Array(32);
  sodium.crypto_core_ed25519_scalar_reduce(tweak, wide);
  if (isZero(tweak)) throw new RangeError('the owner tweak is zero');
  return tweak;
}

function checkTweak(tweak: Uint8Array): void {
  key32(tweak, 'a tweak');
  // Reduced and non-zero: a tweak is a scalar in [1, L), the same refusal as the reference's.
  const t = leToBigint(tweak);
  if (t === 0n || t >= L) throw new RangeError('a tweak is a scalar in [1, L)');
}

// Directory keys already found valid points. A reader tweaks the same few keys (custodian, officers) for every
// version, and the subgroup check is dearer than the tweak itself; validity depends on the bytes alone, so a key
// found valid once is valid. Bounded: cleared when full (a directory has hundreds of keys, not thousands).
const validPoints = new Set<string>();
const VALID_POINTS = 20_000;

function isValidPoint(publicKey: Uint8Array): boolean {
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, 32).toString('latin1');
  if (validPoints.has(id)) return true;
  if (!sodium.crypto_core_ed25519_is_valid_point(publicKey)) return false;
  if (validPoints.size >= VALID_POINTS) validPoints.clear();
  validPoints.add(id);
  return true;
}

/** A' = A + t·G, as tweakPublicKey in the reference; refuses a key that is not a valid Ed25519 point. */
export function tweakPublicKeyNative(publicKey: Uint8Array, tweak: Uint8Array): Uint8Array {
  checkTweak(tweak);
  if (!isValidPoint(key32(publicKey, 'a public key')))
    throw new RangeError('the public key is not a valid Ed25519 point');
  const tG = new Uint8Array(32);
  sodium.crypto_scalarmult_ed25519_base_noclamp(tG, tweak);
  const out = new Uint8Array(32);
  sodium.crypto_core_ed25519_add(out, publicKey, tG);
  return out;
}

/**
 * The owner key rule (owner-keys.ts's header), as ledgerOwnerTweak in the reference: the tweak of the least attempt
 * whose A + t·G has the 43–44 base58 characters BigchainDB's schema takes, and that key.
 */
export function ledgerOwnerTweakNative(
  publicKey: Uint8Array,
  chartSecret: Uint8Array,
  seq: number,
  slot: number = CUSTODIAN_SLOT,
): { tweak: Uint8Array; key: Uint8Array; base58: string } {
  for (let attempt = 0; attempt < MAX_OWNER_ATTEMPTS; attempt++) {
    const tweak = ownerTweakNative(chartSecret, seq, slot, attempt);
    const key = tweakPublicKeyNative(publicKey, tweak);
    // The text the rule measures is the key as the ledger writes it: answered too, so no caller encodes it again.
    const base58 = toBase58(key);
    if (base58.length >= MIN_LEDGER_KEY_CHARS) return { tweak, key, base58 };
  }
  throw new RangeError('no owner tweak gives a key the ledger takes');
}

/**
 * The identity's tweaked signer, prepared once from its Ed25519 seed: `use({tweak, message})` gives the RFC 8032
 * signature by a + t with the design's nonce prefix, byte for byte signTweaked's; `publicKey(tweak)` gives A + t·G.
 */
export interface TweakedSigner extends PreparedKey<{ tweak: Uint8Array; message: Uint8Array }, Uint8Array> {
  publicKey(tweak: Uint8Array): Uint8Array;
}

// The signer's secure memory: the reduced scalar a, the RFC 8032 prefix, then scratch for a' and a hash. One
// allocation per signer: sodium_malloc maps guarded pages, far dearer than the arithmetic of a signature.
const A_AT = 0;
const PREFIX_AT = 32;
const TWEAKED_AT = 64;
const HASH_AT = 96;
const SIGNER_BYTES = 160;

export function tweakedSigner(signSeed: Uint8Array): TweakedSigner {
  if (!(signSeed instanceof Uint8Array) || signSeed.length !== 32)
    throw new TypeError('an Ed25519 private key is 32 bytes');
  /** a' = a + t (mod L) into the scratch slot, which the caller wipes. */
  const tweakedScalar = (secure: Uint8Array, tweak: Uint8Array) => {
    checkTweak(tweak);
    const scalar = secure.subarray(TWEAKED_AT, TWEAKED_AT + 32);
    sodium.crypto_core_ed25519_scalar_add(scalar, secure.subarray(A_AT, A_AT + 32), tweak);
    return scalar;
  };
  let publicKeyOf: (tweak: Uint8Array) => Uint8Array = () => {
    throw new TypeError('this key was wiped');
  };
  const prepared = prepareSecret(
    SIGNER_BYTES,
    (secure) => {
      sodium.sodium_memzero(secure); // sodium_malloc fills with canary bytes, not zeros
      const expanded = secure.subarray(HASH_AT, HASH_AT + 64);
      sodium.crypto_hash_sha512(expanded, signSeed);
      expanded[0]! &= 248;
      expanded[31]! &= 127;
      expanded[31]! |= 64;
      secure.set(expanded.subarray(32, 64), PREFIX_AT);
      expanded.fill(0, 32, 64); // the clamped scalar, widened to 64 bytes for the reduction
      sodium.crypto_core_ed25519_scalar_reduce(secure.subarray(A_AT, A_AT + 32), expanded);
      sodium.sodium_memzero(expanded);
      publicKeyOf = (tweak) => {
        const scalar = tweakedScalar(secure, tweak);
        const out = new Uint8Array(32);
        sodium.crypto_scalarmult_ed25519_base_noclamp(out, scalar);
        sodium.sodium_memzero(scalar);
        return out;
      };
    },
    (secure, { tweak, message }: { tweak: Uint8Array; message: Uint8Array }) => {
      const scalar = tweakedScalar(secure, tweak);
      const hash = secure.subarray(HASH_AT, HASH_AT + 64);
      try {
        const publicKey = new Uint8Array(32);
        sodium.crypto_scalarmult_ed25519_base_noclamp(publicKey, scalar);
        sodium.crypto_hash_sha512(
          hash,
          Buffer.concat([PREFIX_LABEL, secure.subarray(PREFIX_AT, PREFIX_AT + 32), tweak]),
        );
        sodium.crypto_hash_sha512(hash, Buffer.concat([hash.subarray(0, 32), message]));
        const r = new Uint8Array(32);
        sodium.crypto_core_ed25519_scalar_reduce(r, hash);
        if (isZero(r)) throw new RangeError('the signing nonce is zero');
        const R = new Uint8Array(32);
        sodium.crypto_scalarmult_ed25519_base_noclamp(R, r);
        const challenge = new Uint8Array(64);
        sodium.crypto_hash_sha512(challenge, Buffer.concat([R, publicKey, message]));
        const k = new Uint8Array(32);
        sodium.crypto_core_ed25519_scalar_reduce(k, challenge);
        // k·a' (mod L): the one product sodium-native does not expose (see the header).
        const ka = new Uint8Array(32);
        bigintToLe((leToBigint(k) * leToBigint(scalar)) % L, ka);
        const signature = new Uint8Array(64);
        signature.set(R);
        sodium.crypto_core_ed25519_scalar_add(signature.subarray(32), r, ka);
        return signature;
      } finally {
        sodium.sodium_memzero(secure.subarray(TWEAKED_AT, SIGNER_BYTES));
      }
    },
  );
  return {
    use: (input) => prepared.use(input),
    wipe: () => {
      publicKeyOf = () => {
        throw new TypeError('this key was wiped');
      };
      prepared.wipe();
    },
    publicKey: (tweak) => publicKeyOf(tweak),
  };
}

function leToBigint(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

function bigintToLe(n: bigint, out: Uint8Array): void {
  for (let i = 0; i < out.length; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
}

// One secure buffer for every pair key's shared secret (wiped after each use; the functions here are synchronous).
let pairScratchBuffer: Uint8Array | null = null;
const pairScratch = () => (pairScratchBuffer ??= sodium.sodium_malloc(32));

/** K(W→R), as pairKey in the reference: X25519 on libsodium, HKDF on node:crypto; refuses a low-order key. */
export function pairKeyNative(
  mySecret: Uint8Array,
  otherPublic: Uint8Array,
  writerBoxKey: Uint8Array,
  readerBoxKey: Uint8Array,
): Uint8Array {
  const shared = pairScratch();
  try {
    // libsodium refuses (status -1) exactly when the shared secret is all zero: a low-order key.
    sodium.crypto_scalarmult(shared, key32(mySecret, 'a box secret'), key32(otherPublic, 'a box key'));
  } catch (error) {
    if (error instanceof TypeError) throw error;
    throw new RangeError('the other key is of low order: no shared secret');
  }
  try {
    const info = Buffer.concat([
      PAIR_INFO,
      key32(writerBoxKey, 'the writer box key'),
      key32(readerBoxKey, 'the reader box key'),
    ]);
    return hkdf(shared, info, 32);
  } finally {
    wipeSecure(shared);
  }
}

export function introTagNative(pair: Uint8Array, counter: number): string {
  return Buffer.from(hkdf(key32(pair, 'a pair key'), Buffer.concat([INTRO_INFO, u32be(counter)]), TAG_LENGTH)).toString(
    'hex',
  );
}

/**
 * Intro tags `from` … `from + count − 1` of one pair key, as introTag gives them: HKDF's extract step depends only on
 * the pair key, so it is done once and each tag costs one HMAC (RFC 5869: a 16-byte output is the first block).
 * What a reader's scan of a pair's window, and a doctor's walk of its own sequence, derive in bulk.
 */
export function introTagsNative(pair: Uint8Array, from: number, count: number): string[] {
  return countedTags(key32(pair, 'a pair key'), INTRO_INFO, from, count);
}

/** The creator's list key from its self pair key K(C→C), as listKey in the reference. */
export function listKeyNative(selfPair: Uint8Array): Uint8Array {
  return hkdf(key32(selfPair, 'a pair key'), LIST_KEY_INFO, 32);
}

/** List tags `from` … `from + count − 1`, as listTag gives them, one HMAC a tag (see introTagsNative). */
export function listTagsNative(listKey: Uint8Array, from: number, count: number): string[] {
  return countedTags(key32(listKey, 'a list key'), LIST_INFO, from, count);
}

/** The creator's slot tag in the CREATE of list tag `listTagHex`, as creatorSlotTag in the reference. */
export function creatorSlotTagNative(listKey: Uint8Array, listTagHex: string): Uint8Array {
  if (!TAG_PATTERN.test(listTagHex)) throw new TypeError('a list tag is 32 lower-case hex digits');
  const info = Buffer.concat([CREATOR_SLOT_INFO, Buffer.from(listTagHex, 'hex')]);
  return hkdf(key32(listKey, 'a list key'), info, SLOT_TAG_LENGTH);
}

/**
 * A reader's slot tag in version `seq`, as slotTag in the reference: what a reader computes for every version it
 * opens after the first (the pure-JS HKDF was a tenth of a cold list's opening).
 */
export function slotTagNative(previousChartSecret: Uint8Array, seq: number, readerBoxKey: Uint8Array): Uint8Array {
  if (!(previousChartSecret instanceof Uint8Array) || previousChartSecret.length !== CHART_SECRET_LENGTH)
    throw new TypeError(`a chart secret is ${CHART_SECRET_LENGTH} bytes`);
  const info = Buffer.concat([SLOT_INFO, u32be(seq, 'seq'), key32(readerBoxKey, 'a reader box key')]);
  return hkdf(previousChartSecret, info, SLOT_TAG_LENGTH);
}

/** A continuing reader's slot key in version `seq`, as slotKey in keyed-slot.ts (K(W→R), version seq−1's secret). */
export function slotKeyNative(pair: Uint8Array, previousChartSecret: Uint8Array, seq: number): Uint8Array {
  if (!(previousChartSecret instanceof Uint8Array) || previousChartSecret.length !== CHART_SECRET_LENGTH)
    throw new TypeError(`a chart secret is ${CHART_SECRET_LENGTH} bytes`);
  return hkdf(key32(pair, 'a pair key'), Buffer.concat([SLOT_KEY, previousChartSecret, u32be(seq, 'seq')]), 32);
}

/** The creator's slot key in the CREATE of list tag `listTagHex`, as creatorSlotKey in keyed-slot.ts. */
export function creatorSlotKeyNative(listKey: Uint8Array, listTagHex: string): Uint8Array {
  if (!TAG_PATTERN.test(listTagHex)) throw new TypeError('a list tag is 32 lower-case hex digits');
  return hkdf(key32(listKey, 'a list key'), Buffer.concat([CREATOR_SLOT_KEY, Buffer.from(listTagHex, 'hex')]), 32);
}

export function cardTagNative(patientBoxSecret: Uint8Array): string {
  return Buffer.from(hkdf(key32(patientBoxSecret, 'a box secret'), CARD_INFO, TAG_LENGTH)).toString('hex');
}

function countedTags(ikm: Uint8Array, label: Buffer, from: number, count: number): string[] {
  u32be(from);
  if (!Number.isInteger(count) || count < 0 || from + count - 1 > 0xffffffff)
    throw new RangeError('the counters are integers in [0, 2^32)');
  const prk = createHmac('sha256', SALT).update(ikm).digest();
  const info = Buffer.alloc(label.length + 5);
  label.copy(info);
  info[info.length - 1] = 1; // HKDF-Expand's block counter
  const tags: string[] = [];
  for (let i = 0; i < count; i++) {
    info.writeUInt32BE(from + i, label.length);
    tags.push(createHmac('sha256', prk).update(info).digest().toString('hex', 0, TAG_LENGTH));
  }
  prk.fill(0);
  return tags;
}

export function versionTagNative(previousChartSecret: Uint8Array, seq: number): string {
  if (!(previousChartSecret instanceof Uint8Array) || previousChartSecret.length !== CHART_SECRET_LENGTH)
    throw new TypeError(`a chart secret is ${CHART_SECRET_LENGTH} bytes`);
  return Buffer.from(hkdf(previousChartSecret, Buffer.concat([VERSION_INFO, u32be(seq)]), TAG_LENGTH)).toString('hex');
}
