// Issue #15: a patient's card still opens their chart after `charts upgrade-v3` (docs/UNLINKABLE.md §8, §10). The
// upgrade copies a v1 chart into a new v3 chart that holds the card's box key in a slot but no card tag, and closes
// the v1 chart with a "moved" tombstone naming the copy inside its box. The kiosk (the real IPC handler registry of a
// kiosk core, src-main/app/core.ts) follows that tombstone to the copy, with every v3 check, or refuses with the
// reason; it never shows the closed v1 chart as current. The workstation is the real chart service with its outbox
// and verified cache on disk, upgrading by its own upgradeV3; real embedded node over HTTP, doctors and the card key
// on the real keychain (run in a D-Bus session with gnome-keyring).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Core } from '../../../src-main/app/core';
import { startKioskCore, type KioskCore } from '../charts/kiosk-core';
import { authorityCrediting } from '../authority/hospital-setup';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import type { CreatedChart } from '../../../src-main/records/chart-service';
import { buildVersion } from '../../../src-main/records/version-builder';
import { openChartV3 } from '../../../src-main/records/version-opener-v3';
import { decodeCardCode, encodeCardCode } from '../../../src-shared/crypto/card-code';
import type { Transaction } from '../../../src-shared/ledger';
import type { Chart } from '../../../src-shared/records/chart';
import { payloadOf } from '../../../src-shared/records/payload';
import { fullSampleChart, sampleChart } from '../../fixtures/sample-chart';
import type { InspectedChartService } from '../charts/inspected-service';
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

vi.setConfig({ testTimeout: 90_000, hookTimeout: 90_000 });

const crypto = nativeLedgerCrypto;
const vault = new TestVault();
let dir: string;
let node: LedgerNode;
let client: LedgerNodeClient;
let ws: InspectedChartService;
let kiosk: Core;
let pinPolicy: KioskCore['pin'];
let ada: Doctor;
let ben: Doctor;

type Dispatched = { ok: boolean; value?: unknown; error?: { code: string; message: string } };

async function openCard(code: string): Promise<Dispatched> {
  await kiosk.registry.dispatch('patient.signOut', {});
  return (await kiosk.registry.dispatch('patient.openCard', { code, pin: PIN })) as Dispatched;
}

/** What only the custodian can write: `created`'s chart (one version) closed as "moved" to `movedTo`. */
async function movedByHand(created: CreatedChart, name: string, movedTo: string): Promise<void> {
  const payload = payloadOf(
    sampleChart(name),
    { signKey: created.card.patientSignKey, boxKey: created.card.patientBoxKey },
    { signKey: ada.holder.signKey, boxKey: ada.holder.boxKey, name: ada.name },
    [],
  );
  const head = (await client.getTransaction(created.chartId)).value as Transaction;
  const moved = { ...payload, note: 'moved', movedTo };
  const { tx } = await buildVersion(ada.holder, head, created.chartId, 'revoke', 2, moved, crypto);
  expect((await client.post(tx, 'commit')).value).toBe('committed');
}

const pin = (authority: string) => pinPolicy(authority);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hc-kiosk-upgraded-'));
  node = await startNode(tempDir('kiosk-upgraded-node'));
  client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
  ada = await vault.doctor('Dr Ada Okafor', 'Oncology');
  ben = await vault.doctor('Dr Ben Adeyemi', 'Psychiatry');
  // The upgrade needs the verified cache (its pairing and v3 counters live there).
  ws = (await startService([node.url], { liveStream: false, verifyWorkers: 0, cacheDir: tempDir('ws-cache') })).service;
  for (const d of [ada, ben]) await ws.publishPractitioner(d.holder, { name: d.name, specialty: d.specialty });
  ({ core: kiosk, pin: pinPolicy } = await startKioskCore({
    dir,
    nodeUrl: node.url,
    vaultService: `${vault.service}-kiosk`,
  }));
});

afterAll(async () => {
  await kiosk?.stop();
  await ws?.close();
  client?.close();
  await node?.stop();
  await vault.clean();
  await rm(dir, { recursive: true, force: true });
});

describe('a card of a v1 chart moved by charts upgrade-v3 opens the v3 copy at the kiosk', () => {
  let v1Id = '';
  let v3Id = '';
  let code = '';

  it('the card opens the v3 copy: the four tabs are its content, the Access tab its readers', async () => {
    const created = await ws.create(ada.holder, fullSampleChart('Noor Haddad'), { pin: PIN });
    v1Id = created.chartId;
    code = created.card.code;
    await ws.share(ada.holder, v1Id, { signKey: ben.holder.signKey, boxKey: ben.holder.boxKey, name: ben.name });
    const beforeUpgrade = (await ws.get(ada.holder, v1Id)).chart;
    // Before the upgrade the card opens the v1 chart (the path the kiosk already had).
    expect(await openCard(code)).toMatchObject({ ok: true, value: { chartId: v1Id } });

    const results = await ws.upgradeV3(ada.holder, { chartIds: [v1Id], spreadMs: 0 });
    expect(results).toEqual([{ chartId: v1Id, status: 'upgraded', newChartId: expect.any(String), resumed: false }]);
    v3Id = (results[0] as { newChartId: string }).newChartId;
    // The gap's precondition: the copy carries no card tag, so the card-tag path finds nothing.
    const patient = await testCards().open(code, PIN);
    expect((await client.searchMetadata(patient.cardTag!())).value).toEqual([]);
    expect((await ws.get(ada.holder, v1Id)).revoked).toBe(true);
    const copy = await openChartV3(v3Id, (await client.listTransactions(v3Id)).value, ada.holder, { crypto });
    expect(copy).toMatchObject({ tampered: null, openedFrom: 1 });
    const copied = copy.versions.at(-1)!;

    const opened = await openCard(code);
    expect(opened).toMatchObject({ ok: true, value: { chartId: v3Id, patientName: 'Noor Haddad' } });
    const shown = (await kiosk.registry.dispatch('patient.getChart', {})) as Dispatched;
    expect(shown.ok).toBe(true);
    const view = shown.value as {
      data: Chart;
      seq: number;
      txId: string;
      summary: { chartId: string; integrity: string; status: string; custodian: { signKey: string } };
      sharedWith: { signKey: string }[];
    };
    // The four tabs (patient, visits, medications, allergies…): the copy's chart, which is the v1 chart's content.
    expect(view.data).toEqual(copied.inner.payload.chart);
    expect(view.data).toEqual(beforeUpgrade);
    expect(view).toMatchObject({
      seq: 1,
      txId: v3Id,
      summary: { chartId: v3Id, integrity: 'verified', status: 'active' },
    });
    expect(view.summary.custodian.signKey).toBe(ada.holder.signKey);
    expect(view.sharedWith.map((d) => d.signKey)).toEqual([ben.holder.signKey]);

    // The Access tab: the v3 copy's readers, from its own chain (the v1 chart's id is refused for this session).
    const access = (await kiosk.registry.dispatch('charts.access', { chartId: v3Id })) as Dispatched;
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
    expect(history.filter((e) => e.kind === 'created').map((e) => e.txId)).toEqual([v3Id]);
    expect(await kiosk.registry.dispatch('charts.access', { chartId: v1Id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_PERMITTED' },
    });
  });

  it('the older form of the same card (no chart tag) follows the same tombstone to the copy', async () => {
    const olderForm = encodeCardCode(decodeCardCode(code).secret, 2);
    expect(await openCard(olderForm)).toMatchObject({ ok: true, value: { chartId: v3Id } });
    const shown = (await kiosk.registry.dispatch('patient.getChart', {})) as Dispatched;
    expect(shown).toMatchObject({ ok: true, value: { summary: { chartId: v3Id } } });
  });

  it('a tombstone naming a chart the card cannot open, or none on the ledger, opens nothing, with the reason', async () => {
    // Ada, the custodian, closes Ines's chart as "moved" to Noor's v3 copy, in which Ines's card has no slot.
    const ines = await ws.create(ada.holder, sampleChart('Ines Moreau'), { pin: PIN });
    await movedByHand(ines, 'Ines Moreau', v3Id);
    const refused = await openCard(ines.card.code);
    expect(refused).toMatchObject({ ok: false, error: { code: 'CHART_NOT_FOUND' } });
    expect(refused.error!.message).toMatch(new RegExp(`on this card \\(moved to ${v3Id}\\) cannot be read with it`));
    expect(JSON.stringify(refused)).not.toContain('Noor');

    const nowhere = 'ab'.repeat(32);
    const omar = await ws.create(ada.holder, sampleChart('Omar Said'), { pin: PIN });
    await movedByHand(omar, 'Omar Said', nowhere);
    const gone = await openCard(omar.card.code);
    expect(gone).toMatchObject({ ok: false, error: { code: 'CHART_NOT_FOUND' } });
    expect(gone.error!.message).toMatch(new RegExp(`moved to ${nowhere}, which is not on the ledger`));

    // A plain revoke (no movedTo) is not a move: the card still opens its revoked v1 chart, as before.
    const pia = await ws.create(ada.holder, sampleChart('Pia Lund'), { pin: PIN });
    await ws.revoke(ada.holder, pia.chartId, 'duplicate record');
    expect(await openCard(pia.card.code)).toMatchObject({ ok: true, value: { chartId: pia.chartId } });
  });

  it('with an authority pinned: a credentialed doctor’s moved chart opens its copy; an uncredentialed one’s nothing', async () => {
    // Credentials count from their ledger position on: Ada is credentialed before she writes these charts.
    const authorityId = await authorityCrediting(node.url, ada);
    const byAda = await ws.create(ada.holder, sampleChart('Rosa Diaz'), { pin: PIN });
    const byBen = await ws.create(ben.holder, sampleChart('Sami Virtanen'), { pin: PIN });
    const [adaMove] = await ws.upgradeV3(ada.holder, { chartIds: [byAda.chartId], spreadMs: 0 });
    const [benMove] = await ws.upgradeV3(ben.holder, { chartIds: [byBen.chartId], spreadMs: 0 });
    expect([adaMove?.status, benMove?.status]).toEqual(['upgraded', 'upgraded']);
    await pin(authorityId);
    try {
      expect(await openCard(byAda.card.code)).toMatchObject({
        ok: true,
        value: { chartId: (adaMove as { newChartId: string }).newChartId, patientName: 'Rosa Diaz' },
      });
      const refused = await openCard(byBen.card.code);
      expect(refused).toMatchObject({ ok: false, error: { code: 'CHART_NOT_FOUND' } });
      expect(refused.error!.message).toMatch(/moved by a practitioner without a valid credential \(.*no credential/);
      expect(JSON.stringify(refused)).not.toContain('Sami');
    } finally {
      await pin('');
    }
  });
});
