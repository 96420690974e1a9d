// The quorum's custody acts over IPC (hospital.heldCharts, hospital.recover, hospital.offboard, hospital.rekey) through
// the real IPC registry as main.ts builds it (src-main/app/core.ts): a real embedded ledger node over HTTP, the real
// keychain (D-Bus + gnome-keyring) holding the doctors and the three officers of a 2-of-3 authority, charts written by
// the real chart service. Two officers recover a chart to another doctor, who opens it verified; one officer is
// refused and nothing moves; off-boarding revokes and moves the leaving doctor's charts (one written before the
// authority is listed as not moved); re-keying moves a doctor's charts to their new identity; off-boarding a doctor
// with an envelope v3 chart finds it by its recovery tag (docs/UNLINKABLE.md §13: no output names its custodian).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Core } from '../../../src-main/app/core';
import { startLedgerNode, type LedgerNode } from '../../../src-main/ledger-node/node';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { OfficerKeychain } from '../../../src-main/authority/officer-keychain';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import { postPartial, prepareCeremony, prepareIssue, signPartial } from '../../../src-main/authority/hospital';
import type { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { sampleChart } from '../../fixtures/sample-chart';
import { PIN } from '../charts/harness';
import { cleanKeychain, DOCTOR, FAST, OTHER_DOCTOR } from '../vault/helpers';
import { ipcCalls, startTestCore, type Loose } from './ipc-core';
import { clearKeychains } from '../emergency/fixture';

const PASSWORDS = ['first quorum secret 41', 'second quorum secret 97', 'third quorum secret 13'];
const THIRD_DOCTOR = {
  name: 'Dr Cleo Park',
  specialty: 'Neurology',
  licenceNumber: 'GMC-9000001',
  password: 'violet sunrise meadow',
};

let dir: string;
let node: LedgerNode;
let core: Core;
let officerService: string;
let officers: { signKey: string; password: string }[] = [];
let authorityId = '';

const { ok, failure } = ipcCalls(() => core);
const held = async (practitioner: string): Promise<string[]> =>
  ((await ok('hospital.heldCharts', { practitioner })).chartIds as string[]).sort();
const signers = (...which: number[]) =>
  which.map((i) => ({ officer: officers[i]!.signKey, password: officers[i]!.password }));

/** Signs in as a doctor of this core's vault. */
async function signIn(identityId: string, password: string) {
  await ok('vault.unlock', { id: identityId, password });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hc-custody-ipc-'));
  node = await startLedgerNode({ dataDir: path.join(dir, 'ledger'), port: 0, access: { kind: 'open' } });
  officerService = `HealthChain-officer-test-${randomBytes(6).toString('hex')}`;
  ({ core } = await startTestCore({ node, dir: path.join(dir, 'core'), officers: { service: officerService } }));
});

afterAll(async () => {
  await core?.stop();
  await node?.stop();
  await cleanKeychain();
  await clearKeychains(officerService);
  await rm(dir, { recursive: true, force: true });
});

describe('custody acts over IPC, 2-of-3 authority', { timeout: 240_000 }, () => {
  let ada: Loose;
  let ben: Loose;
  let cleo: Loose;
  let before = '';
  let first = '';
  let second = '';

  it('setup: three officers in this keychain, the authority joined, three doctors credentialed, charts written', async () => {
    const keychain = new OfficerKeychain({ service: officerService, params: FAST });
    const made = [];
    for (const [i, name] of ['Ann Officer', 'Ben Officer', 'Cat Officer'].entries())
      made.push(await keychain.create(name, PASSWORDS[i]!));
    officers = made.map((m, i) => ({ signKey: m.officer.signKey, password: PASSWORDS[i]! }));
    const holders: SeedKeyHolder[] = made.map((m) => m.holder);
    const client = new LedgerNodeClient({ nodeUrls: [node.url] });
    const { partial } = await prepareCeremony({
      name: 'St Quorum',
      threshold: 2,
      officers: made.map((m) => ({ name: m.officer.name, signKey: m.officer.signKey, boxKey: m.officer.boxKey })),
    });
    let signed = partial;
    for (const h of holders) signed = await signPartial(signed, h);
    authorityId = (await postPartial(client, signed)).tx.id;

    ada = (await ok('vault.create', DOCTOR)).identity;
    // Written before this machine pinned the authority: a plain output, no recovery wrap.
    before = (await ok('charts.create', { chart: sampleChart('Olga Before'), pin: PIN })).chart.summary.chartId;
    ben = (await ok('vault.create', OTHER_DOCTOR)).identity;
    cleo = (await ok('vault.create', THIRD_DOCTOR)).identity;
    const authority = await new CredentialRegistry(client, authorityId).authority();
    for (const d of [ada, ben, cleo]) {
      const issue = prepareIssue(authority, {
        name: d.name,
        licence: d.licenceNumber,
        specialty: d.specialty,
        signKey: d.signKey,
        boxKey: d.boxKey,
        validFrom: new Date(Date.now() - 86_400_000).toISOString(),
        validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString(),
      });
      await postPartial(client, await signPartial(await signPartial(issue, holders[0]!), holders[1]!));
    }
    for (const h of holders) h.lock();
    client.close();
    await ok('hospital.join', { authorityId });

    await signIn(ada.id, DOCTOR.password);
    first = (await ok('charts.create', { chart: sampleChart('Mia First'), pin: PIN })).chart.summary.chartId;
    second = (await ok('charts.create', { chart: sampleChart('Noor Second'), pin: PIN })).chart.summary.chartId;
    expect(await held(ada.signKey)).toEqual([before, first, second].sort());
    expect(await held(ben.signKey)).toEqual([]);
    expect((await failure('hospital.heldCharts', { practitioner: 'd'.repeat(64) })).fields).toEqual({
      practitioner: expect.stringMatching(/holds no credential of St Quorum/),
    });
  });

  it('one officer of three is refused, a wrong password or a bad pick too: nothing moves', async () => {
    const one = await failure('hospital.recover', { chartIds: [first], to: ben.signKey, officers: signers(2) });
    expect(one).toMatchObject({
      code: 'INVALID_REQUEST',
      fields: { officers: expect.stringMatching(/2 of its officers.*1 given/) },
    });
    // Without naming the officer, three keys here are ambiguous.
    const unnamed = await failure('hospital.recover', {
      chartIds: [first],
      to: ben.signKey,
      officers: [{ password: PASSWORDS[0] }],
    });
    expect(unnamed.fields).toEqual({ officers: expect.stringMatching(/choose which ones sign/) });
    const wrong = await failure('hospital.recover', {
      chartIds: [first],
      to: ben.signKey,
      officers: [signers(0)[0], { officer: officers[1]!.signKey, password: PASSWORDS[0] }],
    });
    expect(wrong.code).toBe('WRONG_PASSWORD');
    const twice = await failure('hospital.recover', {
      chartIds: [first],
      to: ben.signKey,
      officers: [...signers(0), ...signers(0)],
    });
    expect(twice.code).toBe('INVALID_REQUEST');
    const notADoctor = await failure('hospital.recover', {
      chartIds: [first],
      to: officers[0]!.signKey,
      officers: signers(0, 1),
    });
    expect(notADoctor.fields).toEqual({ to: expect.stringMatching(/holds no credential/) });
    // A chart written before the authority cannot be moved by the quorum: the whole request is refused, none posted.
    const unmigrated = await failure('hospital.recover', {
      chartIds: [first, before],
      to: ben.signKey,
      officers: signers(0, 1),
    });
    expect(unmigrated.fields).toEqual({ chartIds: expect.stringMatching(/hospital migrate/) });
    expect(await held(ada.signKey)).toEqual([before, first, second].sort());
    expect(await held(ben.signKey)).toEqual([]);
  });

  it('two officers of three recover a chart to Ben, who opens it verified; Ada no longer holds it', async () => {
    const result = await ok('hospital.recover', {
      chartIds: [first],
      to: ben.signKey,
      reason: 'Dr Okafor lost her password',
      officers: signers(0, 2),
    });
    expect(result).toMatchObject({
      issued: null,
      revoked: null,
      moved: [{ chartId: first, txId: expect.stringMatching(/^[0-9a-f]{64}$/) }],
      notMoved: [],
      to: { name: OTHER_DOCTOR.name, signKey: ben.signKey },
    });
    expect(JSON.stringify(result)).not.toMatch(/quorum secret/);
    expect(await held(ada.signKey)).toEqual([before, second].sort());
    expect(await held(ben.signKey)).toEqual([first]);
    await signIn(ben.id, OTHER_DOCTOR.password);
    const listed = (await ok('charts.list', { status: 'all' })).charts;
    expect(listed).toEqual([expect.objectContaining({ chartId: first, integrity: 'verified', role: 'custodian' })]);
    const chart = await ok('charts.get', { chartId: first });
    expect(chart.summary).toMatchObject({
      integrity: 'verified',
      role: 'custodian',
      patientName: 'Mia First',
      custodian: { signKey: ben.signKey },
    });
  });

  it('off-boards Ada: her credential revoked, her chart moved to Cleo, the one from before the authority listed as not moved', async () => {
    const same = await failure('hospital.offboard', { leaving: ada.signKey, to: ada.signKey, officers: signers(0, 1) });
    expect(same.fields).toEqual({ to: expect.stringMatching(/leaving/) });
    const result = await ok('hospital.offboard', {
      leaving: ada.signKey,
      to: cleo.signKey,
      reason: 'left the hospital',
      officers: signers(1, 2),
    });
    expect(result).toMatchObject({
      revoked: expect.stringMatching(/^[0-9a-f]{64}$/),
      moved: [{ chartId: second }],
      notMoved: [{ chartId: before, reason: expect.stringMatching(/hospital migrate/) }],
      to: { signKey: cleo.signKey },
    });
    const list = await ok('credentials.list');
    expect(list.credentials.find((c: Loose) => c.signKey === ada.signKey)).toMatchObject({
      status: 'revoked',
      endReason: 'revoked',
    });
    expect(await held(ada.signKey)).toEqual([before]);
    expect(await held(cleo.signKey)).toEqual([second]);
    await signIn(cleo.id, THIRD_DOCTOR.password);
    expect((await ok('charts.get', { chartId: second })).summary).toMatchObject({
      integrity: 'verified',
      role: 'custodian',
    });
    // A revoked doctor takes no custody.
    const toRevoked = await failure('hospital.recover', {
      chartIds: [second],
      to: ada.signKey,
      officers: signers(0, 1),
    });
    expect(toRevoked.fields).toEqual({ to: expect.stringMatching(/revoked/) });
  });

  it('re-keys Ben: a credential for his new identity supersedes the old one, his chart moves to it, the old one is revoked', async () => {
    const newBen = (
      await ok('vault.create', { ...OTHER_DOCTOR, licenceNumber: 'SE-55210-NEW', password: 'amber lantern quietly' })
    ).identity;
    const same = await failure('hospital.rekey', {
      old: ben.signKey,
      signKey: ben.signKey,
      boxKey: ben.boxKey,
      officers: signers(0, 1),
    });
    expect(same.fields).toEqual({ signKey: expect.stringMatching(/new identity/) });
    const result = await ok('hospital.rekey', {
      old: ben.signKey,
      signKey: newBen.signKey,
      boxKey: newBen.boxKey,
      officers: signers(0, 1),
    });
    expect(result).toMatchObject({
      issued: expect.stringMatching(/^[0-9a-f]{64}$/),
      revoked: expect.stringMatching(/^[0-9a-f]{64}$/),
      moved: [{ chartId: first }],
      notMoved: [],
      to: { signKey: newBen.signKey, name: OTHER_DOCTOR.name },
    });
    const list = await ok('credentials.list');
    expect(list.credentials.find((c: Loose) => c.signKey === newBen.signKey)).toMatchObject({
      credentialId: result.issued,
      licence: OTHER_DOCTOR.licenceNumber,
      status: 'valid',
    });
    expect(await held(newBen.signKey)).toEqual([first]);
    expect((await failure('hospital.heldCharts', { practitioner: ben.signKey })).code).toBe('INVALID_REQUEST');
    await signIn(newBen.id, 'amber lantern quietly');
    expect((await ok('charts.get', { chartId: first })).summary).toMatchObject({
      integrity: 'verified',
      custodian: { signKey: newBen.signKey },
    });
    // Re-keying an ended credential is refused on its field.
    const again = await failure('hospital.rekey', {
      old: ada.signKey,
      signKey: newBen.signKey,
      boxKey: newBen.boxKey,
      officers: signers(0, 1),
    });
    expect(again.fields).toEqual({ old: expect.stringMatching(/revoked/) });
  });
  it('off-boards Cleo: the IT desk finds her envelope v3 chart by its recovery tag and moves it with her v1 chart', async () => {
    await signIn(cleo.id, THIRD_DOCTOR.password);
    await ok('settings.set', { patch: { ledgerEnvelope: 'v3' } });
    const v3 = (await ok('charts.create', { chart: sampleChart('Vera Three'), pin: PIN })).chart.summary.chartId;
    await ok('settings.set', { patch: { ledgerEnvelope: 'v1' } });
    // The outputs query behind heldCharts finds only her v1 chart.
    expect(await held(cleo.signKey)).toEqual([second]);
    const to = (await ok('credentials.list')).credentials.find(
      (c: Loose) => c.name === OTHER_DOCTOR.name && c.status === 'valid',
    );
    const result = await ok('hospital.offboard', {
      leaving: cleo.signKey,
      to: to.signKey,
      reason: 'left the hospital',
      officers: signers(0, 2),
    });
    expect(result.notMoved).toEqual([]);
    expect(result.moved.map((m: Loose) => m.chartId).sort()).toEqual([second, v3].sort());
  });
});
