// Spent outputs (docs/UNLINKABLE.md §5, "Spent outputs"): the reader recomputes the output of the last version it
// opens and of a version the quorum spent; a version the next one spent by the custodian its box names is proven by
// that spend. These chains are valid to the node (each link validated here against the output it spends) and each
// carries an output other than its box's: a doctor not named custodian who then spends it, an extra key in the
// quorum, at the head and before a quorum's move — every one refused at the forged version, as when every output was
// recomputed. The one chain accepted is the rule's stated case: an extra branch never used, spent by the named custodian.
import { afterAll, describe, expect, it } from 'vitest';
import { custodyDetails, type CustodyPolicy } from '../../src-shared/authority/custody';
import { fromBase58, randomBytes, toBase58 } from '../../src-shared/crypto/bytes';
import { newSeed } from '../../src-shared/crypto/keys';
import {
  makeTransfer,
  outputFromDetails,
  signTransaction,
  thresholdDetails,
  type JsonObject,
  type Output,
} from '../../src-shared/ledger';
import { payloadOf, type ChartPayload } from '../../src-shared/records/payload';
import { sealV3 } from '../../src-shared/unlinkable/envelope-v3';
import { encodeInnerV3 } from '../../src-shared/unlinkable/inner-envelope';
import { bothWays } from '../../test/fixtures/open-v3-both-ways';
import { sampleChart } from '../../test/fixtures/sample-chart';
import { nativeKeyHolderCrypto } from '../crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import { ownerTweakNative, tweakPublicKeyNative } from '../crypto/unlinkable-keys';
import { V3Counters } from './v3-counters';
import { ownerKey, ownerTweakFor, outputV3, quorumOf } from './v3-outputs';
import { withRecovery } from './version-builder';
import { buildCreateV3, buildQuorumMoveV3, buildVersionV3, type V3Head, type V3Written } from './version-builder-v3';

const holder = () => new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);
const crypto = nativeLedgerCrypto;
// Each chain is opened on this thread and split with a verification worker (v3-open-split.ts), the two required equal.
const openers = bothWays();
const openChartV3 = openers.open;
afterAll(() => openers.close());
const OUTPUT_FORGED = /^version 2's output is not owned by the custodian and quorum its box names$/;

describe('spent outputs: proven by the custodian’s spend, recomputed otherwise', () => {
  const [ada, ben, mallory, recovery] = [holder(), holder(), holder(), holder()];
  const officers = [holder(), holder(), holder()];
  const custody: CustodyPolicy = {
    authorityId: 'b2'.repeat(32),
    quorum: thresholdDetails(
      2,
      officers.map((o) => o.signKey),
    ),
    recoveryKey: recovery.boxKey,
    emergencyKey: null,
  };
  const quorum = quorumOf(custody)!;
  const counters = new V3Counters();
  const named = (h: SeedKeyHolder, name: string) => ({ signKey: h.signKey, boxKey: h.boxKey, name });
  const payload: ChartPayload = withRecovery(
    payloadOf(sampleChart(), null, named(ada, 'Dr Ada'), [named(ben, 'Dr Ben')]),
    custody,
  );
  const options = { crypto, counters, custody };

  /**
   * Ada's version 2 of `created`, its box naming Ada custodian and the authority's quorum, its output `outputOf` its
   * secret (a valid transaction: Ada signs the spend of version 1), sealed to Ada, Ben and the recovery key.
   */
  async function forgedVersion2(created: V3Written, outputOf: (secret: Uint8Array) => Output): Promise<V3Head> {
    const chartId = created.tx.id;
    const secret = randomBytes(32);
    const inner = encodeInnerV3({
      ...created.inner,
      chart: chartId,
      seq: 2,
      action: 'update',
      author: ada.signKey,
      secret,
      previousSecret: created.head.secret,
    });
    const readers = [ada.boxKey, ben.boxKey, recovery.boxKey];
    const metadata = sealV3(
      inner,
      readers.map((boxKey) => ({ boxKey, slotTag: randomBytes(8) })),
      [],
    );
    const tweak = ownerTweakFor(ada.signKey, created.head.secret, 1);
    const tx = await signTransaction(
      makeTransfer([{ tx: created.tx, outputIndex: 0 }], [outputOf(secret)], metadata as unknown as JsonObject),
      async (_key, message) => ada.signTweaked(tweak, message),
      { crypto, keys: [ownerKey(ada.signKey, created.head.secret, 1)] },
    );
    return { tx, seq: 2, secret, readers };
  }

  /** Version 2's output with a fourth key in the quorum's threshold (Mallory's, slot 4), the box's 2-of-3 otherwise. */
  const extraOfficer = (secret: Uint8Array) =>
    outputFromDetails(
      custodyDetails(
        ownerKey(ada.signKey, secret, 2),
        thresholdDetails(2, [
          ...quorum.officers.map((o, i) => ownerKey(o, secret, 2, 1 + i)),
          ownerKey(mallory.signKey, secret, 2, 4),
        ]),
      ),
    );

  it('a doctor the box does not name custodian owns version 2 and spends it: refused at version 2', async () => {
    const created = await buildCreateV3(ada, payload, options);
    const v2 = await forgedVersion2(created, (secret) => outputV3(ben.signKey, quorum, secret, 2));
    // Ben, who owns the output, writes version 3 as himself: his signature is valid to the ledger.
    const v3 = await buildVersionV3(
      ben,
      v2,
      created.tx.id,
      'update',
      { ...payload, custodian: named(ben, 'Dr Ben') },
      options,
    );
    for (const reader of [ada, ben]) {
      const chain = await openChartV3(created.tx.id, [created.tx, v2.tx, v3.tx], reader, { crypto });
      expect(chain.tampered).toMatchObject({ seq: 2, txId: v2.tx.id });
      expect(chain.tampered!.reason).toMatch(OUTPUT_FORGED);
      expect(chain.versions.map((v) => v.seq)).toEqual([1]);
      expect(chain.closedAt).toBeNull();
    }
  });

  it('the same output at the head: refused at version 2', async () => {
    const created = await buildCreateV3(ada, payload, options);
    const v2 = await forgedVersion2(created, (secret) => outputV3(ben.signKey, quorum, secret, 2));
    const chain = await openChartV3(created.tx.id, [created.tx, v2.tx], ada, { crypto });
    expect(chain.tampered).toMatchObject({ seq: 2 });
    expect(chain.tampered!.reason).toMatch(OUTPUT_FORGED);
  });

  it('an extra key in the quorum at the head: refused at version 2', async () => {
    const created = await buildCreateV3(ada, payload, options);
    const v2 = await forgedVersion2(created, extraOfficer);
    const chain = await openChartV3(created.tx.id, [created.tx, v2.tx], ada, { crypto });
    expect(chain.tampered).toMatchObject({ seq: 2 });
    expect(chain.tampered!.reason).toMatch(OUTPUT_FORGED);
  });

  it('the custodian key of a later attempt than the owner-key rule takes (UNLINKABLE §3): refused at version 2', async () => {
    // A writer may not pick among the attempts: the rule's key is the least attempt the ledger takes, and a reader
    // recomputes exactly that one. Attempt 1 is also a key of Ada's that the ledger takes, so only the rule refuses it.
    const created = await buildCreateV3(ada, payload, options);
    const laterAttempt = (secret: Uint8Array) => {
      const first = toBase58(tweakPublicKeyNative(fromBase58(ada.signKey), ownerTweakNative(secret, 2, 0, 0)));
      expect(ownerKey(ada.signKey, secret, 2)).toBe(first);
      const second = toBase58(tweakPublicKeyNative(fromBase58(ada.signKey), ownerTweakNative(secret, 2, 0, 1)));
      expect(second.length).toBeGreaterThanOrEqual(43);
      return outputFromDetails(
        custodyDetails(
          second,
          thresholdDetails(
            2,
            quorum.officers.map((o, i) => ownerKey(o, secret, 2, 1 + i)),
          ),
        ),
      );
    };
    const v2 = await forgedVersion2(created, laterAttempt);
    const chain = await openChartV3(created.tx.id, [created.tx, v2.tx], ada, { crypto });
    expect(chain.tampered).toMatchObject({ seq: 2 });
    expect(chain.tampered!.reason).toMatch(OUTPUT_FORGED);
    // The same version with the rule's key opens (the forgery is the attempt, nothing else).
    const honest = await forgedVersion2(created, (secret) => outputV3(ada.signKey, quorum, secret, 2));
    expect((await openChartV3(created.tx.id, [created.tx, honest.tx], ada, { crypto })).tampered).toBeNull();
  });

  it('an extra key in the quorum, then the quorum moves custody: refused at version 2', async () => {
    const created = await buildCreateV3(ada, payload, options);
    const v2 = await forgedVersion2(created, extraOfficer);
    // Two of the box's officers (not Mallory) move the chart to Ben: valid to the ledger (2 of the 4 keys).
    const moved = await buildQuorumMoveV3(
      [officers[0]!, officers[1]!],
      v2,
      quorum,
      created.tx.id,
      { ...payload, custodian: named(ben, 'Dr Ben'), doctors: [] },
      options,
    );
    const chain = await openChartV3(created.tx.id, [created.tx, v2.tx, moved.tx], recovery, { crypto });
    expect(chain.tampered).toMatchObject({ seq: 2 });
    expect(chain.tampered!.reason).toMatch(OUTPUT_FORGED);
    expect(chain.versions.map((v) => v.seq)).toEqual([1]);
  });

  it('a later version that fails for its own reason still names a forged spent output first', async () => {
    const created = await buildCreateV3(ada, payload, options);
    const v2 = await forgedVersion2(created, (secret) => outputV3(ben.signKey, quorum, secret, 2));
    const v3 = await buildVersionV3(ben, v2, created.tx.id, 'update', payload, options);
    const broken = { ...v3.tx, id: 'f'.repeat(64) }; // not its hash: an invalid link
    const chain = await openChartV3(created.tx.id, [created.tx, v2.tx, broken], ada, { crypto });
    expect(chain.tampered).toMatchObject({ seq: 2 });
    expect(chain.tampered!.reason).toMatch(OUTPUT_FORGED);
  });

  it('an extra quorum key never used, spent by the custodian the box names: the spend proves the output', async () => {
    const created = await buildCreateV3(ada, payload, options);
    const v2 = await forgedVersion2(created, extraOfficer);
    const v3 = await buildVersionV3(ada, v2, created.tx.id, 'update', payload, options);
    const chain = await openChartV3(created.tx.id, [created.tx, v2.tx, v3.tx], ada, { crypto });
    expect(chain.tampered).toBeNull();
    expect(chain.versions.map((v) => [v.seq, v.output])).toEqual([
      [1, 'spent-by-custodian'],
      [2, 'spent-by-custodian'],
      [3, 'recomputed'],
    ]);
    // The head's output is recomputed whole, so the rule never vouches for an output that can still be spent.
    const head = await buildVersionV3(ada, v3.head, created.tx.id, 'update', payload, options);
    expect(
      (await openChartV3(created.tx.id, [created.tx, v2.tx, v3.tx, head.tx], ada, { crypto })).tampered,
    ).toBeNull();
  });

  it('a chart written by the app opens with every non-head output proven by its custodian’s spend', async () => {
    const created = await buildCreateV3(ada, payload, options);
    const v2 = await buildVersionV3(ada, created.head, created.tx.id, 'share', payload, options);
    const v3 = await buildVersionV3(
      ada,
      v2.head,
      created.tx.id,
      'custody',
      { ...payload, custodian: named(ben, 'Dr Ben'), doctors: [named(ada, 'Dr Ada')] },
      options,
    );
    const v4 = await buildVersionV3(ben, v3.head, created.tx.id, 'update', v3.inner.payload, options);
    const chain = await openChartV3(created.tx.id, [created.tx, v2.tx, v3.tx, v4.tx], ada, { crypto });
    expect(chain.tampered).toBeNull();
    expect(chain.versions.map((v) => v.output)).toEqual([
      'spent-by-custodian',
      'spent-by-custodian',
      'spent-by-custodian',
      'recomputed',
    ]);
  });
});
