// One chart field as a form control, chosen by the shared section configuration's field kind.
import { useId } from 'react';
import type { FieldSpec } from '../../../src-shared/records';

interface FieldInputProps {
  field: FieldSpec;
  value: unknown;
  onChange: (value: string | number | null) => void;
  onBlur?: () => void;
  error?: string | undefined;
  /** Extra words for the accessible name when the same label repeats (list entries). */
  context?: string;
}

export function FieldInput({ field, value, onChange, onBlur, error, context }: FieldInputProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const helpId = `${id}-help`;
  const describedBy = [field.help ? helpId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    onBlur,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    'aria-required': field.required || undefined,
    // In a list the same label repeats per entry: the accessible name says which entry (visible label first).
    'aria-label': context ? `${field.label} (${context})` : undefined,
  } as const;
  const text = value === null || value === undefined ? '' : String(value);

  let control;
  switch (field.kind) {
    case 'multiline':
      control = <textarea {...common} value={text} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'select':
      control = (
        <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
          {(field.options ?? []).map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      );
      break;
    case 'number':
      control = (
        <input
          {...common}
          type="number"
          inputMode="numeric"
          value={text}
          onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
        />
      );
      break;
    case 'date':
      control = <input {...common} type="date" value={text} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'key':
      control = (
        <input
          {...common}
          className="mono"
          spellCheck={false}
          value={text}
          onChange={(e) => onChange(e.target.value.trim())}
        />
      );
      break;
    default:
      control = <input {...common} type="text" value={text} onChange={(e) => onChange(e.target.value)} />;
  }

  return (
    <div className={`field${field.kind === 'multiline' ? ' field-wide' : ''}`}>
      <label htmlFor={id}>
        {field.label}
        {field.required && (
          <span className="muted" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </label>
      {control}
      {field.help && (
        <span id={helpId} className="hint">
          {field.help}
        </span>
      )}
      {error && (
        <span id={errorId} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}
