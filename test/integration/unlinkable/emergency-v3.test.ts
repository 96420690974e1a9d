// Emergency access to an envelope v3 chart (docs/UNLINKABLE.md §9) on the real embedded node over HTTP: a real 1-of-1
// hospital authority with credentials issued and revoked, the emergency service as its own process with its key in
// the real keychain (run in a D-Bus session with gnome-keyring), and a v3 chart whose every version has a slot for
// the emergency key. Request → grant → the requester opens the granted version; the node's raw answers for the
// request and the grant name no chart, requester or directory key; the chart's custodian and its patient find the
// grant by its grant tag; refusals and the rate limit (across a service restart) still hold.
import { once } from 'node:events';
import { hkdfSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildEmergencyRequestV3,
  openGrantWrapV3,
  openGrantedVersionV3,
  verifyAnswer,
  verifyGrantV3,
  type GrantV3Meta,
} from '../../../src-shared/emergency';
import type { Transaction } from '../../../src-shared/ledger';
import { nativeLedgerCrypto } from '../../../src-main/crypto/ledger-crypto';
import type { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { CardChartsV3 } from '../../../src-main/records/card-chart-v3';
import { findGrantsV3 } from '../../../src-main/records/emergency-grants-v3';
import { openChartV3 } from '../../../src-main/records/version-opener-v3';
import { NODE_TOKEN } from '../charts/harness';
import type { TestAuthority, TestLedger } from '../emergency/fixture';
import { ServiceProcess } from '../emergency/service-process';
import { SECOND_PHONE, V3World, v3Holder } from '../emergency/v3-world';

const world = new V3World('v3-test');
const KEYCHAIN = world.keychain;
const NOTE = 'Brought in unconscious after a road accident';

describe('emergency access to a v3 chart', { timeout: 180_000 }, () => {
  let ledger: TestLedger;
  let authority: TestAuthority;
  let emergency: { signKey: string; boxKey: string };
  const { officer, recovery, custodian, patient, doctor, stranger } = world;
  const revoked = v3Holder();
  const busy = v3Holder();
  let chartId = '';
  let headId = '';

  const client = () => ledger.client;

  async function request(by: SeedKeyHolder, chart = chartId): Promise<Transaction> {
    const tx = await buildEmergencyRequestV3(
      by,
      {
        authority: authority.id,
        chart,
        reason: 'unconscious',
        note: NOTE,
        service: emergency,
        at: new Date().toISOString(),
      },
      nativeLedgerCrypto,
    );
    expect((await client().post(tx, 'commit')).value).toBe('committed');
    return tx;
  }

  /** One pass of the service as its own process (`--once`), exactly as `npm run emergency-service` runs it. */
  async function serviceOnce(extra: string[] = []): Promise<ServiceProcess> {
    const service = new ServiceProcess(
      ['--node', ledger.node.url, '--authority', authority.id, '--keychain-service', KEYCHAIN, '--once', ...extra],
      NODE_TOKEN,
    );
    await once(service.child, 'close');
    expect(service.child.exitCode, service.stderr.join('\n')).toBe(0);
    return service;
  }

  /** The one transaction spending the request's output. */
  async function answerOf(req: Transaction): Promise<Transaction> {
    const others = (await client().listTransactions(req.id)).value.filter((t) => (t as Transaction).id !== req.id);
    expect(others).toHaveLength(1);
    return others[0] as Transaction;
  }

  async function fetchText(path: string): Promise<string> {
    const response = await fetch(`${ledger.node.url}${path}`, { headers: { Authorization: `Bearer ${NODE_TOKEN}` } });
    expect(response.status).toBe(200);
    return response.text();
  }

  beforeAll(async () => {
    await world.start([], { service: false });
    ({ ledger, authority, emergency, chartId, headId } = world);
    await authority.issue(busy, 'Dr Busy Locum');
    await authority.revoke(await authority.issue(revoked, 'Dr Former Staff'), 'left');
  });

  afterAll(() => world.stop());

  let grantTx: Transaction;
  let req: Transaction;

  it("grants the chart's head to a credentialed requester, who opens it with the grant", async () => {
    req = await request(doctor);
    const service = await serviceOnce();
    expect(service.events).toContainEqual(
      expect.objectContaining({ event: 'grant', request: req.id, chart: chartId, version: headId }),
    );
    grantTx = await answerOf(req);
    const grant = verifyGrantV3(grantTx, req, nativeLedgerCrypto);
    expect(grant).not.toBeNull();
    // The grant's output goes to the request's tweaked issuer, not to the requester's directory key.
    expect(grantTx.outputs[0]!.public_keys).toEqual(req.inputs[0]!.owners_before);
    expect(req.inputs[0]!.owners_before).not.toContain(doctor.signKey);
    const wrap = await openGrantWrapV3(grant!.meta, doctor);
    expect(wrap).toMatchObject({ chart: chartId, version: headId, requester: doctor.signKey });
    const version = (await client().getTransaction(headId)).value as Transaction;
    const inner = openGrantedVersionV3(version, wrap, new Date());
    expect(inner.seq).toBe(2);
    expect(inner.payload.chart.patient.phone).toBe(SECOND_PHONE);
    // Another key cannot open the wrap, and the wrap opens no other version.
    await expect(openGrantWrapV3(grant!.meta, stranger)).rejects.toThrow(/not sealed to this key/);
    const created = (await client().getTransaction(chartId)).value as Transaction;
    expect(() => openGrantedVersionV3(created, wrap, new Date())).toThrow(/does not cover this version/);
    expect(() => openGrantedVersionV3(version, wrap, new Date(Date.now() + 48 * 3_600_000))).toThrow(/expired/);
  });

  it('shows the node no chart id, requester key or directory key in the request and the grant', async () => {
    const secrets = [
      chartId,
      headId,
      authority.id,
      doctor.signKey,
      doctor.boxKey,
      custodian.signKey,
      custodian.boxKey,
      patient.signKey,
      patient.boxKey,
      officer.signKey,
      officer.boxKey,
      recovery.boxKey,
      // The emergency key's signKey owns every request's output by design (the service polls it); its boxKey is not shown.
      emergency.boxKey,
    ];
    const issuer = req.inputs[0]!.owners_before[0]!;
    const answers = [
      await fetchText(`/api/v1/transactions/${req.id}`),
      await fetchText(`/api/v1/transactions/${grantTx.id}`),
      await fetchText(`/api/v1/transactions?asset_id=${req.id}`),
      await fetchText(`/api/v1/outputs?public_key=${issuer}`),
      await fetchText(`/api/v1/outputs?public_key=${emergency.signKey}`),
      await fetchText(`/api/v1/metadata?search=${(grantTx.metadata as GrantV3Meta).tag}`),
    ];
    const text = answers.join('\n');
    for (const secret of secrets) expect(text).not.toContain(secret);
    for (const word of ['unconscious', 'road accident', '"chart"', '"requester"', '"reason"', '"note"'])
      expect(text).not.toContain(word);
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    // Searching the ledger by any of those keys or ids finds neither transaction.
    for (const secret of secrets) {
      const hits = [
        ...(await client().searchMetadata(secret)).value.map((h) => h.id),
        ...(await client().searchAssets(secret)).value.map((h) => h.id),
      ];
      expect(hits).not.toContain(req.id);
      expect(hits).not.toContain(grantTx.id);
    }
  });

  it("lets the chart's custodian and patient find the grant by its grant tag and see who was granted", async () => {
    const raw = (await client().listTransactions(chartId)).value;
    for (const reader of [custodian, patient]) {
      const chain = await openChartV3(chartId, raw, reader);
      expect(chain.tampered).toBeNull();
      const found = await findGrantsV3(client(), chain.versions);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({
        grantTx: grantTx.id,
        seq: 2,
        k: 0,
        grant: {
          chart: chartId,
          version: headId,
          requester: { signKey: doctor.signKey, boxKey: doctor.boxKey },
          reason: 'unconscious',
          note: NOTE,
        },
      });
      // The tag is HKDF(chart secret of version 2, "healthchain.v3.grant-tag/1" ‖ u32be(0), 16), checked here with
      // node:crypto's HKDF rather than the code under test.
      const info = Buffer.concat([Buffer.from('healthchain.v3.grant-tag/1'), Buffer.from([0, 0, 0, 0])]);
      const expected = Buffer.from(
        hkdfSync('sha256', chain.versions[1]!.secret, Buffer.from('healthchain.unlinkable/1'), info, 16),
      ).toString('hex');
      expect((grantTx.metadata as GrantV3Meta).tag).toBe(expected);
    }
    // The kiosk's path (what the Access tab lists): the patient's card session finds the same grant.
    const kiosk = new CardChartsV3({
      client: client(),
      crypto: nativeLedgerCrypto,
      authors: { check: async () => null },
      nameOf: () => null,
    });
    expect(await kiosk.grants(patient, chartId)).toEqual([]); // no session: nothing
    expect(await kiosk.signIn(patient, chartId.slice(0, 32))).toMatchObject({ kind: 'chart' });
    const atKiosk = await kiosk.grants(patient, chartId);
    expect(atKiosk.map((g) => [g.grantTx, g.requestTx, g.grant.requester.signKey, g.grant.note])).toEqual([
      [grantTx.id, req.id, doctor.signKey, NOTE],
    ]);
  });

  it('refuses an uncredentialed and a revoked requester, answering their tweaked keys', async () => {
    const fromStranger = await request(stranger);
    const fromRevoked = await request(revoked);
    await serviceOnce();
    for (const [tx, reason, who] of [
      [fromStranger, 'no-credential', stranger],
      [fromRevoked, 'revoked', revoked],
    ] as const) {
      const answer = verifyAnswer(await answerOf(tx), tx, nativeLedgerCrypto);
      expect(answer.ok && answer.value.kind === 'refusal' && answer.value.refusal.reason).toBe(reason);
      const owners = answer.ok ? answer.value.tx.outputs[0]!.public_keys : [];
      expect(owners).toEqual(tx.inputs[0]!.owners_before);
      expect(owners).not.toContain(who.signKey);
    }
  });

  it('keeps the rate limit across a service restart (the requester is in its own sealed note)', async () => {
    const first = await request(busy);
    await serviceOnce(['--max-grants', '1']);
    expect(verifyGrantV3(await answerOf(first), first, nativeLedgerCrypto)).not.toBeNull();
    // A new process: it learns the first grant's requester only from the ledger (the request's box, its own note).
    const second = await request(busy);
    await serviceOnce(['--max-grants', '1']);
    const answer = verifyAnswer(await answerOf(second), second, nativeLedgerCrypto);
    expect(answer.ok && answer.value.kind === 'refusal' && answer.value.refusal.reason).toBe('rate-limit');
    // The next grant of the same version takes the next grant tag: the custodian now finds k = 0 and k = 1.
    const chain = await openChartV3(chartId, (await client().listTransactions(chartId)).value, custodian);
    const found = await findGrantsV3(client(), chain.versions);
    expect(found.map((f) => [f.k, f.grant.requester.signKey])).toEqual([
      [0, doctor.signKey],
      [1, busy.signKey],
    ]);
  });
});
