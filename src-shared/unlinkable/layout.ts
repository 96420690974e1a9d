// The fixed sizes of envelope v3's clear metadata (docs/UNLINKABLE.md §2): what makes two versions in the same
// buckets the same length whatever their action, readers or content. The writer (next session) builds to these;
// the doc's figures are computed here and pinned by layout.test.ts.
import { SEALED_BOX_OVERHEAD } from '../crypto/sealed-box';
import { PADDING_BUCKETS } from './padding';
import { SLOT_TAG_LENGTH, TAG_LENGTH } from './rendezvous';

export const ENVELOPE_V3_TYPE = 'hc.chart.version/3';
/** Reader slots (and tags) per version: 8, or 16 for a chart with more readers (a second, visible bucket). */
export const READER_SLOT_BUCKETS = [8, 16] as const;
const DATA_KEY_LENGTH = 32;
const SECRETBOX_MAC = 16;
const SECRETBOX_NONCE = 24;
/** slotTag(8) ‖ ephemeral key(32) ‖ nonce(24) ‖ sealed data key(32 + 16). */
export const SLOT_LENGTH = SLOT_TAG_LENGTH + SEALED_BOX_OVERHEAD + DATA_KEY_LENGTH;

/**
 * How `slots`, `nonce` and `box` are written as text (§2). New versions: RFC 4648 base32, lower case, unpadded — only
 * `[a-z2-7]`, none of them a delimiter of MongoDB's text index, so each field is one search term. Versions written
 * before (padded standard base64, which the index cuts at every `+` and `/`) stay readable.
 */
export type V3FieldEncoding = 'base32' | 'base64';
export const V3_WRITE_ENCODING: V3FieldEncoding = 'base32';

export const base64Length = (bytes: number): number => 4 * Math.ceil(bytes / 3);
export const base32Length = (bytes: number): number => Math.ceil((bytes * 8) / 5);
export const encodedLength = (bytes: number, encoding: V3FieldEncoding): number =>
  encoding === 'base32' ? base32Length(bytes) : base64Length(bytes);
/** The nonce's length tells a version's encoding: 39 characters in base32, 32 in base64. */
export const NONCE_LENGTHS: Readonly<Record<V3FieldEncoding, number>> = {
  base32: base32Length(SECRETBOX_NONCE),
  base64: base64Length(SECRETBOX_NONCE),
};

export interface MetadataLayout {
  readonly tags: number;
  readonly slots: number;
  readonly nonce: number;
  readonly box: number;
  readonly json: number;
}

// Every v3 version read asks for its layout (parseV3Metadata), and building the JSON text of a 256 KiB box to count
// it was a visible part of a list: there are only sixteen layouts.
const layouts = new Map<string, MetadataLayout>();

/**
 * Characters of each clear field for one (size bucket, reader bucket), and of the metadata's JSON text, in the
 * encoding new versions are written in unless another is named (an old version's, base64).
 */
export function metadataLayout(
  bucket: number,
  slots: number,
  encoding: V3FieldEncoding = V3_WRITE_ENCODING,
): MetadataLayout {
  const key = `${bucket}:${slots}:${encoding}`;
  const known = layouts.get(key);
  if (known) return known;
  const layout = Object.freeze(computeLayout(bucket, slots, encoding));
  layouts.set(key, layout);
  return layout;
}

function computeLayout(bucket: number, slots: number, encoding: V3FieldEncoding): MetadataLayout {
  if (!(PADDING_BUCKETS as readonly number[]).includes(bucket)) throw new RangeError(`${bucket} is not a size bucket`);
  if (!(READER_SLOT_BUCKETS as readonly number[]).includes(slots)) throw new RangeError(`${slots} is not a slot count`);
  const fields = {
    tags: slots * 2 * TAG_LENGTH,
    slots: encodedLength(slots * SLOT_LENGTH, encoding),
    nonce: encodedLength(SECRETBOX_NONCE, encoding),
    box: encodedLength(bucket + SECRETBOX_MAC, encoding),
  };
  const json = JSON.stringify({
    type: ENVELOPE_V3_TYPE,
    tags: Array.from({ length: slots }, () => '0'.repeat(2 * TAG_LENGTH)),
    slots: 'A'.repeat(fields.slots),
    nonce: 'A'.repeat(fields.nonce),
    box: 'A'.repeat(fields.box),
  }).length;
  return { ...fields, json };
}
