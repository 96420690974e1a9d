// An entry's codes as editable rows: the system (the field's usual systems by name, or "Other" with its URI), the
// code and its display. Errors come from the shared schema and codeEditErrors under '<entry path>.codes.<n>.<key>'.
import { Plus, Trash2 } from 'lucide-react';
import { useId, type ReactNode } from 'react';
import { CODE_SYSTEMS, type Code, type FieldSpec } from '../../../src-shared/records';

const OTHER = 'other';

interface CodesEditorProps {
  field: FieldSpec;
  codes: readonly Code[];
  onChange: (codes: Code[]) => void;
  /** The entry's chart path ('allergies.0'); a code's fields are under `${path}.codes.${n}`. */
  path: string;
  /** Names the entry in accessible names ("allergy 1"). */
  context: string;
  errors: Record<string, string>;
  shown: (path: string) => boolean;
  onTouch: (path: string) => void;
}

export function CodesEditor({ field, codes, onChange, path, context, errors, shown, onTouch }: CodesEditorProps) {
  const headingId = useId();
  const systems = field.codeSystems ?? [];
  const listPath = `${path}.${field.key}`;
  const listError = shown(listPath) ? errors[listPath] : undefined;
  const set = (at: number, patch: Partial<Code>) =>
    onChange(codes.map((code, i) => (i === at ? { ...code, ...patch } : code)));

  return (
    <div className="field field-wide codes-editor" role="group" aria-labelledby={headingId}>
      <span id={headingId} className="label">
        {field.label}
        <span className="visually-hidden"> ({context})</span>
      </span>
      {codes.length === 0 && <span className="hint">No code. Add one to say exactly what this is.</span>}
      {codes.map((code, at) => {
        const rowPath = `${listPath}.${at}`;
        const rowContext = `${context}, code ${at + 1}`;
        const choice = systems.includes(code.system) ? code.system : OTHER;
        const errorOf = (key: keyof Code) => (shown(`${rowPath}.${key}`) ? errors[`${rowPath}.${key}`] : undefined);
        return (
          <div key={at} className="code-row">
            <SubField label="System" name="Code system" context={rowContext}>
              {(props) => (
                <select
                  {...props}
                  value={choice}
                  onBlur={() => onTouch(`${rowPath}.system`)}
                  // "Other" empties the system until its URI is typed: the URI field below then asks for it.
                  onChange={(e) => set(at, { system: e.target.value === OTHER ? '' : e.target.value })}
                >
                  {systems.map((uri) => (
                    <option key={uri} value={uri}>
                      {CODE_SYSTEMS[uri] ?? uri}
                    </option>
                  ))}
                  <option value={OTHER}>Other (give its URI)</option>
                </select>
              )}
            </SubField>
            {choice === OTHER && (
              <SubField label="System URI" name="Code system URI" context={rowContext} error={errorOf('system')}>
                {(props) => (
                  <input
                    {...props}
                    type="text"
                    inputMode="url"
                    className="mono"
                    spellCheck={false}
                    placeholder="http://…"
                    value={code.system}
                    onBlur={() => onTouch(`${rowPath}.system`)}
                    onChange={(e) => set(at, { system: e.target.value.trim() })}
                  />
                )}
              </SubField>
            )}
            <SubField label="Code" name="Code" context={rowContext} error={errorOf('code')}>
              {(props) => (
                <input
                  {...props}
                  type="text"
                  className="mono"
                  spellCheck={false}
                  aria-required
                  value={code.code}
                  onBlur={() => onTouch(`${rowPath}.code`)}
                  onChange={(e) => set(at, { code: e.target.value })}
                />
              )}
            </SubField>
            <SubField label="Display" name="Code display" context={rowContext} error={errorOf('display')}>
              {(props) => (
                <input
                  {...props}
                  type="text"
                  value={code.display}
                  onBlur={() => onTouch(`${rowPath}.display`)}
                  onChange={(e) => set(at, { display: e.target.value })}
                />
              )}
            </SubField>
            <button
              type="button"
              className="btn code-remove"
              aria-label={`Remove code ${at + 1} (${context})`}
              onClick={() => onChange(codes.filter((_, i) => i !== at))}
            >
              <Trash2 aria-hidden="true" size={16} />
            </button>
          </div>
        );
      })}
      {listError && <span className="field-error">{listError}</span>}
      <div>
        <button
          type="button"
          className="btn"
          aria-label={`Add code (${context})`}
          onClick={() => onChange([...codes, { system: systems[0] ?? '', code: '', display: '' }])}
        >
          <Plus aria-hidden="true" size={16} /> Add code
        </button>
      </div>
    </div>
  );
}

interface ControlProps {
  id: string;
  'aria-label': string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

function SubField({
  label,
  name,
  context,
  error,
  children,
}: {
  label: string;
  /** The accessible name's start; the row's context follows ("Code system (allergy 1, code 2)"). */
  name: string;
  context: string;
  error?: string | undefined;
  children: (props: ControlProps) => ReactNode;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="code-field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        'aria-label': `${name} (${context})`,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': error ? errorId : undefined,
      })}
      {error && (
        <span id={errorId} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}
