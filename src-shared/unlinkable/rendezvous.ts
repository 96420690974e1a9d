// Rendezvous tags of envelope v3 (docs/UNLINKABLE.md §4): how a reader finds, with the node's ordinary metadata
// search, the versions meant for it while no reader key appears on the ledger. Every tag is 16 bytes written as 32
// lower-case hex digits: one search term for BigchainDB's text index (no punctuation splits it) and unguessable.
//
//   pair key   K(W→R) = HKDF-SHA-256(ikm = X25519(w, R) , salt = "healthchain.unlinkable/1",
//                                    info = "healthchain.v3.pair/1" ‖ W ‖ R, 32)       W, R: directory box keys
//   intro tag  HKDF-SHA-256(ikm = K(W→R), info = "healthchain.v3.intro-tag/1" ‖ u32be(i), 16)
//              the i-th time writer W adds reader R to a chart (create, share, custody); both sides can compute
//              it (static–static X25519), nobody else can; W == R for a doctor's own charts
//   version tag HKDF-SHA-256(ikm = chart secret of version seq-1, info = "healthchain.v3.version-tag/1" ‖ u32be(seq), 16)
//              lets every reader of a chart find its next version by search
//   slot tag   HKDF-SHA-256(ikm = chart secret of version seq-1, info = "healthchain.v3.slot-tag/1" ‖ u32be(seq) ‖ R, 8)
//              marks a continuing reader's slot, so a reader that knows the chart opens one slot, not all of them
//              (a newcomer's slot carries the first 8 bytes of its intro tag instead)
//   list key   HKDF-SHA-256(ikm = K(C→C), info = "healthchain.v3.list-key/1", 32)      C: the creator's box key
//   list tag   HKDF-SHA-256(ikm = list key, info = "healthchain.v3.list-tag/1" ‖ u32be(j), 16)
//              the asset's `chart` field of the j-th chart C creates: its own charts are found by asset search
//   creator slot tag HKDF-SHA-256(ikm = list key, info = "healthchain.v3.creator-slot/1" ‖ list tag (16 bytes), 8)
//              the creator's slot tag in its CREATE: a doctor listing its charts found each by its list tag, so it
//              opens its one slot instead of trying every slot (docs/UNLINKABLE.md §4, "The CREATE's slots")
//   checkpoint tag HKDF-SHA-256(ikm = list key, info = "healthchain.v3.checkpoint-tag/1" ‖ u32be(g) ‖ u32be(i), 16)
//              the asset's `chart` field of chunk i of the doctor's g-th list checkpoint (§14): a CREATE like a
//              chart's, found by the same asset search; its creator slot tag and key come from it as from a list tag
//   card tag   HKDF-SHA-256(ikm = the patient's box secret, info = "healthchain.v3.card-tag/1", 16)
//              carried by the version that introduces a patient card; the kiosk finds the chart with it (§8)
//   grant tag  HKDF-SHA-256(ikm = chart secret of the granted version, info = "healthchain.v3.grant-tag/1" ‖ u32be(k), 16)
//              carried by the k-th emergency grant (k = 0, 1, …) of that version: its readers find every grant (§9)
//   grant key  HKDF-SHA-256(ikm = the same chart secret, info = "healthchain.v3.grant-box/1" ‖ u32be(k), 32)
//              the secretbox key of that grant's box (who was granted what), for the same readers
//   recovery tag HKDF-SHA-256(ikm = K(W→Rec) or K(Rec→C), info = "healthchain.v3.recovery-tag/1" ‖ C ‖ u32be(i), 16)
//              carried by every version that makes C a chart's custodian (§13): the creator's CREATE and a doctor's
//              custody handover with the writer W's pair to the hospital's recovery key Rec, the quorum's move with
//              the recovery key's pair to C; i counts per (pair, C). Only W or C and the recovery key's holder compute
//              it, so the quorum finds every chart C was made custodian of and an observer sees one more random tag
import nacl from 'tweetnacl';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { concatBytes, utf8 } from '../crypto/bytes';
import { CHART_SECRET_LENGTH, UNLINKABLE_SALT } from './owner-keys';

export const RENDEZVOUS_INFO = {
  pair: 'healthchain.v3.pair/1',
  intro: 'healthchain.v3.intro-tag/1',
  version: 'healthchain.v3.version-tag/1',
  slot: 'healthchain.v3.slot-tag/1',
  listKey: 'healthchain.v3.list-key/1',
  list: 'healthchain.v3.list-tag/1',
  creatorSlot: 'healthchain.v3.creator-slot/1',
  checkpoint: 'healthchain.v3.checkpoint-tag/1',
  card: 'healthchain.v3.card-tag/1',
  grant: 'healthchain.v3.grant-tag/1',
  grantBox: 'healthchain.v3.grant-box/1',
  recovery: 'healthchain.v3.recovery-tag/1',
} as const;
export const TAG_LENGTH = 16;
export const SLOT_TAG_LENGTH = 8;
export const TAG_PATTERN = /^[0-9a-f]{32}$/;

const salt = utf8(UNLINKABLE_SALT);

/** A counter or sequence number as the 4 big-endian bytes of an HKDF info (keyed-slot.ts shares it). */
export function u32be(n: number, what = 'a counter'): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`${what} is an integer in [0, 2^32)`);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

export function key32(bytes: Uint8Array, what: string): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) throw new TypeError(`${what} is 32 bytes`);
  return bytes;
}

/**
 * K(W→R), computed by the writer (mySecret = w, writerKey = its own box key) or by the reader (mySecret = r, and
 * the writer's directory key); the direction keeps the two counters of a pair apart. Throws on a low-order key
 * (an all-zero shared secret would make the tags public).
 */
export function pairKey(
  mySecret: Uint8Array,
  otherPublic: Uint8Array,
  writerBoxKey: Uint8Array,
  readerBoxKey: Uint8Array,
): Uint8Array {
  const shared = nacl.scalarMult(key32(mySecret, 'a box secret'), key32(otherPublic, 'a box key'));
  if (shared.every((b) => b === 0)) throw new RangeError('the other key is of low order: no shared secret');
  const info = concatBytes(
    utf8(RENDEZVOUS_INFO.pair),
    key32(writerBoxKey, 'the writer box key'),
    key32(readerBoxKey, 'the reader box key'),
  );
  return hkdf(sha256, shared, salt, info, 32);
}

export function introTag(pair: Uint8Array, counter: number): string {
  return bytesToHex(
    hkdf(sha256, key32(pair, 'a pair key'), salt, concatBytes(utf8(RENDEZVOUS_INFO.intro), u32be(counter)), TAG_LENGTH),
  );
}

/** The tag version `seq` carries, from the chart secret of version seq - 1 (what every reader of that version holds). */
export function versionTag(previousChartSecret: Uint8Array, seq: number): string {
  return bytesToHex(
    hkdf(
      sha256,
      chartSecret32(previousChartSecret),
      salt,
      concatBytes(utf8(RENDEZVOUS_INFO.version), u32be(seq)),
      TAG_LENGTH,
    ),
  );
}

export function slotTag(previousChartSecret: Uint8Array, seq: number, readerBoxKey: Uint8Array): Uint8Array {
  const info = concatBytes(utf8(RENDEZVOUS_INFO.slot), u32be(seq), key32(readerBoxKey, 'a reader box key'));
  return hkdf(sha256, chartSecret32(previousChartSecret), salt, info, SLOT_TAG_LENGTH);
}

/** The creator's list key, from its self pair key K(C→C) = pairKey(c, C, C, C). */
export function listKey(selfPair: Uint8Array): Uint8Array {
  return hkdf(sha256, key32(selfPair, 'a pair key'), salt, utf8(RENDEZVOUS_INFO.listKey), 32);
}

/** The list tag of the j-th chart (j = 0, 1, …) its creator makes: the asset's `chart` field. */
export function listTag(listKeyBytes: Uint8Array, j: number): string {
  return bytesToHex(
    hkdf(
      sha256,
      key32(listKeyBytes, 'a list key'),
      salt,
      concatBytes(utf8(RENDEZVOUS_INFO.list), u32be(j)),
      TAG_LENGTH,
    ),
  );
}

/** The tag of chunk `chunk` of the creator's list checkpoint `generation` (docs/UNLINKABLE.md §14): its asset's `chart`. */
export function checkpointTag(listKeyBytes: Uint8Array, generation: number, chunk: number): string {
  const info = concatBytes(
    utf8(RENDEZVOUS_INFO.checkpoint),
    u32be(generation, 'a checkpoint generation'),
    u32be(chunk, 'a checkpoint chunk'),
  );
  return bytesToHex(hkdf(sha256, key32(listKeyBytes, 'a list key'), salt, info, TAG_LENGTH));
}

/**
 * The creator's slot tag in the CREATE whose asset carries `listTagHex` (its list tag): only the list key's holder
 * computes it; one per chart, as random to everyone else as the other slots' tags.
 */
export function creatorSlotTag(listKeyBytes: Uint8Array, listTagHex: string): Uint8Array {
  if (!TAG_PATTERN.test(listTagHex)) throw new TypeError('a list tag is 32 lower-case hex digits');
  const info = concatBytes(utf8(RENDEZVOUS_INFO.creatorSlot), hexToBytes(listTagHex));
  return hkdf(sha256, key32(listKeyBytes, 'a list key'), salt, info, SLOT_TAG_LENGTH);
}

/** The card tag of a patient card, from the patient's X25519 box secret (derived from the card's seed). */
export function cardTag(patientBoxSecret: Uint8Array): string {
  return bytesToHex(
    hkdf(sha256, key32(patientBoxSecret, 'a box secret'), salt, utf8(RENDEZVOUS_INFO.card), TAG_LENGTH),
  );
}

/** The tag of the k-th emergency grant of a version, from that version's chart secret (docs/UNLINKABLE.md §9). */
export function grantTag(chartSecret: Uint8Array, k: number): string {
  return bytesToHex(
    hkdf(sha256, chartSecret32(chartSecret), salt, concatBytes(utf8(RENDEZVOUS_INFO.grant), u32be(k)), TAG_LENGTH),
  );
}

/** The secretbox key of the k-th grant's box: only the version's readers (and the emergency key) derive it. */
export function grantBoxKey(chartSecret: Uint8Array, k: number): Uint8Array {
  return hkdf(sha256, chartSecret32(chartSecret), salt, concatBytes(utf8(RENDEZVOUS_INFO.grantBox), u32be(k)), 32);
}

/**
 * The i-th recovery tag (i = 0, 1, …) of `pair` for custodian C: `pair` is K(W→Rec) (a doctor W writing the version,
 * its box secret with the recovery key) or K(Rec→C) (the quorum's move, the rebuilt recovery secret with C's key).
 */
export function recoveryTag(pair: Uint8Array, custodianBoxKey: Uint8Array, i: number): string {
  const info = concatBytes(utf8(RENDEZVOUS_INFO.recovery), key32(custodianBoxKey, 'the custodian box key'), u32be(i));
  return bytesToHex(hkdf(sha256, key32(pair, 'a pair key'), salt, info, TAG_LENGTH));
}

function chartSecret32(secret: Uint8Array): Uint8Array {
  if (!(secret instanceof Uint8Array) || secret.length !== CHART_SECRET_LENGTH)
    throw new TypeError(`a chart secret is ${CHART_SECRET_LENGTH} bytes`);
  return secret;
}
