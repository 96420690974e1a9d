// Custody under a 2-of-3 hospital authority, against the real embedded node over HTTP, the real keychain (doctors in
// the real vault) and the real chart service: charts written under the pinned authority are owned by
// 1-of-[custodian, quorum] and wrapped to the recovery key; a chart written before it is migrated by its custodian's
// next write; two officers recover a chart to another doctor (one is refused by our code and, hand-built, by the
// node); off-boarding revokes and moves custody; re-keying moves charts to the doctor's new identity.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { NodeRejectedError } from '../../../src-main/ledger/errors';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import { prepareRevoke } from '../../../src-main/authority/hospital';
import { offboard, recoverCharts, recoveryKeyOf, rekey, signAndPost } from '../../../src-main/authority/custody-acts';
import {
  openWithRecoveryKey,
  prepareCustodyMove,
  readChartHead,
  validPractitioner,
} from '../../../src-main/authority/recovery-flows';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { chartOwnership, custodyDetails } from '../../../src-shared/authority/custody';
import { newSeed } from '../../../src-shared/crypto/keys';
import { signTransaction, thresholdDetails, type Transaction } from '../../../src-shared/ledger';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { sampleChart } from '../../fixtures/sample-chart';
import {
  NODE_TOKEN,
  PIN,
  removeDir,
  startNode,
  startService,
  tempDir,
  TestVault,
  type Doctor,
} from '../charts/harness';
import type { InspectedChartService } from '../charts/inspected-service';
import { credentialDoctor, foundAuthority, postForgedCreate } from './hospital-setup';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const [ann, ben, cat] = [0, 1, 2].map(() => new SeedKeyHolder(newSeed()));
const officers = [ann!, ben!, cat!];
let dataDir: string;
let node: LedgerNode;
let client: LedgerNodeClient;
let authorityId = '';
let pinned = '';
let registry: CredentialRegistry;
let service: InspectedChartService;
const vault = new TestVault();
let ada: Doctor;
let bob: Doctor;
let cleo: Doctor;

const credential = (d: Doctor) => credentialDoctor(client, registry, d, [ann!, ben!]);

async function headOf(chartId: string): Promise<Transaction> {
  const { value } = await client.listTransactions(chartId);
  const txs = value as Transaction[];
  const spent = new Set(txs.flatMap((t) => t.inputs.map((i) => i.fulfills?.transaction_id)));
  return txs.find((t) => !spent.has(t.id))!;
}

beforeAll(async () => {
  dataDir = tempDir('custody');
  node = await startNode(dataDir);
  client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
  authorityId = await foundAuthority(client, 'St Custody', 2, officers);
  registry = new CredentialRegistry(client, authorityId);
  ada = await vault.doctor('Dr Ada Okafor', 'Oncology');
  bob = await vault.doctor('Dr Bob Lin', 'Cardiology');
  cleo = await vault.doctor('Dr Cleo Park', 'Neurology');
  for (const d of [ada, bob, cleo]) await credential(d);
  ({ service } = await startService([node.url], { authorityId: () => pinned }));
});

afterAll(async () => {
  await service?.close();
  client?.close();
  await node?.stop();
  await vault.clean();
  removeDir(dataDir);
});

describe('migration of a chart written before the authority', () => {
  it("the custodian's next write moves the output to 1-of-[custodian, quorum] and adds the recovery wrap", async () => {
    pinned = '';
    const { chartId } = await service.create(ada.holder, sampleChart('Mia Old'), { pin: PIN });
    const before = await headOf(chartId);
    expect(chartOwnership(before.outputs[0])).toEqual({ custodian: ada.holder.signKey, quorum: null });
    pinned = authorityId;
    const view = await registry.load();
    // Not yet migrated: the quorum cannot take it.
    const secret = await recoveryKeyOf(view.authority, [ann!, ben!]);
    const head = await readChartHead(client, chartId);
    await expect(openWithRecoveryKey(view.authority, head, secret)).rejects.toThrow(/hospital migrate/);

    const written = await service.migrateCustody(ada.holder, chartId);
    expect(written?.seq).toBe(2);
    const after = await headOf(chartId);
    expect(chartOwnership(after.outputs[0])?.custodian).toBe(ada.holder.signKey);
    expect(chartOwnership(after.outputs[0])?.quorum).not.toBeNull();
    const migrated = await readChartHead(client, chartId);
    expect((await openWithRecoveryKey(view.authority, migrated, secret)).chart.patient.name).toBe('Mia Old');
    secret.fill(0);
    // Nothing re-signed or lost: both versions verify and open for the custodian; the reader list names the
    // recovery key as such, not as a person.
    const state = await service.get(ada.holder, chartId);
    expect(state.tampered).toBeNull();
    expect(state.versions.map((v) => v.status)).toEqual(['committed', 'committed']);
    expect(state.chart?.patient.name).toBe('Mia Old');
    expect(state.readers.find((r) => r.boxKey === view.authority.data.recoveryKey)).toMatchObject({
      role: 'recovery',
      name: 'hospital recovery key',
      signKey: null,
    });
    // A second migration has nothing to do.
    expect(await service.migrateCustody(ada.holder, chartId)).toBeNull();
  });
});

describe('recovery by the quorum', () => {
  let chartId: string;

  beforeAll(async () => {
    pinned = authorityId;
    chartId = (await service.create(ada.holder, sampleChart('Noor Lost'), { pin: PIN })).chartId;
    const head = await headOf(chartId);
    expect(chartOwnership(head.outputs[0])?.quorum).not.toBeNull();
  });

  it('1 of 3 officers is refused: by our code before anything is posted, and a hand-built 1-of-3 spend by the node', async () => {
    const view = await registry.load();
    await expect(
      recoverCharts(client, view, {
        chartIds: [chartId],
        to: bob.holder.signKey,
        reason: 'lost key',
        officers: [cat!],
      }),
    ).rejects.toThrow(/needs 2 officers' shares; only 1 given/);

    // Even with the recovery key at hand, one officer's signature does not make the transfer…
    const secret = await recoveryKeyOf(view.authority, [ann!, ben!]);
    const head = await readChartHead(client, chartId);
    const partial = prepareCustodyMove({
      authority: view.authority,
      head,
      payload: await openWithRecoveryKey(view.authority, head, secret),
      to: validPractitioner(view, bob.holder.signKey),
      coordinator: cat!.signKey,
      reason: 'lost key',
    });
    secret.fill(0);
    await expect(signAndPost(client, partial, [cat!])).rejects.toThrow(/Not enough officer signatures/);
    // …and a fulfillment claiming a 1-of-3 quorum branch, signed by one officer, is refused by the node.
    const forged = await signTransaction(
      {
        ...partial.unsigned,
        inputs: [
          {
            ...partial.unsigned.inputs[0]!,
            fulfillment: custodyDetails(
              ada.holder.signKey,
              thresholdDetails(
                1,
                officers.map((o) => o.signKey),
              ),
            ),
          },
        ],
      },
      async (_key, message) => cat!.sign(message),
      { keys: [cat!.signKey] },
    );
    await expect(client.post(forged)).rejects.toBeInstanceOf(NodeRejectedError);
    expect((await headOf(chartId)).id).toBe(head.tx.id);
  });

  it('2 of 3 officers move custody to a named doctor, who opens the chart; the old custodian can no longer write', async () => {
    const view = await registry.load();
    const [moved] = await recoverCharts(client, view, {
      chartIds: [chartId],
      to: bob.holder.signKey,
      reason: 'Dr Okafor lost her key',
      officers: [ann!, cat!],
    });
    expect((await headOf(chartId)).id).toBe(moved!.txId);
    const state = await service.get(bob.holder, chartId);
    expect(state.tampered).toBeNull();
    expect(state.custodian.signKey).toBe(bob.holder.signKey);
    expect(state.chart?.patient.name).toBe('Noor Lost');
    expect(state.head.action).toBe('custody');
    expect(state.versions.every((v) => v.status === 'committed')).toBe(true);
    await expect(service.update(ada.holder, chartId, sampleChart('Noor Lost'))).rejects.toMatchObject({
      code: 'NotCustodian',
    });
    // The new custodian writes on, under the same custody rule.
    const next = await service.update(bob.holder, chartId, sampleChart('Noor Found'));
    expect(next.seq).toBe(3);
    expect(chartOwnership((await headOf(chartId)).outputs[0])?.custodian).toBe(bob.holder.signKey);
  });
});

describe('off-boarding', () => {
  it("revokes the leaving doctor's credential and moves custody of their charts by quorum", async () => {
    pinned = authorityId;
    const charts = [
      (await service.create(cleo.holder, sampleChart('Ola One'), { pin: PIN })).chartId,
      (await service.create(cleo.holder, sampleChart('Ola Two'), { pin: PIN })).chartId,
    ];
    const oldHeads = await Promise.all(charts.map(headOf));
    const view = await registry.load();
    const result = await offboard(client, view, {
      leaving: cleo.holder.signKey,
      to: bob.holder.signKey,
      reason: 'Left the hospital',
      officers: [ben!, cat!],
    });
    expect(result.revoked).toMatch(/^[0-9a-f]{64}$/);
    expect(result.moved.map((m) => m.chartId).sort()).toEqual([...charts].sort());
    const after = await registry.load();
    expect(after.currentStatus(cleo.holder.signKey, new Date()).status).toBe('revoked');
    for (const chartId of charts) {
      const state = await service.get(bob.holder, chartId);
      expect(state.custodian.signKey).toBe(bob.holder.signKey);
      expect(state.tampered).toBeNull();
      await expect(service.update(cleo.holder, chartId, sampleChart('x'))).rejects.toMatchObject({
        code: 'NotCustodian',
      });
    }
    // After the move the revoked doctor's own key cannot spend the chart: their old head is spent, and the new
    // output names them nowhere.
    const stale = await signTransaction(
      {
        id: null,
        version: '2.0',
        operation: 'TRANSFER',
        asset: { id: charts[0]! },
        metadata: { stolen: true },
        inputs: [
          {
            owners_before: [cleo.holder.signKey],
            fulfills: { transaction_id: (await headOf(charts[0]!)).id, output_index: 0 },
            fulfillment: { type: 'ed25519-sha-256', public_key: cleo.holder.signKey },
          },
        ],
        outputs: oldHeads[0]!.outputs,
      },
      async (_k, m) => cleo.holder.sign(m),
      { keys: [cleo.holder.signKey] },
    );
    await expect(client.post(stale)).rejects.toBeInstanceOf(NodeRejectedError);
  });
});

describe('off-boarding: the window before custody moves', () => {
  it('a revoked doctor can still spend by their own branch until the quorum moves custody; not after', async () => {
    pinned = authorityId;
    const dan = await vault.doctor('Dr Dan Roe', 'Surgery');
    await credential(dan);
    const chartId = (await service.create(dan.holder, sampleChart('Ivo Window'), { pin: PIN })).chartId;
    let view = await registry.load();
    const danCredential = view.practitioners(new Date()).find((p) => p.signKey === dan.holder.signKey)!;
    await signAndPost(client, prepareRevoke(view, danCredential.credentialId, 'Left'), [ann!, cat!]);
    view = await registry.load();
    expect(view.currentStatus(dan.holder.signKey, new Date()).status).toBe('revoked');
    // The node accepts it: the output still names dan's key (the credential check, not the node, discounts it).
    const late = await service.update(dan.holder, chartId, sampleChart('Ivo Late'));
    expect(late.status).toBe('committed');

    const result = await offboard(client, view, {
      leaving: dan.holder.signKey,
      to: bob.holder.signKey,
      reason: 'Left',
      officers: [ann!, cat!],
    });
    expect(result.revoked).toBeNull();
    expect(result.moved.map((m) => m.chartId)).toEqual([chartId]);
    await expect(service.update(dan.holder, chartId, sampleChart('Ivo Later'))).rejects.toMatchObject({
      code: 'NotCustodian',
    });
  });
});

describe('off-boarding: a forged chart does not stop it', () => {
  it("a chart-typed CREATE naming the doctor custodian, signed by someone else, is listed as not moved; the doctor's real chart moves", async () => {
    pinned = authorityId;
    const eve = await vault.doctor('Dr Eve Stone', 'Oncology');
    await credential(eve);
    const real = (await service.create(eve.holder, sampleChart('Uma Real'), { pin: PIN })).chartId;
    // Anyone may post a CREATE: this one copies the real chart's asset type, envelope and custody output (so the
    // outputs query names Eve), signed by a stranger.
    const create = (await client.getTransaction(real)).value as Transaction;
    const forged = await postForgedCreate(client, create);

    const result = await offboard(client, await registry.load(), {
      leaving: eve.holder.signKey,
      to: bob.holder.signKey,
      reason: 'Left',
      officers: [ann!, cat!],
    });
    expect(result.revoked).toMatch(/^[0-9a-f]{64}$/);
    expect(result.moved.map((m) => m.chartId)).toEqual([real]);
    expect(result.notMoved).toEqual([{ chartId: forged, reason: expect.stringMatching(/does not verify/) }]);
    expect((await service.get(bob.holder, real)).custodian.signKey).toBe(bob.holder.signKey);
  });
});

describe('re-key', () => {
  it("moves the doctor's charts to their new identity; the old credential ends at the re-key's height", async () => {
    pinned = authorityId;
    const chartId = (await service.create(ada.holder, sampleChart('Rae Key'), { pin: PIN })).chartId;
    const before = await registry.load();
    const oldCredential = before.practitioners(new Date()).find((p) => p.signKey === ada.holder.signKey)!;
    const ada2 = await vault.doctor('Dr Ada Okafor', 'Oncology');
    const result = await rekey(client, registry, {
      old: ada.holder.signKey,
      signKey: ada2.holder.signKey,
      boxKey: ada2.holder.boxKey,
      officers: [ann!, ben!],
    });
    expect(result.moved.map((m) => m.chartId)).toContain(chartId);
    const state = await service.get(ada2.holder, chartId);
    expect(state.custodian.signKey).toBe(ada2.holder.signKey);
    expect(state.chart?.patient.name).toBe('Rae Key');
    const after = await registry.load();
    const { value: heights } = await client.blockHeights(result.issued);
    const h = heights[0]!;
    expect(after.statusAt(ada.holder.signKey, h - 1).status).toBe('valid');
    expect(after.statusAt(ada.holder.signKey, h).status).not.toBe('valid');
    expect(after.statusAt(ada2.holder.signKey, h).status).toBe('valid');
    const listed = after.practitioners(new Date()).filter((p) => p.licence === oldCredential.licence);
    expect(listed.map((p) => p.signKey)).toEqual([ada2.holder.signKey]);
    await expect(service.update(ada.holder, chartId, sampleChart('x'))).rejects.toMatchObject({
      code: 'NotCustodian',
    });
  });
});
