// The file-based m-of-n recovery (`npm run cli -- hospital recovery session|share`, `recover --session --shares`,
// `sign`, `post`) moving an envelope v3 chart and a v1 chart in one session, on the real embedded node over HTTP, the
// CLI in child processes, and a real 2-of-3 authority whose three officers each keep their key in their own keychain
// service (three "machines"; one more officer key, of no authority, in a fourth). The coordinator (officer 1) rebuilds
// the recovery key from the share files of officers 1 and 3 and writes each move; officer 3 signs on "its machine".
// For the v3 chart the file carries each officer's tweak sealed to its box key and names no officer in clear. Refused:
// one share, one signature, a file altered after the coordinator wrote it, an officer of no authority, a signature
// made over another move. Doctors are in the real vault (run in a D-Bus session with gnome-keyring).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import { postPartial, prepareCeremony, signPartial } from '../../../src-main/authority/hospital';
import { OfficerKeychain } from '../../../src-main/authority/officer-keychain';
import type { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { openChartV3 } from '../../../src-main/records/version-opener-v3';
import { chartOwnership } from '../../../src-shared/authority/custody';
import type { PartialTransaction } from '../../../src-shared/authority';
import type { Transaction } from '../../../src-shared/ledger';
import { isV3Metadata } from '../../../src-shared/unlinkable/envelope-v3';
import { sampleChart } from '../../fixtures/sample-chart';
import {
  NODE_TOKEN,
  PIN,
  TestVault,
  removeDir,
  startNode,
  startService,
  tempDir,
  type Doctor,
} from '../charts/harness';
import type { InspectedChartService } from '../charts/inspected-service';
import { credentialDoctor } from '../authority/hospital-setup';

// Officer keys use the vault's full scrypt cost and each command is a child process: this takes a while.
vi.setConfig({ testTimeout: 600_000, hookTimeout: 600_000 });

const run = promisify(execFile);
const PASSWORD = 'officer passphrase for the v3 recovery files test';
const services = [0, 1, 2, 3].map((i) => `HealthChain-recfile-v3-${i}-${randomBytes(6).toString('hex')}`);
const vault = new TestVault();

/** The CLI as officer `i` runs it on its own machine (its own keychain service). */
async function cli(i: number, args: string[]) {
  try {
    const { stdout, stderr } = await run('node_modules/.bin/tsx', ['src-main/cli/index.ts', 'hospital', ...args], {
      env: {
        ...process.env,
        HEALTHCHAIN_OFFICER_KEYCHAIN_SERVICE: services[i]!,
        HEALTHCHAIN_KEYCHAIN_SERVICE: vault.service,
        HEALTHCHAIN_PASSWORD: PASSWORD,
        HC_LEDGER_TOKEN: NODE_TOKEN,
      },
      cwd: process.cwd(),
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function json<T>(i: number, args: string[]): Promise<T> {
  const result = await cli(i, [...args, '--json']);
  expect(result, result.stderr).toMatchObject({ code: 0 });
  return JSON.parse(result.stdout) as T;
}

const readMove = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as PartialTransaction;
const writeMove = (file: string, move: PartialTransaction) => writeFileSync(file, JSON.stringify(move, null, 2));

describe('the file-based m-of-n recovery moves envelope v3 charts', { timeout: 600_000 }, () => {
  const dataDir = tempDir('recfile-v3-node');
  const work = tempDir('recfile-v3');
  let node: LedgerNode;
  let client: LedgerNodeClient;
  let nodeArgs: string[];
  let authority = '';
  const officers: SeedKeyHolder[] = [];
  let stranger: SeedKeyHolder;
  let ada: Doctor;
  let bob: Doctor;
  let v3Service: InspectedChartService;
  let v3Chart = '';
  let v1Chart = '';
  const sessionFile = join(work, 'session.json');
  const shares = [join(work, 'share-1.json'), join(work, 'share-3.json')];

  const raw = async (chartId: string) => (await client.listTransactions(chartId)).value as Transaction[];
  const headOf = async (chartId: string) => {
    const txs = await raw(chartId);
    const spent = new Set(txs.flatMap((t) => t.inputs.map((i) => i.fulfills?.transaction_id)));
    return txs.find((t) => !spent.has(t.id))!;
  };
  const recover = (chartId: string, out: string, shareFiles = shares) =>
    cli(0, [
      'recover',
      chartId,
      '--to',
      bob.holder.signKey,
      '--reason',
      'Dr Okafor lost her key',
      '--session',
      sessionFile,
      ...shareFiles.flatMap((f) => ['--shares', f]),
      '--officer',
      officers[0]!.signKey,
      '--authority',
      authority,
      '--out',
      out,
      ...nodeArgs,
    ]);

  beforeAll(async () => {
    node = await startNode(dataDir);
    nodeArgs = ['--node', node.url];
    client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
    // Each officer's key made in its own keychain service, as `hospital officer create` does on its machine.
    for (const [i, name] of ['Ann', 'Ben', 'Cat', 'Stranger'].entries()) {
      const { holder } = await new OfficerKeychain({ service: services[i]! }).create(name, PASSWORD);
      if (i < 3) officers.push(holder);
      else stranger = holder;
    }
    const { partial } = await prepareCeremony({
      name: 'St Files',
      threshold: 2,
      officers: officers.map((o, i) => ({ name: `Officer ${i + 1}`, signKey: o.signKey, boxKey: o.boxKey })),
    });
    let signed = partial;
    for (const o of officers) signed = await signPartial(signed, o);
    authority = (await postPartial(client, signed)).tx.id;
    ada = await vault.doctor('Dr Ada Okafor', 'Oncology');
    bob = await vault.doctor('Dr Bob Lin', 'Psychiatry');
    const registry = new CredentialRegistry(client, authority);
    for (const d of [ada, bob]) await credentialDoctor(client, registry, d, officers.slice(0, 2));
    for (const o of [...officers, stranger]) o.lock();
    // Ada writes one chart in envelope v3 and one in v1, both under the authority.
    ({ service: v3Service } = await startService([node.url], {
      authorityId: () => authority,
      ledgerEnvelope: () => 'v3',
      liveStream: false,
      verifyWorkers: 0,
    }));
    v3Chart = (await v3Service.create(ada.holder, sampleChart('Vera Three'), { pin: PIN })).chartId;
    const { service: v1Service } = await startService([node.url], {
      authorityId: () => authority,
      ledgerEnvelope: () => 'v1',
      liveStream: false,
      verifyWorkers: 0,
    });
    v1Chart = (await v1Service.create(ada.holder, sampleChart('Otto One'), { pin: PIN })).chartId;
    await v1Service.close();
    expect(isV3Metadata((await raw(v3Chart))[0]!.metadata)).toBe(true);
    expect(isV3Metadata((await raw(v1Chart))[0]!.metadata)).toBe(false);
    expect(chartOwnership((await raw(v1Chart))[0]!.outputs[0])?.quorum).not.toBeNull();

    // The session on the coordinator's machine; officers 1 and 3 seal their shares to it on theirs.
    const { sessionKey } = await json<{ sessionKey: string }>(0, ['recovery', 'session', '--out', sessionFile]);
    for (const [n, i] of [0, 2].entries())
      await json(i, [
        'recovery',
        'share',
        '--session-key',
        sessionKey,
        '--authority',
        authority,
        '--out',
        shares[n]!,
        ...nodeArgs,
      ]);
  });

  afterAll(async () => {
    await v3Service?.close();
    client?.close();
    await node?.stop();
    for (const service of services)
      for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
    await vault.clean();
    removeDir(dataDir);
    removeDir(work);
  });

  it('one share of three is refused', async () => {
    const alone = await recover(v3Chart, join(work, 'alone.json'), [shares[0]!]);
    expect(alone.code).not.toBe(0);
    expect(alone.stderr).toContain("needs 2 officers' shares; only 1 given");
  });

  it('moves the v3 chart: 2 of 3 officers sign on their machines; refusals for a lone signature, an altered file, a stranger and a signature over another move', async () => {
    const move = join(work, 'move-v3.json');
    const written = await recover(v3Chart, move);
    expect(written, written.stderr).toMatchObject({ code: 0 });
    const text = readFileSync(move, 'utf8');
    // The file names no officer, neither doctor, nor the reason: those are sealed in the officers' boxes.
    for (const key of [...officers.map((o) => o.signKey), ada.holder.signKey, bob.holder.signKey])
      expect(text).not.toContain(key);
    for (const clear of ['Okafor', 'Bob Lin', 'lost her key']) expect(text).not.toContain(clear);
    expect(readMove(move).officerSlots).toHaveLength(3);
    const before = (await raw(v3Chart)).length;

    // The coordinator's signature alone is one of the two the quorum needs.
    const early = await cli(0, ['post', move, ...nodeArgs]);
    expect(early.code).not.toBe(0);
    expect(early.stderr).toContain('Not enough officer signatures yet');

    // An altered file (the move's output paid to someone else's key) is refused before the officer signs.
    const altered = join(work, 'move-v3-altered.json');
    const tampered = readMove(move);
    const output = tampered.unsigned.outputs[0] as { public_keys: string[] };
    output.public_keys = [stranger.signKey, ...output.public_keys.slice(1)];
    writeMove(altered, tampered);
    const refusedAltered = await cli(2, ['sign', altered]);
    expect(refusedAltered.code).not.toBe(0);
    expect(refusedAltered.stderr).toContain('altered after it was written');
    expect(readMove(altered).signatures).toEqual(tampered.signatures);

    // An officer of no authority finds no box of theirs in the file.
    const refusedStranger = await cli(3, ['sign', move]);
    expect(refusedStranger.code).not.toBe(0);
    expect(refusedStranger.stderr).toContain(`No box in this file opens with officer ${stranger.signKey}'s key`);

    // Officer 3's signature over another move of the same chart does not count for this one.
    const other = join(work, 'move-v3-other.json');
    expect(await recover(v3Chart, other)).toMatchObject({ code: 0 });
    // With the authority named, `sign` names both signers as the IT desk does: the coordinator and itself, mapped back
    // from the tweaks in its own box to the authority's officers (hospital sign, --json).
    const otherSigned = await json<{ signedBy: string[]; signers: (string | null)[] }>(2, [
      'sign',
      other,
      '--authority',
      authority,
      ...nodeArgs,
    ]);
    expect(otherSigned.signedBy).toHaveLength(2);
    for (const o of officers) expect(otherSigned.signedBy).not.toContain(o.signKey);
    expect([...otherSigned.signers].sort()).toEqual(['Officer 1', 'Officer 3']);
    const pasted = readMove(move);
    const others = Object.entries(readMove(other).signatures).filter(([key]) => !(key in pasted.signatures));
    expect(others).toHaveLength(1);
    pasted.signatures = { ...pasted.signatures, ...Object.fromEntries(others) };
    const mixed = join(work, 'move-v3-mixed.json');
    writeMove(mixed, pasted);
    const refusedMixed = await cli(0, ['post', mixed, ...nodeArgs]);
    expect(refusedMixed.code).not.toBe(0);
    expect(refusedMixed.stderr).toContain('Not enough officer signatures yet');
    expect(await raw(v3Chart)).toHaveLength(before);

    // Officer 3 signs the coordinator's file on its machine; anyone posts it.
    const signed = await cli(2, ['sign', move]);
    expect(signed, signed.stderr).toMatchObject({ code: 0 });
    // Without the authority (no node asked), its own key is named from this keychain and the coordinator is not.
    const lines = signed.stdout.split('\n').filter((l) => l.startsWith('  '));
    expect(lines).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('  Cat ('))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('  an officer this computer cannot name ('))).toHaveLength(1);
    expect(signed.stderr).toContain(`to ${bob.name}`);
    const { id } = await json<{ id: string }>(0, ['post', move, ...nodeArgs]);
    const txs = await raw(v3Chart);
    expect(txs).toHaveLength(before + 1);
    expect((await headOf(v3Chart)).id).toBe(id);
    expect(isV3Metadata(txs.at(-1)!.metadata)).toBe(true);
    for (const o of officers) expect(JSON.stringify(txs.at(-1))).not.toContain(o.signKey);

    // Bob opens the chart from the move on and writes its next version, in v3; Ada is refused.
    const byBob = await openChartV3(v3Chart, txs, bob.holder);
    expect(byBob).toMatchObject({ tampered: null, closedAt: null, openedFrom: before + 1 });
    expect(byBob.versions.at(-1)!.inner).toMatchObject({ action: 'custody', author: officers[0]!.signKey });
    expect(byBob.versions.at(-1)!.inner.payload.custodian.signKey).toBe(bob.holder.signKey);
    expect(byBob.versions.at(-1)!.inner.payload.note).toBe('Dr Okafor lost her key');
    expect([...byBob.versions.at(-1)!.officers!].sort()).toEqual([officers[0]!.signKey, officers[2]!.signKey].sort());
    expect(await openChartV3(v3Chart, txs, ada.holder)).toMatchObject({ closedAt: before + 1 });
    await expect(v3Service.update(ada.holder, v3Chart, sampleChart('Vera Three'))).rejects.toMatchObject({
      code: 'NotCustodian',
    });
    const next = await v3Service.update(bob.holder, v3Chart, sampleChart('Vera Three'));
    expect(next).toMatchObject({ seq: before + 2, status: 'committed' });
    expect(isV3Metadata((await raw(v3Chart)).at(-1)!.metadata)).toBe(true);
  });

  it('moves the v1 chart in the same session', async () => {
    const move = join(work, 'move-v1.json');
    expect(await recover(v1Chart, move)).toMatchObject({ code: 0 });
    expect(readMove(move).officerSlots).toBeUndefined();
    await json(0, ['sign', move]);
    await json(2, ['sign', move]);
    const { id } = await json<{ id: string }>(0, ['post', move, ...nodeArgs]);
    const head = await headOf(v1Chart);
    expect(head.id).toBe(id);
    expect(chartOwnership(head.outputs[0])?.custodian).toBe(bob.holder.signKey);
    expect(isV3Metadata(head.metadata)).toBe(false);
  });
});
