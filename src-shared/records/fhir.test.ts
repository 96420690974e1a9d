import { describe, expect, it } from 'vitest';
import type { Bundle, Condition, MedicationStatement, Provenance } from '@medplum/fhirtypes';
import { chartToFhir, fhirToChart, TX_SYSTEM } from './fhir';
import { sampleChart } from '../../test/fixtures/sample-chart';

const txId = 'a'.repeat(64);
const versions = [
  {
    seq: 1,
    action: 'create' as const,
    at: '2026-11-20T10:00:00.000Z',
    txId,
    authorSignKey: 'Ab1',
    authorName: 'Dr. Okafor',
    link: `http://127.0.0.1:9984/api/v1/transactions/${txId}`,
  },
  {
    seq: 2,
    action: 'update' as const,
    at: '2026-11-21T10:00:00.000Z',
    txId: 'b'.repeat(64),
    authorSignKey: 'Ab1',
    authorName: null,
    link: null,
  },
];

describe('FHIR R4 mapping', () => {
  it('round-trips a chart through a Bundle unchanged', () => {
    const chart = sampleChart();
    chart.patient.age = 42;
    chart.illnesses[1]!.status = 'entered-in-error';
    const bundle = chartToFhir({ chartId: 'c'.repeat(64), chart, versions });
    const back = fhirToChart(JSON.parse(JSON.stringify(bundle)));
    expect(back).toEqual({ ok: true, chart, warnings: [] });
  });

  it('exports the resources R4 expects, with a Provenance per version named by its transaction', () => {
    const bundle = chartToFhir({ chartId: 'c'.repeat(64), chart: sampleChart(), versions });
    const types = bundle.entry!.map((e) => e.resource!.resourceType);
    expect(types).toEqual([
      'Patient',
      'Practitioner',
      'Practitioner',
      'Condition',
      'Condition',
      'MedicationStatement',
      'Encounter',
      'Provenance',
      'Provenance',
    ]);
    const provenance = bundle
      .entry!.filter((e) => e.resource!.resourceType === 'Provenance')
      .map((e) => e.resource as Provenance);
    expect(provenance[0]).toMatchObject({
      id: txId,
      recorded: versions[0]!.at,
      entity: [{ what: { identifier: { system: TX_SYSTEM, value: txId } } }],
    });
    expect(provenance[0]!.activity!.coding![0]!.code).toBe('create');
    const condition = bundle.entry!.find((e) => e.resource!.id === 'cond-i2')!.resource as Condition;
    expect(condition.clinicalStatus!.coding![0]!.code).toBe('resolved');
    const med = bundle.entry!.find((e) => e.resource!.resourceType === 'MedicationStatement')!
      .resource as MedicationStatement;
    expect(med).toMatchObject({
      status: 'active',
      medicationCodeableConcept: { text: 'Metformin' },
      effectivePeriod: { start: '2019-06-15' },
    });
  });

  it('an entered-in-error condition carries no clinical status (R4 invariant con-5)', () => {
    const chart = sampleChart();
    chart.illnesses[0]!.status = 'entered-in-error';
    const bundle = chartToFhir({ chartId: 'c'.repeat(64), chart, versions: [] });
    const condition = bundle.entry!.find((e) => e.resource!.id === 'cond-i1')!.resource as Condition;
    expect(condition.clinicalStatus).toBeUndefined();
    expect(condition.verificationStatus!.coding![0]!.code).toBe('entered-in-error');
  });

  it('imports a foreign bundle (coded names, MedicationRequest, dateTimes) with warnings for each fallback', () => {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      timestamp: '2026-01-05T09:00:00Z',
      entry: [
        {
          resource: {
            resourceType: 'Patient',
            id: 'x-1',
            name: [{ given: ['Jon', 'Q'], family: 'Ramos' }],
            gender: 'male',
            birthDate: '1970-05-04',
          },
        },
        {
          resource: {
            resourceType: 'Condition',
            id: 'c/1',
            subject: { reference: 'Patient/x-1' },
            code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003', display: 'Hypertension' }] },
            clinicalStatus: { coding: [{ code: 'active' }] },
            onsetDateTime: '2015-02-01T00:00:00Z',
          },
        },
        {
          resource: {
            resourceType: 'MedicationRequest',
            id: 'mr1',
            status: 'active',
            intent: 'order',
            subject: { reference: 'Patient/x-1' },
            medicationCodeableConcept: { text: 'Lisinopril 10 mg' },
            authoredOn: '2015-02-02',
            dosageInstruction: [
              { route: { text: 'Oral' }, doseAndRate: [{ doseQuantity: { value: 10, unit: 'mg' } }] },
            ],
          },
        },
        {
          resource: {
            resourceType: 'Encounter',
            id: 'e1',
            status: 'finished',
            class: { code: 'AMB' },
            subject: { reference: 'Patient/x-1' },
            period: { start: '2025-12-30T08:00:00Z' },
            type: [{ text: 'Check-up' }],
          },
        },
        { resource: { resourceType: 'Observation', id: 'o1', status: 'final', code: { text: 'BP' } } },
      ],
    };
    const result = fhirToChart(bundle);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.chart.patient).toEqual({
      name: 'Jon Q Ramos',
      birthDate: '1970-05-04',
      age: null,
      gender: 'male',
      visitDate: '2025-12-30',
    });
    expect(result.chart.illnesses[0]).toMatchObject({
      condition: 'Hypertension',
      onset: '2015-02-01',
      status: 'active',
    });
    expect(result.chart.illnesses[0]!.id).toMatch(/^[0-9a-f]{16}$/);
    expect(result.chart.medications[0]).toMatchObject({
      name: 'Lisinopril 10 mg',
      dose: '10 mg',
      route: 'oral',
      frequency: '',
      dosageText: '',
      start: '2015-02-02',
    });
    expect(result.chart.visits[0]).toMatchObject({ date: '2025-12-30', reason: 'Check-up' });
    expect(result.warnings).toEqual(['Not imported (no place in the chart): Observation']);
  });

  it('imports a MedicationStatement without effective[x] (0..1 in R4) and keeps its dosage text as written', () => {
    const statement: MedicationStatement = {
      resourceType: 'MedicationStatement',
      id: 'ms1',
      status: 'active',
      subject: { reference: 'Patient/p1' },
      medicationCodeableConcept: { text: 'Atorvastatin 20 mg' },
      dosage: [{ text: 'once daily' }],
    };
    const result = fhirToChart({
      resourceType: 'Bundle',
      type: 'collection',
      timestamp: '2026-01-05T09:00:00Z',
      entry: [
        { resource: { resourceType: 'Patient', id: 'p1', name: [{ text: 'Ada Brook' }], birthDate: '1950-01-01' } },
        { resource: statement },
      ],
    });
    expect(result).toMatchObject({ ok: true, warnings: [] });
    if (!result.ok) return;
    expect(result.chart.medications[0]).toMatchObject({ start: '', dose: '', frequency: '', dosageText: 'once daily' });
    const out = chartToFhir({ chartId: 'x', chart: result.chart, versions: [] });
    const med = out.entry!.find((e) => e.resource!.resourceType === 'MedicationStatement')!
      .resource as MedicationStatement;
    expect(med.dosage![0]!.text).toBe('once daily');
    expect(med.effectivePeriod).toBeUndefined();
  });

  it('reports a medication with no dosage at all instead of inventing one', () => {
    const result = fhirToChart({
      resourceType: 'Bundle',
      type: 'collection',
      timestamp: '2026-01-05T09:00:00Z',
      entry: [
        { resource: { resourceType: 'Patient', id: 'p1', name: [{ text: 'Ada Brook' }], birthDate: '1950-01-01' } },
        {
          resource: {
            resourceType: 'MedicationStatement',
            id: 'ms2',
            status: 'active',
            subject: { reference: 'Patient/p1' },
            medicationCodeableConcept: { text: 'Aspirin' },
          },
        },
      ],
    });
    expect(result).toMatchObject({ ok: true, warnings: ['Medication ms2: no dosage given'] });
  });

  it('refuses what is not a bundle, a bundle without exactly one patient, and invalid fields', () => {
    expect(fhirToChart({ resourceType: 'Patient' })).toMatchObject({
      ok: false,
      errors: [{ path: '', message: expect.stringContaining('not a FHIR Bundle') }],
    });
    expect(fhirToChart({ resourceType: 'Bundle', type: 'collection', entry: [] })).toMatchObject({
      ok: false,
      errors: [{ path: 'patient', message: 'The Bundle must hold exactly one Patient; it holds 0' }],
    });
    const noName = fhirToChart({
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: { resourceType: 'Patient', birthDate: '2999-01-01', gender: 'female' } }],
    });
    expect(noName).toMatchObject({
      ok: false,
      errors: [
        { path: 'patient.name', message: 'Name is required' },
        { path: 'patient.birthDate', message: 'Date of birth cannot be in the future' },
        { path: 'patient.visitDate', message: 'Date of visit is before the date of birth' },
      ],
      warnings: ['No visit date in the Bundle (no Encounter, no timestamp); today is recorded as the date of visit'],
    });
  });
});
