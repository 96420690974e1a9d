// The kiosk's v3 path (src-main/records/card-chart-v3.ts) against what a node or a writer can do wrong, on the real
// embedded node over HTTP: a node that withholds the chart's newest version (a rollback, through a rewriting proxy in
// front of the real node), a hospital authority pinned (a credentialed and an uncredentialed writer; the authority and
// credential are real ledger acts, hospital-setup.ts), and a card whose tag is on no version (its chart is v1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSeed } from '../../../src-shared/crypto/keys';
import type { KeyHolder } from '../../../src-shared/crypto/keyholder';
import type { Transaction } from '../../../src-shared/ledger';
import { payloadOf } from '../../../src-shared/records/payload';
import { AuthorityTrust } from '../../../src-main/authority/trust';
import { nativeKeyHolderCrypto } from '../../../src-main/crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { openCardChartV3, cardTagOf, type CardChartV3Parts } from '../../../src-main/records/card-chart-v3';
import { ChartAuthorship } from '../../../src-main/records/chart-authorship';
import { V3Counters } from '../../../src-main/records/v3-counters';
import { buildCreate } from '../../../src-main/records/version-builder';
import { buildCreateV3, buildVersionV3, type V3Written } from '../../../src-main/records/version-builder-v3';
import { sampleChart } from '../../fixtures/sample-chart';
import { NODE_TOKEN, removeDir, startNode, tempDir } from '../charts/harness';
import { Hospital } from '../authority/hospital-setup';
import { startTamperProxy, type TamperProxy } from '../charts/tamper-proxy';

const holder = () => new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);
const crypto = nativeLedgerCrypto;
const keysOf = (h: KeyHolder) => ({ signKey: h.signKey, boxKey: h.boxKey });

describe('the kiosk’s v3 checks', { timeout: 120_000 }, () => {
  let node: LedgerNode;
  let client: LedgerNodeClient;
  let proxy: TamperProxy;
  let viaProxy: LedgerNodeClient;
  let hospital: Hospital;
  const dataDir = tempDir('node');
  const [ada, ben] = [holder(), holder()];
  const counters = new V3Counters();
  const named = (h: KeyHolder, name: string) => ({ signKey: h.signKey, boxKey: h.boxKey, name });
  const noAuthority: CardChartV3Parts['authors'] = { check: async () => null };
  const parts = (over: Partial<CardChartV3Parts> = {}): CardChartV3Parts => ({
    client,
    crypto,
    authors: noAuthority,
    nameOf: () => null,
    ...over,
  });
  const post = async (tx: Transaction) => expect((await client.post(tx, 'commit')).value).toBe('committed');

  /** A chart by `by` for a new card, created and updated twice; the card's identity is returned unlocked. */
  async function chartFor(by: SeedKeyHolder): Promise<{ card: SeedKeyHolder; chain: V3Written[] }> {
    const card = holder();
    const payload = payloadOf(sampleChart('Noor Haddad'), keysOf(card), named(by, 'Dr'), []);
    const chain = [await buildCreateV3(by, payload, { crypto, counters, cardTag: cardTagOf(card) })];
    await post(chain[0]!.tx);
    for (const phone of ['+44 1', '+44 2']) {
      const last = chain.at(-1)!;
      const next = { ...last.inner.payload.chart, patient: { ...last.inner.payload.chart.patient, phone } };
      const written = await buildVersionV3(
        by,
        last.head,
        chain[0]!.tx.id,
        'update',
        { ...payload, chart: next },
        {
          crypto,
          counters,
        },
      );
      await post(written.tx);
      chain.push(written);
    }
    return { card, chain };
  }

  beforeAll(async () => {
    node = await startNode(dataDir);
    client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
    proxy = await startTamperProxy(node.url);
    viaProxy = new LedgerNodeClient({ nodeUrls: [proxy.url], bearerTokenFor: () => NODE_TOKEN });
    hospital = await Hospital.found(node.url);
    await hospital.credential(ada, 'Dr Ada Okafor');
  });

  afterAll(async () => {
    hospital?.close();
    viaProxy?.close();
    await proxy?.close();
    client?.close();
    await node?.stop();
    removeDir(dataDir);
  });

  it('a node that withholds the newest version is not believed; one that only lagged is read again', async () => {
    const { card, chain } = await chartFor(ada);
    const chartId = chain[0]!.tx.id;
    const headId = chain.at(-1)!.tx.id;
    const dropHead = (url: string, body: string) =>
      url.includes(`asset_id=${chartId}`)
        ? JSON.stringify((JSON.parse(body) as { id: string }[]).filter((tx) => tx.id !== headId))
        : body;
    proxy.setRewrite(dropHead);
    const rolledBack = await openCardChartV3(parts({ client: viaProxy }), card, chartId.slice(0, 32));
    expect(rolledBack).toMatchObject({ kind: 'refused', problem: expect.stringMatching(/did not return the latest/) });

    let lagged = 1;
    proxy.setRewrite((url, body) => (url.includes(`asset_id=${chartId}`) && lagged-- > 0 ? dropHead(url, body) : body));
    const caughtUp = await openCardChartV3(parts({ client: viaProxy }), card, chartId.slice(0, 32));
    proxy.setRewrite(null);
    expect(caughtUp.kind).toBe('chart');
    if (caughtUp.kind !== 'chart') return;
    expect(caughtUp.state.head).toMatchObject({ seq: 3, txId: headId, status: 'committed' });
    expect(caughtUp.state.chart).toEqual(chain.at(-1)!.inner.payload.chart);
  });

  it('with an authority pinned, a credentialed writer’s chart opens and an uncredentialed one’s does not', async () => {
    const trust = new AuthorityTrust(client, { authorityId: () => hospital.authorityId });
    expect((await trust.state()).kind).toBe('pinned');
    const authors = new ChartAuthorship(trust, client);
    const byAda = await chartFor(ada);
    const opened = await openCardChartV3(parts({ authors }), byAda.card, byAda.chain[0]!.tx.id.slice(0, 32));
    expect(opened).toMatchObject({ kind: 'chart', state: { authorship: null, tampered: null } });

    const byBen = await chartFor(ben);
    const refused = await openCardChartV3(parts({ authors }), byBen.card, byBen.chain[0]!.tx.id.slice(0, 32));
    expect(refused).toMatchObject({
      kind: 'refused',
      problem: expect.stringMatching(/not written by a credentialed practitioner \(Unknown author: version 1/),
    });
    // Without the authority, Ben's chart opens as any other.
    expect(await openCardChartV3(parts(), byBen.card, byBen.chain[0]!.tx.id.slice(0, 32))).toMatchObject({
      kind: 'chart',
    });
  });

  it('a card whose tag is on no version (a v1 chart) is absent from the v3 path, not refused', async () => {
    const card = holder();
    const { tx } = await buildCreate(
      ada,
      payloadOf(sampleChart('Ines Moreau'), keysOf(card), named(ada, 'Dr'), []),
      crypto,
    );
    await post(tx);
    expect(await openCardChartV3(parts(), card, tx.id.slice(0, 32))).toEqual({ kind: 'absent' });
    // A holder that cannot give a card tag is absent too (the v1 path decides).
    const plain = {
      signKey: card.signKey,
      boxKey: card.boxKey,
      sign: card.sign,
      openSealed: card.openSealed,
      localMac: card.localMac,
    };
    expect(await openCardChartV3(parts(), plain as KeyHolder, null)).toEqual({ kind: 'absent' });
  });
});
