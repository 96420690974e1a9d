// The hospital channels (hospital.*, credentials.*) through the real IPC registry as main.ts and the e2e bridge build
// it (src-main/app/core.ts): a real embedded ledger node over HTTP, the real keychain (D-Bus + gnome-keyring), real
// settings files (user file and the Linux managed policy). First run: set up this hospital (1-of-1) or join one; IT
// issues, refuses what is wrong, revokes; a 2-of-2 authority passes a partially signed file between its officers;
// where IT pinned an authority, neither set up nor join can change it; a 2-of-3 ceremony started here is signed by
// every officer and joined.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Core } from '../../../src-main/app/core';
import { startLedgerNode, type LedgerNode } from '../../../src-main/ledger-node/node';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { OfficerKeychain } from '../../../src-main/authority/officer-keychain';
import { postPartial, prepareCeremony, signPartial } from '../../../src-main/authority/hospital';
import { credentialRequestOf, parseCredentialRequest, formatCredentialRequest } from '../../../src-shared/ipc';
import { cleanKeychain, DOCTOR, FAST, OTHER_DOCTOR } from '../vault/helpers';
import {
  callOn as call,
  failureOn as failure,
  okOn as ok,
  startTestCore,
  type Loose,
  type SavedFile,
} from './ipc-core';
import { clearKeychains } from '../emergency/fixture';

const OFFICER_PASSWORD = 'officer passphrase for tests';
const NEXT_YEAR = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);

let dir: string;
let node: LedgerNode;
const cores: Core[] = [];
const officerServices: string[] = [];
/** What the save dialog (the shell port) was asked to write. */
const savedFiles: SavedFile[] = [];

async function startCore(name: string, policy?: unknown): Promise<{ core: Core; settingsFile: string }> {
  const officers = `HealthChain-officer-test-${randomBytes(6).toString('hex')}`;
  // "Set up this hospital" also makes this machine's emergency key: in a keychain service of the test's own.
  const emergency = `${officers}-emergency`;
  officerServices.push(emergency, officers); // the officers' service last: tests take it as the last one
  const { core, settingsFile } = await startTestCore({
    node,
    dir: path.join(dir, name),
    officers: { service: officers },
    emergencyKeychainService: emergency,
    policy,
    saved: savedFiles,
  });
  cores.push(core);
  return { core, settingsFile };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hc-hospital-ipc-'));
  node = await startLedgerNode({ dataDir: path.join(dir, 'ledger'), port: 0, access: { kind: 'open' } });
});

afterAll(async () => {
  for (const core of cores) await core.stop();
  await node?.stop();
  await cleanKeychain();
  await clearKeychains(...officerServices);
  await rm(dir, { recursive: true, force: true });
});

describe('hospital channels over IPC', { timeout: 120_000 }, () => {
  let authorityId = '';

  it('first run on the embedded node: nothing pinned; join refuses an id the ledger cannot verify', async () => {
    const { core, settingsFile } = await startCore('first');
    expect(await ok(core, 'hospital.status')).toMatchObject({
      authorityId: null,
      pinnedBy: null,
      locked: false,
      embedded: true,
      state: 'none',
      authority: null,
      doctor: null,
    });
    const unknown = await failure(core, 'hospital.join', { authorityId: 'c'.repeat(64) });
    expect(unknown).toMatchObject({ code: 'INVALID_REQUEST', fields: { authorityId: expect.any(String) } });
    expect(unknown.message).toMatch(/cannot be verified: the node does not have it/);
    expect(await failure(core, 'hospital.join', { authorityId: 'nope' })).toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(readFile(settingsFile, 'utf8')).rejects.toThrow(/ENOENT/);
    // The credential channels say plainly that there is no authority yet.
    expect((await failure(core, 'credentials.list', {})).message).toMatch(/No hospital authority is pinned/);
  });

  it('sets up this hospital (1-of-1), pins it in the user file, issues to a doctor from their request, refuses what is wrong, revokes', async () => {
    const { core, settingsFile } = await startCore('setup');
    const weak = await failure(core, 'hospital.setUp', {
      hospitalName: 'St Elsewhere',
      officerName: 'IT desk',
      password: 'short',
    });
    expect(weak).toMatchObject({ code: 'INVALID_REQUEST', fields: { password: expect.any(String) } });

    const status = await ok(core, 'hospital.setUp', {
      hospitalName: 'St Elsewhere',
      officerName: 'IT desk',
      password: OFFICER_PASSWORD,
    });
    expect(status).toMatchObject({
      pinnedBy: 'user',
      locked: false,
      state: 'verified',
      authority: { name: 'St Elsewhere', threshold: 1, officers: [{ name: 'IT desk', onThisMachine: true }] },
    });
    authorityId = status.authorityId;
    expect(JSON.parse(await readFile(settingsFile, 'utf8'))).toEqual({ hospitalAuthority: authorityId });
    expect(JSON.stringify(status)).not.toContain(OFFICER_PASSWORD);
    // Set up twice would leave the first hospital silently: refused, nothing replaced.
    const again = await failure(core, 'hospital.setUp', {
      hospitalName: 'Another',
      officerName: 'IT',
      password: OFFICER_PASSWORD,
    });
    expect(again.message).toContain(authorityId);

    // A doctor creates an identity here: not yet credentialed.
    const doctor = (await ok(core, 'vault.create', DOCTOR)).identity;
    expect((await ok(core, 'hospital.status')).doctor).toEqual({
      signKey: doctor.signKey,
      status: 'unknown',
      credentialId: null,
    });
    const request = parseCredentialRequest(formatCredentialRequest(credentialRequestOf(doctor)));
    if (!request.ok) throw new Error(request.error);
    const { format: _f, version: _v, ...fields } = request.request;

    const wrong = await failure(core, 'credentials.issue', {
      ...fields,
      validUntil: NEXT_YEAR,
      password: 'not the officer password',
    });
    expect(wrong.code).toBe('WRONG_PASSWORD');
    const past = await failure(core, 'credentials.issue', {
      ...fields,
      validUntil: '2020-01-01',
      password: OFFICER_PASSWORD,
    });
    expect(past).toMatchObject({ code: 'INVALID_REQUEST', fields: { validUntil: expect.stringMatching(/future/) } });
    const notADate = await failure(core, 'credentials.issue', {
      ...fields,
      validUntil: 'next spring',
      password: OFFICER_PASSWORD,
    });
    expect(notADate).toMatchObject({ code: 'INVALID_REQUEST', fields: { validUntil: expect.stringMatching(/date/) } });
    expect((await ok(core, 'credentials.list')).credentials).toEqual([]);

    const issued = await ok(core, 'credentials.issue', {
      ...fields,
      validUntil: NEXT_YEAR,
      password: OFFICER_PASSWORD,
    });
    expect(issued).toMatchObject({ posted: expect.stringMatching(/^[0-9a-f]{64}$/), partial: null, needed: 1 });
    expect(issued.describes).toContain(DOCTOR.name);
    const list = await ok(core, 'credentials.list');
    expect(list.authority).toMatchObject({ id: authorityId, name: 'St Elsewhere' });
    expect(list.credentials).toEqual([
      expect.objectContaining({
        credentialId: issued.posted,
        name: DOCTOR.name,
        licence: DOCTOR.licenceNumber,
        specialty: DOCTOR.specialty,
        signKey: doctor.signKey,
        status: 'valid',
        endReason: null,
      }),
    ]);
    expect((await ok(core, 'hospital.status')).doctor).toMatchObject({ status: 'valid', credentialId: issued.posted });

    // The licence is unique however it is typed.
    const taken = await failure(core, 'credentials.issue', {
      ...fields,
      name: 'Dr Impostor',
      licence: DOCTOR.licenceNumber.toLowerCase().replace('-', ' '),
      signKey: (await ok(core, 'vault.create', OTHER_DOCTOR)).identity.signKey,
      validUntil: NEXT_YEAR,
      password: OFFICER_PASSWORD,
    });
    expect(taken).toMatchObject({
      code: 'INVALID_REQUEST',
      fields: { licence: expect.stringMatching(/already held/) },
    });

    const renewed = await ok(core, 'credentials.renew', {
      credentialId: issued.posted,
      validUntil: new Date(Date.now() + 2 * 365 * 86_400_000).toISOString().slice(0, 10),
      password: OFFICER_PASSWORD,
    });
    expect(renewed.posted).toMatch(/^[0-9a-f]{64}$/);
    const revoked = await ok(core, 'credentials.revoke', {
      credentialId: issued.posted,
      reason: 'left the hospital',
      password: OFFICER_PASSWORD,
    });
    expect(revoked.describes).toMatch(/revoke credential .*left the hospital/);
    expect((await ok(core, 'credentials.list')).credentials[0]).toMatchObject({
      status: 'revoked',
      endReason: 'revoked',
    });
    // The Hospital screen reads status and credentials at once: both list this keychain's officer keys together.
    for (let i = 0; i < 3; i++) {
      const [a, b, c] = await Promise.all([
        call(core, 'hospital.status', {}),
        call(core, 'credentials.list', {}),
        call(core, 'hospital.status', {}),
      ]);
      expect([a, b, c].map((x) => (x.ok ? 'ok' : x.error.message))).toEqual(['ok', 'ok', 'ok']);
    }
    const twice = await failure(core, 'credentials.revoke', {
      credentialId: issued.posted,
      password: OFFICER_PASSWORD,
    });
    expect(twice).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(twice.message).toMatch(/already revoked/);
    expect(
      (await failure(core, 'hospital.signPartial', { partial: '{"not":"a file"}', password: OFFICER_PASSWORD }))
        .message,
    ).toMatch(/not a partially signed transaction file/);
  });

  it('joins that hospital from another machine (verified, then pinned); it has no officer key there', async () => {
    const { core, settingsFile } = await startCore('join');
    const joined = await ok(core, 'hospital.join', { authorityId });
    expect(joined).toMatchObject({
      authorityId,
      pinnedBy: 'user',
      state: 'verified',
      authority: { officers: [{ onThisMachine: false }] },
    });
    expect(JSON.parse(await readFile(settingsFile, 'utf8'))).toEqual({ hospitalAuthority: authorityId });
    const list = await ok(core, 'credentials.list');
    expect(list.credentials).toHaveLength(1);
    const identity = (await ok(core, 'vault.create', { ...DOCTOR, licenceNumber: 'NEW-1' })).identity;
    const refused = await failure(core, 'credentials.issue', {
      name: 'Dr New',
      licence: 'NEW-1',
      specialty: '',
      signKey: identity.signKey,
      boxKey: identity.boxKey,
      validUntil: NEXT_YEAR,
      password: OFFICER_PASSWORD,
    });
    expect(refused).toMatchObject({
      code: 'INVALID_REQUEST',
      fields: { officer: expect.stringMatching(/own machine/) },
    });
  });

  it('where IT pinned the authority: shown as managed, and neither set up nor join changes it', async () => {
    const { core, settingsFile } = await startCore('managed', { hospitalAuthority: authorityId });
    expect(await ok(core, 'hospital.status')).toMatchObject({
      authorityId,
      pinnedBy: 'managed',
      locked: true,
      state: 'verified',
      authority: { name: 'St Elsewhere' },
    });
    const setUp = await failure(core, 'hospital.setUp', {
      hospitalName: 'Rogue',
      officerName: 'Someone',
      password: OFFICER_PASSWORD,
    });
    expect(setUp.code).toBe('SETTING_LOCKED');
    expect((await failure(core, 'hospital.join', { authorityId: 'd'.repeat(64) })).code).toBe('SETTING_LOCKED');
    // The settings patch cannot carry the pin at all.
    expect((await failure(core, 'settings.set', { patch: { hospitalAuthority: 'd'.repeat(64) } })).code).toBe(
      'INVALID_REQUEST',
    );
    await expect(readFile(settingsFile, 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('a 2-of-2 authority: one officer issues, the file travels, the other signs and it is posted', async () => {
    const { core } = await startCore('quorum');
    // Both officers' keys on this one test machine (the same keychain service the core uses).
    const service = officerServices[officerServices.length - 1]!;
    const keychain = new OfficerKeychain({ service, params: FAST });
    const ann = await keychain.create('Ann Officer', 'first quorum secret 41');
    const ben = await keychain.create('Ben Officer', 'second quorum secret 97');
    const client = new LedgerNodeClient({ nodeUrls: [node.url] });
    const { partial } = await prepareCeremony({
      name: 'Two Officer Hospital',
      threshold: 2,
      officers: [ann.officer, ben.officer].map((o) => ({ name: o.name, signKey: o.signKey, boxKey: o.boxKey })),
    });
    const { tx } = await postPartial(client, await signPartial(await signPartial(partial, ann.holder), ben.holder));
    ann.holder.lock();
    ben.holder.lock();
    await ok(core, 'hospital.join', { authorityId: tx.id });
    expect((await ok(core, 'hospital.status')).authority).toMatchObject({
      threshold: 2,
      officers: [{ onThisMachine: true }, { onThisMachine: true }],
    });

    const doctor = (await ok(core, 'vault.create', { ...DOCTOR, licenceNumber: 'Q-1' })).identity;
    const issue = {
      name: doctor.name,
      licence: 'Q-1',
      specialty: doctor.specialty,
      signKey: doctor.signKey,
      boxKey: doctor.boxKey,
      validUntil: NEXT_YEAR,
    };
    const choose = await failure(core, 'credentials.issue', { ...issue, password: 'first quorum secret 41' });
    expect(choose).toMatchObject({ code: 'INVALID_REQUEST', fields: { officer: expect.stringMatching(/choose/) } });
    const first = await ok(core, 'credentials.issue', {
      ...issue,
      password: 'first quorum secret 41',
      officer: ann.officer.signKey,
    });
    expect(first).toMatchObject({ posted: null, signedBy: [ann.officer.signKey], needed: 2 });
    expect(first.partial).toContain('healthchain.partial-transaction');
    expect((await ok(core, 'credentials.list')).credentials).toEqual([]);
    // The file is saved for the next officer through the save dialog: only a well-formed partial file, public data.
    const exported = await ok(core, 'hospital.exportPartial', { partial: first.partial });
    expect(exported.savedTo).toMatch(/^\/saved\/hospital-create-\d{4}-\d{2}-\d{2}\.partial\.json$/);
    expect(JSON.parse(savedFiles.at(-1)!.content)).toEqual(JSON.parse(first.partial));
    expect(savedFiles.at(-1)!.content).not.toMatch(/quorum secret/);
    const notAFile = await failure(core, 'hospital.exportPartial', { partial: 'anything the page likes' });
    expect(notAFile).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(savedFiles.filter((f) => f.content.includes('anything the page likes'))).toEqual([]);
    // Ben's password does not open Ann's key, nor the reverse.
    expect(
      (
        await failure(core, 'hospital.signPartial', {
          partial: first.partial,
          password: 'first quorum secret 41',
          officer: ben.officer.signKey,
        })
      ).code,
    ).toBe('WRONG_PASSWORD');
    const second = await ok(core, 'hospital.signPartial', {
      partial: first.partial,
      password: 'second quorum secret 97',
      officer: ben.officer.signKey,
    });
    expect(second).toMatchObject({ posted: expect.stringMatching(/^[0-9a-f]{64}$/), partial: null, needed: 2 });
    expect(second.signedBy.sort()).toEqual([ann.officer.signKey, ben.officer.signKey].sort());
    expect((await ok(core, 'credentials.list')).credentials).toEqual([
      expect.objectContaining({ licence: 'Q-1', status: 'valid' }),
    ]);
  });

  it('a 2-of-3 ceremony started from the IT screen: every officer signs the file, it is posted, the machine joins', async () => {
    const { core } = await startCore('ceremony');
    const service = officerServices[officerServices.length - 1]!;
    const keychain = new OfficerKeychain({ service, params: FAST });
    const passwords = ['first ceremony secret 11', 'second ceremony secret 22', 'third ceremony secret 33'];
    const officers = [];
    for (const [i, name] of ['Ann Officer', 'Ben Officer', 'Cat Officer'].entries()) {
      const { officer, holder } = await keychain.create(name, passwords[i]!);
      holder.lock();
      officers.push(officer);
    }
    const listed = officers.map((o) => ({ name: o.name, signKey: o.signKey, boxKey: o.boxKey }));
    const tooHigh = await failure(core, 'hospital.startCeremony', {
      hospitalName: 'Three Officer Hospital',
      threshold: 4,
      officers: listed,
    });
    expect(tooHigh).toMatchObject({ code: 'INVALID_REQUEST', fields: { threshold: expect.stringMatching(/exceed/) } });
    const twice = await failure(core, 'hospital.startCeremony', {
      hospitalName: 'Three Officer Hospital',
      threshold: 2,
      officers: [listed[0], listed[0]],
    });
    expect(twice.fields).toEqual({ officers: expect.stringMatching(/same key twice/) });

    const started = await ok(core, 'hospital.startCeremony', {
      hospitalName: 'Three Officer Hospital',
      threshold: 2,
      officers: listed,
    });
    expect(started).toMatchObject({ posted: null, signedBy: [], needed: 3 });
    expect(started.describes).toMatch(/Three Officer Hospital.*2 of 3/);
    let file = started.partial;
    for (const [i, o] of officers.entries()) {
      const signed = await ok(core, 'hospital.signPartial', {
        partial: file,
        password: passwords[i],
        officer: o.signKey,
      });
      if (i < 2) {
        expect(signed).toMatchObject({ posted: null, needed: 3 });
        expect(signed.signedBy).toHaveLength(i + 1);
        file = signed.partial;
      } else {
        expect(signed.posted).toMatch(/^[0-9a-f]{64}$/);
        file = signed.posted;
      }
    }
    const joined = await ok(core, 'hospital.join', { authorityId: file });
    expect(joined).toMatchObject({
      state: 'verified',
      authority: { name: 'Three Officer Hospital', threshold: 2 },
    });
    expect(joined.authority.officers.map((o: Loose) => o.onThisMachine)).toEqual([true, true, true]);
    // Pinned now: another ceremony is not started from this machine.
    const again = await failure(core, 'hospital.startCeremony', {
      hospitalName: 'Another',
      threshold: 1,
      officers: [listed[0]],
    });
    expect(again.message).toContain(file);
  });
});
