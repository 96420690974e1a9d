// The keys a v3 reader tries on a version's slots before its sealed boxes (docs/UNLINKABLE.md §4, "Keyed slots"):
// a reader that opened version seq−1 derives its continuing slot key from K(W→R), W being seq−1's custodian (the
// writer of seq in every version but a quorum's move, whose slots are sealed boxes: the trial then fails and costs one
// secretbox a slot); the creator derives its CREATE slot's key from its list key. The pair keys come from the reader's
// holder, which derives each once a session (SeedKeyHolder), so a doctor's own charts cost no X25519 a version.
import type { EnvelopeReaderKey } from '../../src-shared/crypto/envelope';
import { wipe } from '../../src-shared/crypto/bytes';
import { creatorSlotKeyNative, listKeyNative, slotKeyNative } from '../crypto/unlinkable-keys';

const LIST_TAG = /^[0-9a-f]{32}$/;

/**
 * The keyed-slot keys `reader` tries on version `seq`: after an opened version seq−1 (its secret and the custodian
 * its box names), else on a CREATE of list tag `listTag`. None for a reader without pair keys, or when a key cannot be
 * derived (a box naming no usable custodian key): the sealed boxes are tried either way.
 */
export function readerSlotKeys(
  reader: EnvelopeReaderKey,
  seq: number,
  listTag: string | null,
  previous: { secret: Uint8Array; custodianBoxKey: string } | null,
): Uint8Array[] {
  if (!reader.pairKey) return [];
  try {
    if (previous) {
      const pair = reader.pairKey(previous.custodianBoxKey, reader.boxKey);
      try {
        return [slotKeyNative(pair, previous.secret, seq)];
      } finally {
        wipe(pair);
      }
    }
    if (seq !== 1 || listTag === null || !LIST_TAG.test(listTag)) return [];
    const self = reader.pairKey(reader.boxKey, reader.boxKey);
    const list = listKeyNative(self);
    wipe(self);
    try {
      return [creatorSlotKeyNative(list, listTag)];
    } finally {
      wipe(list);
    }
  } catch {
    return [];
  }
}
