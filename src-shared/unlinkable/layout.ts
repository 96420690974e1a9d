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

export const base64Length = (bytes: number): number => 4 * Math.ceil(bytes / 3);

export interface MetadataLayout {
  readonly tags: number;
  readonly slots: number;
  readonly nonce: number;
  readonly box: number;
  readonly json: number;
}

// Every v3 version read asks for its layout (parseV3Metadata), and building the JSON text of a 256 KiB box to count
// it was a visible part of a list: there are only eight layouts.
const layouts = new Map<string, MetadataLayout>();

/** Characters of each clear field for one (size bucket, reader bucket), and of the metadata's JSON text. */
export function metadataLayout(bucket: number, slots: number): MetadataLayout {
  const known = layouts.get(`${bucket}:${slots}`);
  if (known) return known;
  const layout = Object.freeze(computeLayout(bucket, slots));
  layouts.set(`${bucket}:${slots}`, layout);
  return layout;
}

function computeLayout(bucket: number, slots: number): MetadataLayout {
  if (!(PADDING_BUCKETS as readonly number[]).includes(bucket)) throw new RangeError(`${bucket} is not a size bucket`);
  if (!(READER_SLOT_BUCKETS as readonly number[]).includes(slots)) throw new RangeError(`${slots} is not a slot count`);
  const fields = {
    tags: slots * 2 * TAG_LENGTH,
    slots: base64Length(slots * SLOT_LENGTH),
    nonce: base64Length(SECRETBOX_NONCE),
    box: base64Length(bucket + SECRETBOX_MAC),
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
