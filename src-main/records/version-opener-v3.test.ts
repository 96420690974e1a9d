// The reader's slot in a CREATE (docs/UNLINKABLE.md §4, "The CREATE's slots"): the creator's slot carries the creator
// slot tag and is keyed under its list key (no sealed box to open, with or without the tag); any other reader, or a
// wrong tag, falls back to trying every slot — the same chart either way.
import { describe, expect, it } from 'vitest';
import { newSeed } from '../../src-shared/crypto/keys';
import type { EnvelopeReaderKey } from '../../src-shared/crypto/envelope';
import { payloadOf } from '../../src-shared/records/payload';
import { parseV3Metadata, v3Slots } from '../../src-shared/unlinkable/envelope-v3';
import { SLOT_TAG_LENGTH, creatorSlotTag, listKey } from '../../src-shared/unlinkable/rendezvous';
import { sampleChart } from '../../test/fixtures/sample-chart';
import { nativeKeyHolderCrypto } from '../crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import { V3Counters } from './v3-counters';
import { buildCreateV3, buildVersionV3 } from './version-builder-v3';
import { openChartV3 } from './version-opener-v3';

const holder = () => new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);
const crypto = nativeLedgerCrypto;

/** The reader, counting the sealed boxes it tries (each an X25519); `keyed`: without its pair keys (sealed only). */
function counting(reader: SeedKeyHolder, keyed = true): EnvelopeReaderKey & { tries: number } {
  const counted = {
    boxKey: reader.boxKey,
    tries: 0,
    openSealed: (sealed: Uint8Array) => {
      counted.tries++;
      return reader.openSealed(sealed);
    },
    ...(keyed && { pairKey: (w: string, r: string) => reader.pairKey(w, r) }),
  };
  return counted;
}

describe('a CREATE’s creator slot', () => {
  const ada = holder();
  const bob = holder();
  const doctor = (h: SeedKeyHolder, name: string) => ({ signKey: h.signKey, boxKey: h.boxKey, name });
  // Ada creates, Bob reads from the start: 4 readers with the recovery and emergency keys absent (custodian, Bob, and
  // the throw-away fillers up to 8 slots).
  const payload = payloadOf(sampleChart(), null, doctor(ada, 'Dr Ada'), [doctor(bob, 'Dr Bob')]);
  const list = () => {
    const self = ada.pairKey(ada.boxKey, ada.boxKey);
    return listKey(self);
  };

  it('carries the creator slot tag on the creator’s slot only, and opens the same chart as by trial', async () => {
    const counters = new V3Counters();
    const created = await buildCreateV3(ada, payload, { crypto, counters });
    const next = await buildVersionV3(ada, created.head, created.tx.id, 'update', payload, { crypto, counters });
    const chart = (created.tx.asset as { data: { chart: string } }).data.chart;
    const mine = creatorSlotTag(list(), chart);
    const slots = v3Slots(parseV3Metadata(created.tx.metadata));
    expect(slots.filter((s) => Buffer.from(s.subarray(0, SLOT_TAG_LENGTH)).equals(mine))).toHaveLength(1);

    const raw = [created.tx, next.tx];
    const byTag = counting(ada);
    const tagged = await openChartV3(created.tx.id, raw, byTag, {
      crypto,
      creatorSlotTag: (t) => creatorSlotTag(list(), t),
    });
    const byTrial = counting(ada);
    const trial = await openChartV3(created.tx.id, raw, byTrial, { crypto });
    expect(tagged.tampered).toBeNull();
    expect(tagged.versions.map((v) => v.inner)).toEqual(trial.versions.map((v) => v.inner));
    expect(tagged.versions.map((v) => v.ownerKey)).toEqual(trial.versions.map((v) => v.ownerKey));
    expect(tagged.versions).toHaveLength(2);
    // No sealed box: the CREATE's slot is keyed under the list key, version 2's under K(Ada→Ada), tag or no tag.
    expect(byTag.tries).toBe(0);
    expect(byTrial.tries).toBe(0);
    // A reader of Ada's key without pair keys opens neither: both slots are keyed, none sealed to her.
    const sealedOnly = await openChartV3(created.tx.id, raw, counting(ada, false), { crypto });
    expect(sealedOnly.versions).toEqual([]);
  });

  it('a wrong tag, or another reader’s, falls back to trying every slot', async () => {
    const counters = new V3Counters();
    const created = await buildCreateV3(ada, payload, { crypto, counters });
    const chart = (created.tx.asset as { data: { chart: string } }).data.chart;
    const wrong = counting(ada);
    const opened = await openChartV3(created.tx.id, [created.tx], wrong, {
      crypto,
      creatorSlotTag: () => new Uint8Array(SLOT_TAG_LENGTH).fill(7),
    });
    expect(opened.tampered).toBeNull();
    expect(opened.versions[0]!.inner.chart).toBe(chart);
    // The keyed trial covers every slot: a wrong tag costs no sealed box.
    expect(wrong.tries).toBe(0);
    // Bob derives his own (not-creator) tag from his own list key: no slot carries it, and his slot is found by trial.
    const bobList = listKey(bob.pairKey(bob.boxKey, bob.boxKey));
    const asBob = counting(bob);
    const bobs = await openChartV3(created.tx.id, [created.tx], asBob, {
      crypto,
      creatorSlotTag: (t) => creatorSlotTag(bobList, t),
    });
    expect(bobs.tampered).toBeNull();
    expect(bobs.versions[0]!.inner).toEqual(opened.versions[0]!.inner);
    expect(asBob.tries).toBeGreaterThanOrEqual(1);
  });
});
