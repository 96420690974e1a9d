// The loader's memory of v3 chains opened this session (OpenedV3Chains) and of owner keys (v3-outputs.ts): a second
// read of the same bytes reuses what was opened, but a byte changed is opened and checked in full (tampering still
// shows), a tampered chain is never kept, and a viewer's chains go when it is forgotten. Without a node: the chart is
// built by the real v3 writer.
import { describe, expect, it } from 'vitest';
import { newSeed } from '../../src-shared/crypto/keys';
import { fromBase58, toBase58, type Transaction } from '../../src-shared/ledger';
import { payloadOf } from '../../src-shared/records/payload';
import { sampleChart } from '../../test/fixtures/sample-chart';
import { nativeKeyHolderCrypto } from '../crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import { ownerTweakNative, tweakPublicKeyNative } from '../crypto/unlinkable-keys';
import { VerifyPool } from '../ledger/verify-pool';
import { inlineValidator } from '../ledger/answer-validation';
import { V3Counters } from './v3-counters';
import { OpenedV3Chains, openV3ForLoader } from './v3-loaded';
import { ownerKey } from './v3-outputs';
import { buildCreateV3, buildVersionV3 } from './version-builder-v3';

const crypto = nativeLedgerCrypto;
const ada = new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);
const custodian = { signKey: ada.signKey, boxKey: ada.boxKey, name: 'Dr Ada' };

async function chart(): Promise<Transaction[]> {
  const counters = new V3Counters();
  const chartData = sampleChart();
  const create = await buildCreateV3(ada, payloadOf(chartData, null, custodian, []), { crypto, counters });
  chartData.visits[0]!.notes = 'Review 2';
  const next = await buildVersionV3(
    ada,
    create.head,
    create.tx.id,
    'update',
    payloadOf(chartData, null, custodian, []),
    {
      crypto,
      counters,
    },
  );
  return [create.tx, next.tx];
}

const load = (raw: readonly unknown[], chartId: string, opened: OpenedV3Chains) =>
  openV3ForLoader(ada, chartId, raw, { crypto, identity: null, placed: null, opened });

describe('v3 chains opened once a session', () => {
  it('reuses a chain read again byte for byte, and opens a changed one in full', async () => {
    const raw = await chart();
    const chartId = raw[0]!.id;
    const opened = new OpenedV3Chains();
    const first = await load(raw, chartId, opened);
    expect(first.tampered).toBeNull();
    expect(first.versions.map((v) => v.version.seq)).toEqual([1, 2]);
    const key = opened.keyOf(ada.boxKey, chartId, raw);
    expect(opened.get(key)).toBeDefined();

    const again = await load(JSON.parse(JSON.stringify(raw)) as unknown[], chartId, opened);
    expect(again.tampered).toBeNull();
    expect(again.versions.map((v) => v.payload)).toEqual(first.versions.map((v) => v.payload));

    // One character of version 2's box changed: another key, opened in full, the tampering shown and not kept.
    const forged = JSON.parse(JSON.stringify(raw)) as Transaction[];
    const metadata = forged[1]!.metadata as { box: string };
    metadata.box = (metadata.box[0] === 'a' ? 'b' : 'a') + metadata.box.slice(1);
    const changed = await load(forged, chartId, opened);
    expect(changed.tampered?.seq).toBe(2);
    expect(opened.get(opened.keyOf(ada.boxKey, chartId, forged))).toBeUndefined();

    // Another reader's key never finds this viewer's chain; forgetting the viewer drops it.
    expect(opened.get(opened.keyOf('someone-else', chartId, raw))).toBeUndefined();
    opened.forget(ada.boxKey);
    expect(opened.get(key)).toBeUndefined();
  });

  it('gives the same owner keys when it remembers them as when it computes them', () => {
    const secret = new Uint8Array(32).fill(7);
    const computed = (seq: number, slot = 0) =>
      toBase58(tweakPublicKeyNative(fromBase58(ada.signKey)!, ownerTweakNative(secret, seq, slot)));
    for (let i = 0; i < 2; i++) {
      expect(ownerKey(ada.signKey, secret, 3)).toBe(computed(3));
      expect(ownerKey(ada.signKey, secret, 4)).toBe(computed(4));
      expect(ownerKey(ada.signKey, secret, 3, 1)).toBe(computed(3, 1));
    }
    expect(ownerKey(ada.signKey, secret, 3)).not.toBe(ownerKey(ada.signKey, secret, 4));
    expect(() => ownerKey('not-a-key', secret, 3)).toThrow(/not a base58/);
  });

  it('validates every link with the loader’s validator, in worker threads too, and a forged signature fails', async () => {
    const raw = await chart();
    const chartId = raw[0]!.id;
    const forged = JSON.parse(JSON.stringify(raw)) as Transaction[];
    const input = forged[1]!.inputs[0]!;
    // Another valid-looking fulfillment: the one of version 1 (signed by another key over another message).
    input.fulfillment = raw[0]!.inputs[0]!.fulfillment;
    const pool = new VerifyPool({ size: 1, crypto });
    try {
      for (const validator of [inlineValidator(crypto), pool]) {
        const good = await openV3ForLoader(ada, chartId, raw, { crypto, validator, identity: null, placed: null });
        expect(good.tampered).toBeNull();
        expect(good.versions).toHaveLength(2);
        const bad = await openV3ForLoader(ada, chartId, forged, { crypto, validator, identity: null, placed: null });
        expect(bad.tampered?.seq).toBe(2);
        expect(bad.tampered?.reason).toMatch(/not a valid transaction/);
      }
    } finally {
      await pool.close();
    }
  });
});
