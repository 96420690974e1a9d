// What discovery needs of the signed-in identity (docs/UNLINKABLE.md §4), made from KeyHolder.pairKey alone: the list
// key (from the self pair key K(me→me)) and, for every directory box key W, the pair key K(W→me). Only these derived
// keys leave the holder, and only into the closures below, in main: they never cross IPC, are never stored (v3-list.ts
// keeps them in memory for the signed-in session, dropped on lock and sign-out), and the self pair key is wiped once
// the list key is made from it.
import type { KeyHolder } from '../../../src-shared/crypto/keyholder';
import { introTagsNative, listKeyNative, listTagsNative } from '../../crypto/unlinkable-keys';
import type { DiscoveryKeys } from './discover';
import type { IntroPair } from './intro-windows';

/** Null when the holder cannot derive pair keys (it then reads v1 charts only). */
export function discoveryKeysOf(
  holder: Pick<KeyHolder, 'boxKey' | 'pairKey'>,
  directoryBoxKeys: readonly string[],
): DiscoveryKeys | null {
  if (!holder.pairKey) return null;
  const self = holder.pairKey(holder.boxKey, holder.boxKey);
  const listKey = listKeyNative(self);
  self.fill(0);
  const pairs: IntroPair[] = [];
  for (const writer of new Set(directoryBoxKeys)) {
    let pair: Uint8Array;
    try {
      pair = holder.pairKey(writer, holder.boxKey);
    } catch {
      continue; // a directory key that is no usable X25519 key (low order, malformed) introduces nobody
    }
    pairs.push({ writer, tags: (from, count) => introTagsNative(pair, from, count) });
  }
  return { listTags: (from, count) => listTagsNative(listKey, from, count), pairs };
}
