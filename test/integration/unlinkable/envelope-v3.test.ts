// Envelope v3 written and read on the real embedded node over HTTP (docs/UNLINKABLE.md §2–§7): doctors from the real
// vault on the real keychain (run in a D-Bus session with gnome-keyring), the patient's identity and the hospital's
// recovery key as the app makes them (SeedKeyHolder on libsodium). A chart goes create → update → share → share →
// unshare → custody → revoke → restore; every version is opened by its readers and refused to removed ones, and
// readers find versions by the rendezvous tags alone. Forged boxes posted as valid transactions are each flagged.
// The node's raw answers about the chart hold no directory key and no clear action or time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from '../../../src-shared/crypto/bytes';
import { newSeed } from '../../../src-shared/crypto/keys';
import type { KeyHolder } from '../../../src-shared/crypto/keyholder';
import type { CustodyPolicy } from '../../../src-shared/authority/custody';
import {
  makeTransfer,
  signTransaction,
  thresholdDetails,
  type JsonObject,
  type Transaction,
} from '../../../src-shared/ledger';
import { payloadOf, type ChartPayload } from '../../../src-shared/records/payload';
import { encodeInnerV3 } from '../../../src-shared/unlinkable/inner-envelope';
import { parseV3Metadata, sealV3, v3Slots } from '../../../src-shared/unlinkable/envelope-v3';
import { creatorSlotKey, openKeyedSlot, slotKey } from '../../../src-shared/unlinkable/keyed-slot';
import { ownerTweak } from '../../../src-shared/unlinkable/owner-keys';
import { introTag, listKey, listTag, slotTag, versionTag } from '../../../src-shared/unlinkable/rendezvous';
import { nativeKeyHolderCrypto } from '../../../src-main/crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { decodeKey32 } from '../../../src-shared/crypto/bytes';
import { isCurvePoint } from '../../fixtures/curve-point';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { V3Counters } from '../../../src-main/records/v3-counters';
import { ownerKey, outputV3 } from '../../../src-main/records/v3-outputs';
import {
  buildCreateV3,
  buildVersionV3,
  type V3Head,
  type V3Written,
} from '../../../src-main/records/version-builder-v3';
import { headIsCurrent, type V3Chain } from '../../../src-main/records/version-opener-v3';
import { withRecovery } from '../../../src-main/records/version-builder';
import { bothWays } from '../../fixtures/open-v3-both-ways';
import { sampleChart } from '../../fixtures/sample-chart';
import { NODE_TOKEN, TestVault, removeDir, startNode, tempDir } from '../charts/harness';

const plainHolder = () => new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);

describe('envelope v3 on the embedded node', { timeout: 120_000 }, () => {
  let node: LedgerNode;
  let client: LedgerNodeClient;
  const dataDir = tempDir('node');
  const vault = new TestVault();
  let ada: KeyHolder, ben: KeyHolder, cat: KeyHolder;
  const patient = plainHolder();
  const recovery = plainHolder();
  const officers = [plainHolder(), plainHolder(), plainHolder()];
  let custody: CustodyPolicy;
  const counters = new V3Counters();
  const crypto = nativeLedgerCrypto;
  const chain: V3Written[] = [];
  let chartId = '';

  const post = async (tx: Transaction) => expect((await client.post(tx, 'commit')).value).toBe('committed');
  // Every chain is opened on this thread and split with a verification worker, the two required equal.
  const openers = bothWays();
  const open = async (reader: KeyHolder, assetId = chartId): Promise<V3Chain> =>
    openers.open(assetId, (await client.listTransactions(assetId)).value, reader);
  const named = (holder: KeyHolder, name: string) => ({ signKey: holder.signKey, boxKey: holder.boxKey, name });
  const head = (): V3Head => chain.at(-1)!.head;
  const write = async (
    by: KeyHolder,
    action: 'update' | 'share' | 'unshare' | 'custody' | 'revoke' | 'restore',
    next: (p: ChartPayload) => ChartPayload,
  ) => {
    const written = await buildVersionV3(by, head(), chartId, action, next(chain.at(-1)!.inner.payload), {
      crypto,
      counters,
      custody,
    });
    await post(written.tx);
    chain.push(written);
    return written;
  };
  const search = async (tag: string) => (await client.searchMetadata(tag)).value.map((h) => h.id);

  beforeAll(async () => {
    node = await startNode(dataDir);
    client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
    const doctors = await Promise.all(
      ['Ada Oncologist', 'Ben Psychiatrist', 'Cat Cardiologist'].map(async (n) => (await vault.doctor(n, 'x')).holder),
    );
    [ada, ben, cat] = [doctors[0]!, doctors[1]!, doctors[2]!];
    custody = {
      authorityId: 'a1'.repeat(32),
      quorum: thresholdDetails(
        2,
        officers.map((o) => o.signKey),
      ),
      recoveryKey: recovery.boxKey,
      emergencyKey: null,
    };
  });

  afterAll(async () => {
    await openers.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
  });

  it('writes a chart through every action; each version is opened by its readers and refused to removed ones', async () => {
    const first = withRecovery(
      payloadOf(sampleChart(), { signKey: patient.signKey, boxKey: patient.boxKey }, named(ada, 'Dr Ada'), []),
      custody,
    );
    const created = await buildCreateV3(ada, first, { crypto, counters, custody });
    await post(created.tx);
    chain.push(created);
    chartId = created.tx.id;
    // The asset holds Ada's list tag 0, found by the ordinary asset search with what only Ada can compute.
    const myList = listKey(ada.pairKey!(ada.boxKey, ada.boxKey));
    expect((await client.searchAssets(listTag(myList, 0))).value.map((a) => a.id)).toEqual([chartId]);

    await write(ada, 'update', (p) => ({
      ...p,
      chart: { ...p.chart, patient: { ...p.chart.patient, phone: '+44 20 7946 0011' } },
    }));
    const shareBen = await write(ada, 'share', (p) => ({ ...p, doctors: [...p.doctors, named(ben, 'Dr Ben')] }));
    // Ben finds the version that introduces him by his intro tag with Ada, computed on his side.
    const benIntro = introTag(ben.pairKey!(ada.boxKey, ben.boxKey), 0);
    expect(shareBen.tags).toContain(benIntro);
    expect(await search(benIntro)).toEqual([shareBen.tx.id]);
    await write(ada, 'share', (p) => ({ ...p, doctors: [...p.doctors, named(cat, 'Dr Cat')] }));
    const unshare = await write(ada, 'unshare', (p) => ({
      ...p,
      doctors: p.doctors.filter((d) => d.boxKey !== ben.boxKey),
    }));
    await write(ada, 'custody', (p) => ({
      ...p,
      custodian: named(cat, 'Dr Cat'),
      doctors: [...p.doctors.filter((d) => d.boxKey !== cat.boxKey), named(ada, 'Dr Ada')],
    }));
    await write(cat, 'revoke', (p) => ({ ...p, note: 'duplicate chart' }));
    await write(cat, 'restore', ({ note: _note, ...p }) => p);

    const actions = ['create', 'update', 'share', 'share', 'unshare', 'custody', 'revoke', 'restore'];
    for (const reader of [ada, patient, recovery]) {
      const opened = await open(reader);
      expect(opened.tampered).toBeNull();
      expect(opened.closedAt).toBeNull();
      expect(opened.versions.map((v) => v.inner.action)).toEqual(actions);
    }
    const byAda = await open(ada);
    expect(byAda.versions.map((v) => v.inner.author)).toEqual([
      ...Array(6).fill(ada.signKey),
      cat.signKey,
      cat.signKey,
    ]);
    expect(byAda.versions[6]!.inner.payload.note).toBe('duplicate chart');
    expect(byAda.versions[1]!.inner.payload.chart.patient.phone).toBe('+44 20 7946 0011');

    // Ben was shared in at 3 and removed at 5: he opens 3–4 only, and the removal version is closed to him.
    const byBen = await open(ben);
    expect(byBen).toMatchObject({ tampered: null, openedFrom: 3, closedAt: 5 });
    expect(byBen.versions.map((v) => v.seq)).toEqual([3, 4]);
    // He could find the removal (its version tag comes from a secret he had), and nothing after it.
    expect(await search(versionTag(byBen.versions.at(-1)!.secret, 5))).toEqual([unshare.tx.id]);
    const catView = await open(cat);
    expect(catView).toMatchObject({ tampered: null, openedFrom: 4, closedAt: null });
    // An identity never shared in opens nothing.
    expect(await open(plainHolder())).toMatchObject({ versions: [], openedFrom: null, tampered: null });
  });

  it('seals continuing doctors’ and the patient’s slots under keys of their pair with the custodian; a removed reader cannot open them', async () => {
    const slotsOf = (w: V3Written) => v3Slots(parseV3Metadata(w.tx.metadata));
    /** The slots of version `w` that open under `key` as keyed slots. */
    const keyedOpen = (w: V3Written, key: Uint8Array) =>
      slotsOf(w).filter((slot) => openKeyedSlot(key, slot.subarray(8)) !== null);
    // The CREATE: Ada's own slot under her creator slot key (her list key and the chart's list tag).
    const created = chain[0]!;
    const adaList = listKey(ada.pairKey!(ada.boxKey, ada.boxKey));
    expect(keyedOpen(created, creatorSlotKey(adaList, created.inner.chart))).toHaveLength(1);
    for (let i = 1; i < chain.length; i++) {
      const [before, version] = [chain[i - 1]!, chain[i]!];
      const seq = i + 1;
      const custodian = before.inner.payload.custodian.boxKey;
      const payload = version.inner.payload;
      const continuing = [ada, ben, cat, patient].filter(
        (h) =>
          before.head.readers.includes(h.boxKey) &&
          (payload.custodian.boxKey === h.boxKey ||
            payload.doctors.some((d) => d.boxKey === h.boxKey) ||
            payload.patient?.boxKey === h.boxKey),
      );
      for (const reader of continuing) {
        const key = slotKey(reader.pairKey!(custodian, reader.boxKey), before.head.secret, seq);
        const opened = keyedOpen(version, key);
        // Exactly the reader's slot, marked by its slot tag.
        expect(opened, `${reader.boxKey} at ${seq}`).toHaveLength(1);
        expect(opened[0]!.subarray(0, 8)).toEqual(slotTag(before.head.secret, seq, decodeKey32(reader.boxKey)!));
      }
      // The recovery key keeps a sealed box (its reader has no pair key): no keyed slot under its pair.
      expect(
        keyedOpen(version, slotKey(recovery.pairKey!(custodian, recovery.boxKey), before.head.secret, seq)),
      ).toEqual([]);
      // Every slot's front is an X25519 public key, keyed or sealed alike.
      for (const slot of slotsOf(version)) expect(isCurvePoint(slot.subarray(8, 40))).toBe(true);
    }
    // Ben, removed at 5, holds version 4's secret and his pair key with the custodian: the key he derives opens no
    // slot of 5 (were K(W→R) left out of the key, his would be Ada's and Cat's).
    const byBen = await open(ben);
    const secret4 = byBen.versions.at(-1)!.secret;
    const benKey = slotKey(ben.pairKey!(ada.boxKey, ben.boxKey), secret4, 5);
    expect(keyedOpen(chain[4]!, benKey)).toEqual([]);
    for (const later of chain.slice(4)) expect(keyedOpen(later, benKey)).toEqual([]);
    // The control: the same derivation with a continuing reader's pair opens its slot.
    expect(keyedOpen(chain[4]!, slotKey(cat.pairKey!(ada.boxKey, cat.boxKey), secret4, 5))).toHaveLength(1);
  });

  it('opens a doctor’s own chain of many versions with one X25519 a session (its self pair key), not one a version', async () => {
    const seed = newSeed();
    const counts = { pairKeys: 0, sealedOpens: 0 };
    const counting = (): SeedKeyHolder =>
      new SeedKeyHolder(Uint8Array.from(seed), {
        ...nativeKeyHolderCrypto,
        pairKey: (...args) => {
          counts.pairKeys++;
          return nativeKeyHolderCrypto.pairKey(...args);
        },
        sealedBoxOpener: (secret) => {
          const opener = nativeKeyHolderCrypto.sealedBoxOpener(secret);
          return {
            use: (sealed) => {
              counts.sealedOpens++;
              return opener.use(sealed);
            },
            wipe: () => opener.wipe(),
          };
        },
      });
    const writer = counting();
    const dan = named(writer, 'Dr Dan');
    const charts: string[] = [];
    for (let c = 0; c < 2; c++) {
      let written = await buildCreateV3(writer, payloadOf(sampleChart(), null, dan, []), { crypto, counters });
      await post(written.tx);
      charts.push(written.tx.id);
      for (let v = 0; v < 5; v++) {
        written = await buildVersionV3(writer, written.head, charts[c]!, 'update', written.inner.payload, {
          crypto,
          counters,
        });
        await post(written.tx);
      }
    }
    writer.lock();
    counts.pairKeys = counts.sealedOpens = 0;
    const reader = counting();
    for (const id of charts) {
      const opened = await open(reader, id);
      expect(opened).toMatchObject({ tampered: null, closedAt: null });
      expect(opened.versions).toHaveLength(6);
    }
    // Both ways (this thread, and split with a worker) ran on both charts: K(D→D) once, and no sealed box at all.
    expect(counts).toEqual({ pairKeys: 1, sealedOpens: 0 });
    reader.lock();
  });

  it('finds each next version by its version tag, and proves the head current by its tweaked owner key', async () => {
    const opened = await open(ada);
    for (let i = 1; i < opened.versions.length; i++)
      expect(await search(versionTag(opened.versions[i - 1]!.secret, i + 1))).toEqual([opened.versions[i]!.txId]);
    const last = opened.versions.at(-1)!;
    expect(await headIsCurrent(client, last)).toBe(true);
    expect(await headIsCurrent(client, opened.versions.at(-2)!)).toBe(false);
    // The head's owner is Cat's key tweaked for this version: recomputable from the directory with the secret only.
    expect(last.ownerKey).toBe(ownerKey(cat.signKey, last.secret, last.seq));
  });

  it('shows the node no directory key, no clear action or time, and one metadata length for every version', async () => {
    const keys = [ada, ben, cat, patient, recovery, ...officers].flatMap((h) => [h.signKey, h.boxKey]);
    const answers = [
      await fetchText(`/api/v1/transactions?asset_id=${chartId}`),
      ...(await Promise.all(chain.map((w) => fetchText(`/api/v1/transactions/${w.tx.id}`)))),
      ...(await Promise.all(keys.map((k) => fetchText(`/api/v1/metadata?search=${k}`)))),
      ...(await Promise.all(keys.map((k) => fetchText(`/api/v1/outputs?public_key=${k}`)))),
      ...(await Promise.all(keys.map((k) => fetchText(`/api/v1/assets?search=${k}`)))),
    ];
    const text = answers.join('\n');
    for (const key of keys) expect(text).not.toContain(key);
    for (const word of ['"action"', '"author"', '"readers"', '"seq"', '"at"', 'Amelia'])
      expect(text).not.toContain(word);
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    for (const k of keys) expect(JSON.parse(await fetchText(`/api/v1/outputs?public_key=${k}`))).toEqual([]);
    const lengths = chain.map((w) => JSON.stringify(w.tx.metadata).length);
    expect(new Set(lengths).size).toBe(1);
  });

  async function fetchText(path: string): Promise<string> {
    const response = await fetch(`${node.url}${path}`, { headers: { Authorization: `Bearer ${NODE_TOKEN}` } });
    expect(response.status).toBe(200);
    return response.text();
  }

  describe('forged versions, valid to the node, flagged by the reader', () => {
    /** Ada's next version of `written` with the inner envelope and output as a forger chooses, validly signed. */
    async function forge(
      written: V3Written,
      assetId: string,
      change: { author?: string; chart?: string; seq?: number; custodianOut?: string; metadata?: JsonObject },
    ): Promise<Transaction> {
      const seq = written.head.seq + 1;
      const secret = randomBytes(32);
      const payload = written.inner.payload;
      const inner = encodeInnerV3({
        ...written.inner,
        chart: change.chart ?? assetId,
        seq: change.seq ?? seq,
        action: 'update',
        author: change.author ?? ada.signKey,
        secret,
        previousSecret: written.head.secret,
      });
      const metadata =
        change.metadata ??
        (sealV3(inner, [{ boxKey: ada.boxKey, slotTag: randomBytes(8) }], []) as unknown as JsonObject);
      const inputKey = ownerKey(ada.signKey, written.head.secret, written.head.seq);
      const tweak = ownerTweak(written.head.secret, written.head.seq);
      const unsigned = makeTransfer(
        [{ tx: written.tx, outputIndex: 0 }],
        [outputV3(change.custodianOut ?? payload.custodian.signKey, written.inner.quorum, secret, seq)],
        metadata,
      );
      const tx = await signTransaction(unsigned, async (_k, m) => ada.signTweaked!(tweak, m), {
        crypto,
        keys: [inputKey],
      });
      await post(tx);
      return tx;
    }

    const newChart = async () => {
      const payload = withRecovery(payloadOf(sampleChart(), null, named(ada, 'Dr Ada'), []), custody);
      const created = await buildCreateV3(ada, payload, { crypto, counters, custody });
      await post(created.tx);
      return created;
    };

    it('flags a box naming an author who did not sign', async () => {
      const created = await newChart();
      await forge(created, created.tx.id, { author: ben.signKey });
      const opened = await open(ada, created.tx.id);
      expect(opened.versions).toHaveLength(1);
      expect(opened.tampered).toMatchObject({ seq: 2 });
      expect(opened.tampered!.reason).toContain(`not signed by ${ben.signKey}`);
    });

    it('flags a box copied from another chart, and one copied to another position of its chart', async () => {
      const created = await newChart();
      // Chart 1's version 2 box, posted as this chart's version 2 (Ada signs: the node accepts it).
      await forge(created, created.tx.id, { metadata: chain[1]!.tx.metadata as JsonObject });
      // Ada's slot there is keyed under chart 1's version 1 secret: here it does not open, so the copy is never read
      // by her (version 2 is closed to her, as a removal would be); the recovery key's sealed box opens and its box
      // is flagged as a copy.
      const byAda = await open(ada, created.tx.id);
      expect(byAda).toMatchObject({ tampered: null, closedAt: 2 });
      expect(byAda.versions).toHaveLength(1);
      const opened = await open(recovery, created.tx.id);
      expect(opened.tampered).toMatchObject({ seq: 2 });
      expect(opened.tampered!.reason).toMatch(new RegExp(`belongs to chart ${chartId} at version 2: it was copied`));

      const other = await newChart();
      await forge(other, other.tx.id, { seq: 5 });
      const moved = await open(ada, other.tx.id);
      expect(moved.tampered!.reason).toMatch(/belongs to this chart at version 5: it was copied/);
    });

    it('flags an output not owned by the custodian the box names', async () => {
      const created = await newChart();
      await forge(created, created.tx.id, { custodianOut: ben.signKey });
      const opened = await open(ada, created.tx.id);
      expect(opened.tampered).toMatchObject({ seq: 2 });
      expect(opened.tampered!.reason).toMatch(/output is not owned by the custodian and quorum its box names/);
    });

    it('flags a CREATE whose box names another author than its tweaked issuer', async () => {
      // A holder that signs as Ada but names Ben in its boxes: the issuer key is Ben's tweak, which Ada cannot sign for.
      const impostor: KeyHolder = {
        signKey: ben.signKey,
        boxKey: ada.boxKey,
        sign: (m) => ada.sign(m),
        openSealed: (s) => ada.openSealed(s),
        localMac: (d) => ada.localMac(d),
        signTweaked: (t, m) => ada.signTweaked!(t, m),
        pairKey: (w, r) => ada.pairKey!(w, r),
      };
      const payload = withRecovery(payloadOf(sampleChart(), null, named(ada, 'Dr Ada'), []), custody);
      const forged = await buildCreateV3(impostor, payload, { crypto, counters, custody });
      // Its signature does not verify under the key it names: the node refuses it outright.
      expect((await client.post(forged.tx, 'commit').catch((e: Error) => ({ value: e.message }))).value).toMatch(
        /InvalidSignature/,
      );
    });
  });
});
