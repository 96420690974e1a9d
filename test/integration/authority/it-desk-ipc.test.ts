// IT's tools that only the CLI had, over IPC (hospital.officerList/officerCreate, migrationPlan/migrate, and the
// recovery session flows), through the real IPC registry as main.ts builds it (src-main/app/core.ts): a real embedded
// ledger node over HTTP, the real keychain (D-Bus + gnome-keyring), the real chart service. Three officer keys are made
// over IPC and hold a 2-of-3 authority set up by the screen's ceremony; a chart written before the authority is
// migrated (wrong password refused, re-running skips); two officers seal their shares to the coordinator's session,
// share files pass as the save dialog wrote them, and the chart is recovered; one share, a share of another session,
// an ended session, a wrong password and an unknown officer are each refused with their reason; "sign a partially
// signed file" signs a custody move of this hospital's quorum only (another authority's is refused).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import keytar from 'keytar';
import type { Core } from '../../../src-main/app/core';
import { startLedgerNode, type LedgerNode } from '../../../src-main/ledger-node/node';
import { custodyOutput, custodyPolicyOf, startPartial } from '../../../src-shared/authority';
import { makeTransfer, type Transaction } from '../../../src-shared/ledger';
import { sampleChart } from '../../fixtures/sample-chart';
import { PIN } from '../charts/harness';
import { cleanKeychain, DOCTOR, OTHER_DOCTOR } from '../vault/helpers';
import { ipcCalls, startTestCore, type Loose, type SavedFile } from './ipc-core';
import { clearKeychains } from '../emergency/fixture';

const PASSWORDS = ['first quorum secret 41', 'second quorum secret 97', 'third quorum secret 13'];
const NEXT_YEAR = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);

let dir: string;
let node: LedgerNode;
let core: Core;
let officerService: string;
/** What the save dialog (the shell port) was asked to write. */
const saved: SavedFile[] = [];

const { ok, failure } = ipcCalls(() => core);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the doctor's migration plan shows every chart under the authority (the outbox has sent them). */
async function plannedUntil(check: (plan: Loose) => boolean): Promise<Loose> {
  for (let i = 0; i < 100; i++) {
    const plan = await ok('hospital.migrationPlan');
    if (check(plan)) return plan;
    await sleep(100);
  }
  throw new Error('the migration plan never reached the expected state');
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hc-it-desk-ipc-'));
  node = await startLedgerNode({ dataDir: path.join(dir, 'ledger'), port: 0, access: { kind: 'open' } });
  officerService = `HealthChain-officer-test-${randomBytes(6).toString('hex')}`;
  ({ core } = await startTestCore({ node, dir: path.join(dir, 'core'), officers: { service: officerService }, saved }));
});

afterAll(async () => {
  await core?.stop();
  await node?.stop();
  await cleanKeychain();
  await clearKeychains(officerService);
  await rm(dir, { recursive: true, force: true });
});

describe('IT desk over IPC: officer keys, migration, recovery with session files', { timeout: 240_000 }, () => {
  const officers: { name: string; signKey: string; boxKey: string; password: string }[] = [];
  let ada: Loose;
  let ben: Loose;
  let before = '';
  let after = '';
  let authorityId = '';

  it('creates officer keys: a weak password or no name is refused; the answer and the list hold public keys only', async () => {
    expect(await ok('hospital.officerList')).toEqual({ officers: [], unreadable: [] });
    const weak = await failure('hospital.officerCreate', { name: 'Ann Officer', password: 'short' });
    expect(weak).toMatchObject({ code: 'INVALID_REQUEST', fields: { password: expect.any(String) } });
    const common = await failure('hospital.officerCreate', { name: 'Ann Officer', password: 'password123' });
    expect(common).toMatchObject({ code: 'INVALID_REQUEST', fields: { password: expect.any(String) } });
    const nameless = await failure('hospital.officerCreate', { name: '  ', password: PASSWORDS[0] });
    expect(nameless).toMatchObject({ code: 'INVALID_REQUEST', fields: { name: 'Name is required' } });
    const extra = await failure('hospital.officerCreate', { name: 'Ann', password: PASSWORDS[0], seed: 'x' });
    expect(extra.code).toBe('INVALID_REQUEST');
    expect((await ok('hospital.officerList')).officers).toEqual([]);

    for (const [i, name] of ['Ann Officer', 'Ben Officer', 'Cat Officer'].entries()) {
      const made = await ok('hospital.officerCreate', { name, password: PASSWORDS[i] });
      expect(Object.keys(made).sort()).toEqual(['boxKey', 'createdAt', 'name', 'signKey']);
      expect(made.name).toBe(name);
      officers.push({ ...made, password: PASSWORDS[i]! });
    }
    const listed = await ok('hospital.officerList');
    expect(listed.unreadable).toEqual([]);
    expect(listed.officers.map((o: Loose) => o.signKey).sort()).toEqual(officers.map((o) => o.signKey).sort());
    // The keychain holds them sealed: no entry is readable as clear key material.
    for (const { password } of await keytar.findCredentials(officerService))
      expect(JSON.parse(password)).toMatchObject({ format: expect.any(String), kdf: expect.any(Object) });
  });

  it('setup: a 2-of-3 ceremony of those officers signed here, joined; two doctors credentialed; a chart written before', async () => {
    ada = (await ok('vault.create', DOCTOR)).identity;
    before = (await ok('charts.create', { chart: sampleChart('Olga Before'), pin: PIN })).chart.summary.chartId;
    const ceremony = await ok('hospital.startCeremony', {
      hospitalName: 'St Quorum',
      threshold: 2,
      officers: officers.map(({ name, signKey, boxKey }) => ({ name, signKey, boxKey })),
    });
    let partial = ceremony.partial as string;
    let posted: string | null = null;
    for (const o of officers) {
      const act = await ok('hospital.signPartial', { partial, password: o.password, officer: o.signKey });
      partial = act.partial;
      posted = act.posted;
    }
    authorityId = posted!;
    await ok('hospital.join', { authorityId });
    ben = (await ok('vault.create', OTHER_DOCTOR)).identity;
    for (const d of [ada, ben]) {
      const first = await ok('credentials.issue', {
        name: d.name,
        licence: d.licenceNumber,
        specialty: d.specialty,
        signKey: d.signKey,
        boxKey: d.boxKey,
        validUntil: NEXT_YEAR,
        password: officers[0]!.password,
        officer: officers[0]!.signKey,
      });
      expect(first.posted).toBeNull();
      const second = await ok('hospital.signPartial', {
        partial: first.partial,
        password: officers[1]!.password,
        officer: officers[1]!.signKey,
      });
      expect(second.posted).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('migration: the plan names what the older chart lacks; a wrong password writes nothing; then done, re-run skips', async () => {
    await ok('vault.unlock', { id: ada.id, password: DOCTOR.password });
    after = (await ok('charts.create', { chart: sampleChart('Mia After'), pin: PIN })).chart.summary.chartId;
    const plan = await plannedUntil((p) => p.charts.length === 2);
    expect(plan.signKey).toBe(ada.signKey);
    const byId = Object.fromEntries(plan.charts.map((c: Loose) => [c.chartId, c]));
    expect(byId[before]).toMatchObject({ gaps: ['custody', 'recovery'], blocked: null });
    expect(byId[after]).toMatchObject({ gaps: [], blocked: null });

    const wrong = await failure('hospital.migrate', { password: 'not her password', chartIds: [before] });
    expect(wrong.code).toBe('WRONG_PASSWORD');
    expect((await ok('hospital.migrationPlan')).charts.find((c: Loose) => c.chartId === before).gaps).toEqual([
      'custody',
      'recovery',
    ]);
    expect((await failure('hospital.migrate', { password: DOCTOR.password, chartIds: [] })).code).toBe(
      'INVALID_REQUEST',
    );

    const stranger = 'e'.repeat(64);
    const report = await ok('hospital.migrate', { password: DOCTOR.password, chartIds: [before, after, stranger] });
    expect(report.charts).toEqual([
      { chartId: before, status: 'done', txId: expect.stringMatching(/^[0-9a-f]{64}$/), reason: null },
      { chartId: after, status: 'skipped', txId: null, reason: 'Already under the hospital authority' },
      { chartId: stranger, status: 'failed', txId: null, reason: 'You are not the custodian of this chart' },
    ]);
    await plannedUntil((p) => p.charts.length === 2 && p.charts.every((c: Loose) => c.gaps.length === 0));
    const again = await ok('hospital.migrate', { password: DOCTOR.password, chartIds: [before, after] });
    expect(again.charts.map((c: Loose) => c.status)).toEqual(['skipped', 'skipped']);
    // The chart reads as before: nothing lost.
    const chart = await ok('charts.get', { chartId: before });
    expect(chart.summary).toMatchObject({ integrity: 'verified', patientName: 'Olga Before', seq: 2 });
    expect(chart.data).not.toBeNull();
  });

  it('a recovery session: shares sealed by two officers, a wrong password or unknown officer refused', async () => {
    const session = await ok('hospital.startRecoverySession');
    expect(session.sessionKey).toMatch(/^[1-9A-HJ-NP-Za-km-z]{43,44}$/);
    expect(JSON.stringify(session)).not.toMatch(/secret/i);

    const wrong = await failure('hospital.sealShare', {
      sessionKey: session.sessionKey,
      password: 'not the officer password',
      officer: officers[0]!.signKey,
    });
    expect(wrong.code).toBe('WRONG_PASSWORD');
    const unknown = await failure('hospital.sealShare', {
      sessionKey: session.sessionKey,
      password: officers[0]!.password,
      officer: ben.signKey,
    });
    expect(unknown).toMatchObject({
      code: 'INVALID_REQUEST',
      fields: { officer: expect.stringMatching(/not an officer key/) },
    });
    const several = await failure('hospital.sealShare', { sessionKey: session.sessionKey, password: PASSWORDS[0] });
    expect(several.fields).toEqual({ officer: expect.stringMatching(/Several officer keys/) });
    expect((await failure('hospital.sealShare', { sessionKey: 'nope', password: 'x' })).code).toBe('INVALID_REQUEST');
    expect(saved).toEqual([]);

    const shares: string[] = [];
    for (const o of [officers[1]!, officers[2]!]) {
      const answer = await ok('hospital.sealShare', {
        sessionKey: session.sessionKey,
        password: o.password,
        officer: o.signKey,
      });
      expect(answer.savedTo).toMatch(/^\/saved\/recovery-share-/);
      const file = saved.at(-1)!.content;
      expect(JSON.parse(file)).toMatchObject({
        format: 'healthchain.recovery-share',
        authority: authorityId,
        officer: o.signKey,
        sessionKey: session.sessionKey,
      });
      shares.push(file);
    }

    const recover = (req: Record<string, unknown>) => ({
      sessionKey: session.sessionKey,
      shares,
      chartId: before,
      to: ben.signKey,
      reason: 'Dr Okafor lost her password',
      password: officers[0]!.password,
      officer: officers[0]!.signKey,
      ...req,
    });
    const one = await failure('hospital.recoverWithShares', recover({ shares: [shares[0]] }));
    expect(one.fields).toEqual({ shares: expect.stringMatching(/Not enough shares: St Quorum needs 2.*1 given/) });
    const twice = await failure('hospital.recoverWithShares', recover({ shares: [shares[0], shares[0]] }));
    expect(twice.fields).toEqual({ shares: expect.stringMatching(/given twice/) });
    const junk = await failure('hospital.recoverWithShares', recover({ shares: [shares[0], '{"format":"x"}'] }));
    expect(junk.fields).toEqual({ shares: expect.stringMatching(/Share file 2 is not a recovery share file/) });

    const other = await ok('hospital.startRecoverySession');
    const elsewhere = await failure('hospital.recoverWithShares', recover({ sessionKey: other.sessionKey }));
    expect(elsewhere.fields).toEqual({ shares: expect.stringMatching(/sealed for another recovery session/) });
    // A share file edited to name the other session does not open with its secret either.
    const forged = shares.map((s) => JSON.stringify({ ...JSON.parse(s), sessionKey: other.sessionKey }));
    const forgedAnswer = await failure(
      'hospital.recoverWithShares',
      recover({ sessionKey: other.sessionKey, shares: forged }),
    );
    expect(forgedAnswer.fields).toEqual({ shares: expect.stringMatching(/does not open with this session key/) });
    await ok('hospital.endRecoverySession', { sessionKey: other.sessionKey });

    const notADoctor = await failure('hospital.recoverWithShares', recover({ to: officers[0]!.signKey }));
    expect(notADoctor.fields).toEqual({ to: expect.stringMatching(/holds no credential/) });
    const badPassword = await failure('hospital.recoverWithShares', recover({ password: 'wrong officer password' }));
    expect(badPassword.code).toBe('WRONG_PASSWORD');

    // Two shares from officers on "other machines" and the coordinator's signature: 2 of 2 needed after the next one.
    const result = await ok('hospital.recoverWithShares', recover({}));
    expect(result.sharesFrom.sort()).toEqual([officers[1]!.signKey, officers[2]!.signKey].sort());
    expect(result.act).toMatchObject({ posted: null, signedBy: [officers[0]!.signKey], needed: 2 });
    const posted = await ok('hospital.signPartial', {
      partial: result.act.partial,
      password: officers[1]!.password,
      officer: officers[1]!.signKey,
    });
    expect(posted.posted).toMatch(/^[0-9a-f]{64}$/);
    expect((await ok('hospital.heldCharts', { practitioner: ben.signKey })).chartIds).toEqual([before]);

    await ok('hospital.endRecoverySession', { sessionKey: session.sessionKey });
    const ended = await failure('hospital.recoverWithShares', recover({ chartId: after }));
    expect(ended.fields).toEqual({ sessionKey: expect.stringMatching(/No such recovery session/) });
  });

  it('Ben opens the recovered chart, verified', async () => {
    await ok('vault.unlock', { id: ben.id, password: OTHER_DOCTOR.password });
    const chart = await ok('charts.get', { chartId: before });
    expect(chart.summary).toMatchObject({
      integrity: 'verified',
      role: 'custodian',
      patientName: 'Olga Before',
      custodian: { signKey: ben.signKey },
    });
  });

  it("signs a custody move only when it spends a chart by this hospital's quorum, not another authority's", async () => {
    // A chart output as another hospital (with Ann as its only officer) would own it: 1-of-[Ben, that quorum].
    const foreign = custodyPolicyOf('f'.repeat(64), {
      threshold: 1,
      officers: [{ name: 'Ann elsewhere', signKey: officers[0]!.signKey, boxKey: officers[0]!.boxKey }],
      recoveryKey: officers[2]!.boxKey,
    });
    const tx = {
      id: 'b'.repeat(64),
      operation: 'TRANSFER',
      asset: { id: 'c'.repeat(64) },
      outputs: [custodyOutput(ben.signKey, foreign)],
    } as unknown as Transaction;
    const partial = startPartial(
      makeTransfer([{ tx, outputIndex: 0 }], [custodyOutput(ada.signKey, foreign)], null),
      'x',
    );
    const refused = await failure('hospital.signPartial', {
      partial: JSON.stringify(partial),
      password: officers[0]!.password,
      officer: officers[0]!.signKey,
    });
    expect(refused).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/not an act of St Quorum/),
    });
  });
});
