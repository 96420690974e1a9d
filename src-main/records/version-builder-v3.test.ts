// The v3 writer's refusals and its counters, without a node (the written versions themselves are tested on the
// embedded node: test/integration/unlinkable/envelope-v3.test.ts).
import { describe, expect, it } from 'vitest';
import { newSeed } from '../../src-shared/crypto/keys';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import { payloadOf } from '../../src-shared/records/payload';
import { parseV3Metadata } from '../../src-shared/unlinkable/envelope-v3';
import { listKey, listTag } from '../../src-shared/unlinkable/rendezvous';
import { sampleChart } from '../../test/fixtures/sample-chart';
import { nativeKeyHolderCrypto } from '../crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import { V3Counters } from './v3-counters';
import { ownerKey } from './v3-outputs';
import { buildCreateV3, buildVersionV3 } from './version-builder-v3';

const holder = () => new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);
const crypto = nativeLedgerCrypto;

describe('envelope v3 writer', () => {
  const ada = holder();
  const payload = payloadOf(sampleChart(), null, { signKey: ada.signKey, boxKey: ada.boxKey, name: 'Dr Ada' }, []);

  it('names the chart by the creator’s next list tag and shows no directory key', async () => {
    const counters = new V3Counters();
    const list = listKey(ada.pairKey(ada.boxKey, ada.boxKey));
    const first = await buildCreateV3(ada, payload, { crypto, counters });
    const second = await buildCreateV3(ada, payload, { crypto, counters });
    expect([first.tx.asset, second.tx.asset]).toEqual([
      { data: { type: 'hc.chart/1', chart: listTag(list, 0) } },
      { data: { type: 'hc.chart/1', chart: listTag(list, 1) } },
    ]);
    expect(parseV3Metadata(first.tx.metadata)).toBeTruthy();
    expect(first.tx.inputs[0]!.owners_before).toEqual([ownerKey(ada.signKey, first.head.secret, 0)]);
    expect(first.tx.outputs[0]!.public_keys).toEqual([ownerKey(ada.signKey, first.head.secret, 1)]);
    expect(JSON.stringify(first.tx)).not.toContain(ada.signKey);
    expect(JSON.stringify(first.tx)).not.toContain(ada.boxKey);
    expect(first.head.secret).not.toEqual(second.head.secret);
  });

  it('refuses to write on a head it does not hold, and an identity that cannot sign with a tweak', async () => {
    const counters = new V3Counters();
    const created = await buildCreateV3(ada, payload, { crypto, counters });
    await expect(
      buildVersionV3(holder(), created.head, created.tx.id, 'update', payload, { crypto, counters }),
    ).rejects.toMatchObject({ code: 'NotCustodian' });
    const plain: KeyHolder = {
      signKey: ada.signKey,
      boxKey: ada.boxKey,
      sign: (m) => ada.sign(m),
      openSealed: (s) => ada.openSealed(s),
      localMac: (d) => ada.localMac(d),
    };
    await expect(buildCreateV3(plain, payload, { crypto, counters })).rejects.toThrow(/cannot write envelope v3/);
    await expect(
      buildVersionV3(ada, created.head, created.tx.id, 'update', payload, { crypto, counters, cardTag: 'NOT-A-TAG' }),
    ).rejects.toThrow(/card tag/);
  });

  it('refuses a chart with more than 16 readers, naming the count', async () => {
    const doctors = Array.from({ length: 16 }, (_, i) => {
      const d = holder();
      return { signKey: d.signKey, boxKey: d.boxKey, name: `Dr ${i}` };
    });
    await expect(buildCreateV3(ada, { ...payload, doctors }, { crypto, counters: new V3Counters() })).rejects.toThrow(
      /at most 16 readers; this one has 17/,
    );
  });
});

describe('V3Counters', () => {
  it('hands out each number once per creator and per pair, raises past what a search found, and round-trips', () => {
    const counters = new V3Counters();
    expect([counters.takeList('A'), counters.takeList('A'), counters.takeList('B')]).toEqual([0, 1, 0]);
    expect([counters.takeIntro('A', 'R'), counters.takeIntro('R', 'A'), counters.takeIntro('A', 'R')]).toEqual([
      0, 0, 1,
    ]);
    counters.sawIntro('A', 'R', 6);
    counters.sawIntro('A', 'R', 2);
    expect(counters.takeIntro('A', 'R')).toBe(7);
    const copy = new V3Counters(counters.toJSON());
    expect([copy.takeList('A'), copy.takeIntro('A', 'R')]).toEqual([2, 8]);
  });
});
