// Size buckets of envelope v3 (docs/UNLINKABLE.md §6): the sealed payload is padded to the smallest of a few fixed
// sizes, so a box's length says only which bucket the chart is in. Layout of a padded payload (before sealing):
//
//   u32be(length of the payload) ‖ payload ‖ zero bytes up to the bucket size
//
// Unpadding refuses anything not of a bucket size, a length that does not fit, and non-zero padding: a padded
// payload is sealed (authenticated) before it reaches the ledger, so these can only be bugs or a wrong key, and a
// clear error beats guessing.
export const PADDING_BUCKETS = [4 * 1024, 16 * 1024, 64 * 1024, 256 * 1024] as const;
const HEADER = 4;
/** The longest payload a bucket takes: the largest bucket less the length header. */
export const LARGEST_PAYLOAD = PADDING_BUCKETS.at(-1)! - HEADER;

export class PaddingError extends Error {
  override readonly name = 'PaddingError';
}

/** The bucket a payload of `length` bytes is padded to; throws past the largest. */
export function bucketFor(length: number): number {
  const bucket = PADDING_BUCKETS.find((size) => length + HEADER <= size);
  if (bucket === undefined)
    throw new PaddingError(
      `A payload of ${length} bytes is larger than the largest size bucket (${LARGEST_PAYLOAD} bytes)`,
    );
  return bucket;
}

export function padToBucket(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(bucketFor(payload.length));
  new DataView(out.buffer).setUint32(0, payload.length);
  out.set(payload, HEADER);
  return out;
}

export function unpad(padded: Uint8Array): Uint8Array {
  if (!(PADDING_BUCKETS as readonly number[]).includes(padded.length))
    throw new PaddingError(`A padded payload of ${padded.length} bytes is not of a bucket size`);
  const length = new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint32(0);
  if (length > padded.length - HEADER)
    throw new PaddingError(`The padded payload claims ${length} bytes but has room for ${padded.length - HEADER}`);
  // A plain loop: a callback a byte was ~5 % of opening a v3 version on the list's main thread.
  let or = 0;
  for (let i = HEADER + length; i < padded.length; i++) or |= padded[i]!;
  if (or !== 0) throw new PaddingError('The padding is not all zero bytes');
  return padded.slice(HEADER, HEADER + length);
}
