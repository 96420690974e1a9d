// One section of a chart as a form, drawn from the shared section configuration. List entries can be added; an
// entry that is already on the ledger cannot be removed, only marked "entered in error" (its status field), so the
// record never silently loses a line. Entries added in this edit can still be removed before saving.
import { Plus, Trash2 } from 'lucide-react';
import type { Chart, ChartListKey, ChartSection, Code, FieldSpec, ListSection } from '../../../src-shared/records';
import {
  emptyAllergy,
  emptyDoctor,
  emptyIllness,
  emptyImmunization,
  emptyMedication,
  emptyProcedure,
  emptyResult,
  emptyVisit,
} from '../../../src-shared/records';
import { CodesEditor } from './CodesEditor';
import { DirectoryFill } from './DirectoryFill';
import { FieldInput } from './FieldInput';

const EMPTY_ENTRY: Record<ChartListKey, () => Record<string, unknown>> = {
  doctors: () => ({ ...emptyDoctor() }),
  illnesses: () => ({ ...emptyIllness() }),
  medications: () => ({ ...emptyMedication() }),
  visits: () => ({ ...emptyVisit() }),
  allergies: () => ({ ...emptyAllergy() }),
  immunizations: () => ({ ...emptyImmunization() }),
  procedures: () => ({ ...emptyProcedure() }),
  results: () => ({ ...emptyResult() }),
};

export interface SectionEditorProps {
  section: ChartSection;
  chart: Chart;
  onChange: (chart: Chart) => void;
  /** Field errors keyed by chart path ('patient.name', 'medications.0.dose'). */
  errors: Record<string, string>;
  /** Paths whose errors are shown (touched fields, or all after a save attempt). */
  shown: (path: string) => boolean;
  onTouch: (path: string) => void;
  /** Entry ids already on the ledger (not removable). */
  savedIds: ReadonlySet<string>;
}

export function SectionEditor(props: SectionEditorProps) {
  const { section, chart, onChange, errors, shown, onTouch } = props;
  if (section.layout === 'form') {
    const values = chart[section.path] as unknown as Record<string, unknown>;
    return (
      <div className="form-grid">
        {section.fields.map((field) => {
          const path = `${section.path}.${field.key}`;
          return (
            <FieldInput
              key={field.key}
              field={field}
              value={values[field.key]}
              error={shown(path) ? errors[path] : undefined}
              onBlur={() => onTouch(path)}
              onChange={(value) => onChange({ ...chart, [section.path]: { ...values, [field.key]: value } } as Chart)}
            />
          );
        })}
      </div>
    );
  }
  return <ListEditor {...props} section={section} />;
}

function ListEditor({
  section,
  chart,
  onChange,
  errors,
  shown,
  onTouch,
  savedIds,
}: SectionEditorProps & { section: ListSection }) {
  const entries = chart[section.path] as unknown as Record<string, unknown>[];
  const setEntries = (next: Record<string, unknown>[]) => onChange({ ...chart, [section.path]: next } as Chart);
  const listError = shown(section.path) ? errors[section.path] : undefined;
  const noun = section.itemLabel;
  const keyField = section.fields.find((f) => f.kind === 'key');

  return (
    <div>
      {listError && (
        <p className="field-error" role="alert">
          {listError}
        </p>
      )}
      {entries.length === 0 && <p className="empty-state">No {noun} recorded yet.</p>}
      {entries.map((entry, index) => {
        const title = String(entry[section.titleField] || '') || `New ${noun}`;
        const context = `${noun} ${index + 1}`;
        return (
          <fieldset key={String(entry.id)} className="entry">
            <legend>
              {capitalise(noun)} {index + 1}: {title}
            </legend>
            <div className="form-grid">
              {section.fields.map((field: FieldSpec) => {
                const path = `${section.path}.${index}.${field.key}`;
                if (field.kind === 'codes') {
                  return (
                    <CodesEditor
                      key={field.key}
                      field={field}
                      codes={(entry[field.key] as Code[] | undefined) ?? []}
                      onChange={(codes) =>
                        setEntries(entries.map((e, i) => (i === index ? { ...e, [field.key]: codes } : e)))
                      }
                      path={`${section.path}.${index}`}
                      context={context}
                      errors={errors}
                      shown={shown}
                      onTouch={onTouch}
                    />
                  );
                }
                return (
                  <FieldInput
                    key={field.key}
                    field={field}
                    context={context}
                    value={entry[field.key]}
                    error={shown(path) ? errors[path] : undefined}
                    onBlur={() => onTouch(path)}
                    onChange={(value) =>
                      setEntries(entries.map((e, i) => (i === index ? { ...e, [field.key]: value } : e)))
                    }
                  />
                );
              })}
            </div>
            {keyField && (
              <DirectoryFill
                entryLabel={`${noun} ${index + 1}`}
                onPick={(p) => {
                  const filled: Record<string, unknown> = { ...entry, [keyField.key]: p.signKey };
                  if ('name' in entry) filled.name = p.name;
                  if ('specialty' in entry) filled.specialty = p.specialty;
                  setEntries(entries.map((e, i) => (i === index ? filled : e)));
                }}
              />
            )}
            {!savedIds.has(String(entry.id)) && (
              <button type="button" className="btn" onClick={() => setEntries(entries.filter((_, i) => i !== index))}>
                <Trash2 aria-hidden="true" size={16} /> Remove {noun} {index + 1}
              </button>
            )}
          </fieldset>
        );
      })}
      <button type="button" className="btn" onClick={() => setEntries([...entries, EMPTY_ENTRY[section.path]()])}>
        <Plus aria-hidden="true" size={16} /> Add {noun}
      </button>
    </div>
  );
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
