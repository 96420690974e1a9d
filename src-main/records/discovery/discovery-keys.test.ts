import { describe, expect, it } from 'vitest';
import { newSeed } from '../../../src-shared/crypto/keys';
import { introTag, listKey, listTag } from '../../../src-shared/unlinkable/rendezvous';
import { SeedKeyHolder } from '../../crypto/seed-key-holder';
import { discoveryKeysOf } from './discovery-keys';

describe('discovery keys from the key holder', () => {
  const me = new SeedKeyHolder(newSeed());
  const writer = new SeedKeyHolder(newSeed());

  it("derives the list tags and every pair's intro tags as the writers compute them", () => {
    const keys = discoveryKeysOf(me, [writer.boxKey, me.boxKey, writer.boxKey])!;
    const mine = listKey(me.pairKey(me.boxKey, me.boxKey));
    expect(keys.listTags(5, 3)).toEqual([5, 6, 7].map((j) => listTag(mine, j)));
    // One pair per directory key (duplicates dropped); the writer computes the same tags from its side.
    expect(keys.pairs.map((p) => p.writer)).toEqual([writer.boxKey, me.boxKey]);
    const fromWriter = writer.pairKey(writer.boxKey, me.boxKey);
    expect(keys.pairs[0]!.tags(0, 4)).toEqual([0, 1, 2, 3].map((i) => introTag(fromWriter, i)));
  });

  it('skips a directory key that makes no pair, and offers nothing without pair keys', () => {
    const lowOrder = '11111111111111111111111111111111'; // the all-zero point: no shared secret
    expect(discoveryKeysOf(me, [lowOrder, 'not a key', writer.boxKey])!.pairs.map((p) => p.writer)).toEqual([
      writer.boxKey,
    ]);
    expect(discoveryKeysOf({ boxKey: me.boxKey }, [writer.boxKey])).toBeNull();
  });
});
