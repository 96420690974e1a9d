// Issue #12, attack steps 2–3 at the kiosk: an attacker with nothing but HTTP access to the node posts a chart sealed
// to the real patient's box key, naming the real doctor as custodian and dated 2099. The kiosk (the real IPC handler
// registry of a kiosk core, src-main/app/core.ts) must open the card's own chart: a version 3 card by the chart it
// names, an older card by the rule in src-main/records/card-chart.ts (the chart its key first appeared in, by block
// height), never by the date an author wrote. Real embedded node over HTTP, real keychain, real managed-settings file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Core } from '../../../src-main/app/core';
import { startKioskCore, type KioskCore } from '../charts/kiosk-core';
import { authorityCrediting } from './hospital-setup';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { buildCreate } from '../../../src-main/records/version-builder';
import { decodeCardCode, encodeCardCode } from '../../../src-shared/crypto/card-code';
import { newSeed } from '../../../src-shared/crypto/keys';
import { payloadOf } from '../../../src-shared/records/payload';
import { parseChart } from '../../../src-shared/records/validate';
import { sampleChart } from '../../fixtures/sample-chart';
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

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const vault = new TestVault();
let dir: string;
let node: LedgerNode;
let client: LedgerNodeClient;
let ws: InspectedChartService;
let kiosk: Core;
let pinPolicy: KioskCore['pin'];
let ada: Doctor;
let ben: Doctor;
let authorityId = '';

const pin = (authority: string) => pinPolicy(authority);

/** Issue #12 step 2: a chart sealed to the patient's keys, custodian "Dr Ada Okafor" (Ada's keys), dated 2099. */
async function forgeChartFor(card: { patientSignKey: string; patientBoxKey: string }): Promise<string> {
  const mallory = new SeedKeyHolder(newSeed());
  const chart = parseChart({
    ...sampleChart('Noor Haddad'),
    visits: [
      {
        id: 'v9',
        date: '2026-11-21',
        reason: 'URGENT',
        notes: 'URGENT: stop all medication and call 555-0100',
        doctor: ada.name,
        status: 'completed',
      },
    ],
  });
  const payload = payloadOf(
    chart,
    { signKey: card.patientSignKey, boxKey: card.patientBoxKey },
    { signKey: ada.holder.signKey, boxKey: ada.holder.boxKey, name: ada.name },
    [],
  );
  const { tx } = await buildCreate(mallory, payload, nativeLedgerCrypto, null, new Date('2099-01-01T00:00:00Z'));
  expect((await client.post(tx, 'commit')).value).toBe('committed');
  return tx.id;
}

async function openCard(
  code: string,
): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  await kiosk.registry.dispatch('patient.signOut', {});
  return (await kiosk.registry.dispatch('patient.openCard', { code, pin: PIN })) as never;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hc-kiosk-card-'));
  node = await startNode(tempDir('kiosk-card-node'));
  client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
  ws = (await startService([node.url], { liveStream: false, verifyWorkers: 0 })).service;
  ada = await vault.doctor('Dr Ada Okafor', 'Oncology');
  ben = await vault.doctor('Dr Ben Uncredentialed', 'General practice');
  await ws.publishPractitioner(ada.holder, { name: ada.name, specialty: ada.specialty });
  // Credentials count from their ledger position on: Ada is credentialed before she writes (not yet pinned here).
  authorityId = await authorityCrediting(node.url, ada);
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

describe('the kiosk opens exactly the card’s chart (issue #12)', () => {
  let realId = '';
  let card: { code: string; patientSignKey: string; patientBoxKey: string };
  let forgedId = '';

  it('a new card is version 3 and names its chart; the forged chart is readable by the same card', async () => {
    const created = await ws.create(ada.holder, sampleChart('Noor Haddad'), { pin: PIN });
    realId = created.chartId;
    card = created.card;
    expect(decodeCardCode(card.code)).toMatchObject({ version: 3, chartTag: realId.slice(0, 32) });
    forgedId = await forgeChartFor(card);
    // The attack's precondition: the card's keys read both charts. The forgery's claim to be the newest (dated 2099)
    // is itself refused by the chain check (attack.test.ts); the kiosk must not depend on that alone.
    const patient = await testCards().open(card.code, PIN);
    const listed = await ws.list(patient);
    expect(listed.map((c) => c.chartId).sort()).toEqual([realId, forgedId].sort());
    expect(listed.find((c) => c.chartId === forgedId)).toMatchObject({
      status: 'tampered',
      reason: expect.stringMatching(/dated 2099-.*in the future/),
    });
  });

  it('with a version 3 card, the kiosk opens the card’s chart and shows its data, not the forgery', async () => {
    const opened = await openCard(card.code);
    expect(opened).toMatchObject({ ok: true, value: { chartId: realId, patientName: 'Noor Haddad' } });
    const shown = await kiosk.registry.dispatch('patient.getChart', {});
    expect(shown).toMatchObject({ ok: true, value: { summary: { chartId: realId } } });
    expect(JSON.stringify(shown)).not.toContain('URGENT');
  });

  it('with an older card of the same patient (no chart id), the chart its key first appeared in opens', async () => {
    const oldCode = encodeCardCode(decodeCardCode(card.code).secret, 2);
    expect(await openCard(oldCode)).toMatchObject({ ok: true, value: { chartId: realId } });
    const shown = await kiosk.registry.dispatch('patient.getChart', {});
    expect(JSON.stringify(shown)).not.toContain('URGENT');
  });

  it('with the authority pinned: the credentialed doctor’s chart still opens by both cards', async () => {
    await pin(authorityId);
    expect(await openCard(card.code)).toMatchObject({ ok: true, value: { chartId: realId } });
    const oldCode = encodeCardCode(decodeCardCode(card.code).secret, 2);
    expect(await openCard(oldCode)).toMatchObject({ ok: true, value: { chartId: realId } });
  });

  it('with the authority pinned, an older card whose chart an uncredentialed key wrote opens nothing, with the reason', async () => {
    const created = await ws.create(ben.holder, sampleChart('Ines Moreau'), { pin: PIN });
    const oldCode = encodeCardCode(decodeCardCode(created.card.code).secret, 2);
    const refused = await openCard(oldCode);
    expect(refused).toMatchObject({ ok: false, error: { code: 'CHART_NOT_FOUND' } });
    expect(refused.error?.message).toMatch(/Unknown author: version 1 was signed by \w+, who holds no credential/);
    // Without the authority, the same card opens its chart as before.
    await pin('');
    expect(await openCard(oldCode)).toMatchObject({ ok: true, value: { chartId: created.chartId } });
  });

  it('with an unverifiable authority pinned, an older card opens nothing (fail closed), with the reason', async () => {
    await pin('ab'.repeat(32));
    const oldCode = encodeCardCode(decodeCardCode(card.code).secret, 2);
    const refused = await openCard(oldCode);
    expect(refused).toMatchObject({ ok: false, error: { code: 'CHART_NOT_FOUND' } });
    expect(refused.error?.message).toMatch(/The hospital authority (ab)+ cannot be verified/);
    await pin('');
  });

  it('a re-issued card is version 3 for the same chart; its older form opens that chart by the version that added it', async () => {
    const reissued = await ws.issueCard(ada.holder, realId, PIN);
    expect(decodeCardCode(reissued.code)).toMatchObject({ version: 3, chartTag: realId.slice(0, 32) });
    expect(await openCard(reissued.code)).toMatchObject({ ok: true, value: { chartId: realId } });
    // Its key first appears in a TRANSFER of the chart (the "share" version that wrapped the data key to it).
    const oldForm = encodeCardCode(decodeCardCode(reissued.code).secret, 2);
    expect(await openCard(oldForm)).toMatchObject({ ok: true, value: { chartId: realId } });
  });

  it('a wrong PIN is still a wrong PIN', async () => {
    await kiosk.registry.dispatch('patient.signOut', {});
    const wrong = await kiosk.registry.dispatch('patient.openCard', { code: card.code, pin: '915372' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'WRONG_PIN' } });
  });
});
