// Envelope v3's clear metadata (docs/UNLINKABLE.md §2): what the ledger shows of a version is a fixed number of tags,
// a fixed number of 112-byte reader slots and one box padded to a size bucket (§6). Nothing in it differs by action,
// reader, author or exact size: the slot order and the tag order are sorted, unused slots are keyed slots under
// throw-away keys (a real X25519 key in front: a random string would differ, its top bit), unused tags are random.
//
//   slot = slotTag(8) ‖ sealTo(reader box key, dataKey(32))          (sealed-box.ts's pinned format, 104 bytes)
//        | slotTag(8) ‖ sealKeyedSlot(slot key, dataKey(32))         (keyed-slot.ts: the same layout, no X25519 to open)
//   box  = secretbox(padToBucket(inner envelope), nonce, dataKey)
//
// slots, nonce and box are written in lower-case unpadded base32 (v3-fields.ts: one search term each on the node);
// versions written before in base64 are read as they are.
import nacl from 'tweetnacl';
import { z } from 'zod';
import { bytesEqual, concatBytes, randomBytes, wipe } from '../crypto/bytes';
import { EnvelopeError, type EnvelopeReaderKey, type SecretboxOpen } from '../crypto/envelope';
import { sealTo } from '../crypto/sealed-box';
import { ENVELOPE_V3_TYPE, READER_SLOT_BUCKETS, SLOT_LENGTH, metadataLayout } from './layout';
import { PADDING_BUCKETS, padToBucket, unpad } from './padding';
import { SLOT_TAG_LENGTH, TAG_LENGTH, TAG_PATTERN } from './rendezvous';
import { decodeV3Field, toBase32, v3Encoding } from './v3-fields';
import { openKeyedSlot, sealKeyedSlot } from './keyed-slot';

const DATA_KEY_LENGTH = 32;

export type ByteField = 'slots' | 'nonce' | 'box';
const BYTE_FIELDS: readonly ByteField[] = ['slots', 'nonce', 'box'];
// The schema checks the byte fields by decoding them, and openV3 and v3Slots take those bytes for the metadata object
// parseV3Metadata returned (frozen, so they stay its fields' bytes): checking the base32 alphabet apart (a regular
// expression over a 6.6 kB box) cost about as much as decoding it, on the list's main thread for every version.
const decodedFields = new WeakMap<object, Readonly<Record<ByteField, Uint8Array>>>();

/** A byte field's bytes: those the schema decoded for a parsed metadata object, else decoded in its encoding. */
export const fieldBytes = <F extends ByteField>(metadata: Pick<V3Metadata, 'nonce' | F>, field: F): Uint8Array =>
  decodedFields.get(metadata)?.[field] ?? decodeV3Field(metadata[field], v3Encoding(metadata));

export const v3MetadataSchema = z
  .strictObject({
    type: z.literal(ENVELOPE_V3_TYPE),
    tags: z.array(z.string().regex(TAG_PATTERN)),
    slots: z.string(),
    nonce: z.string(),
    box: z.string(),
  })
  .superRefine((m, ctx) => {
    // All three byte fields in the one encoding the nonce's length names (base32, or an old version's base64).
    const encoding = v3Encoding(m);
    const bytes: Partial<Record<ByteField, Uint8Array>> = {};
    const bad = BYTE_FIELDS.filter((field) => {
      try {
        bytes[field] = decodeV3Field(m[field], encoding);
        return false;
      } catch {
        return true;
      }
    });
    for (const field of bad)
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: encoding === 'base32' ? 'Not lower-case unpadded base32' : 'Not padded standard base64',
      });
    if (bad.length) return;
    // Every field at its fixed length for one (size bucket, reader bucket): anything else is not v3's shape.
    const slots = m.tags.length;
    if (!(READER_SLOT_BUCKETS as readonly number[]).includes(slots)) {
      ctx.addIssue({
        code: 'custom',
        path: ['tags'],
        message: `has ${slots} tags, not ${READER_SLOT_BUCKETS.join(' or ')}`,
      });
      return;
    }
    const bucket = PADDING_BUCKETS.find((b) => metadataLayout(b, slots, encoding).box === m.box.length);
    if (bucket === undefined) {
      ctx.addIssue({ code: 'custom', path: ['box'], message: 'is not of a size bucket' });
      return;
    }
    const layout = metadataLayout(bucket, slots, encoding);
    if (m.slots.length !== layout.slots)
      ctx.addIssue({ code: 'custom', path: ['slots'], message: `is not ${slots} slots of ${SLOT_LENGTH} bytes` });
    if (m.nonce.length !== layout.nonce) ctx.addIssue({ code: 'custom', path: ['nonce'], message: 'is not 24 bytes' });
    decodedFields.set(m, bytes as Record<ByteField, Uint8Array>);
  });

export type V3Metadata = z.infer<typeof v3MetadataSchema>;

/** Whose slot a version carries: the reader's box key and the 8-byte slot tag it will look for (§4). */
export interface SlotRecipient {
  boxKey: string;
  slotTag: Uint8Array;
  /** A keyed slot under this key (keyed-slot.ts: a continuing reader, the creator) instead of a sealed box. */
  slotKey?: Uint8Array;
}

/** Checked v3 metadata; throws EnvelopeError('malformed') naming the first bad field. */
export function parseV3Metadata(value: unknown): V3Metadata {
  const result = v3MetadataSchema.safeParse(value);
  if (result.success) return Object.freeze(result.data);
  const issue = result.error.issues[0];
  const where = issue && issue.path.length ? issue.path.join('.') : 'metadata';
  throw new EnvelopeError(
    'malformed',
    `The v3 envelope is malformed at ${where}: ${issue?.message ?? 'unknown problem'}`,
  );
}

export function isV3Metadata(value: unknown): boolean {
  return (value as { type?: unknown } | null)?.type === ENVELOPE_V3_TYPE;
}

const compare = (a: Uint8Array, b: Uint8Array) => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
};

/**
 * Seals `inner` (the encoded inner envelope) to every recipient's slot and lays out the metadata. `tags` are the
 * version's rendezvous tags (version tag, intro tags…); the rest of the tag list is random. Refuses more than 16
 * recipients or more tags than slots, and a reader listed twice.
 */
export function sealV3(
  inner: Uint8Array,
  recipients: readonly SlotRecipient[],
  tags: readonly string[],
  wrap: (boxKey: string, dataKey: Uint8Array) => Uint8Array = sealTo,
  wrapKeyed: (slotKey: Uint8Array, dataKey: Uint8Array) => Uint8Array = sealKeyedSlot,
): V3Metadata {
  const slotCount = READER_SLOT_BUCKETS.find((n) => recipients.length <= n);
  if (slotCount === undefined)
    throw new EnvelopeError(
      'malformed',
      `A version has at most ${READER_SLOT_BUCKETS.at(-1)} readers; this one has ${recipients.length}`,
    );
  if (recipients.length === 0) throw new EnvelopeError('malformed', 'An envelope needs at least one reader');
  if (new Set(recipients.map((r) => r.boxKey)).size !== recipients.length)
    throw new EnvelopeError('malformed', 'A reader is listed twice');
  if (tags.length > slotCount) throw new EnvelopeError('malformed', `At most ${slotCount} tags fit this version`);
  for (const tag of tags) if (!TAG_PATTERN.test(tag)) throw new EnvelopeError('malformed', `"${tag}" is not a tag`);
  for (const r of recipients)
    if (r.slotTag.length !== SLOT_TAG_LENGTH) throw new EnvelopeError('malformed', 'A slot tag is 8 bytes');
  const padded = padToBucket(inner);
  const dataKey = randomBytes(DATA_KEY_LENGTH);
  const nonce = randomBytes(nacl.secretbox.nonceLength);
  try {
    const box = nacl.secretbox(padded, nonce, dataKey);
    const slots = recipients.map((r) =>
      concatBytes(r.slotTag, r.slotKey ? wrapKeyed(r.slotKey, dataKey) : wrap(r.boxKey, dataKey)),
    );
    // An unused slot is a keyed slot under a random key nobody keeps, through the same `wrapKeyed` as the readers'
    // (libsodium in the app): a real ephemeral public key, a random nonce and a ciphertext, as a reader's sealed or
    // keyed slot shows, at one X25519 (the ephemeral key) where a sealed box to a throw-away key cost two.
    while (slots.length < slotCount)
      slots.push(concatBytes(randomBytes(SLOT_TAG_LENGTH), wrapKeyed(randomBytes(32), randomBytes(DATA_KEY_LENGTH))));
    slots.sort(compare);
    const allTags = [...tags];
    while (allTags.length < slotCount) allTags.push(hex(randomBytes(TAG_LENGTH)));
    allTags.sort();
    return {
      type: ENVELOPE_V3_TYPE,
      tags: allTags,
      slots: toBase32(concatBytes(...slots)),
      nonce: toBase32(nonce),
      box: toBase32(box),
    };
  } finally {
    wipe(dataKey, padded);
  }
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** The metadata's slots, each SLOT_LENGTH bytes. */
export function v3Slots(metadata: V3Metadata): Uint8Array[] {
  const all = fieldBytes(metadata, 'slots');
  const out: Uint8Array[] = [];
  for (let at = 0; at + SLOT_LENGTH <= all.length; at += SLOT_LENGTH) out.push(all.subarray(at, at + SLOT_LENGTH));
  return out;
}

/**
 * Opens the version as `reader`: first every candidate slot under each of `slotKeys` (keyed slots: one secretbox of
 * 32 bytes a trial, no X25519), then the candidates as sealed boxes — the slots carrying `slotTag` first (one X25519
 * for a reader that knows it), then, unless `onlyTagged`, every other slot (a reader without a tag: recovery and
 * emergency keys, a patient's kiosk). A keyed slot opens only under K(W→R) (keyed-slot.ts), which only the writer and
 * the reader hold, so the keyed trial can only find a slot the sealed-box trial would accept if sealed to the reader.
 * Returns the inner envelope's bytes; throws EnvelopeError: 'not-a-reader' if no slot opens, 'box' if the box does
 * not open with the slot's key or its padding is wrong.
 */
export async function openV3(
  metadata: V3Metadata,
  reader: EnvelopeReaderKey,
  slotTag: Uint8Array | null,
  {
    onlyTagged = false,
    secretboxOpen = nacl.secretbox.open,
    slotKeys = [],
    openKeyed = openKeyedSlot,
  }: {
    onlyTagged?: boolean;
    secretboxOpen?: SecretboxOpen;
    slotKeys?: readonly Uint8Array[];
    openKeyed?: (slotKey: Uint8Array, body: Uint8Array) => Uint8Array | null;
  } = {},
): Promise<Uint8Array> {
  const slots = v3Slots(metadata);
  const tagged = (s: Uint8Array) => slotTag !== null && bytesEqual(s.subarray(0, SLOT_TAG_LENGTH), slotTag);
  const order = [...slots.filter(tagged), ...(onlyTagged ? [] : slots.filter((s) => !tagged(s)))];
  let dataKey: Uint8Array | null = null;
  for (const key of slotKeys) {
    for (const slot of order) {
      const opened = openKeyed(key, slot.subarray(SLOT_TAG_LENGTH));
      if (opened?.length === DATA_KEY_LENGTH) {
        dataKey = opened;
        break;
      }
    }
    if (dataKey) break;
  }
  for (const slot of dataKey ? [] : order) {
    try {
      const opened = await reader.openSealed(slot.subarray(SLOT_TAG_LENGTH));
      if (opened.length === DATA_KEY_LENGTH) {
        dataKey = opened;
        break;
      }
      wipe(opened);
    } catch {
      // not this reader's slot
    }
  }
  if (!dataKey) throw new EnvelopeError('not-a-reader', 'This version has no slot for this key');
  try {
    const opened = secretboxOpen(fieldBytes(metadata, 'box'), fieldBytes(metadata, 'nonce'), dataKey);
    if (!opened) throw new EnvelopeError('box', 'The sealed chart does not open with its data key: it was altered');
    try {
      return unpad(opened);
    } catch (error) {
      throw new EnvelopeError('box', `The sealed chart's padding is wrong (${(error as Error).message})`);
    }
  } finally {
    wipe(dataKey);
  }
}
