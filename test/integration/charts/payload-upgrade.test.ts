// Issue #16: "a chart of the old shape still opens, and is upgraded on its next version". A version sealed as payload
// v1 (before codes, allergies, immunizations, procedures, results, structured names and contact) is put on the real
// embedded node by its real author; the chart service opens it with the new fields empty, and the doctor's next
// version is sealed as v2. Nothing on the ledger is rewritten: version 1 still holds v1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeLedgerCrypto as crypto } from '../../../src-main/crypto/ledger-crypto';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { openEnvelope, parseEnvelope } from '../../../src-shared/crypto/envelope';
import type { ChartPayload } from '../../../src-shared/records/payload';
import { forgeCreate } from '../../fixtures/forged-create';
import { TestVault, removeDir, startNode, startService, tempDir, type Doctor } from './harness';
import type { InspectedChartService } from './inspected-service';

/** Exactly what a v1 writer sealed: no codes, no dosageText, no structured name or contact, no new lists. */
const V1_CHART = {
  patient: { name: 'Old Shape', birthDate: '1960-01-01', age: null, gender: 'male', visitDate: '2025-01-01' },
  doctors: [],
  illnesses: [{ id: 'i1', condition: 'Asthma', symptoms: 'Wheeze', onset: '', status: 'active' }],
  medications: [
    {
      id: 'm1',
      name: 'Salbutamol',
      dose: '100 mcg',
      route: 'inhaled',
      frequency: 'as needed',
      start: '2020-01-01',
      end: '',
      status: 'active',
      prescribedBy: '',
    },
  ],
  visits: [],
};

describe('a chart written as payload v1', { timeout: 60_000 }, () => {
  let node: LedgerNode;
  let service: InspectedChartService;
  const vault = new TestVault();
  const dataDir = tempDir('node');
  let ada: Doctor;

  beforeAll(async () => {
    node = await startNode(dataDir);
    ({ service } = await startService([node.url]));
    ada = await vault.doctor('Dr Ada Okafor', 'General practice');
    await service.publishPractitioner(ada.holder, { name: ada.name, specialty: ada.specialty });
  });

  afterAll(async () => {
    await service?.close();
    await node?.stop();
    await vault.clean();
    removeDir(dataDir);
  });

  async function sealedPayload(txId: string): Promise<{ v: number; chart: Record<string, unknown> }> {
    const { value: raw } = await service.client.getTransaction(txId);
    const envelope = parseEnvelope((raw as { metadata: unknown }).metadata);
    return JSON.parse(new TextDecoder().decode(await openEnvelope(envelope, ada.holder))) as {
      v: number;
      chart: Record<string, unknown>;
    };
  }

  it('opens with the new fields empty, and its next version is sealed as v2', async () => {
    const custodian = { signKey: ada.holder.signKey, boxKey: ada.holder.boxKey, name: ada.name };
    const v1 = { v: 1, chart: V1_CHART, patient: null, custodian, doctors: [] } as unknown as ChartPayload;
    // Signed by its real author, as the app before #16 wrote it.
    const tx = await forgeCreate(
      { signer: ada.holder, payload: v1, readers: [ada.holder.boxKey], at: new Date() },
      crypto,
    );
    expect((await service.client.post(tx)).value).toBe('committed');
    expect((await sealedPayload(tx.id)).v).toBe(1);

    const view = await service.get(ada.holder, tx.id);
    expect(view.head.status).toBe('committed'); // verified: neither tampered nor of unknown author
    expect(view.chart!.patient).toMatchObject({ name: 'Old Shape', given: '', family: '', phone: '', email: '' });
    expect(view.chart!.medications[0]).toMatchObject({ name: 'Salbutamol', codes: [], dosageText: '' });
    expect(view.chart).toMatchObject({ allergies: [], immunizations: [], procedures: [], results: [] });

    const chart = structuredClone(view.chart!);
    chart.allergies.push({
      id: 'a1',
      substance: 'Penicillin',
      codes: [{ system: 'http://snomed.info/sct', code: '764146007', display: 'Penicillin' }],
      type: 'allergy',
      criticality: 'high',
      reaction: 'Hives',
      onset: '',
      status: 'active',
    });
    const next = await service.update(ada.holder, tx.id, chart);
    expect(next.status).toBe('committed');

    const written = await sealedPayload(next.txId);
    expect(written.v).toBe(2);
    expect(written.chart.patient).toMatchObject({ given: '', family: '', phone: '', email: '', address: '' });
    expect(written.chart.allergies).toEqual(chart.allergies);
    // The ledger is append-only: version 1 is still the v1 payload, and both versions verify.
    expect((await sealedPayload(tx.id)).v).toBe(1);
    const after = await service.get(ada.holder, tx.id);
    expect(after.versions.map((v) => [v.seq, v.readable])).toEqual([
      [1, true],
      [2, true],
    ]);
    expect(after.versions.map((v) => v.status)).toEqual(['committed', 'committed']);
  });
});
