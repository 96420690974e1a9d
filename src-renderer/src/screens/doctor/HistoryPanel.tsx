// Every version of the chart, newest first, with what changed in each (field by field).
import type { HistoryEntry } from '../../../../src-shared/ipc';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import type { UiError } from '../../errors';
import { formatDateTime } from '../../chart/format';
import { IntegrityBadge } from './IntegrityBadge';

const ACTION_LABELS: Record<HistoryEntry['action'], string> = {
  create: 'Created',
  update: 'Edited',
  share: 'Shared',
  unshare: 'Unshared',
  custody: 'Custody handed over',
  revoke: 'Revoked',
  restore: 'Restored',
};

interface HistoryPanelProps {
  versions: HistoryEntry[] | null;
  error: UiError | null;
  onView: (seq: number) => void;
  viewingSeq: number;
}

export function HistoryPanel({ versions, error, onView, viewingSeq }: HistoryPanelProps) {
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <ErrorMessage error={error} />
      {!versions && !error && <Loading label="Loading history…" />}
      {versions && versions.length === 0 && <p className="empty-state">No versions found.</p>}
      {versions && (
        <ol className="history-list" reversed>
          {[...versions].reverse().map((v) => (
            <li key={v.txId} aria-label={`Version ${v.seq}`}>
              <div className="history-head">
                <strong>
                  Version {v.seq} · {ACTION_LABELS[v.action]}
                </strong>{' '}
                <IntegrityBadge integrity={v.integrity} />
                <span className="muted">
                  {' '}
                  by {v.author.name ?? 'unknown doctor'} · {formatDateTime(v.at)}
                </span>
                {v.seq !== viewingSeq && v.integrity !== 'tampered' && v.integrity !== 'unknown-author' && (
                  <button type="button" className="btn-link history-view" onClick={() => onView(v.seq)}>
                    View version {v.seq}
                  </button>
                )}
              </div>
              {v.tamperReason && <p className="field-error">{v.tamperReason}</p>}
              {v.note && <p className="history-note">Reason: {v.note}</p>}
              {v.changes.length > 0 ? (
                <table className="data diff-table" aria-label={`Changes in version ${v.seq}`}>
                  <thead>
                    <tr>
                      <th scope="col">Field</th>
                      <th scope="col">Before</th>
                      <th scope="col">After</th>
                    </tr>
                  </thead>
                  <tbody>
                    {v.changes.map((c) => (
                      <tr key={c.path}>
                        <td>{c.label}</td>
                        <td className={c.before === null ? 'muted' : 'diff-old'}>{c.before ?? '—'}</td>
                        <td className={c.after === null ? 'muted' : 'diff-new'}>{c.after ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                v.action !== 'create' && <p className="muted">No field of the chart changed.</p>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
