// FHIR R4 → chart. Accepts a Bundle of Patient, Practitioner, Condition, MedicationStatement/MedicationRequest,
// Encounter, AllergyIntolerance, Immunization, Procedure and Observation (codes kept beside the text), and returns a
// validated chart or field-level errors. Nothing is dropped silently: after mapping, the chart is exported again and
// every field of every source resource that the export does not give back is listed (`lost`, one warning line per
// resource), as is every resource with no place in the chart. Structural R4 validation of the input is main's job
// (src-main/records/fhir-validation.ts); this file only maps.
import type {
  AllergyIntolerance,
  Bundle,
  CodeableConcept,
  Condition,
  Encounter,
  Extension,
  Immunization,
  Medication,
  MedicationRequest,
  MedicationStatement,
  Observation,
  Patient,
  Practitioner,
  Procedure,
  Resource,
} from '@medplum/fhirtypes';
import type {
  AllergyEntry,
  Chart,
  ChartListKey,
  Code,
  DoctorEntry,
  IllnessEntry,
  ImmunizationEntry,
  MedicationEntry,
  ProcedureEntry,
  ResultEntry,
  VisitEntry,
} from './chart';
import {
  ALLERGY_CRITICALITIES,
  ALLERGY_STATUSES,
  ALLERGY_TYPES,
  DOCTOR_ROLES,
  GENDERS,
  IMMUNIZATION_STATUSES,
  PROCEDURE_STATUSES,
  RESULT_STATUSES,
  ROUTES,
} from './chart';
import { todayIso } from './dates';
import { newEntryId } from './empty';
import { validateOwnChart, type FieldError } from './validate';
import { ACTION_SYSTEM, chartResources, composedDosage, FHIR_EXT, ID_PREFIX, SIGN_KEY_SYSTEM } from './fhir-export';
import { lostFields, type LostField } from './fhir-loss';

export type { LostField } from './fhir-loss';

const ENTRY_ID = /^[A-Za-z0-9_-]{1,64}$/;

export type FhirImportResult =
  | { ok: true; chart: Chart; warnings: string[]; lost: LostField[] }
  | { ok: false; errors: FieldError[]; warnings: string[] };

/** A source resource and where it went: the patient, or an entry of a list. */
interface Placed {
  resource: Resource;
  fullUrl: string | undefined;
  exportedAs: () => string;
}

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
  const entries = (bundle.entry ?? []).filter(
    (e): e is { resource: Resource; fullUrl?: string } => typeof e.resource === 'object' && e.resource !== null,
  );
  const resources = entries.map((e) => e.resource);
  const patients = resources.filter((r): r is Patient => r.resourceType === 'Patient');
  if (patients.length !== 1) {
    return {
      ok: false,
      errors: [{ path: 'patient', message: `The Bundle must hold exactly one Patient; it holds ${patients.length}` }],
      warnings,
    };
  }
  const p = patients[0]!;
  const byRef = referenceIndex(entries);
  const placed: Placed[] = [];
  const fullUrlOf = new Map(entries.map((e) => [e.resource, e.fullUrl]));
  const place = (resource: Resource, exportedAs: () => string) =>
    placed.push({ resource, fullUrl: fullUrlOf.get(resource), exportedAs });
  function mapList<R extends Resource, E extends { id: string }>(
    list: ChartListKey,
    types: readonly string[],
    map: (r: R) => E,
  ): E[] {
    return resources
      .filter((r): r is R => types.includes(r.resourceType))
      .map((r) => {
        const entry = map(r);
        place(
          r,
          () => `${list === 'medications' ? 'MedicationStatement' : r.resourceType}/${ID_PREFIX[list]}${entry.id}`,
        );
        return entry;
      });
  }

  const gender = GENDERS.includes(p.gender as never) ? (p.gender as Chart['patient']['gender']) : 'unknown';
  const ageExt = extValue(p.extension, 'age')?.valueAge?.value;
  const name = officialName(p);
  const doctors = mapList<Practitioner, DoctorEntry>('doctors', ['Practitioner'], (r) => doctorOf(r, p, warnings));
  const chart: Chart = {
    patient: {
      name: humanName(p),
      given: (name?.given ?? []).join(' '),
      family: name?.family ?? '',
      birthDate: dateOf(p.birthDate),
      age: typeof ageExt === 'number' ? ageExt : null,
      gender,
      visitDate:
        dateOf(extValue(p.extension, 'visit-date')?.valueDate) || latestVisit(resources) || dateOf(bundle.timestamp),
      phone: p.telecom?.find((t) => t.system === 'phone' && t.value)?.value ?? '',
      email: p.telecom?.find((t) => t.system === 'email' && t.value)?.value ?? '',
      address: addressText(p),
    },
    doctors,
    illnesses: mapList<Condition, IllnessEntry>('illnesses', ['Condition'], illnessOf),
    medications: mapList<MedicationStatement | MedicationRequest, MedicationEntry>(
      'medications',
      ['MedicationStatement', 'MedicationRequest'],
      (r) => medicationOf(r, byRef, warnings),
    ),
    visits: mapList<Encounter, VisitEntry>('visits', ['Encounter'], (r) => visitOf(r, byRef, warnings)),
    allergies: mapList<AllergyIntolerance, AllergyEntry>('allergies', ['AllergyIntolerance'], allergyOf),
    immunizations: mapList<Immunization, ImmunizationEntry>('immunizations', ['Immunization'], immunizationOf),
    procedures: mapList<Procedure, ProcedureEntry>('procedures', ['Procedure'], procedureOf),
    results: mapList<Observation, ResultEntry>('results', ['Observation'], resultOf),
  };
  place(p, () => 'Patient/patient');
  if (!chart.patient.visitDate) {
    chart.patient.visitDate = todayIso();
    warnings.push('No visit date in the Bundle (no Encounter, no timestamp); today is recorded as the date of visit');
  }
  for (const r of resources) {
    if (placed.some((x) => x.resource === r)) continue;
    // Our own export's Provenance is the ledger's history, which the new chart's ledger writes afresh.
    if (r.resourceType === 'Provenance' && r.activity?.coding?.some((c) => c.system === ACTION_SYSTEM)) continue;
    if (r.resourceType === 'Medication' && isReferenced(r, entries, resources))
      warnings.push(`${label(r)}: its code and name are kept on the medications that refer to it`);
    else warnings.push(`${label(r)}: not imported (no place in the chart)`);
  }
  const result = validateOwnChart(chart);
  if (!result.ok) return { ok: false, errors: result.errors, warnings };

  const exported = new Map(chartResources(result.chart).map((r) => [`${r.resourceType}/${r.id}`, r]));
  const refMap = new Map<string, string>();
  for (const x of placed) {
    refMap.set(`${x.resource.resourceType}/${x.resource.id}`, x.exportedAs());
    if (x.fullUrl) refMap.set(x.fullUrl, x.exportedAs());
  }
  const lost: LostField[] = [];
  for (const x of placed) {
    const fields = lostFields(x.resource, exported.get(x.exportedAs()), refMap);
    if (!fields.length) continue;
    lost.push(...fields.map((f) => ({ resource: label(x.resource), ...f })));
    warnings.push(
      `${label(x.resource)}: not kept: ${fields.map((f) => (f.keptAs === undefined ? f.path : `${f.path} (kept as ${JSON.stringify(f.keptAs)})`)).join(', ')}`,
    );
  }
  return { ok: true, chart: result.chart, warnings, lost };
}

const label = (r: Resource) => `${r.resourceType}/${r.id ?? '(no id)'}`;

function referenceIndex(entries: readonly { resource: Resource; fullUrl?: string }[]): Map<string, Resource> {
  const index = new Map<string, Resource>();
  for (const e of entries) {
    if (e.resource.id) index.set(`${e.resource.resourceType}/${e.resource.id}`, e.resource);
    if (e.fullUrl) index.set(e.fullUrl, e.resource);
  }
  return index;
}

function isReferenced(r: Resource, entries: readonly { resource: Resource; fullUrl?: string }[], all: Resource[]) {
  const names = new Set([`${r.resourceType}/${r.id}`, entries.find((e) => e.resource === r)?.fullUrl]);
  return all.some(
    (x) =>
      (x.resourceType === 'MedicationStatement' || x.resourceType === 'MedicationRequest') &&
      names.has(x.medicationReference?.reference),
  );
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

/** The codings of a concept that carry a code, in order (any system kept). */
function codesOf(c: CodeableConcept | undefined): Code[] {
  return (c?.coding ?? [])
    .filter((x) => typeof x.code === 'string' && x.code.trim() !== '')
    .slice(0, 20)
    .map((x) => ({ system: x.system ?? '', code: x.code!, display: x.display ?? '' }));
}

function officialName(r: Patient | Practitioner) {
  return r.name?.find((x) => x.use === 'official') ?? r.name?.[0];
}

function humanName(r: Patient | Practitioner): string {
  const n = officialName(r);
  if (!n) return '';
  return n.text ?? [...(n.prefix ?? []), ...(n.given ?? []), n.family ?? ''].join(' ').replace(/\s+/g, ' ').trim();
}

function addressText(p: Patient): string {
  const a = p.address?.[0];
  if (!a) return '';
  return a.text ?? [...(a.line ?? []), a.city, a.postalCode, a.state, a.country].filter(Boolean).join(', ');
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

function oneOf<T extends readonly string[]>(values: T, value: unknown, fallback: T[number]): T[number] {
  return values.includes(value as never) ? (value as T[number]) : fallback;
}

function doctorOf(r: Practitioner, patient: Patient, warnings: string[]): DoctorEntry {
  const role = extValue(r.extension, 'doctor-role')?.valueCode;
  const isGp = patient.generalPractitioner?.some((g) => g.reference === `Practitioner/${r.id}`);
  const status =
    extValue(r.extension, 'entry-status')?.valueCode === 'entered-in-error' ? 'entered-in-error' : 'active';
  const name = humanName(r);
  if (!name) warnings.push(`Practitioner ${r.id ?? ''} has no name`);
  return {
    id: entryId(r.id, ID_PREFIX.doctors),
    name,
    specialty: conceptText(r.qualification?.[0]?.code),
    signKey: r.identifier?.find((i) => i.system === SIGN_KEY_SYSTEM)?.value ?? '',
    role: DOCTOR_ROLES.includes(role as never) ? (role as DoctorEntry['role']) : isGp ? 'current' : 'treated',
    status,
  };
}

function illnessOf(r: Condition): IllnessEntry {
  const verification = r.verificationStatus?.coding?.[0]?.code;
  const clinical = r.clinicalStatus?.coding?.[0]?.code;
  let status: IllnessEntry['status'] = 'active';
  if (verification === 'entered-in-error') status = 'entered-in-error';
  else if (clinical === 'resolved' || clinical === 'inactive' || clinical === 'remission') status = 'resolved';
  return {
    id: entryId(r.id, ID_PREFIX.illnesses),
    condition: conceptText(r.code),
    codes: codesOf(r.code),
    // The clinician's notes and the evidence are both free text about the condition; the export writes them as note.
    symptoms: [
      ...(r.note ?? []).map((n) => n.text),
      ...(r.evidence ?? []).flatMap((e) => (e.code ?? []).map(conceptText)),
    ]
      .filter(Boolean)
      .join('; '),
    onset: dateOf(r.onsetDateTime ?? r.onsetPeriod?.start),
    status,
  };
}

function medicationOf(
  r: MedicationStatement | MedicationRequest,
  byRef: Map<string, Resource>,
  warnings: string[],
): MedicationEntry {
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
  const referenced = r.medicationReference?.reference ? byRef.get(r.medicationReference.reference) : undefined;
  const medication = referenced?.resourceType === 'Medication' ? (referenced as Medication) : undefined;
  const concept = r.medicationCodeableConcept ?? medication?.code;
  return {
    id: entryId(r.id, ID_PREFIX.medications),
    name: conceptText(concept) || (r.medicationReference?.display ?? ''),
    codes: codesOf(concept),
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

function visitOf(r: Encounter, byRef: Map<string, Resource>, warnings: string[]): VisitEntry {
  const reason = (r.reasonCode ?? []).map(conceptText).filter(Boolean).join('; ') || conceptText(r.type?.[0]);
  if (!reason) warnings.push(`Encounter ${r.id ?? ''} has no reason`);
  // The practitioner is named by display, or by the Practitioner the participant refers to.
  const doctor = (r.participant ?? [])
    .map((x) => {
      const ref = x.individual?.reference ? byRef.get(x.individual.reference) : undefined;
      return x.individual?.display ?? (ref?.resourceType === 'Practitioner' ? humanName(ref) : '');
    })
    .find(Boolean);
  return {
    id: entryId(r.id, ID_PREFIX.visits),
    date: dateOf(r.period?.start),
    reason,
    notes: extValue(r.extension, 'visit-notes')?.valueString ?? '',
    doctor: doctor ?? '',
    status: r.status === 'entered-in-error' ? 'entered-in-error' : 'completed',
  };
}

function allergyOf(r: AllergyIntolerance): AllergyEntry {
  const verification = r.verificationStatus?.coding?.[0]?.code;
  const clinical = r.clinicalStatus?.coding?.[0]?.code;
  return {
    id: entryId(r.id, ID_PREFIX.allergies),
    substance: conceptText(r.code) || conceptText(r.reaction?.[0]?.substance),
    codes: codesOf(r.code),
    type: oneOf(ALLERGY_TYPES, r.type, ''),
    criticality: oneOf(ALLERGY_CRITICALITIES, r.criticality, ''),
    reaction: (r.reaction ?? [])
      .flatMap((x) => x.manifestation.map(conceptText))
      .filter(Boolean)
      .join('; '),
    onset: dateOf(r.onsetDateTime ?? r.onsetPeriod?.start),
    status: verification === 'entered-in-error' ? 'entered-in-error' : oneOf(ALLERGY_STATUSES, clinical, 'active'),
  };
}

function immunizationOf(r: Immunization): ImmunizationEntry {
  return {
    id: entryId(r.id, ID_PREFIX.immunizations),
    vaccine: conceptText(r.vaccineCode),
    codes: codesOf(r.vaccineCode),
    date: dateOf(r.occurrenceDateTime),
    status: oneOf(IMMUNIZATION_STATUSES, r.status, 'completed'),
  };
}

function procedureOf(r: Procedure): ProcedureEntry {
  return {
    id: entryId(r.id, ID_PREFIX.procedures),
    procedure: conceptText(r.code),
    codes: codesOf(r.code),
    date: dateOf(r.performedDateTime ?? r.performedPeriod?.start),
    status: oneOf(PROCEDURE_STATUSES, r.status, 'unknown'),
  };
}

function resultOf(r: Observation): ResultEntry {
  const category = r.category
    ?.flatMap((c) => c.coding ?? [])
    .find((c) => c.code === 'laboratory' || c.code === 'vital-signs')?.code;
  const q = r.valueQuantity;
  return {
    id: entryId(r.id, ID_PREFIX.results),
    category: category === 'laboratory' || category === 'vital-signs' ? category : 'other',
    test: conceptText(r.code),
    codes: codesOf(r.code),
    value:
      q?.value !== undefined
        ? String(q.value)
        : (r.valueString ?? (r.valueCodeableConcept ? conceptText(r.valueCodeableConcept) : '')),
    unit: q?.value !== undefined ? (q.unit ?? '') : (extValue(r.extension, 'result-unit')?.valueString ?? ''),
    date: dateOf(r.effectiveDateTime ?? r.effectivePeriod?.start),
    status: oneOf(RESULT_STATUSES, r.status, 'final'),
  };
}
