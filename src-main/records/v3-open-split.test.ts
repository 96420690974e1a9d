// Opening a v3 chain split between the reader's thread and a verification worker (v3-open-split.ts): the worker runs
// every check openChartV3 runs, the links' validation among them, and gives the same chain; a worker that cannot run
// the task leaves it to the calling thread, with the same result. (The tampering cases of version-opener-v3-spent.test.ts
// and test/integration/unlinkable/envelope-v3.test.ts run both ways too: test/fixtures/open-v3-both-ways.ts.)
import { afterAll, describe, expect, it } from 'vitest';
import type { CustodyPolicy } from '../../src-shared/authority/custody';
import { newSeed } from '../../src-shared/crypto/keys';
import { thresholdDetails } from '../../src-shared/ledger';
import { payloadOf } from '../../src-shared/records/payload';
import { bothWays } from '../../test/fixtures/open-v3-both-ways';
import { sampleChart } from '../../test/fixtures/sample-chart';
import { nativeKeyHolderCrypto } from '../crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import { creatorSlotTagNative, listKeyNative } from '../crypto/unlinkable-keys';
import { VerifyPool } from '../ledger/verify-pool';
import { V3Counters } from './v3-counters';
import { openChartV3Split } from './v3-open-split';
import { withRecovery } from './version-builder';
import { buildCreateV3, buildVersionV3 } from './version-builder-v3';
import { openChartV3 } from './version-opener-v3';

const crypto = nativeLedgerCrypto;
const holder = () => new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);

describe('a v3 chain opened with its checks in a verification worker', () => {
  const [ada, ben, recovery] = [holder(), holder(), holder()];
  const officers = [holder(), holder(), holder()];
  const custody: CustodyPolicy = {
    authorityId: 'c3'.repeat(32),
    quorum: thresholdDetails(
      2,
      officers.map((o) => o.signKey),
    ),
    recoveryKey: recovery.boxKey,
    emergencyKey: null,
  };
  const options = { crypto, counters: new V3Counters(), custody };
  const named = (h: SeedKeyHolder, name: string) => ({ signKey: h.signKey, boxKey: h.boxKey, name });
  const payload = withRecovery(payloadOf(sampleChart(), null, named(ada, 'Dr Ada'), []), custody);
  const openers = bothWays();
  afterAll(() => openers.close());

  const threeVersions = async () => {
    const created = await buildCreateV3(ada, payload, options);
    const shared = { ...payload, doctors: [named(ben, 'Dr Ben')] };
    const v2 = await buildVersionV3(ada, created.head, created.tx.id, 'share', shared, options);
    const v3 = await buildVersionV3(ada, v2.head, created.tx.id, 'update', shared, options);
    return { id: created.tx.id, raw: [created.tx, v2.tx, v3.tx] as unknown[] };
  };

  it('opens a chart as each reader, the worker giving the same chain', async () => {
    const { id, raw } = await threeVersions();
    const before = openers.tasks;
    expect((await openers.open(id, raw, ada, { crypto })).versions.map((v) => v.seq)).toEqual([1, 2, 3]);
    // Ben was shared in at version 2: he opens from there.
    const bens = await openers.open(id, raw, ben, { crypto });
    expect(bens.openedFrom).toBe(2);
    expect(bens.tampered).toBeNull();
    expect((await openers.open(id, raw, recovery, { crypto })).versions).toHaveLength(3);
    expect(openers.tasks - before).toBe(3);
  });

  it('opens each version with the previous secret the box names: keyed slots with no sealed box, a sealed one by its tag', async () => {
    const { id, raw } = await threeVersions();
    const listKey = listKeyNative(ada.pairKey(ada.boxKey, ada.boxKey));
    let opens = 0;
    const counted = {
      boxKey: ada.boxKey,
      openSealed: (s: Uint8Array) => (opens++, ada.openSealed(s)),
      pairKey: (w: string, r: string) => ada.pairKey(w, r),
    };
    const chain = await openers.open(id, raw, counted, {
      crypto,
      creatorSlotTag: (tag) => creatorSlotTagNative(listKey, tag),
    });
    // Ada's slots are keyed (her CREATE's by her list key, later ones by K(Ada→Ada) and the previous secret and
    // custodian read from the opened box): a wrong hint would leave her no slot that opens.
    expect(chain.versions).toHaveLength(3);
    expect(opens).toBe(0);
    // The recovery key's slots are sealed boxes: after the CREATE (tried slot by slot: no tag), one a version by its
    // slot tag, both ways (a wrong secret hint would try every slot of up to 8).
    let recoveryOpens = 0;
    const byRecovery = {
      boxKey: recovery.boxKey,
      openSealed: (s: Uint8Array) => (recoveryOpens++, recovery.openSealed(s)),
    };
    expect((await openers.open(id, raw.slice(0, 1), byRecovery, { crypto })).versions).toHaveLength(1);
    const createOnly = recoveryOpens;
    recoveryOpens = 0;
    expect((await openers.open(id, raw, byRecovery, { crypto })).versions).toHaveLength(3);
    expect(recoveryOpens - createOnly).toBe(2 * 2);
  });

  it('refuses a link that is not a valid transaction: the worker validates every link', async () => {
    const { id, raw } = await threeVersions();
    const v2 = raw[1] as { metadata: { tags: string[] } };
    // Version 2 with one of its rendezvous tags changed: its id and signatures no longer hold.
    const altered = { ...v2, metadata: { ...v2.metadata, tags: [...v2.metadata.tags].reverse() } };
    const chain = await openers.open(id, [raw[0], altered, raw[2]], ada, { crypto });
    expect(chain.tampered).toMatchObject({ seq: 2 });
    expect(chain.tampered!.reason).toMatch(/^version 2 is not a valid transaction/);
    expect(chain.versions.map((v) => v.seq)).toEqual([1]);
  });

  it('a worker without the task leaves it to the calling thread, with the same chain', async () => {
    // The ledger's worker alone (no records task registered).
    const pool = new VerifyPool({ crypto });
    try {
      const { id, raw } = await threeVersions();
      const split = await openChartV3Split(id, raw, ada, pool, {});
      expect(split).toEqual(await openChartV3(id, raw, ada, { crypto }));
      expect(split.versions).toHaveLength(3);
    } finally {
      await pool.close();
    }
  });
});
