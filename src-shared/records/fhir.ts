// FHIR R4 mapping of a chart (types: @medplum/fhirtypes, R4). Export gives a `collection` Bundle with Patient,
// Practitioner, Condition, MedicationStatement, Encounter and one Provenance per ledger version naming its
// transaction. Import accepts such a Bundle (and common variants: MedicationRequest, coded names, dateTimes) and
// returns a validated chart or field-level errors; nothing is guessed silently: every fallback is a warning.
import type {
  Bundle,
  BundleEntry,
  CodeableConcept,
  Condition,
  Encounter,
  Extension,
  MedicationRequest,
  MedicationStatement,
  Patient,
  Practitioner,
  Provenance,
  Resource,
} from '@medplum/fhirtypes';
import type { Chart, DoctorEntry, IllnessEntry, MedicationEntry, VisitEntry } from './chart';
import { DOCTOR_ROLES, GENDERS, ROUTES } from './chart';
import { todayIso } from './dates';
import { newEntryId } from './empty';
import type { ChartAction } from './actions';
import { validateChart, type FieldError } from './validate';

export const FHIR_EXT = 'https://healthchain.invalid/fhir/StructureDefinition/';
export const SIGN_KEY_SYSTEM = 'urn:healthchain:sign-key';
export const TX_SYSTEM = 'urn:healthchain:bigchaindb-transaction';
export const CHART_SYSTEM = 'urn:healthchain:chart';
export const ACTION_SYSTEM = 'https://healthchain.invalid/fhir/CodeSystem/chart-action';
const CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const ENTRY_ID = /^[A-Za-z0-9_-]{1,64}$/;

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
const text = (value: string): CodeableConcept => ({ text: value });
const patientRef = { reference: 'Patient/patient' };

export function chartToFhir({ chartId, chart, versions }: FhirExportInput): Bundle {
  const p = chart.patient;
  const patient: Patient = {
    resourceType: 'Patient',
    id: 'patient',
    name: [{ text: p.name }],
    gender: p.gender,
    ...(p.birthDate ? { birthDate: p.birthDate } : {}),
    extension: [
      ...(p.age !== null
        ? [ext('age', { valueAge: { value: p.age, unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' } })]
        : []),
      ...(p.visitDate ? [ext('visit-date', { valueDate: p.visitDate })] : []),
    ],
  };
  const current = chart.doctors.find((d) => d.role === 'current' && d.status === 'active');
  if (current) patient.generalPractitioner = [{ reference: `Practitioner/pr-${current.id}`, display: current.name }];

  const practitioners = chart.doctors.map((d): Practitioner => ({
    resourceType: 'Practitioner',
    id: `pr-${d.id}`,
    active: d.status === 'active',
    name: [{ text: d.name }],
    ...(d.signKey ? { identifier: [{ system: SIGN_KEY_SYSTEM, value: d.signKey }] } : {}),
    ...(d.specialty ? { qualification: [{ code: text(d.specialty) }] } : {}),
    extension: [ext('doctor-role', { valueCode: d.role }), ext('entry-status', { valueCode: d.status })],
  }));

  const conditions = chart.illnesses.map((i): Condition => ({
    resourceType: 'Condition',
    id: `cond-${i.id}`,
    subject: patientRef,
    code: text(i.condition),
    ...(i.status === 'entered-in-error'
      ? { verificationStatus: { coding: [{ system: VERIFICATION, code: 'entered-in-error' }] } }
      : {
          clinicalStatus: { coding: [{ system: CLINICAL, code: i.status }] },
          verificationStatus: { coding: [{ system: VERIFICATION, code: 'confirmed' }] },
        }),
    ...(i.onset ? { onsetDateTime: i.onset } : {}),
    ...(i.symptoms ? { evidence: [{ code: [text(i.symptoms)] }] } : {}),
  }));

  const medications = chart.medications.map((m): MedicationStatement => ({
    resourceType: 'MedicationStatement',
    id: `med-${m.id}`,
    status: m.status,
    subject: patientRef,
    medicationCodeableConcept: text(m.name),
    ...(m.start || m.end
      ? { effectivePeriod: { ...(m.start ? { start: m.start } : {}), ...(m.end ? { end: m.end } : {}) } }
      : {}),
    ...(m.prescribedBy ? { informationSource: { display: m.prescribedBy } } : {}),
    dosage: [
      {
        text: m.dosageText || composedDosage(m),
        route: text(m.route),
        ...(m.frequency ? { timing: { code: text(m.frequency) } } : {}),
        ...(m.dose ? { extension: [ext('dose', { valueString: m.dose })] } : {}),
      },
    ],
  }));

  const encounters = chart.visits.map((v): Encounter => ({
    resourceType: 'Encounter',
    id: `enc-${v.id}`,
    status: v.status === 'completed' ? 'finished' : 'entered-in-error',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
    subject: patientRef,
    period: { start: v.date },
    reasonCode: [text(v.reason)],
    ...(v.doctor ? { participant: [{ individual: { display: v.doctor } }] } : {}),
    // R4 Encounter has no note element; the visit notes travel in an extension.
    ...(v.notes ? { extension: [ext('visit-notes', { valueString: v.notes })] } : {}),
  }));

  const provenances = versions.map((v): Provenance => ({
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
  }));

  const resources: Resource[] = [
    patient,
    ...practitioners,
    ...conditions,
    ...medications,
    ...encounters,
    ...provenances,
  ];
  return {
    resourceType: 'Bundle',
    type: 'collection',
    identifier: { system: CHART_SYSTEM, value: chartId },
    timestamp: versions.at(-1)?.at ?? new Date().toISOString(),
    entry: resources.map((resource): BundleEntry => ({
      fullUrl: `urn:healthchain:${resource.resourceType}/${resource.id}`,
      resource,
    })),
  };
}

export type FhirImportResult =
  { ok: true; chart: Chart; warnings: string[] } | { ok: false; errors: FieldError[]; warnings: string[] };

/** Reads a chart out of a FHIR R4 Bundle (or a single Patient-centred collection). */
export function fhirToChart(input: unknown): FhirImportResult {
  const warnings: string[] = [];
  if (typeof input !== 'object' || input === null || (input as Resource).resourceType !== 'Bundle') {
    return {
      ok: false,
      errors: [{ path: '', message: 'This is not a FHIR Bundle (resourceType must be "Bundle")' }],
      warnings,
    };
  }
  const bundle = input as Bundle;
  const resources = (bundle.entry ?? [])
    .map((e) => e.resource)
    .filter((r): r is Resource => typeof r === 'object' && r !== null);
  const patients = resources.filter((r): r is Patient => r.resourceType === 'Patient');
  if (patients.length !== 1) {
    return {
      ok: false,
      errors: [{ path: 'patient', message: `The Bundle must hold exactly one Patient; it holds ${patients.length}` }],
      warnings,
    };
  }
  const p = patients[0]!;
  const gender = GENDERS.includes(p.gender as never) ? (p.gender as Chart['patient']['gender']) : 'unknown';
  if (p.gender && gender === 'unknown' && p.gender !== 'unknown')
    warnings.push(`Patient gender "${p.gender}" is not supported; stored as unknown`);
  const ageExt = extValue(p.extension, 'age')?.valueAge?.value;
  const chart: Chart = {
    patient: {
      name: humanName(p),
      birthDate: dateOf(p.birthDate),
      age: typeof ageExt === 'number' ? ageExt : null,
      gender,
      visitDate:
        dateOf(extValue(p.extension, 'visit-date')?.valueDate) || latestVisit(resources) || dateOf(bundle.timestamp),
    },
    doctors: resources
      .filter((r): r is Practitioner => r.resourceType === 'Practitioner')
      .map((r) => doctorOf(r, p, warnings)),
    illnesses: resources
      .filter((r): r is Condition => r.resourceType === 'Condition')
      .map((r) => illnessOf(r, warnings)),
    medications: resources
      .filter(
        (r): r is MedicationStatement | MedicationRequest =>
          r.resourceType === 'MedicationStatement' || r.resourceType === 'MedicationRequest',
      )
      .map((r) => medicationOf(r, warnings)),
    visits: resources.filter((r): r is Encounter => r.resourceType === 'Encounter').map((r) => visitOf(r, warnings)),
  };
  if (!chart.patient.visitDate) {
    chart.patient.visitDate = todayIso();
    warnings.push('No visit date in the Bundle (no Encounter, no timestamp); today is recorded as the date of visit');
  }
  const known = new Set([
    'Patient',
    'Practitioner',
    'Condition',
    'MedicationStatement',
    'MedicationRequest',
    'Encounter',
    'Provenance',
  ]);
  const skipped = [...new Set(resources.map((r) => r.resourceType).filter((t) => !known.has(t)))];
  if (skipped.length) warnings.push(`Not imported (no place in the chart): ${skipped.join(', ')}`);
  const result = validateChart(chart);
  return result.ok ? { ok: true, chart: result.chart, warnings } : { ok: false, errors: result.errors, warnings };
}

function extValue(extensions: Extension[] | undefined, name: string): Extension | undefined {
  return extensions?.find((e) => e.url === FHIR_EXT + name);
}

function entryId(resourceId: string | undefined, prefix: string): string {
  const stripped = resourceId?.startsWith(prefix) ? resourceId.slice(prefix.length) : resourceId;
  return stripped && ENTRY_ID.test(stripped) ? stripped : newEntryId();
}

function dateOf(value: string | undefined): string {
  return value && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : '';
}

function conceptText(c: CodeableConcept | undefined): string {
  return c?.text ?? c?.coding?.find((x) => x.display)?.display ?? c?.coding?.[0]?.code ?? '';
}

function humanName(r: Patient | Practitioner): string {
  const n = r.name?.find((x) => x.use === 'official') ?? r.name?.[0];
  if (!n) return '';
  return n.text ?? [...(n.prefix ?? []), ...(n.given ?? []), n.family ?? ''].join(' ').replace(/\s+/g, ' ').trim();
}

function latestVisit(resources: Resource[]): string {
  return (
    resources
      .filter((r): r is Encounter => r.resourceType === 'Encounter')
      .map((e) => dateOf(e.period?.start))
      .filter(Boolean)
      .sort()
      .at(-1) ?? ''
  );
}

function doctorOf(r: Practitioner, patient: Patient, warnings: string[]): DoctorEntry {
  const role = extValue(r.extension, 'doctor-role')?.valueCode;
  const isGp = patient.generalPractitioner?.some((g) => g.reference === `Practitioner/${r.id}`);
  const status =
    extValue(r.extension, 'entry-status')?.valueCode === 'entered-in-error' ? 'entered-in-error' : 'active';
  const name = humanName(r);
  if (!name) warnings.push(`Practitioner ${r.id ?? ''} has no name`);
  return {
    id: entryId(r.id, 'pr-'),
    name,
    specialty: conceptText(r.qualification?.[0]?.code),
    signKey: r.identifier?.find((i) => i.system === SIGN_KEY_SYSTEM)?.value ?? '',
    role: DOCTOR_ROLES.includes(role as never) ? (role as DoctorEntry['role']) : isGp ? 'current' : 'treated',
    status,
  };
}

function illnessOf(r: Condition, warnings: string[]): IllnessEntry {
  const verification = r.verificationStatus?.coding?.[0]?.code;
  const clinical = r.clinicalStatus?.coding?.[0]?.code;
  let status: IllnessEntry['status'] = 'active';
  if (verification === 'entered-in-error') status = 'entered-in-error';
  else if (clinical === 'resolved' || clinical === 'inactive' || clinical === 'remission') status = 'resolved';
  else if (clinical && clinical !== 'active' && clinical !== 'recurrence' && clinical !== 'relapse') {
    warnings.push(`Condition ${r.id ?? ''}: clinical status "${clinical}" read as active`);
  }
  return {
    id: entryId(r.id, 'cond-'),
    condition: conceptText(r.code),
    symptoms: (r.evidence ?? [])
      .flatMap((e) => (e.code ?? []).map(conceptText))
      .filter(Boolean)
      .join('; '),
    onset: dateOf(r.onsetDateTime ?? r.onsetPeriod?.start),
    status,
  };
}

/** The dosage line an export writes when the source's own wording is not known. */
function composedDosage(m: Pick<MedicationEntry, 'dose' | 'frequency' | 'route'>): string {
  return `${[m.dose, m.frequency].filter(Boolean).join(' ')} (${m.route})`.trim();
}

function medicationOf(r: MedicationStatement | MedicationRequest, warnings: string[]): MedicationEntry {
  const dosage = r.resourceType === 'MedicationStatement' ? r.dosage?.[0] : r.dosageInstruction?.[0];
  const routeText = conceptText(dosage?.route).toLowerCase();
  const route = (ROUTES as readonly string[]).includes(routeText)
    ? (routeText as MedicationEntry['route'])
    : routeText.includes('oral')
      ? 'oral'
      : 'other';
  const quantity = dosage?.doseAndRate?.[0]?.doseQuantity;
  const dose =
    extValue(dosage?.extension, 'dose')?.valueString ??
    (quantity?.value !== undefined ? `${quantity.value} ${quantity.unit ?? ''}`.trim() : '');
  const frequency =
    conceptText(dosage?.timing?.code) ||
    (dosage?.timing?.repeat?.frequency
      ? `${dosage.timing.repeat.frequency} per ${dosage.timing.repeat.period ?? 1} ${dosage.timing.repeat.periodUnit ?? 'd'}`
      : '');
  const id = r.id ?? '';
  // The source's wording is kept unless it is only what an export composes from the structured fields.
  const written = dosage?.text?.trim() ?? '';
  const dosageText = written && written !== composedDosage({ dose, frequency, route }) ? written : '';
  if (!dose && !frequency && !dosageText) warnings.push(`Medication ${id}: no dosage given`);
  const rawStatus = r.status as string;
  const status: MedicationEntry['status'] =
    rawStatus === 'entered-in-error'
      ? 'entered-in-error'
      : rawStatus === 'completed'
        ? 'completed'
        : rawStatus === 'stopped' || rawStatus === 'cancelled'
          ? 'stopped'
          : 'active';
  const period = r.resourceType === 'MedicationStatement' ? r.effectivePeriod : undefined;
  const start = dateOf(
    period?.start ??
      (r.resourceType === 'MedicationStatement' ? (r.effectiveDateTime ?? r.dateAsserted) : r.authoredOn),
  );
  return {
    id: entryId(r.id, 'med-'),
    name: conceptText(r.medicationCodeableConcept) || (r.medicationReference?.display ?? ''),
    dose,
    route,
    frequency,
    dosageText,
    start,
    end: dateOf(period?.end),
    status,
    prescribedBy:
      (r.resourceType === 'MedicationStatement' ? r.informationSource?.display : r.requester?.display) ?? '',
  };
}

function visitOf(r: Encounter, warnings: string[]): VisitEntry {
  const reason = (r.reasonCode ?? []).map(conceptText).filter(Boolean).join('; ') || conceptText(r.type?.[0]);
  if (!reason) warnings.push(`Encounter ${r.id ?? ''} has no reason`);
  return {
    id: entryId(r.id, 'enc-'),
    date: dateOf(r.period?.start),
    reason,
    notes: extValue(r.extension, 'visit-notes')?.valueString ?? '',
    doctor: r.participant?.find((x) => x.individual?.display)?.individual?.display ?? '',
    status: r.status === 'entered-in-error' ? 'entered-in-error' : 'completed',
  };
}
