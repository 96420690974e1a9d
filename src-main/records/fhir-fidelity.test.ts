// Import → export round trip over FHIR the project did not write (the example resources shipped in @medplum/mock)
// and over generated bundles that fill every field the chart represents. Every input and every export is checked
// against the official R4 definitions. For each source resource, every field is either given back by the export
// with the same value or listed in the import's report: the test checks both directions itself, then pins the
// exact counts so a change in what is kept shows up here.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import {
  BartSimpson,
  DrAliceSmith,
  HomerEncounter,
  HomerSimpson,
  HomerSimpsonUSCorePatient,
  LisaSimpson,
  MargeSimpson,
} from '@medplum/mock';
import { chartToFhir, chartToIps, fhirToChart, ID_PREFIX } from '../../src-shared/records/fhir';
import { fullSampleChart } from '../../test/fixtures/sample-chart';
import { fhirStructureErrors } from './fhir-validation';

// @medplum/mock types its examples with its own copy of @medplum/fhirtypes: the same shapes under other names.
const collection = (...resources: object[]): Bundle => ({
  resourceType: 'Bundle',
  type: 'collection',
  timestamp: '2026-01-05T09:00:00Z',
  entry: resources.map((resource) => ({ resource: structuredClone(resource) as Resource })),
});

/** A foreign bundle filling every field the importer reads, for every kind the chart holds. */
function everyFieldBundle(): Bundle {
  const subject = { reference: 'Patient/p1' };
  return collection(
    {
      resourceType: 'Patient',
      id: 'p1',
      name: [{ text: 'Nora Vale', given: ['Nora', 'J'], family: 'Vale' }],
      gender: 'female',
      birthDate: '1971-02-03',
      telecom: [
        { system: 'phone', value: '+1 555 0100' },
        { system: 'email', value: 'nora@example.org' },
      ],
      address: [{ text: '9 Harbour St, Portsmouth' }],
    },
    { resourceType: 'Practitioner', id: 'dr1', name: [{ text: 'Dr. Ken Ito' }] },
    {
      resourceType: 'Condition',
      id: 'c1',
      subject,
      code: {
        coding: [
          { system: 'http://snomed.info/sct', code: '195967001', display: 'Asthma' },
          { system: 'http://hl7.org/fhir/sid/icd-10', code: 'J45', display: 'Asthma' },
        ],
        text: 'Asthma',
      },
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
      },
      verificationStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }],
      },
      onsetDateTime: '1990-04-01',
      note: [{ text: 'Wheeze on exertion' }],
    },
    {
      resourceType: 'MedicationStatement',
      id: 'ms1',
      status: 'active',
      subject,
      medicationCodeableConcept: {
        coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '745679', display: 'Salbutamol' }],
        text: 'Salbutamol inhaler',
      },
      dosage: [{ text: 'once daily', route: { text: 'inhaled' } }],
    },
    {
      resourceType: 'Encounter',
      id: 'e1',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
      subject,
      period: { start: '2025-12-30' },
      reasonCode: [{ text: 'Asthma review' }],
      participant: [{ individual: { reference: 'Practitioner/dr1', display: 'Dr. Ken Ito' } }],
    },
    {
      resourceType: 'AllergyIntolerance',
      id: 'a1',
      patient: subject,
      code: { coding: [{ system: 'http://snomed.info/sct', code: '91935009', display: 'Peanut' }], text: 'Peanut' },
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
      },
      type: 'allergy',
      criticality: 'high',
      onsetDateTime: '1975-01-01',
      reaction: [{ manifestation: [{ text: 'Anaphylaxis' }] }],
    },
    {
      resourceType: 'Immunization',
      id: 'im1',
      status: 'completed',
      patient: subject,
      vaccineCode: {
        coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '208', display: 'COVID-19' }],
        text: 'COVID-19',
      },
      occurrenceDateTime: '2021-05-01',
    },
    {
      resourceType: 'Procedure',
      id: 'pr1',
      status: 'completed',
      subject,
      code: {
        coding: [{ system: 'http://snomed.info/sct', code: '80146002', display: 'Appendectomy' }],
        text: 'Appendectomy',
      },
      performedDateTime: '1988-07-09',
    },
    {
      resourceType: 'Observation',
      id: 'o1',
      status: 'final',
      category: [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] },
      ],
      subject,
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }], text: 'Heart rate' },
      effectiveDateTime: '2025-12-30',
      valueQuantity: { value: 72, unit: '/min' },
    },
  );
}

// fields: the source's leaf values (ids and meta aside); lost: how many of them the report lists as not kept (the
// mock patients' identifiers, photos, links, address parts and contact uses; a practitioner's structured name).
// The generated bundles fill only what the chart represents, so nothing of them may be lost.
const CORPUS: { name: string; bundle: () => Bundle; fields: number; lost: number }[] = [
  {
    name: 'mock: Homer Simpson, Dr Alice Smith, an encounter',
    bundle: () => collection(HomerSimpson, DrAliceSmith, HomerEncounter),
    fields: 33,
    lost: 22,
  },
  {
    name: 'mock: Homer Simpson (US Core extensions)',
    bundle: () => collection(HomerSimpsonUSCorePatient),
    fields: 44,
    lost: 36,
  },
  { name: 'mock: Marge Simpson', bundle: () => collection(MargeSimpson), fields: 16, lost: 8 },
  { name: 'mock: Bart Simpson', bundle: () => collection(BartSimpson), fields: 11, lost: 4 },
  { name: 'mock: Lisa Simpson', bundle: () => collection(LisaSimpson), fields: 37, lost: 30 },
  { name: 'generated: every field the importer reads', bundle: everyFieldBundle, fields: 79, lost: 0 },
  {
    name: 'generated: the export of a chart with every field filled',
    bundle: () => JSON.parse(JSON.stringify(chartToFhir({ chartId: 'c', chart: fullSampleChart(), versions: [] }))),
    fields: 126,
    lost: 0,
  },
];

function leaves(value: unknown, path = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value))
      if (!(path === '' && (k === 'id' || k === 'meta' || k === 'resourceType')))
        leaves(v, path ? `${path}.${k}` : k, out);
  } else out.set(path, value);
  return out;
}

const PREFIX: Record<string, string> = {
  Practitioner: ID_PREFIX.doctors,
  Condition: ID_PREFIX.illnesses,
  MedicationStatement: ID_PREFIX.medications,
  Encounter: ID_PREFIX.visits,
  AllergyIntolerance: ID_PREFIX.allergies,
  Immunization: ID_PREFIX.immunizations,
  Procedure: ID_PREFIX.procedures,
  Observation: ID_PREFIX.results,
};

beforeAll(() => {
  fhirStructureErrors({ resourceType: 'Basic', code: { text: 'warm-up' } }); // index the R4 definitions once
}, 120_000);

describe('FHIR fidelity: import → export over a corpus the project did not write', () => {
  for (const item of CORPUS) {
    it(item.name, () => {
      const input = item.bundle();
      expect(fhirStructureErrors(input)).toEqual([]);
      const result = fhirToChart(structuredClone(input));
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      const exported = chartToFhir({ chartId: 'c', chart: result.chart, versions: [] });
      expect(fhirStructureErrors(exported), JSON.stringify(fhirStructureErrors(exported))).toEqual([]);
      expect(fhirStructureErrors(chartToIps({ chartId: 'c', chart: result.chart, versions: [] }))).toEqual([]);

      const byId = new Map(exported.entry!.map((e) => [`${e.resource!.resourceType}/${e.resource!.id}`, e.resource!]));
      let fields = 0;
      for (const source of input.entry!.map((e) => e.resource!)) {
        const target =
          source.resourceType === 'Patient'
            ? byId.get('Patient/patient')
            : byId.get(`${source.resourceType}/${PREFIX[source.resourceType]}${source.id!.replace(/^[a-z]+-/, '')}`);
        const label = `${source.resourceType}/${source.id}`;
        if (!target) {
          expect(result.warnings).toContain(`${label}: not imported (no place in the chart)`);
          continue;
        }
        const reported = new Set(result.lost.filter((l) => l.resource === label).map((l) => l.path));
        const after = leaves(target);
        for (const [path, value] of leaves(source)) {
          fields++;
          const kept =
            after.get(path) === value ||
            // A reference to a resource of the same bundle is kept when it points where that resource went.
            (path.endsWith('.reference') && typeof after.get(path) === 'string' && byId.has(after.get(path) as string));
          // Each field is either kept or reported, never both, never neither.
          expect({ label, path, kept, reported: reported.has(path) }).toEqual({ label, path, kept, reported: !kept });
        }
      }
      expect({ fields, lost: result.lost.length }).toEqual({ fields: item.fields, lost: item.lost });
    });
  }
});
