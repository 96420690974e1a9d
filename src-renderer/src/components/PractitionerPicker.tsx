// Choose a doctor from the practitioner directory on the ledger (searched by name, licence or specialty in main). With a
// hospital authority pinned, main lists credentialed doctors only, with their licence.
import { useEffect, useState } from 'react';
import type { Practitioner } from '../../../src-shared/ipc';
import { ErrorMessage } from './ErrorMessage';
import { Loading } from './Loading';
import type { UiError } from '../errors';
import { shortKey } from '../chart/format';
import { useCharts } from '../stores/charts';

interface PractitionerPickerProps {
  /** Keys that cannot be chosen (already readers, or yourself). */
  exclude: ReadonlySet<string>;
  actionLabel: (p: Practitioner) => string;
  onPick: (p: Practitioner) => void;
  busy: boolean;
}

export function PractitionerPicker({ exclude, actionLabel, onPick, busy }: PractitionerPickerProps) {
  const practitioners = useCharts((s) => s.practitioners);
  const [query, setQuery] = useState('');
  const [list, setList] = useState<Practitioner[] | null>(null);
  const [unavailable, setUnavailable] = useState<string | null>(null);
  const [error, setError] = useState<UiError | null>(null);

  useEffect(() => {
    let current = true;
    const timer = setTimeout(async () => {
      const result = await practitioners(query);
      if (!current) return;
      if (result.ok) {
        setList(result.value.practitioners);
        setUnavailable(result.value.unavailable);
        setError(null);
      } else setError(result.error);
    }, 150);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query, practitioners]);

  const choices = list?.filter((p) => !exclude.has(p.signKey)) ?? [];
  return (
    <div>
      <div className="field">
        <label htmlFor="practitioner-search">Search the practitioner directory</label>
        <input
          id="practitioner-search"
          type="search"
          className="input"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      <ErrorMessage error={error} />
      {list === null && !error && <Loading label="Loading the directory…" />}
      {unavailable && (
        <p className="field-error" role="alert">
          {unavailable}
        </p>
      )}
      {list && choices.length === 0 && !unavailable && <p className="empty-state">No other practitioner found.</p>}
      <ul className="practitioner-list">
        {choices.map((p) => (
          <li key={p.signKey}>
            <div>
              <strong>{p.name}</strong> <span className="muted">{p.specialty}</span>{' '}
              {p.trusted && <span className="badge badge-ok">Trusted by IT</span>}
              {p.licence !== undefined && (
                <span className="badge badge-ok" title="Credentialed by the hospital authority">
                  Licence {p.licence}
                </span>
              )}
              <div className="mono muted" title={p.signKey}>
                {shortKey(p.signKey)}
              </div>
            </div>
            <button type="button" className="btn" disabled={busy} onClick={() => onPick(p)}>
              {actionLabel(p)}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
