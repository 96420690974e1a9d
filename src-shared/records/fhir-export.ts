// Chart → FHIR R4 (types: @medplum/fhirtypes, R4). `chartToFhir` gives a `collection` Bundle with Patient,
// Practitioner, Condition, MedicationStatement, Encounter, AllergyIntolerance, Immunization, Procedure, Observation
// and one Provenance per ledger version naming its transaction; `chartToIps` gives the same resources as an
// IPS-shaped `document` Bundle (a Composition with one section per kind). Codes travel as Codings beside the text.
import type {
  AllergyIntolerance,
  Bundle,
  BundleEntry,
  CodeableConcept,
  Coding,
  Composition,
  CompositionSection,
  Condition,
  ContactPoint,
  Encounter,
  Extension,
  Immunization,
  MedicationStatement,
  Observation,
  Patient,
  Practitioner,
  Procedure,
  Provenance,
  Resource,
} from '@medplum/fhirtypes';
import type { Chart, Code, MedicationEntry } from './chart';
import type { ChartAction } from './actions';

export const FHIR_EXT = 'https://healthchain.invalid/fhir/StructureDefinition/';
export const SIGN_KEY_SYSTEM = 'urn:healthchain:sign-key';
export const TX_SYSTEM = 'urn:healthchain:bigchaindb-transaction';
export const CHART_SYSTEM = 'urn:healthchain:chart';
export const ACTION_SYSTEM = 'https://healthchain.invalid/fhir/CodeSystem/chart-action';
export const CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
export const VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
export const ALLERGY_CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
export const ALLERGY_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';
export const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
const LOINC = 'http://loinc.org';

/** The id prefix of each list's exported resources (`cond-<entry id>`); the importer strips it again. */
export const ID_PREFIX = {
  doctors: 'pr-',
  illnesses: 'cond-',
  medications: 'med-',
  visits: 'enc-',
  allergies: 'alg-',
  immunizations: 'imm-',
  procedures: 'proc-',
  results: 'obs-',
} as const;

export interface ProvenanceVersion {
  seq: number;
  action: ChartAction;
  at: string;
  txId: string;
  authorSignKey: string;
  authorName: string | null;
  /** `<node>/api/v1/transactions/<txId>` */
  link: string | null;
}

export interface FhirExportInput {
  chartId: string;
  chart: Chart;
  versions: readonly ProvenanceVersion[];
}

const ext = (name: string, value: Omit<Extension, 'url'>): Extension => ({ url: FHIR_EXT + name, ...value });
const patientRef = { reference: 'Patient/patient' };

/** A CodeableConcept holding the entry's codes and its display text. */
export function concept(text: string, codes: readonly Code[] = []): CodeableConcept {
  const coding = codes.map((c): Coding => ({
    ...(c.system ? { system: c.system } : {}),
    code: c.code,
    ...(c.display ? { display: c.display } : {}),
  }));
  return { ...(coding.length ? { coding } : {}), text };
}

/** The dosage line an export writes when the source's own wording is not known. */
export function composedDosage(m: Pick<MedicationEntry, 'dose' | 'frequency' | 'route'>): string {
  return `${[m.dose, m.frequency].filter(Boolean).join(' ')} (${m.route})`.trim();
}

function patientOf(chart: Chart): Patient {
  const p = chart.patient;
  const given = p.given.split(/\s+/).filter(Boolean);
  const telecom: ContactPoint[] = [
    ...(p.phone ? [{ system: 'phone' as const, value: p.phone }] : []),
    ...(p.email ? [{ system: 'email' as const, value: p.email }] : []),
  ];
  const patient: Patient = {
    resourceType: 'Patient',
    id: 'patient',
    name: [{ text: p.name, ...(p.family ? { family: p.family } : {}), ...(given.length ? { given } : {}) }],
    ...(telecom.length ? { telecom } : {}),
    gender: p.gender,
    ...(p.birthDate ? { birthDate: p.birthDate } : {}),
    ...(p.address ? { address: [{ text: p.address }] } : {}),
    extension: [
      ...(p.age !== null
        ? [ext('age', { valueAge: { value: p.age, unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' } })]
        : []),
      ...(p.visitDate ? [ext('visit-date', { valueDate: p.visitDate })] : []),
    ],
  };
  const current = chart.doctors.find((d) => d.role === 'current' && d.status === 'active');
  if (current)
    patient.generalPractitioner = [
      { reference: `Practitioner/${ID_PREFIX.doctors}${current.id}`, display: current.name },
    ];
  return patient;
}

/** The chart's clinical resources (no Provenance), in a fixed order. */
export function chartResources(chart: Chart): Resource[] {
  const practitioners = chart.doctors.map((d): Practitioner => ({
    resourceType: 'Practitioner',
    id: `${ID_PREFIX.doctors}${d.id}`,
    active: d.status === 'active',
    name: [{ text: d.name }],
    ...(d.signKey ? { identifier: [{ system: SIGN_KEY_SYSTEM, value: d.signKey }] } : {}),
    ...(d.specialty ? { qualification: [{ code: { text: d.specialty } }] } : {}),
    extension: [ext('doctor-role', { valueCode: d.role }), ext('entry-status', { valueCode: d.status })],
  }));

  const conditions = chart.illnesses.map((i): Condition => ({
    resourceType: 'Condition',
    id: `${ID_PREFIX.illnesses}${i.id}`,
    subject: patientRef,
    code: concept(i.condition, i.codes),
    ...(i.status === 'entered-in-error'
      ? { verificationStatus: { coding: [{ system: VERIFICATION, code: 'entered-in-error' }] } }
      : {
          clinicalStatus: { coding: [{ system: CLINICAL, code: i.status }] },
          verificationStatus: { coding: [{ system: VERIFICATION, code: 'confirmed' }] },
        }),
    ...(i.onset ? { onsetDateTime: i.onset } : {}),
    // The symptoms are the clinician's free text about the condition: R4's Condition.note.
    ...(i.symptoms ? { note: [{ text: i.symptoms }] } : {}),
  }));

  const medications = chart.medications.map((m): MedicationStatement => ({
    resourceType: 'MedicationStatement',
    id: `${ID_PREFIX.medications}${m.id}`,
    status: m.status,
    subject: patientRef,
    medicationCodeableConcept: concept(m.name, m.codes),
    ...(m.start || m.end
      ? { effectivePeriod: { ...(m.start ? { start: m.start } : {}), ...(m.end ? { end: m.end } : {}) } }
      : {}),
    ...(m.prescribedBy ? { informationSource: { display: m.prescribedBy } } : {}),
    dosage: [
      {
        text: m.dosageText || composedDosage(m),
        route: { text: m.route },
        ...(m.frequency ? { timing: { code: { text: m.frequency } } } : {}),
        ...(m.dose ? { extension: [ext('dose', { valueString: m.dose })] } : {}),
      },
    ],
  }));

  // A visit names its doctor; when that name is one of the chart's doctors, the Encounter refers to them.
  const doctorRef = (name: string) => {
    const d = chart.doctors.find((x) => x.name === name);
    return { ...(d ? { reference: `Practitioner/${ID_PREFIX.doctors}${d.id}` } : {}), display: name };
  };
  const encounters = chart.visits.map((v): Encounter => ({
    resourceType: 'Encounter',
    id: `${ID_PREFIX.visits}${v.id}`,
    status: v.status === 'completed' ? 'finished' : 'entered-in-error',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
    subject: patientRef,
    period: { start: v.date },
    reasonCode: [{ text: v.reason }],
    ...(v.doctor ? { participant: [{ individual: doctorRef(v.doctor) }] } : {}),
    // R4 Encounter has no note element; the visit notes travel in an extension.
    ...(v.notes ? { extension: [ext('visit-notes', { valueString: v.notes })] } : {}),
  }));

  const allergies = chart.allergies.map((a): AllergyIntolerance => ({
    resourceType: 'AllergyIntolerance',
    id: `${ID_PREFIX.allergies}${a.id}`,
    patient: patientRef,
    code: concept(a.substance, a.codes),
    ...(a.status === 'entered-in-error'
      ? { verificationStatus: { coding: [{ system: ALLERGY_VERIFICATION, code: 'entered-in-error' }] } }
      : { clinicalStatus: { coding: [{ system: ALLERGY_CLINICAL, code: a.status }] } }),
    ...(a.type ? { type: a.type } : {}),
    ...(a.criticality ? { criticality: a.criticality } : {}),
    ...(a.onset ? { onsetDateTime: a.onset } : {}),
    ...(a.reaction ? { reaction: [{ manifestation: [{ text: a.reaction }] }] } : {}),
  }));

  const immunizations = chart.immunizations.map((i): Immunization => ({
    resourceType: 'Immunization',
    id: `${ID_PREFIX.immunizations}${i.id}`,
    status: i.status,
    patient: patientRef,
    vaccineCode: concept(i.vaccine, i.codes),
    // occurrence[x] is 1..1 in R4; a date not recorded is said so in words.
    ...(i.date ? { occurrenceDateTime: i.date } : { occurrenceString: 'not recorded' }),
  }));

  const procedures = chart.procedures.map((p): Procedure => ({
    resourceType: 'Procedure',
    id: `${ID_PREFIX.procedures}${p.id}`,
    status: p.status,
    subject: patientRef,
    code: concept(p.procedure, p.codes),
    ...(p.date ? { performedDateTime: p.date } : {}),
  }));

  const observations = chart.results.map((r): Observation => {
    const number = r.value.trim() === '' ? NaN : Number(r.value);
    return {
      resourceType: 'Observation',
      id: `${ID_PREFIX.results}${r.id}`,
      status: r.status,
      ...(r.category !== 'other'
        ? { category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: r.category }] }] }
        : {}),
      subject: patientRef,
      code: concept(r.test, r.codes),
      ...(r.date ? { effectiveDateTime: r.date } : {}),
      ...(Number.isFinite(number)
        ? { valueQuantity: { value: number, ...(r.unit ? { unit: r.unit } : {}) } }
        : r.value
          ? { valueString: r.value, ...(r.unit ? { extension: [ext('result-unit', { valueString: r.unit })] } : {}) }
          : {}),
    };
  });

  return [
    patientOf(chart),
    ...practitioners,
    ...conditions,
    ...medications,
    ...encounters,
    ...allergies,
    ...immunizations,
    ...procedures,
    ...observations,
  ];
}

function provenanceOf(v: ProvenanceVersion): Provenance {
  return {
    resourceType: 'Provenance',
    // A transaction id is 64 hex characters: a valid FHIR id, so each Provenance is named by its transaction.
    id: v.txId,
    target: [patientRef],
    recorded: v.at,
    activity: { coding: [{ system: ACTION_SYSTEM, code: v.action }] },
    agent: [
      {
        who: {
          identifier: { system: SIGN_KEY_SYSTEM, value: v.authorSignKey },
          ...(v.authorName ? { display: v.authorName } : {}),
        },
      },
    ],
    entity: [
      {
        role: 'source',
        what: { identifier: { system: TX_SYSTEM, value: v.txId }, ...(v.link ? { display: v.link } : {}) },
      },
    ],
    ...(v.link ? { policy: [v.link] } : {}),
    extension: [ext('version', { valueInteger: v.seq })],
  };
}

const entryOf = (resource: Resource): BundleEntry => ({
  fullUrl: `urn:healthchain:${resource.resourceType}/${resource.id}`,
  resource,
});

export function chartToFhir({ chartId, chart, versions }: FhirExportInput): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    identifier: { system: CHART_SYSTEM, value: chartId },
    timestamp: versions.at(-1)?.at ?? new Date().toISOString(),
    entry: [...chartResources(chart), ...versions.map(provenanceOf)].map(entryOf),
  };
}

// IPS (HL7 International Patient Summary) section codes, LOINC.
const IPS_SECTIONS: readonly { title: string; code: string; display: string; types: readonly string[] }[] = [
  { title: 'Problems', code: '11450-4', display: 'Problem list - Reported', types: ['Condition'] },
  {
    title: 'Medication',
    code: '10160-0',
    display: 'History of Medication use Narrative',
    types: ['MedicationStatement'],
  },
  {
    title: 'Allergies and intolerances',
    code: '48765-2',
    display: 'Allergies and adverse reactions Document',
    types: ['AllergyIntolerance'],
  },
  { title: 'Immunizations', code: '11369-6', display: 'History of Immunization Narrative', types: ['Immunization'] },
  { title: 'Procedures', code: '47519-4', display: 'History of Procedures Document', types: ['Procedure'] },
  {
    title: 'Results',
    code: '30954-2',
    display: 'Relevant diagnostic tests/laboratory data Narrative',
    types: ['Observation:laboratory', 'Observation:other'],
  },
  { title: 'Vital signs', code: '8716-3', display: 'Vital signs', types: ['Observation:vital-signs'] },
];

function kindOf(r: Resource): string {
  if (r.resourceType !== 'Observation') return r.resourceType;
  const category = r.category?.[0]?.coding?.[0]?.code;
  return `Observation:${category === 'laboratory' || category === 'vital-signs' ? category : 'other'}`;
}

/**
 * The chart as an IPS-shaped `document` Bundle: a Composition (LOINC 60591-5, patient summary) first, with one
 * section per IPS kind referencing its entries; IPS requires the problems, medication and allergies sections, so an
 * empty one says so (emptyReason "nilknown" is not claimed: the chart does not know, so "unavailable").
 */
export function chartToIps({ chartId, chart, versions }: FhirExportInput): Bundle {
  const resources = chartResources(chart);
  const at = versions.at(-1)?.at ?? new Date().toISOString();
  const author = chart.doctors.find((d) => d.role === 'current' && d.status === 'active');
  const required = new Set(['11450-4', '10160-0', '48765-2']);
  const sections = IPS_SECTIONS.flatMap((s): CompositionSection[] => {
    const entries = resources.filter((r) => s.types.includes(kindOf(r)));
    if (!entries.length && !required.has(s.code)) return [];
    return [
      {
        title: s.title,
        code: { coding: [{ system: LOINC, code: s.code, display: s.display }] },
        ...(entries.length
          ? { entry: entries.map((r) => ({ reference: `${r.resourceType}/${r.id}` })) }
          : {
              // cmp-1: a section holds text, entries or sub-sections.
              text: {
                status: 'generated',
                div: '<div xmlns="http://www.w3.org/1999/xhtml">No information recorded in this chart.</div>',
              },
              emptyReason: {
                coding: [{ system: 'http://terminology.hl7.org/CodeSystem/list-empty-reason', code: 'unavailable' }],
              },
            }),
      },
    ];
  });
  const composition: Composition = {
    resourceType: 'Composition',
    id: 'summary',
    status: 'final',
    type: { coding: [{ system: LOINC, code: '60591-5', display: 'Patient summary Document' }] },
    subject: { ...patientRef, display: chart.patient.name },
    date: at,
    author: [
      author ? { reference: `Practitioner/${ID_PREFIX.doctors}${author.id}`, display: author.name } : patientRef,
    ],
    title: `Patient summary: ${chart.patient.name}`,
    section: sections,
  };
  return {
    resourceType: 'Bundle',
    type: 'document',
    identifier: { system: CHART_SYSTEM, value: chartId },
    timestamp: at,
    entry: [composition, ...resources, ...versions.map(provenanceOf)].map(entryOf),
  };
}
