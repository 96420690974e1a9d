// The chart: what a doctor records about a patient, shared by main (validation before sealing) and renderer (forms).
// Entries are never deleted by a clinician: a mistaken one is marked `entered-in-error` (FHIR-like statuses), and the
// ledger keeps every earlier version anyway.
import { z } from 'zod';
import { BASE58_KEY as BASE58 } from '../ledger/patterns';
import { dateError, isIsoDate, todayIso } from './dates';

export const GENDERS = ['female', 'male', 'other', 'unknown'] as const;
export const DOCTOR_ROLES = ['current', 'previous', 'treated'] as const;
export const DOCTOR_STATUSES = ['active', 'entered-in-error'] as const;
export const ILLNESS_STATUSES = ['active', 'resolved', 'entered-in-error'] as const;
export const MEDICATION_STATUSES = ['active', 'completed', 'stopped', 'entered-in-error'] as const;
export const VISIT_STATUSES = ['completed', 'entered-in-error'] as const;
export const ALLERGY_TYPES = ['', 'allergy', 'intolerance'] as const;
export const ALLERGY_CRITICALITIES = ['', 'low', 'high', 'unable-to-assess'] as const;
export const ALLERGY_STATUSES = ['active', 'inactive', 'resolved', 'entered-in-error'] as const;
export const IMMUNIZATION_STATUSES = ['completed', 'not-done', 'entered-in-error'] as const;
export const PROCEDURE_STATUSES = [
  'completed',
  'in-progress',
  'preparation',
  'on-hold',
  'stopped',
  'not-done',
  'unknown',
  'entered-in-error',
] as const;
export const RESULT_CATEGORIES = ['laboratory', 'vital-signs', 'other'] as const;
export const RESULT_STATUSES = [
  'final',
  'preliminary',
  'registered',
  'amended',
  'corrected',
  'cancelled',
  'unknown',
  'entered-in-error',
] as const;
/** Well-known code systems, named for display; any other system is kept as given. */
export const CODE_SYSTEMS: Record<string, string> = {
  'http://snomed.info/sct': 'SNOMED CT',
  'http://www.nlm.nih.gov/research/umls/rxnorm': 'RxNorm',
  'http://hl7.org/fhir/sid/icd-10': 'ICD-10',
  'http://hl7.org/fhir/sid/icd-10-cm': 'ICD-10-CM',
  'http://loinc.org': 'LOINC',
  'http://hl7.org/fhir/sid/cvx': 'CVX',
};
export const ROUTES = [
  'oral',
  'sublingual',
  'inhaled',
  'nasal',
  'topical',
  'transdermal',
  'ophthalmic',
  'otic',
  'rectal',
  'vaginal',
  'intravenous',
  'intramuscular',
  'subcutaneous',
  'other',
] as const;

export type Gender = (typeof GENDERS)[number];
export type DoctorRole = (typeof DOCTOR_ROLES)[number];
export type IllnessStatus = (typeof ILLNESS_STATUSES)[number];
export type MedicationStatus = (typeof MEDICATION_STATUSES)[number];
export type VisitStatus = (typeof VISIT_STATUSES)[number];
export type Route = (typeof ROUTES)[number];

export const CHART_LISTS = [
  'doctors',
  'illnesses',
  'medications',
  'visits',
  'allergies',
  'immunizations',
  'procedures',
  'results',
] as const;

export const ENTRY_ID = /^[A-Za-z0-9_-]{1,64}$/;

// A field absent from the input is reported as missing rather than as the wrong type.
function typeError(label: string, expected: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? `${label} is missing` : `${label} must be ${expected}`;
}
function text(label: string, max: number) {
  return z
    .string({ error: typeError(label, 'text') })
    .trim()
    .max(max, { error: `${label} must be at most ${max} characters` });
}
function requiredText(label: string, max: number) {
  return text(label, max).min(1, { error: `${label} is required` });
}
/**
 * What is checked: `input` is what a doctor enters now (dates cannot lie in the future); `stored` is a version read
 * back from the ledger, checked for shape only, since whether a date was in the future depended on the writer's day
 * and time zone, not the reader's.
 */
export type ChartCheck = 'input' | 'stored';

function date(label: string, { required = false, notFuture = false, check = 'input' as ChartCheck } = {}) {
  const future = notFuture && check === 'input';
  return z
    .string({ error: typeError(label, 'a date (YYYY-MM-DD)') })
    .trim()
    .superRefine((value, ctx) => {
      if (value === '') {
        if (required) ctx.addIssue({ code: 'custom', message: `${label} is required` });
        return;
      }
      const problem = dateError(value);
      if (problem) ctx.addIssue({ code: 'custom', message: `${label} ${problem}` });
      else if (future && value > todayIso())
        ctx.addIssue({ code: 'custom', message: `${label} cannot be in the future` });
    });
}
function choice<T extends readonly [string, ...string[]]>(label: string, values: T) {
  const allowed = `one of: ${values.join(', ')}`;
  return z.enum(values, { error: typeError(label, allowed) });
}
function record<T extends z.core.$ZodLooseShape>(label: string, shape: T) {
  return z.strictObject(shape, { error: typeError(label, 'an object') });
}
/** One code for an entry (a FHIR Coding), kept beside the display text: SNOMED CT, RxNorm, ICD-10 or any system. */
const codeSchema = record('Code', {
  system: text('Code system', 300),
  code: requiredText('Code', 200),
  display: text('Code display', 500),
});
// New fields default when absent, so a chart written before they existed (payload v1) reads as the new shape.
const codes = z
  .array(codeSchema, { error: typeError('Codes', 'a list') })
  .max(20, { error: 'At most 20 codes' })
  .default([]);
const added = <T extends z.ZodType<string>>(schema: T) => schema.default('' as never);

const entryId = z.string({ error: typeError('Entry id', 'text') }).regex(ENTRY_ID, { error: 'Entry id is malformed' });
const optionalKey = z
  .string({ error: typeError('Key', 'text') })
  .trim()
  .refine((v) => v === '' || BASE58.test(v), { error: 'Key must be a base58 public key' });

function chartSchemas(check: ChartCheck) {
  const patientSchema = record('Patient', {
    name: requiredText('Name', 200),
    given: added(text('Given names', 200)),
    family: added(text('Family name', 200)),
    birthDate: date('Date of birth', { notFuture: true, check }),
    age: z
      .number({ error: typeError('Age', 'a number') })
      .int({ error: 'Age must be a whole number of years' })
      .min(0, { error: 'Age cannot be negative' })
      .max(150, { error: 'Age must be at most 150' })
      .nullable(),
    gender: choice('Gender', GENDERS),
    visitDate: date('Date of visit', { required: true, notFuture: true, check }),
    phone: added(text('Phone', 100)),
    email: added(text('Email', 200)),
    address: added(text('Address', 500)),
  }).superRefine((p, ctx) => {
    if (p.birthDate === '' && p.age === null) {
      ctx.addIssue({ code: 'custom', path: ['birthDate'], message: 'Enter a date of birth or an age' });
    }
    if (isIsoDate(p.birthDate) && isIsoDate(p.visitDate) && p.visitDate < p.birthDate) {
      ctx.addIssue({ code: 'custom', path: ['visitDate'], message: 'Date of visit is before the date of birth' });
    }
  });

  const doctorEntrySchema = record('Doctor', {
    id: entryId,
    name: requiredText('Doctor name', 200),
    specialty: text('Specialty', 200),
    signKey: optionalKey,
    role: choice('Role', DOCTOR_ROLES),
    status: choice('Status', DOCTOR_STATUSES),
  });

  const illnessEntrySchema = record('Illness', {
    id: entryId,
    condition: requiredText('Condition', 300),
    codes,
    symptoms: text('Symptoms', 2000),
    onset: date('Onset', { notFuture: true, check }),
    status: choice('Status', ILLNESS_STATUSES),
  });

  const medicationEntrySchema = record('Medication', {
    id: entryId,
    name: requiredText('Medication', 300),
    codes,
    // Dose, frequency and start are optional as in R4 (Dosage and effective[x] are 0..1); a statement may carry
    // only the dosage as its source wrote it, which is kept verbatim.
    dose: text('Dose', 100),
    route: choice('Route', ROUTES),
    frequency: text('Frequency', 100),
    dosageText: text('Dosage as written', 500).default(''),
    start: date('Start date'),
    end: date('End date'),
    status: choice('Status', MEDICATION_STATUSES),
    prescribedBy: text('Prescribed by', 200),
  }).superRefine((m, ctx) => {
    if (isIsoDate(m.start) && isIsoDate(m.end) && m.end < m.start) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'End date is before the start date' });
    }
  });

  const visitEntrySchema = record('Visit', {
    id: entryId,
    // Optional as in R4 (Encounter.period and reasonCode are 0..1 / 0..*): an imported encounter may have neither.
    date: date('Visit date', { notFuture: true, check }),
    reason: text('Reason', 500),
    notes: text('Notes', 20000),
    doctor: text('Doctor', 200),
    status: choice('Status', VISIT_STATUSES),
  });

  const allergyEntrySchema = record('Allergy', {
    id: entryId,
    substance: requiredText('Substance', 300),
    codes,
    type: choice('Type', ALLERGY_TYPES),
    criticality: choice('Criticality', ALLERGY_CRITICALITIES),
    reaction: text('Reaction', 1000),
    onset: date('Onset', { notFuture: true, check }),
    status: choice('Status', ALLERGY_STATUSES),
  });

  const immunizationEntrySchema = record('Immunization', {
    id: entryId,
    vaccine: requiredText('Vaccine', 300),
    codes,
    date: date('Date given', { notFuture: true, check }),
    status: choice('Status', IMMUNIZATION_STATUSES),
  });

  const procedureEntrySchema = record('Procedure', {
    id: entryId,
    procedure: requiredText('Procedure', 300),
    codes,
    date: date('Date', { notFuture: true, check }),
    status: choice('Status', PROCEDURE_STATUSES),
  });

  const resultEntrySchema = record('Result', {
    id: entryId,
    category: choice('Category', RESULT_CATEGORIES),
    test: requiredText('Test', 300),
    codes,
    value: text('Value', 200),
    unit: text('Unit', 50),
    date: date('Date', { notFuture: true, check }),
    status: choice('Status', RESULT_STATUSES),
  });

  const list = <T extends z.ZodType>(label: string, entry: T, max: number) =>
    z
      .array(entry, { error: typeError(label, 'a list') })
      .max(max, { error: `At most ${max} ${label.toLowerCase()}` })
      .default([]);

  const chartSchema = record('Chart', {
    patient: patientSchema,
    doctors: z
      .array(doctorEntrySchema, { error: typeError('Doctors', 'a list') })
      .max(200, { error: 'At most 200 doctors' }),
    illnesses: z
      .array(illnessEntrySchema, { error: typeError('Illnesses', 'a list') })
      .max(1000, { error: 'At most 1000 illnesses' }),
    medications: z
      .array(medicationEntrySchema, { error: typeError('Medications', 'a list') })
      .max(1000, { error: 'At most 1000 medications' }),
    visits: z
      .array(visitEntrySchema, { error: typeError('Visits', 'a list') })
      .max(5000, { error: 'At most 5000 visits' }),
    allergies: list('Allergies', allergyEntrySchema, 1000),
    immunizations: list('Immunizations', immunizationEntrySchema, 1000),
    procedures: list('Procedures', procedureEntrySchema, 1000),
    results: list('Results', resultEntrySchema, 5000),
  }).superRefine((c, ctx) => {
    const current = c.doctors.filter((d) => d.role === 'current' && d.status === 'active');
    if (current.length > 1) {
      ctx.addIssue({ code: 'custom', path: ['doctors'], message: 'Only one doctor can be the current doctor' });
    }
    for (const list of CHART_LISTS) {
      const seen = new Set<string>();
      c[list].forEach((entry, index) => {
        if (seen.has(entry.id))
          ctx.addIssue({ code: 'custom', path: [list, index, 'id'], message: 'Entry id is used twice' });
        seen.add(entry.id);
      });
    }
  });
  return {
    patientSchema,
    doctorEntrySchema,
    illnessEntrySchema,
    medicationEntrySchema,
    visitEntrySchema,
    allergyEntrySchema,
    immunizationEntrySchema,
    procedureEntrySchema,
    resultEntrySchema,
    chartSchema,
  };
}

export const {
  patientSchema,
  doctorEntrySchema,
  illnessEntrySchema,
  medicationEntrySchema,
  visitEntrySchema,
  allergyEntrySchema,
  immunizationEntrySchema,
  procedureEntrySchema,
  resultEntrySchema,
  chartSchema,
} = chartSchemas('input');
/** A chart as read back from a version on the ledger (shape only; see ChartCheck). */
export const storedChartSchema = chartSchemas('stored').chartSchema;

export type Patient = z.infer<typeof patientSchema>;
export type DoctorEntry = z.infer<typeof doctorEntrySchema>;
export type IllnessEntry = z.infer<typeof illnessEntrySchema>;
export type MedicationEntry = z.infer<typeof medicationEntrySchema>;
export type VisitEntry = z.infer<typeof visitEntrySchema>;
export type AllergyEntry = z.infer<typeof allergyEntrySchema>;
export type ImmunizationEntry = z.infer<typeof immunizationEntrySchema>;
export type ProcedureEntry = z.infer<typeof procedureEntrySchema>;
export type ResultEntry = z.infer<typeof resultEntrySchema>;
export type Code = z.infer<typeof codeSchema>;
export type Chart = z.infer<typeof chartSchema>;
/** A chart as a writer may give it: fields added since payload v1 may be absent (they default). */
export type ChartInput = z.input<typeof chartSchema>;
export type ChartListKey = (typeof CHART_LISTS)[number];
export type ChartEntry =
  | DoctorEntry
  | IllnessEntry
  | MedicationEntry
  | VisitEntry
  | AllergyEntry
  | ImmunizationEntry
  | ProcedureEntry
  | ResultEntry;
