import { describe, expect, it } from 'vitest';
import type { Bundle, Composition, Condition, MedicationStatement, Provenance } from '@medplum/fhirtypes';
import { chartToFhir, chartToIps, fhirToChart, TX_SYSTEM } from './fhir';
import { fullSampleChart, sampleChart } from '../../test/fixtures/sample-chart';

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
    expect(back).toEqual({ ok: true, chart, warnings: [], lost: [] });
  });

  it('round-trips every field of a full chart: codes, names, contact, allergies, immunizations, procedures, results', () => {
    const chart = fullSampleChart();
    const back = fhirToChart(JSON.parse(JSON.stringify(chartToFhir({ chartId: 'c', chart, versions }))));
    expect(back).toEqual({ ok: true, chart, warnings: [], lost: [] });
  });

  it('exports an IPS-shaped document: a Composition first, with a section per kind referencing its entries', () => {
    const bundle = chartToIps({ chartId: 'c'.repeat(64), chart: fullSampleChart(), versions });
    expect(bundle.type).toBe('document');
    const composition = bundle.entry![0]!.resource as Composition;
    expect(composition.resourceType).toBe('Composition');
    expect(composition.type.coding![0]!.code).toBe('60591-5');
    expect(composition.section!.map((s) => [s.code!.coding![0]!.code, s.entry?.map((e) => e.reference)])).toEqual([
      ['11450-4', ['Condition/cond-i1', 'Condition/cond-i2']],
      ['10160-0', ['MedicationStatement/med-m1', 'MedicationStatement/med-m2']],
      ['48765-2', ['AllergyIntolerance/alg-a1']],
      ['11369-6', ['Immunization/imm-im1']],
      ['47519-4', ['Procedure/proc-p1']],
      ['30954-2', ['Observation/obs-r1']],
      ['8716-3', ['Observation/obs-r2']],
    ]);
    // The required IPS sections are present even when the chart has nothing for them.
    const empty = chartToIps({ chartId: 'c', chart: sampleChart(), versions: [] }).entry![0]!.resource as Composition;
    expect(empty.section!.find((s) => s.code!.coding![0]!.code === '48765-2')).toMatchObject({
      emptyReason: { coding: [{ code: 'unavailable' }] },
    });
    // And the document imports back to the same chart, its Composition reported as not imported.
    const back = fhirToChart(JSON.parse(JSON.stringify(bundle)));
    expect(back).toMatchObject({ ok: true, chart: fullSampleChart(), lost: [] });
    if (back.ok) expect(back.warnings).toEqual(['Composition/summary: not imported (no place in the chart)']);
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
      given: 'Jon Q',
      family: 'Ramos',
      birthDate: '1970-05-04',
      age: null,
      phone: '',
      email: '',
      address: '',
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
    // Every field the chart does not give back is listed, per resource; the Observation is now a result.
    expect(result.warnings).toEqual([
      'Condition/c/1: not kept: onsetDateTime (kept as "2015-02-01")',
      'MedicationRequest/mr1: not kept: intent, authoredOn, dosageInstruction[0].route.text, ' +
        'dosageInstruction[0].doseAndRate[0].doseQuantity.value, dosageInstruction[0].doseAndRate[0].doseQuantity.unit',
      'Encounter/e1: not kept: period.start (kept as "2025-12-30"), type[0].text',
    ]);
    expect(result.chart.illnesses[0]!.codes).toEqual([
      { system: 'http://snomed.info/sct', code: '38341003', display: 'Hypertension' },
    ]);
    expect(result.chart.results[0]).toMatchObject({ test: 'BP', category: 'other', status: 'final' });
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
