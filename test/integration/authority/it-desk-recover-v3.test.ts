// The IT desk's file-based recovery of an envelope v3 chart over IPC (hospital.recoverWithShares, then "Sign a
// partially signed file", docs/UNLINKABLE.md §9), through the real IPC registry as main.ts builds it
// (src-main/app/core.ts): a real embedded ledger node over HTTP, the real keychain (D-Bus + gnome-keyring), the real
// chart service. A 2-of-3 authority of three officer keys made over IPC; Ada writes a chart under it and upgrades it
// to envelope v3; two officers seal their shares to the coordinator's session, the coordinator's desk writes the move
// file (a sealed box per officer, no officer named in clear) signed by its tweaked key, and a second officer signs it:
// posted, Ben opens the chart as its custodian. One share (1 of 3), the coordinator's signature alone, a file altered
// after it was written and an officer of no quorum are each refused or left unposted. The desk's file is also the CLI's:
// `hospital sign` by the third officer adds its signature to a copy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Core } from '../../../src-main/app/core';
import { startLedgerNode, type LedgerNode } from '../../../src-main/ledger-node/node';
import { sampleChart } from '../../fixtures/sample-chart';
import { PIN } from '../charts/harness';
import { cleanKeychain, DOCTOR, OTHER_DOCTOR } from '../vault/helpers';
import { ipcCalls, startTestCore, type Loose, type SavedFile } from './ipc-core';
import { clearKeychains } from '../emergency/fixture';

const PASSWORDS = ['first v3 quorum secret 41', 'second v3 quorum secret 97', 'third v3 quorum secret 13'];
const STRAY_PASSWORD = 'unrelated passphrase 55 quill';
const NEXT_YEAR = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);

let dir: string;
let node: LedgerNode;
let core: Core;
let officerService: string;
const saved: SavedFile[] = [];

const { ok, failure } = ipcCalls(() => core);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function outboxEmpty(): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if ((await ok('charts.outbox')).items.length === 0) return;
    await sleep(100);
  }
  throw new Error('the outbox never emptied');
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hc-it-desk-v3-'));
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

describe('IT desk over IPC: recovery of an envelope v3 chart with share files', { timeout: 600_000 }, () => {
  const officers: { name: string; signKey: string; boxKey: string; password: string }[] = [];
  let stray: { signKey: string };
  let ada: Loose;
  let ben: Loose;
  let chartV3 = '';

  it('setup: a 2-of-3 authority, Ada and Ben credentialed, a chart of Ada upgraded to envelope v3', async () => {
    for (const [i, name] of ['Ann Officer', 'Ben Officer', 'Cat Officer'].entries()) {
      const made = await ok('hospital.officerCreate', { name, password: PASSWORDS[i] });
      officers.push({ ...made, password: PASSWORDS[i]! });
    }
    // An officer key on this computer that is in no quorum of the authority.
    stray = await ok('hospital.officerCreate', { name: 'Stray Officer', password: STRAY_PASSWORD });
    const ceremony = await ok('hospital.startCeremony', {
      hospitalName: 'St Quorum',
      threshold: 2,
      officers: officers.map(({ name, signKey, boxKey }) => ({ name, signKey, boxKey })),
    });
    let partial = ceremony.partial as string;
    let posted: string | null = null;
    for (const o of officers) {
      const act = await ok('hospital.signPartial', { partial, password: o.password, officer: o.signKey });
      // The ceremony's signers are named from the file's own officer list (nothing is pinned yet).
      expect(act.signers).toEqual(act.signedBy.map((k: string) => officers.find((x) => x.signKey === k)!.name));
      partial = act.partial;
      posted = act.posted;
    }
    await ok('hospital.join', { authorityId: posted! });
    ben = (await ok('vault.create', OTHER_DOCTOR)).identity;
    ada = (await ok('vault.create', DOCTOR)).identity;
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
      // A v1 act's signers are the officers' directory keys: the desk names them from the pinned authority.
      expect(first.signers).toEqual(['Ann Officer']);
      const second = await ok('hospital.signPartial', {
        partial: first.partial,
        password: officers[1]!.password,
        officer: officers[1]!.signKey,
      });
      expect(second.signers).toEqual(second.signedBy.map((k: string) => officers.find((o) => o.signKey === k)!.name));
    }
    await ok('vault.unlock', { id: ada.id, password: DOCTOR.password });
    const v1 = (await ok('charts.create', { chart: sampleChart('Vera Three'), pin: PIN })).chart.summary.chartId;
    await outboxEmpty();
    const report = await ok('charts.upgradeV3', { password: DOCTOR.password, spreadSeconds: 0 });
    expect(report.charts).toEqual([expect.objectContaining({ chartId: v1, status: 'upgraded' })]);
    chartV3 = report.charts[0].newChartId;
    await outboxEmpty();
    expect((await ok('charts.get', { chartId: chartV3 })).summary).toMatchObject({
      integrity: 'verified',
      role: 'custodian',
      custodian: { signKey: ada.signKey },
    });
  });

  it('2 of 3 officers move it through the desk; 1 of 3, an altered file and an officer of no quorum are refused', async () => {
    const session = await ok('hospital.startRecoverySession');
    const shares: string[] = [];
    for (const o of [officers[1]!, officers[2]!]) {
      await ok('hospital.sealShare', { sessionKey: session.sessionKey, password: o.password, officer: o.signKey });
      shares.push(saved.at(-1)!.content);
    }
    const recover = (req: Record<string, unknown>) => ({
      sessionKey: session.sessionKey,
      shares,
      chartId: chartV3,
      to: ben.signKey,
      reason: 'Dr Okafor lost her password',
      password: officers[0]!.password,
      officer: officers[0]!.signKey,
      ...req,
    });
    const one = await failure('hospital.recoverWithShares', recover({ shares: [shares[0]] }));
    expect(one.fields).toEqual({ shares: expect.stringMatching(/Not enough shares: St Quorum needs 2.*1 given/) });
    expect((await failure('hospital.recoverWithShares', recover({ password: 'wrong officer password' }))).code).toBe(
      'WRONG_PASSWORD',
    );

    const result = await ok('hospital.recoverWithShares', recover({}));
    expect(result.sharesFrom.sort()).toEqual([officers[1]!.signKey, officers[2]!.signKey].sort());
    // The coordinator's tweaked signature alone: not posted, the file waits for a second officer.
    expect(result.act).toMatchObject({ posted: null, needed: 2, queued: false });
    expect(result.act.signedBy).toHaveLength(1);
    const file = result.act.partial as string;
    const move = JSON.parse(file);
    expect(move.officerSlots).toHaveLength(3);
    // The file names no officer and carries nothing of the chart in clear.
    for (const o of officers) expect(file).not.toContain(o.signKey);
    expect(file).not.toContain('Vera Three');
    expect(result.act.signedBy[0]).not.toBe(officers[0]!.signKey);
    // The coordinator's desk names its own tweaked key's officer, from the act it just did.
    expect(result.act.signers).toEqual(['Ann Officer']);

    const altered = JSON.stringify({ ...move, unsigned: { ...move.unsigned, metadata: { note: 'altered' } } });
    const alteredAnswer = await failure('hospital.signPartial', {
      partial: altered,
      password: officers[1]!.password,
      officer: officers[1]!.signKey,
    });
    expect(alteredAnswer.message).toMatch(/altered after it was written|not the one its coordinator prepared/);
    const strayAnswer = await failure('hospital.signPartial', {
      partial: file,
      password: STRAY_PASSWORD,
      officer: stray.signKey,
    });
    expect(strayAnswer.fields).toEqual({ officer: expect.stringMatching(/not an officer key of St Quorum/) });

    // The same file is what the CLI's `hospital sign` takes: officer 3 signs a copy with it (not posted here).
    const copy = path.join(dir, 'move-v3.json');
    await writeFile(copy, file);
    await promisify(execFile)(
      'node_modules/.bin/tsx',
      ['src-main/cli/index.ts', 'hospital', 'sign', copy, '--officer', officers[2]!.signKey],
      {
        env: {
          ...process.env,
          HEALTHCHAIN_OFFICER_KEYCHAIN_SERVICE: officerService,
          HEALTHCHAIN_PASSWORD: officers[2]!.password,
        },
        timeout: 240_000,
      },
    );
    const byCli = JSON.parse(await readFile(copy, 'utf8'));
    expect(Object.keys(byCli.signatures)).toHaveLength(2);
    expect(Object.keys(byCli.signatures)).toContain(result.act.signedBy[0]);

    const posted = await ok('hospital.signPartial', {
      partial: file,
      password: officers[1]!.password,
      officer: officers[1]!.signKey,
    });
    expect(posted).toMatchObject({ posted: expect.stringMatching(/^[0-9a-f]{64}$/), needed: 2 });
    expect(posted.signedBy).toHaveLength(2);
    // The tweaked keys are no directory key, but the signing desk maps both back: its own, by the tweak in its box, and
    // the coordinator's, by the coordinator's tweak the box also holds (docs/SECURITY.md, "the file-based recovery").
    for (const o of officers) expect(posted.signedBy).not.toContain(o.signKey);
    expect(posted.signers).toEqual(
      posted.signedBy.map((k: string) => (k === result.act.signedBy[0] ? 'Ann Officer' : 'Ben Officer')),
    );
    expect(posted.describes).toMatch(/^Move custody of chart \w+ \(envelope v3, version 1\) from .* to Dr Ben/);
    await ok('hospital.endRecoverySession', { sessionKey: session.sessionKey });
  });

  it('Ben opens the recovered v3 chart as its custodian, verified', async () => {
    await ok('vault.unlock', { id: ben.id, password: OTHER_DOCTOR.password });
    const chart = await ok('charts.get', { chartId: chartV3 });
    expect(chart.summary).toMatchObject({
      integrity: 'verified',
      role: 'custodian',
      patientName: 'Vera Three',
      custodian: { signKey: ben.signKey },
    });
  });
});
