// The chart's sections as data: the renderer draws every tab (form or list) from this, and history/diff labels
// come from the same labels, so a field is named the same way everywhere.
import {
  DOCTOR_ROLES,
  DOCTOR_STATUSES,
  GENDERS,
  ILLNESS_STATUSES,
  MEDICATION_STATUSES,
  ROUTES,
  VISIT_STATUSES,
  type ChartListKey,
} from './chart';

export type FieldKind = 'text' | 'multiline' | 'date' | 'number' | 'select' | 'key';

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
}

interface SectionBase {
  id: 'general' | 'doctors' | 'illness' | 'medication' | 'visits';
  title: string;
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
};

function options(values: readonly string[], labels: Record<string, string> = {}): FieldOption[] {
  return values.map((value) => ({ value, label: labels[value] ?? value.charAt(0).toUpperCase() + value.slice(1) }));
}

export const chartSections: readonly ChartSection[] = [
  {
    id: 'general',
    title: 'General information',
    patientTab: true,
    layout: 'form',
    path: 'patient',
    fields: [
      { key: 'name', label: 'Name', kind: 'text', required: true },
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
    ],
  },
  {
    id: 'doctors',
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
    title: 'Illness',
    patientTab: true,
    layout: 'list',
    path: 'illnesses',
    itemLabel: 'illness',
    titleField: 'condition',
    statusField: 'status',
    fields: [
      { key: 'condition', label: 'Condition', kind: 'text', required: true, column: true },
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
    title: 'Medication',
    patientTab: true,
    layout: 'list',
    path: 'medications',
    itemLabel: 'medication',
    titleField: 'name',
    statusField: 'status',
    fields: [
      { key: 'name', label: 'Medication', kind: 'text', required: true, column: true },
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
    title: 'Visits',
    patientTab: false,
    layout: 'list',
    path: 'visits',
    itemLabel: 'visit',
    titleField: 'date',
    statusField: 'status',
    fields: [
      { key: 'date', label: 'Date', kind: 'date', required: true, column: true },
      { key: 'reason', label: 'Reason', kind: 'text', required: true, column: true },
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
];

export function sectionFor(path: string): ChartSection | undefined {
  return chartSections.find((s) => s.path === path);
}

export function fieldLabel(sectionPath: string, key: string): string {
  return sectionFor(sectionPath)?.fields.find((f) => f.key === key)?.label ?? key;
}
