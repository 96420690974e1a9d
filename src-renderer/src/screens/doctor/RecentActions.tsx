// The doctor's latest ledger actions, live: pending ones turn committed (or rejected) as main reports them.
import type { RecentAction } from '../../../../src-shared/ipc';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { formatDateTime, shortKey } from '../../chart/format';
import { useActivity } from '../../stores/activity';
import { useNavigation } from '../../stores/navigation';

const VERBS: Record<RecentAction['action'], string> = {
  create: 'Created chart',
  update: 'Edited chart',
  share: 'Shared chart',
  unshare: 'Stopped sharing chart',
  custody: 'Handed over custody of chart',
  revoke: 'Revoked chart',
  restore: 'Restored chart',
};

const STATES: Record<RecentAction['state'], { label: string; tone: string }> = {
  pending: { label: 'Pending', tone: 'badge-warn' },
  committed: { label: 'On the ledger', tone: 'badge-ok' },
  rejected: { label: 'Rejected by the node', tone: 'badge-danger' },
};

export function RecentActions() {
  const { actions, loaded, error, discard } = useActivity();
  const go = useNavigation((s) => s.go);
  return (
    <section aria-labelledby="recent-title">
      <div className="page-header">
        <div>
          <h1 id="recent-title">Recent actions</h1>
          <p className="muted">Your latest signed changes, updated live.</p>
        </div>
      </div>
      <ErrorMessage error={error} />
      {!loaded ? (
        <Loading label="Loading recent actions…" />
      ) : actions.length === 0 ? (
        <p className="empty-state">No actions yet. Changes you sign appear here.</p>
      ) : (
        <ul className="activity-list card" aria-label="Recent actions" aria-live="polite">
          {actions.map((a) => (
            <li key={a.txId}>
              <span className={`badge ${STATES[a.state].tone}`}>{STATES[a.state].label}</span> {VERBS[a.action]}{' '}
              <button type="button" className="btn-link" onClick={() => go({ name: 'chart', chartId: a.chartId })}>
                {a.patientName ?? `chart ${shortKey(a.chartId)}`}
              </button>{' '}
              <span className="muted">· {formatDateTime(a.at)}</span>
              {a.error && <div className="field-error">{a.error}</div>}
              {a.state === 'rejected' && (
                <button type="button" className="btn" onClick={() => void discard(a.txId)}>
                  Discard rejected version
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
