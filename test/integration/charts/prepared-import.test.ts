// A bulk import seals the v1 CREATEs of its first charts with the identity's public keys while the identity unlocks
// (cli/import-lookahead.ts), then signs them (records/prepared-create.ts). On the real embedded node and real vault
// identities: a prepared CREATE is signed by the unlocked key and committed, in the same format as one built in turn;
// one sealed with another identity's keys is never used (the import seals anew for the key that signs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../../src-shared/crypto/envelope';
import { chartToFhir, fhirToChart } from '../../../src-shared/records/fhir';
import type { FhirImportResult } from '../../../src-shared/records/fhir-import';
import type { Transaction } from '../../../src-shared/ledger';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import type { PreparedCreate } from '../../../src-main/records/prepared-create';
import { sampleChart } from '../../fixtures/sample-chart';
import type { InspectedChartService as ChartService } from './inspected-service';
import { TestVault, removeDir, startNode, startService, tempDir, type Doctor } from './harness';

describe('imports sealed before the unlock', { timeout: 30_000 }, () => {
  let node: LedgerNode;
  let service: ChartService;
  const vault = new TestVault();
  let ada: Doctor;
  let ben: Doctor;
  const dataDir = tempDir('node');
  // What the lookahead hands the service: the chart it converted and the CREATE it sealed, by bundle, each once.
  const converted = new Map<unknown, FhirImportResult>();
  const prepared = new Map<unknown, PreparedCreate>();
  const handedOut: PreparedCreate[] = [];

  beforeAll(async () => {
    node = await startNode(dataDir);
    ({ service } = await startService([node.url], {
      fhirConverter: (bundle) => converted.get(bundle) ?? fhirToChart(bundle),
      preparedImport: (bundle) => {
        const got = prepared.get(bundle);
        prepared.delete(bundle);
        if (got) handedOut.push(got);
        return got;
      },
    }));
    ada = await vault.doctor('Dr Ada Okafor', 'General practice');
    ben = await vault.doctor('Dr Ben Lindqvist', 'Cardiology');
    for (const d of [ada, ben]) await service.publishPractitioner(d.holder, { name: d.name, specialty: d.specialty });
  });

  afterAll(async () => {
    await service?.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
  });

  /** A bundle, converted as the lookahead does, with its CREATE sealed for `keys`. */
  async function preparedBundle(name: string, keys: { signKey: string; boxKey: string }) {
    const bundle = chartToFhir({ chartId: 'x', chart: sampleChart(name), versions: [] });
    const result = fhirToChart(bundle);
    if (!result.ok) throw new Error('the sample bundle did not convert');
    converted.set(bundle, result);
    const sealer = await service.prepareImports(keys);
    if (!sealer) throw new Error('no sealer for envelope v1');
    const sealedFor = sealer(result.chart);
    prepared.set(bundle, sealedFor);
    return { bundle, sealedFor };
  }

  async function committedTx(txId: string): Promise<Transaction> {
    const { value } = await service.client.getTransaction(txId);
    if (!value) throw new Error(`${txId} is not on the node`);
    return value as Transaction;
  }

  it('signs the prepared CREATE with the unlocked key: committed, readable, and shaped as one built in turn', async () => {
    const { bundle, sealedFor } = await preparedBundle('Prepared Patient', ada.holder);
    const fromPrepared = await service.importFhir(ada.holder, bundle);
    expect(handedOut).toContain(sealedFor);
    expect(fromPrepared.status).toBe('committed');
    const tx = await committedTx(fromPrepared.txId);
    // The very CREATE sealed before: its random chart id and its envelope, now signed by Ada.
    expect(tx.asset).toEqual(sealedFor.sealed.unsigned.asset);
    expect(tx.metadata).toEqual(sealedFor.sealed.envelope);
    expect(tx.inputs[0]!.owners_before).toEqual([ada.holder.signKey]);
    expect(tx.inputs[0]!.fulfillment).toEqual(expect.any(String));

    const inTurn = chartToFhir({ chartId: 'x', chart: sampleChart('Built In Turn'), versions: [] });
    const built = await service.importFhir(ada.holder, inTurn);
    expect(built.status).toBe('committed');
    const reference = await committedTx(built.txId);
    const shape = (t: Transaction) => {
      const envelope = parseEnvelope(t.metadata);
      return {
        keys: Object.keys(t).sort(),
        operation: t.operation,
        version: t.version,
        assetKeys: Object.keys((t.asset as { data: object }).data).sort(),
        outputs: t.outputs,
        owners: t.inputs.map((i) => i.owners_before),
        envelopeKeys: Object.keys(t.metadata as object).sort(),
        header: { type: envelope.type, action: envelope.action, seq: envelope.seq, author: envelope.author },
        readers: envelope.readers.map((r) => r.key),
      };
    };
    expect(shape(tx)).toEqual(shape(reference));

    const view = await service.get(ada.holder, fromPrepared.chartId);
    expect(view.chart.patient.name).toBe('Prepared Patient');
    expect(view.head).toMatchObject({ seq: 1, action: 'create', status: 'committed' });
    expect(view.head.author).toMatchObject({ signKey: ada.holder.signKey, name: 'Dr Ada Okafor' });
    expect(view.readers.map((r) => r.role)).toEqual(['custodian']);
  });

  it("never uses a CREATE sealed with another identity's keys: the import seals anew for the unlocked key", async () => {
    for (const keys of [ben.holder, { signKey: ada.holder.signKey, boxKey: ben.holder.boxKey }]) {
      const { bundle, sealedFor } = await preparedBundle('Other Keys', { signKey: keys.signKey, boxKey: keys.boxKey });
      const written = await service.importFhir(ada.holder, bundle);
      expect(handedOut).toContain(sealedFor); // offered, and turned down
      expect(written.status).toBe('committed');
      const tx = await committedTx(written.txId);
      expect(tx.asset).not.toEqual(sealedFor.sealed.unsigned.asset);
      expect(tx.metadata).not.toEqual(sealedFor.sealed.envelope);
      expect(parseEnvelope(tx.metadata).author).toBe(ada.holder.signKey);
      expect(tx.inputs[0]!.owners_before).toEqual([ada.holder.signKey]);
      expect((await service.get(ada.holder, written.chartId)).head.author.signKey).toBe(ada.holder.signKey);
    }
  });

  it('does not use a CREATE prepared for another chart than the one converted for the bundle', async () => {
    const { bundle, sealedFor } = await preparedBundle('Converted Again', ada.holder);
    converted.delete(bundle); // the service converts the bundle itself: a chart the sealed CREATE was not made from
    const written = await service.importFhir(ada.holder, bundle);
    expect(handedOut).toContain(sealedFor);
    expect((await committedTx(written.txId)).asset).not.toEqual(sealedFor.sealed.unsigned.asset);
  });
});
