// The doctor's patients: instant search over decrypted names (in memory, never sent anywhere), status filter, counts.
import { Plus, Search, ShieldAlert } from 'lucide-react';
import { useMemo } from 'react';
import { Banner } from '../../components/Banner';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { formatDateTime } from '../../chart/format';
import { useCharts, visibleCharts, type StatusFilter } from '../../stores/charts';
import { useNavigation } from '../../stores/navigation';
import { IntegrityBadge } from './IntegrityBadge';

const FILTERS: { value: StatusFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'revoked', label: 'Revoked' },
];

export function PatientList() {
  const { summaries, listLoaded, listError, query, filter, setQuery, setFilter, loadList } = useCharts();
  const go = useNavigation((s) => s.go);
  const shown = useMemo(() => visibleCharts(summaries, query, filter), [summaries, query, filter]);
  const counts = useMemo(
    () => ({
      all: summaries.length,
      active: summaries.filter((c) => c.status === 'active').length,
      revoked: summaries.filter((c) => c.status === 'revoked').length,
    }),
    [summaries],
  );

  return (
    <section aria-labelledby="patients-title">
      <div className="page-header">
        <div>
          <h1 id="patients-title">Patients</h1>
          <p className="muted" aria-live="polite">
            {counts.all} {counts.all === 1 ? 'chart' : 'charts'} · {counts.active} active · {counts.revoked} revoked
          </p>
        </div>
        <div className="btn-row">
          <button type="button" className="btn btn-danger" onClick={() => go({ name: 'emergency' })}>
            <ShieldAlert aria-hidden="true" size={18} /> Emergency access
          </button>
          <button type="button" className="btn btn-primary" onClick={() => go({ name: 'new-patient' })}>
            <Plus aria-hidden="true" size={18} /> Add patient
          </button>
        </div>
      </div>

      <div className="toolbar">
        <div className="field search-field">
          <label htmlFor="patient-search">Search patients</label>
          <span className="input-with-icon">
            <Search aria-hidden="true" size={16} />
            <input
              id="patient-search"
              type="search"
              className="input"
              placeholder="Patient name"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
          </span>
        </div>
        <div role="radiogroup" aria-label="Show" className="segmented">
          {FILTERS.map((f) => (
            <label key={f.value} className={filter === f.value ? 'selected' : undefined}>
              <input
                type="radio"
                name="chart-filter"
                value={f.value}
                checked={filter === f.value}
                onChange={() => setFilter(f.value)}
              />
              {f.label} ({counts[f.value]})
            </label>
          ))}
        </div>
        <button type="button" className="btn" onClick={() => void loadList()}>
          Refresh
        </button>
      </div>

      {listError && summaries.length > 0 ? (
        <Banner tone="warn" title="The list could not be refreshed: it may be out of date">
          <p>{listError.message}</p>
        </Banner>
      ) : (
        <ErrorMessage error={listError} />
      )}
      {!listLoaded ? (
        <Loading label="Loading charts…" />
      ) : summaries.length === 0 && !listError ? (
        <div className="empty-state card">
          <p>No patients yet. Charts you create, or that colleagues share with you, appear here.</p>
          <button type="button" className="btn btn-primary" onClick={() => go({ name: 'new-patient' })}>
            Add patient
          </button>
        </div>
      ) : shown.length === 0 ? (
        <p className="empty-state" role="status">
          No patient matches{query.trim() ? ` “${query.trim()}”` : ''} in{' '}
          {filter === 'all' ? 'any chart' : `${filter} charts`}.
        </p>
      ) : (
        <table className="data" aria-label="Patients">
          <thead>
            <tr>
              <th scope="col">Patient</th>
              <th scope="col">Status</th>
              <th scope="col">Ledger</th>
              <th scope="col">Custodian</th>
              <th scope="col">Last change</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((c) => (
              <tr key={c.chartId}>
                <td>
                  <button type="button" className="btn-link" onClick={() => go({ name: 'chart', chartId: c.chartId })}>
                    {c.integrity === 'tampered'
                      ? 'Unreadable chart (tampered)'
                      : c.integrity === 'unknown-author'
                        ? 'Unreadable chart (unknown author)'
                        : c.patientName || 'Unnamed patient'}
                  </button>
                  {c.role === 'reader' && <span className="badge">Shared with you</span>}
                </td>
                <td>
                  <span className={`badge ${c.status === 'revoked' ? 'badge-danger' : 'badge-ok'}`}>
                    {c.status === 'revoked' ? 'Revoked' : 'Active'}
                  </span>
                </td>
                <td>
                  <IntegrityBadge integrity={c.integrity} />
                </td>
                <td>{c.role === 'custodian' ? 'You' : (c.custodian.name ?? 'Unknown doctor')}</td>
                <td>
                  v{c.seq} · {formatDateTime(c.updatedAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
