// The chart's sections as data: the renderer draws every tab (form or list) from this, and history/diff labels
// come from the same labels, so a field is named the same way everywhere.
import {
  ALLERGY_CRITICALITIES,
  ALLERGY_STATUSES,
  ALLERGY_TYPES,
  IMMUNIZATION_STATUSES,
  PROCEDURE_STATUSES,
  RESULT_CATEGORIES,
  RESULT_STATUSES,
  DOCTOR_ROLES,
  DOCTOR_STATUSES,
  GENDERS,
  ILLNESS_STATUSES,
  MEDICATION_STATUSES,
  ROUTES,
  VISIT_STATUSES,
  CODE_SYSTEMS,
  type ChartListKey,
} from './chart';

/** `codes`: a list of {system, code, display} (SNOMED CT, RxNorm, ICD-10, …) beside the text; edited as rows of
 * system, code and display, the systems offered first being the field's `codeSystems`, any other given by its URI. */
export type FieldKind = 'text' | 'multiline' | 'date' | 'number' | 'select' | 'key' | 'codes';

export interface FieldOption {
  value: string;
  label: string;
}

export interface FieldSpec {
  /** Property name inside the section's object or list entry. */
  key: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  options?: readonly FieldOption[];
  help?: string;
  /** Shown as a column in the list view (the rest appear in the entry editor only). */
  column?: boolean;
  /** For `codes`: the systems offered, by URI, most usual first (a new code starts with the first). */
  codeSystems?: readonly string[];
}

export type TabId = 'general' | 'doctors' | 'illness' | 'medication' | 'visits';

interface SectionBase {
  id: TabId | 'allergies' | 'immunizations' | 'procedures' | 'results';
  title: string;
  /** The tab the section is drawn in: the paper's four tabs (and Visits) stay, and a tab is titled by the section
   * whose id it bears. Later sections of a tab are drawn below it, each under its own heading. */
  tab: TabId;
  /** One of the four tabs a patient sees on the kiosk. */
  patientTab: boolean;
}

export interface FormSection extends SectionBase {
  layout: 'form';
  /** The chart property holding the object this form edits. */
  path: 'patient';
  fields: readonly FieldSpec[];
}

export interface ListSection extends SectionBase {
  layout: 'list';
  path: ChartListKey;
  /** Singular noun for one entry ("Add illness"). */
  itemLabel: string;
  /** Field whose value names an entry in history and diffs. */
  titleField: string;
  /** Field holding the FHIR-like status; `entered-in-error` entries are shown struck through, never hidden. */
  statusField: 'status';
  fields: readonly FieldSpec[];
}

export type ChartSection = FormSection | ListSection;

const STATUS_LABELS: Record<string, string> = {
  active: 'Active',
  resolved: 'Resolved',
  completed: 'Completed',
  stopped: 'Stopped',
  'entered-in-error': 'Entered in error',
  inactive: 'Inactive',
  'not-done': 'Not done',
  'in-progress': 'In progress',
  'on-hold': 'On hold',
  final: 'Final',
  preliminary: 'Preliminary',
  registered: 'Registered',
  amended: 'Amended',
  corrected: 'Corrected',
  cancelled: 'Cancelled',
  preparation: 'Preparation',
  unknown: 'Unknown',
};

const statusField = (values: readonly string[]): FieldSpec => ({
  key: 'status',
  label: 'Status',
  kind: 'select',
  required: true,
  column: true,
  options: options(values, STATUS_LABELS),
});
const SNOMED = 'http://snomed.info/sct';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
const LOINC = 'http://loinc.org';
const CVX = 'http://hl7.org/fhir/sid/cvx';
const codesField = (...codeSystems: string[]): FieldSpec => ({
  key: 'codes',
  label: 'Codes',
  kind: 'codes',
  required: false,
  column: true,
  codeSystems,
});

function options(values: readonly string[], labels: Record<string, string> = {}): FieldOption[] {
  return values.map((value) => ({ value, label: labels[value] ?? value.charAt(0).toUpperCase() + value.slice(1) }));
}

export const chartSections: readonly ChartSection[] = [
  {
    id: 'general',
    tab: 'general',
    title: 'General information',
    patientTab: true,
    layout: 'form',
    path: 'patient',
    fields: [
      { key: 'name', label: 'Name', kind: 'text', required: true },
      { key: 'given', label: 'Given names', kind: 'text', required: false },
      { key: 'family', label: 'Family name', kind: 'text', required: false },
      {
        key: 'birthDate',
        label: 'Date of birth',
        kind: 'date',
        required: false,
        help: 'Give a date of birth or an age',
      },
      {
        key: 'age',
        label: 'Age (years)',
        kind: 'number',
        required: false,
        help: 'Only when the date of birth is unknown',
      },
      { key: 'gender', label: 'Gender', kind: 'select', required: true, options: options(GENDERS) },
      { key: 'visitDate', label: 'Date of visit', kind: 'date', required: true },
      { key: 'phone', label: 'Phone', kind: 'text', required: false },
      { key: 'email', label: 'Email', kind: 'text', required: false },
      { key: 'address', label: 'Address', kind: 'multiline', required: false },
    ],
  },
  {
    id: 'doctors',
    tab: 'doctors',
    title: 'Doctors',
    patientTab: true,
    layout: 'list',
    path: 'doctors',
    itemLabel: 'doctor',
    titleField: 'name',
    statusField: 'status',
    fields: [
      { key: 'name', label: 'Doctor', kind: 'text', required: true, column: true },
      {
        key: 'role',
        label: 'Role',
        kind: 'select',
        required: true,
        column: true,
        options: options(DOCTOR_ROLES, {
          current: 'Current doctor',
          previous: 'Previous doctor',
          treated: 'Treated the patient',
        }),
      },
      { key: 'specialty', label: 'Specialty', kind: 'text', required: false, column: true },
      {
        key: 'signKey',
        label: 'Practitioner key',
        kind: 'key',
        required: false,
        help: 'From the practitioner directory',
      },
      {
        key: 'status',
        label: 'Status',
        kind: 'select',
        required: true,
        column: true,
        options: options(DOCTOR_STATUSES, STATUS_LABELS),
      },
    ],
  },
  {
    id: 'illness',
    tab: 'illness',
    title: 'Illness',
    patientTab: true,
    layout: 'list',
    path: 'illnesses',
    itemLabel: 'illness',
    titleField: 'condition',
    statusField: 'status',
    fields: [
      { key: 'condition', label: 'Condition', kind: 'text', required: true, column: true },
      codesField(SNOMED, ICD10),
      { key: 'symptoms', label: 'Symptoms', kind: 'multiline', required: false, column: true },
      { key: 'onset', label: 'Onset', kind: 'date', required: false, column: true },
      {
        key: 'status',
        label: 'Status',
        kind: 'select',
        required: true,
        column: true,
        options: options(ILLNESS_STATUSES, STATUS_LABELS),
      },
    ],
  },
  {
    id: 'medication',
    tab: 'medication',
    title: 'Medication',
    patientTab: true,
    layout: 'list',
    path: 'medications',
    itemLabel: 'medication',
    titleField: 'name',
    statusField: 'status',
    fields: [
      { key: 'name', label: 'Medication', kind: 'text', required: true, column: true },
      codesField(RXNORM, SNOMED),
      { key: 'dose', label: 'Dose', kind: 'text', required: false, column: true },
      { key: 'route', label: 'Route', kind: 'select', required: true, column: true, options: options(ROUTES) },
      { key: 'frequency', label: 'Frequency', kind: 'text', required: false, column: true },
      {
        key: 'dosageText',
        label: 'Dosage as written',
        kind: 'text',
        required: false,
        help: 'The instructions as the source gave them, when not split into dose and frequency',
      },
      {
        key: 'start',
        label: 'Start',
        kind: 'date',
        required: false,
        column: true,
        help: 'New entries start today; clear it when the start is not known',
      },
      { key: 'end', label: 'End', kind: 'date', required: false, column: true },
      {
        key: 'status',
        label: 'Status',
        kind: 'select',
        required: true,
        column: true,
        options: options(MEDICATION_STATUSES, STATUS_LABELS),
      },
      { key: 'prescribedBy', label: 'Prescribed by', kind: 'text', required: false, column: true },
    ],
  },
  {
    id: 'visits',
    tab: 'visits',
    title: 'Visits',
    patientTab: false,
    layout: 'list',
    path: 'visits',
    itemLabel: 'visit',
    titleField: 'date',
    statusField: 'status',
    fields: [
      { key: 'date', label: 'Date', kind: 'date', required: false, column: true },
      { key: 'reason', label: 'Reason', kind: 'text', required: false, column: true },
      { key: 'doctor', label: 'Doctor', kind: 'text', required: false, column: true },
      { key: 'notes', label: 'Notes', kind: 'multiline', required: false },
      {
        key: 'status',
        label: 'Status',
        kind: 'select',
        required: true,
        column: true,
        options: options(VISIT_STATUSES, STATUS_LABELS),
      },
    ],
  },
  {
    id: 'allergies',
    // Under Medication: an allergy matters most where a medication is chosen or given (and it is on every header).
    tab: 'medication',
    title: 'Allergies and intolerances',
    patientTab: true,
    layout: 'list',
    path: 'allergies',
    itemLabel: 'allergy',
    titleField: 'substance',
    statusField: 'status',
    fields: [
      { key: 'substance', label: 'Substance', kind: 'text', required: true, column: true },
      codesField(SNOMED, RXNORM),
      {
        key: 'type',
        label: 'Type',
        kind: 'select',
        required: false,
        column: true,
        options: options(ALLERGY_TYPES, { '': 'Not stated' }),
      },
      {
        key: 'criticality',
        label: 'Criticality',
        kind: 'select',
        required: false,
        column: true,
        options: options(ALLERGY_CRITICALITIES, { '': 'Not stated', 'unable-to-assess': 'Unable to assess' }),
      },
      { key: 'reaction', label: 'Reaction', kind: 'multiline', required: false, column: true },
      { key: 'onset', label: 'Onset', kind: 'date', required: false },
      statusField(ALLERGY_STATUSES),
    ],
  },
  {
    id: 'immunizations',
    tab: 'medication',
    title: 'Immunizations',
    patientTab: true,
    layout: 'list',
    path: 'immunizations',
    itemLabel: 'immunization',
    titleField: 'vaccine',
    statusField: 'status',
    fields: [
      { key: 'vaccine', label: 'Vaccine', kind: 'text', required: true, column: true },
      codesField(CVX, SNOMED),
      { key: 'date', label: 'Date given', kind: 'date', required: false, column: true },
      statusField(IMMUNIZATION_STATUSES),
    ],
  },
  {
    id: 'procedures',
    tab: 'illness',
    title: 'Procedures',
    patientTab: true,
    layout: 'list',
    path: 'procedures',
    itemLabel: 'procedure',
    titleField: 'procedure',
    statusField: 'status',
    fields: [
      { key: 'procedure', label: 'Procedure', kind: 'text', required: true, column: true },
      codesField(SNOMED, ICD10),
      { key: 'date', label: 'Date', kind: 'date', required: false, column: true },
      statusField(PROCEDURE_STATUSES),
    ],
  },
  {
    id: 'results',
    tab: 'illness',
    title: 'Results and vital signs',
    patientTab: true,
    layout: 'list',
    path: 'results',
    itemLabel: 'result',
    titleField: 'test',
    statusField: 'status',
    fields: [
      {
        key: 'category',
        label: 'Category',
        kind: 'select',
        required: true,
        column: true,
        options: options(RESULT_CATEGORIES, { 'vital-signs': 'Vital signs' }),
      },
      { key: 'test', label: 'Test', kind: 'text', required: true, column: true },
      codesField(LOINC, SNOMED),
      { key: 'value', label: 'Value', kind: 'text', required: false, column: true },
      { key: 'unit', label: 'Unit', kind: 'text', required: false, column: true },
      { key: 'date', label: 'Date', kind: 'date', required: false, column: true },
      statusField(RESULT_STATUSES),
    ],
  },
];

/** The tabs, in order: one per section that heads a tab (a section whose id is its tab). */
export function chartTabs(sections: readonly ChartSection[] = chartSections) {
  return sections
    .filter((s) => s.id === s.tab)
    .map((head) => ({ id: head.tab, title: head.title, sections: sections.filter((s) => s.tab === head.tab) }));
}

/** A list of codes as one readable value: 'SNOMED CT 38341003 (Hypertension); RxNorm 860975'. */
export function formatCodes(codes: readonly { system?: string; code?: string; display?: string }[]): string {
  return codes
    .map((c) =>
      [CODE_SYSTEMS[c.system ?? ''] ?? c.system, c.code, c.display ? `(${c.display})` : ''].filter(Boolean).join(' '),
    )
    .join('; ');
}

export function sectionFor(path: string): ChartSection | undefined {
  return chartSections.find((s) => s.path === path);
}

export function fieldLabel(sectionPath: string, key: string): string {
  return sectionFor(sectionPath)?.fields.find((f) => f.key === key)?.label ?? key;
}
