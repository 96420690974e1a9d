// The kiosk opens an envelope v3 chart from the patient's card (docs/UNLINKABLE.md §8): card + PIN → the card's
// identity (scrypt with the hospital card key, as for v1) → its card tag → one metadata search → the chart the tag
// first appears in, checked against the card's chart tag → every version verified and the card's slot opened.
// Real embedded node over HTTP, doctors from the real vault and the card key on the real keychain (run in a D-Bus
// session with gnome-keyring), and the real IPC handler registry of a kiosk core (src-main/app/core.ts). Charts are
// written with version-builder-v3.ts directly, as the issuing workstation writes them (its card tag from
// card-chart-v3.ts's cardTagOf, computed while it holds the new card's identity).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Core } from '../../../src-main/app/core';
import { startKioskCore } from '../charts/kiosk-core';
import { nativeKeyHolderCrypto } from '../../../src-main/crypto/key-holder-crypto';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { cardTagOf } from '../../../src-main/records/card-chart-v3';
import { V3Counters } from '../../../src-main/records/v3-counters';
import { buildCreateV3, buildVersionV3, type V3Written } from '../../../src-main/records/version-builder-v3';
import { readerSlotKeys } from '../../../src-main/records/v3-slot-keys';
import { openChartV3 } from '../../../src-main/records/version-opener-v3';
import type { PatientCard } from '../../../src-main/vault';
import { decodeCardCode, encodeCardCode } from '../../../src-shared/crypto/card-code';
import { newSeed } from '../../../src-shared/crypto/keys';
import type { KeyHolder } from '../../../src-shared/crypto/keyholder';
import { signerFor } from '../../../src-shared/crypto/keyholder';
import { buildEmergencyRequestV3, makeGrantV3, openRequestV3, v3DataKey } from '../../../src-shared/emergency';
import { signTransaction, type Transaction } from '../../../src-shared/ledger';
import { parseV3Metadata } from '../../../src-shared/unlinkable/envelope-v3';
import type { Chart } from '../../../src-shared/records/chart';
import { payloadOf, type ChartPayload } from '../../../src-shared/records/payload';
import { fullSampleChart, sampleChart } from '../../fixtures/sample-chart';
import {
  NODE_TOKEN,
  PIN,
  TestVault,
  startNode,
  startService,
  tempDir,
  testCards,
  type Doctor,
} from '../charts/harness';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const crypto = nativeLedgerCrypto;
const vault = new TestVault();
const cards = testCards();
const counters = new V3Counters();
let dir: string;
let node: LedgerNode;
let client: LedgerNodeClient;
let kiosk: Core;
let ada: Doctor;
let ben: Doctor;

type Dispatched = { ok: boolean; value?: unknown; error?: { code: string; message: string } };

const post = async (tx: Transaction) => expect((await client.post(tx, 'commit')).value).toBe('committed');
const patientOf = (card: PatientCard) => ({ signKey: card.holder.signKey, boxKey: card.holder.boxKey });
const named = (d: Doctor) => ({ signKey: d.holder.signKey, boxKey: d.holder.boxKey, name: d.name });

/** What the issuing workstation does at create: the card first, its tag into the CREATE, the card printed for it. */
async function issueChart(
  by: Doctor,
  chart: Chart,
): Promise<{ written: V3Written; card: PatientCard; code: string; chartId: string }> {
  const card = await cards.create(PIN);
  const payload = payloadOf(chart, patientOf(card), named(by), []);
  const written = await buildCreateV3(by.holder, payload, { crypto, counters, cardTag: cardTagOf(card.holder) });
  card.holder.lock();
  await post(written.tx);
  const { code } = await cards.forChart(card.code, written.tx.id);
  return { written, card, code, chartId: written.tx.id };
}

async function write(
  by: Doctor,
  after: V3Written,
  chartId: string,
  action: 'update' | 'share',
  next: (p: ChartPayload) => ChartPayload,
  cardTag: string | null = null,
): Promise<V3Written> {
  const written = await buildVersionV3(by.holder, after.head, chartId, action, next(after.inner.payload), {
    crypto,
    counters,
    cardTag,
  });
  await post(written.tx);
  return written;
}

async function openCard(code: string, pin = PIN): Promise<Dispatched> {
  await kiosk.registry.dispatch('patient.signOut', {});
  return (await kiosk.registry.dispatch('patient.openCard', { code, pin })) as Dispatched;
}

const shownChart = async (): Promise<Dispatched> => (await kiosk.registry.dispatch('patient.getChart', {})) as never;

async function fetchText(url: string): Promise<string> {
  const response = await fetch(`${node.url}${url}`, { headers: { Authorization: `Bearer ${NODE_TOKEN}` } });
  expect(response.status).toBe(200);
  return response.text();
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hc-kiosk-v3-'));
  node = await startNode(tempDir('kiosk-v3-node'));
  client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
  ada = await vault.doctor('Dr Ada Okafor', 'Oncology');
  ben = await vault.doctor('Dr Ben Adeyemi', 'Psychiatry');
  // Both in the practitioner directory (the Access tab names readers from it), published by a workstation.
  const { service: ws } = await startService([node.url], { liveStream: false, verifyWorkers: 0 });
  for (const d of [ada, ben]) await ws.publishPractitioner(d.holder, { name: d.name, specialty: d.specialty });
  await ws.close();
  ({ core: kiosk } = await startKioskCore({
    dir,
    nodeUrl: node.url,
    vaultService: `${vault.service}-kiosk`,
  }));
});

afterAll(async () => {
  await kiosk?.stop();
  client?.close();
  await node?.stop();
  await vault.clean();
  await rm(dir, { recursive: true, force: true });
});

describe('the kiosk opens an envelope v3 chart from the card (docs/UNLINKABLE.md §8)', () => {
  let issued: Awaited<ReturnType<typeof issueChart>>;
  let latest: V3Written;
  let reissue: { written: V3Written; card: PatientCard; code: string };

  it('opens the chart the card names and shows what was written, head included; a wrong PIN is a wrong PIN', async () => {
    issued = await issueChart(ada, fullSampleChart('Noor Haddad'));
    expect(decodeCardCode(issued.code)).toMatchObject({ version: 3, chartTag: issued.chartId.slice(0, 32) });
    latest = await write(ada, issued.written, issued.chartId, 'update', (p) => ({
      ...p,
      chart: {
        ...p.chart,
        patient: { ...p.chart.patient, phone: '+44 20 7946 0011' },
        medications: [
          ...p.chart.medications,
          { ...p.chart.medications[0]!, id: 'm-v3', name: 'Tamoxifen', dose: '20 mg', prescribedBy: ada.name },
        ],
      },
    }));
    latest = await write(ada, latest, issued.chartId, 'share', (p) => ({ ...p, doctors: [named(ben)] }));

    const opened = await openCard(issued.code);
    expect(opened).toMatchObject({ ok: true, value: { chartId: issued.chartId, patientName: 'Noor Haddad' } });
    const shown = await shownChart();
    expect(shown.ok).toBe(true);
    const view = shown.value as {
      data: Chart;
      seq: number;
      txId: string;
      summary: { integrity: string; seq: number; custodian: { signKey: string } };
      sharedWith: { signKey: string }[];
    };
    // The four tabs (patient, visits, medications, allergies…) are the written head's chart, field for field.
    expect(view.data).toEqual(latest.inner.payload.chart);
    expect(view.data.patient.phone).toBe('+44 20 7946 0011');
    expect(view).toMatchObject({ seq: 3, txId: latest.tx.id, summary: { integrity: 'verified', seq: 3 } });
    expect(view.summary.custodian.signKey).toBe(ada.holder.signKey);
    expect(view.sharedWith.map((d) => d.signKey)).toEqual([ben.holder.signKey]);

    // The Access tab: who can read the head now and the versions that made it so, from the same v3 chain.
    const access = (await kiosk.registry.dispatch('charts.access', { chartId: issued.chartId })) as Dispatched;
    expect(access.ok).toBe(true);
    const { canRead, history } = access.value as {
      canRead: { role: string; person: { name: string | null } }[];
      history: { kind: string; txId: string }[];
    };
    expect(canRead.map((p) => [p.role, p.person.name])).toEqual([
      ['custodian', ada.name],
      ['patient', 'Noor Haddad'],
      ['doctor', ben.name],
    ]);
    expect(history.filter((e) => e.kind === 'created' || e.kind === 'shared').map((e) => e.txId)).toEqual([
      issued.chartId,
      latest.tx.id,
    ]);

    await kiosk.registry.dispatch('patient.signOut', {});
    expect(await openCard(issued.code, '915372')).toMatchObject({ ok: false, error: { code: 'WRONG_PIN' } });
  });

  it('the Access tab lists an emergency grant of the v3 chart, found by its grant tag (docs/UNLINKABLE.md §9)', async () => {
    // The grant is made with the documents' builders and a stand-in service key (this kiosk pins no authority); the
    // service that makes real ones is tested in emergency-v3.test.ts. What is tested here is the tab finding it.
    const service = new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);
    const requester = new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);
    const at = new Date().toISOString();
    const request = await buildEmergencyRequestV3(
      requester,
      { authority: 'a'.repeat(64), chart: issued.chartId, reason: 'unconscious', note: 'Found collapsed', service, at },
      crypto,
    );
    await post(request);
    const opened = await openRequestV3(request, service, service.signKey, crypto);
    if (!opened.ok) throw new Error(opened.reason);
    const chain = await openChartV3(issued.chartId, (await client.listTransactions(issued.chartId)).value, ada.holder);
    const head = chain.versions.at(-1)!;
    const grant = await signTransaction(
      makeGrantV3({
        request: opened.value,
        chart: issued.chartId,
        version: head.txId,
        // Ada's slot is keyed (docs/UNLINKABLE.md §4): her key from the version before, or her list key on a CREATE.
        dataKey: await v3DataKey(
          parseV3Metadata(head.tx.metadata),
          ada.holder,
          readerSlotKeys(
            ada.holder,
            head.seq,
            (head.tx.asset as { data?: { chart?: string } }).data?.chart ?? null,
            chain.versions.length > 1
              ? {
                  secret: chain.versions.at(-2)!.secret,
                  custodianBoxKey: chain.versions.at(-2)!.inner.payload.custodian.boxKey,
                }
              : null,
          ),
        ),
        chartSecret: head.secret,
        k: 0,
        serviceBoxKey: service.boxKey,
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        at,
      }),
      signerFor(service),
      { crypto },
    );
    await post(grant);

    expect(await openCard(issued.code)).toMatchObject({ ok: true });
    const access = (await kiosk.registry.dispatch('charts.access', { chartId: issued.chartId })) as Dispatched;
    expect(access.ok).toBe(true);
    const { canRead, history } = access.value as {
      canRead: { role: string; person: { signKey: string } }[];
      history: { kind: string; txId: string; text?: string | null }[];
    };
    expect(canRead.filter((p) => p.role === 'emergency').map((p) => p.person.signKey)).toEqual([requester.signKey]);
    const emergency = history.filter((e) => e.kind.startsWith('emergency-'));
    expect(emergency.map((e) => [e.kind, e.txId]).sort()).toEqual([
      ['emergency-grant', grant.id],
      ['emergency-request', request.id],
    ]);
    expect(emergency.find((e) => e.kind === 'emergency-request')?.text).toBe('Found collapsed');
    await kiosk.registry.dispatch('patient.signOut', {});
  });

  it('a forged later chart carrying the copied card tag, sealed to the same patient, is not shown: the first appearance wins', async () => {
    const mallory = new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);
    const base = sampleChart('Noor Haddad');
    const urgent: Chart = {
      ...base,
      visits: [{ ...base.visits[0]!, id: 'v9', reason: 'URGENT', notes: 'URGENT: stop all medication' }],
    };
    // The card tag is public once committed: a forger copies it from the real chart's CREATE.
    const copied = issued.written.tags[0]!;
    expect((issued.written.tx.metadata as { tags: string[] }).tags).toContain(copied);
    const forged = await buildCreateV3(
      mallory,
      payloadOf(urgent, issued.written.inner.payload.patient!, named(ada), []),
      {
        crypto,
        counters: new V3Counters(),
        cardTag: copied,
      },
    );
    await post(forged.tx);
    // The forgery is a valid chart the card's identity can open (the attack's precondition).
    const patient = await cards.open(issued.code, PIN);
    const readable = await openChartV3(forged.tx.id, (await client.listTransactions(forged.tx.id)).value, patient);
    expect(readable).toMatchObject({ tampered: null, openedFrom: 1 });

    expect(await openCard(issued.code)).toMatchObject({ ok: true, value: { chartId: issued.chartId } });
    expect(JSON.stringify(await shownChart())).not.toContain('URGENT');
    // The card's older form names no chart: the first appearance alone still picks the real chart.
    const olderForm = encodeCardCode(decodeCardCode(issued.code).secret, 2);
    expect(await openCard(olderForm)).toMatchObject({ ok: true, value: { chartId: issued.chartId } });
    expect(JSON.stringify(await shownChart())).not.toContain('URGENT');
  });

  it('a card whose tag first appears in a chart it does not name opens nothing, with the reason', async () => {
    const card = await cards.create(PIN);
    const tag = cardTagOf(card.holder);
    const mallory = new SeedKeyHolder(newSeed(), nativeKeyHolderCrypto);
    const first = await buildCreateV3(mallory, payloadOf(sampleChart('Ines Moreau'), patientOf(card), named(ada), []), {
      crypto,
      counters: new V3Counters(),
      cardTag: tag,
    });
    await post(first.tx);
    const real = await buildCreateV3(
      ada.holder,
      payloadOf(sampleChart('Ines Moreau'), patientOf(card), named(ada), []),
      {
        crypto,
        counters,
        cardTag: tag,
      },
    );
    card.holder.lock();
    await post(real.tx);
    const { code } = await cards.forChart(card.code, real.tx.id);
    const refused = await openCard(code);
    expect(refused).toMatchObject({ ok: false, error: { code: 'CHART_NOT_FOUND' } });
    expect(refused.error?.message).toMatch(/first appears in is not the one it names/);
  });

  it('a re-issued card opens the chart from the re-issue on; the old card does not open the new versions', async () => {
    const card = await cards.create(PIN);
    const written = await write(
      ada,
      latest,
      issued.chartId,
      'share',
      (p) => ({ ...p, patient: patientOf(card) }),
      cardTagOf(card.holder),
    );
    card.holder.lock();
    const { code } = await cards.forChart(card.code, issued.chartId);
    reissue = { written, card, code };
    latest = await write(ada, written, issued.chartId, 'update', (p) => ({
      ...p,
      chart: { ...p.chart, patient: { ...p.chart.patient, email: 'noor@example.org' } },
    }));

    expect(await openCard(code)).toMatchObject({ ok: true, value: { chartId: issued.chartId } });
    const shown = await shownChart();
    expect((shown.value as { data: Chart }).data).toEqual(latest.inner.payload.chart);
    expect((shown.value as { seq: number }).seq).toBe(5);

    const old = await openCard(issued.code);
    expect(old).toMatchObject({ ok: false, error: { code: 'CHART_NOT_FOUND' } });
    expect(old.error?.message).toMatch(/replaced by a newer card/);
    expect(JSON.stringify(old)).not.toContain('noor@example.org');
    // What the old card's identity can open at all: the versions before the re-issue, and nothing after.
    const oldHolder = await cards.open(issued.code, PIN);
    const byOld = await openChartV3(issued.chartId, (await client.listTransactions(issued.chartId)).value, oldHolder);
    expect(byOld).toMatchObject({ tampered: null, openedFrom: 1, closedAt: 4 });
    expect(byOld.versions.map((v) => v.seq)).toEqual([1, 2, 3]);
    const newHolder = await cards.open(code, PIN);
    const byNew = await openChartV3(issued.chartId, (await client.listTransactions(issued.chartId)).value, newHolder);
    expect(byNew).toMatchObject({ tampered: null, openedFrom: 4, closedAt: null });
    expect(byNew.versions.at(-1)!.inner.payload.chart.patient.email).toBe('noor@example.org');
  });

  it('the node’s answers hold neither card’s keys, nor the patient’s name, nor a clear time', async () => {
    const holders: KeyHolder[] = [await cards.open(issued.code, PIN), await cards.open(reissue.code, PIN)];
    const keys = holders.flatMap((h) => [h.signKey, h.boxKey]);
    const { value: txs } = await client.listTransactions(issued.chartId);
    const answers = [
      await fetchText(`/api/v1/transactions?asset_id=${issued.chartId}`),
      ...(await Promise.all(txs.map((tx) => fetchText(`/api/v1/transactions/${(tx as { id: string }).id}`)))),
      ...(await Promise.all(holders.map((h) => fetchText(`/api/v1/metadata?search=${h.cardTag!()}`)))),
      ...(await Promise.all(keys.map((k) => fetchText(`/api/v1/metadata?search=${k}`)))),
      ...(await Promise.all(keys.map((k) => fetchText(`/api/v1/outputs?public_key=${k}`)))),
      ...(await Promise.all(keys.map((k) => fetchText(`/api/v1/assets?search=${k}`)))),
    ];
    const text = answers.join('\n');
    for (const key of keys) expect(text).not.toContain(key);
    expect(text).not.toContain('Noor');
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    // Each card tag is carried by exactly the version that introduced that card.
    const carriers = await Promise.all(
      holders.map(async (h) => (await client.searchMetadata(h.cardTag!())).value.map((hit) => hit.id)),
    );
    expect(carriers[0]).toContain(issued.chartId);
    expect(carriers[1]).toEqual([reissue.written.tx.id]);
  });
});
