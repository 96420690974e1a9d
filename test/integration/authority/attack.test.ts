// Issue #12's attack on the read side, through the real chart service (authority pinned) and the real embedded node
// over HTTP, doctors in the real keychain: an attacker with nothing but HTTP access posts a chart CREATE sealed to the
// real patient (the node accepts it). Whatever it claims, it is never Verified: dated 2099 it is refused as
// tampered; dated now it is "unknown author"; signed by a key other than the one its input names, it is refused.
// Off-boarding: after the quorum revokes a doctor, a version she still manages to post (the node accepts it) is
// "unknown author" (revoked), while her earlier versions still verify. (Directory and kiosk card side: kiosk12.)
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import type { ChartService } from '../../../src-main/records/chart-service';
import { nativeLedgerCrypto as crypto } from '../../../src-main/crypto/ledger-crypto';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { newSeed } from '../../../src-shared/crypto/keys';
import type { KeyHolder } from '../../../src-shared/crypto/keyholder';
import type { ChartSummary } from '../../../src-shared/ipc/data';
import { payloadOf } from '../../../src-shared/records/payload';
import { sampleChart } from '../../fixtures/sample-chart';
import { forgeCreate } from '../../fixtures/forged-create';
import { PIN, TestVault, eventually, removeDir, startNode, tempDir, type Doctor } from '../charts/harness';
import { Hospital, pinnedService } from './hospital-setup';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const urgent = () => {
  const chart = sampleChart();
  chart.patient.name = 'URGENT: stop all medication and call 555-0100';
  return chart;
};

describe("issue #12's attack, read side", () => {
  const dataDir = tempDir('node');
  const vault = new TestVault();
  let node: LedgerNode;
  let hospital: Hospital;
  let service: ChartService;
  let ada: Doctor;
  let adaCredential: string;
  let realChart: string;
  let patient: KeyHolder;
  const attacker = new SeedKeyHolder(newSeed());

  /** The attacker's CREATE, sealed to the real patient, posted straight to the node (which accepts it). */
  async function forged(at: Date, ownerBefore?: string): Promise<string> {
    const payload = payloadOf(
      urgent(),
      { signKey: patient.signKey, boxKey: patient.boxKey },
      {
        signKey: attacker.signKey,
        boxKey: attacker.boxKey,
        name: 'Dr Ada Okafor',
      },
      [],
    );
    const tx = await forgeCreate(
      { signer: attacker, payload, readers: [patient.boxKey, attacker.boxKey], at, ownerBefore },
      crypto,
    );
    expect((await hospital.client.post(tx)).value).toBe('committed');
    return tx.id;
  }

  const listed = async (): Promise<Map<string, ChartSummary>> =>
    new Map((await service.list(patient)).map((c) => [c.chartId, c]));

  beforeAll(async () => {
    node = await startNode(dataDir);
    hospital = await Hospital.found(node.url);
    ada = await vault.doctor('Dr Ada Okafor', 'Oncology');
    adaCredential = await hospital.credential(ada.holder, 'Dr Ada Okafor');
    service = await pinnedService([node.url], hospital.authorityId);
    const created = await service.create(ada.holder, sampleChart(), { pin: PIN });
    realChart = created.chartId;
    ({ holder: patient } = await service.openPatientSession(created.card.code, PIN));
  });

  afterAll(async () => {
    await service?.close();
    hospital?.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
  });

  it("the credentialed doctor's chart verifies for her and for the patient", async () => {
    expect((await service.get(ada.holder, realChart)).summary).toMatchObject({ integrity: 'verified' });
    expect((await listed()).get(realChart)).toMatchObject({ integrity: 'verified', tamperReason: null });
    const report = await service.verify(ada.holder, realChart);
    expect(report.ok).toBe(true);
    expect(report.checks.at(-1)).toEqual({
      label: 'Author held a valid credential of this hospital at this ledger position',
      ok: true,
      detail: 'The author held a valid credential of this hospital at this ledger position',
    });
  });

  it("a forged chart dated 2099 is refused as tampered: never Verified, never shown as the patient's record", async () => {
    const id = await forged(new Date('2099-01-01T00:00:00Z'));
    const summary = (await listed()).get(id);
    expect(summary).toMatchObject({ integrity: 'tampered', patientName: '' });
    expect(summary?.tamperReason).toMatch(
      /^Version 1 \(transaction [0-9a-f]{64}\): The envelope is dated 2099-01-01T00:00:00.000Z, in the future/,
    );
    const view = await service.get(patient, id);
    expect(view.data).toBeNull();
  });

  it('the same forgery dated now is "unknown author": never Verified, no data, the reason named', async () => {
    const id = await forged(new Date());
    const reason = `Unknown author: version 1 was signed by ${attacker.signKey}, who holds no credential of this hospital`;
    const summary = (await listed()).get(id);
    expect(summary).toMatchObject({ integrity: 'unknown-author', patientName: '', tamperReason: reason });
    const view = await service.get(patient, id);
    expect(view).toMatchObject({ data: null, summary: { integrity: 'unknown-author', tamperReason: reason } });
    expect((await service.history(patient, id))[0]).toMatchObject({
      integrity: 'unknown-author',
      tamperReason: reason,
    });
    const report = await service.verify(patient, id);
    expect(report).toMatchObject({ ok: false, reason });
    expect(report.checks.filter((c) => !c.ok)).toEqual([
      { label: 'Author held a valid credential of this hospital at this ledger position', ok: false, detail: reason },
    ]);
    await expect(service.exportFhir(patient, id)).rejects.toMatchObject({
      code: 'ChartTampered',
      message: `The chart failed verification: ${reason}`,
    });
    // The real chart is unaffected.
    expect((await listed()).get(realChart)).toMatchObject({ integrity: 'verified' });
  });

  it('a CREATE naming the real doctor in owners_before but signed by another key is refused', async () => {
    const id = await forged(new Date(), ada.holder.signKey);
    const summary = (await listed()).get(id);
    expect(summary).toMatchObject({ integrity: 'tampered', patientName: '' });
    expect(summary?.tamperReason).toBe(
      `Version 1 (transaction ${id}): The input names ${ada.holder.signKey} as its owner but ${attacker.signKey} signed`,
    );
  });

  it('an authority pinned that cannot be verified: nothing is Verified (fail closed), the reason shown', async () => {
    const missing = 'ab'.repeat(32);
    const unverified = await pinnedService([node.url], missing, { liveStream: false });
    try {
      const summary = (await unverified.get(ada.holder, realChart)).summary;
      expect(summary).toMatchObject({
        integrity: 'unknown-author',
        tamperReason: `The hospital authority ${missing} cannot be verified: the node does not have it. No chart can be verified until it can.`,
      });
    } finally {
      await unverified.close();
    }
  });

  it('off-boarding: a version signed after the revocation is "unknown author" (revoked); earlier ones still verify', async () => {
    const renamed = (name: string) => ({ ...sampleChart(), patient: { ...sampleChart().patient, name } });
    await service.update(ada.holder, realChart, renamed('Ada Okoro'));
    await hospital.revoke(adaCredential);
    // The node accepts what the revoked key signs (it spends her own output); only verification can refuse it.
    expect((await service.update(ada.holder, realChart, renamed('Ada Okoro-Smith'))).status).toBe('committed');
    // The node's stream announces the revocation: the registry is read again and the chart re-checked.
    const check = async () => (await service.get(ada.holder, realChart)).summary;
    await eventually(async () => (await check()).integrity === 'unknown-author', 'the chart shows the revoked author');
    const summary = await check();
    expect(summary.tamperReason).toMatch(
      new RegExp(
        `^Unknown author: version 3 was signed by Dr Ada Okafor \\(${ada.holder.signKey}\\) at block \\d+, after their credential was revoked$`,
      ),
    );
    const history = await service.history(ada.holder, realChart);
    expect(history.map((h) => [h.seq, h.integrity])).toEqual([
      [1, 'verified'],
      [2, 'verified'],
      [3, 'unknown-author'],
    ]);
    const older = await service.get(ada.holder, realChart, { seq: 2 });
    expect(older.data).not.toBeNull();
    expect((await service.get(ada.holder, realChart)).data).toBeNull();
    expect((await service.verify(ada.holder, realChart, { seq: 2 })).ok).toBe(true);
    expect((await service.verify(ada.holder, realChart)).ok).toBe(false);
  });
});
