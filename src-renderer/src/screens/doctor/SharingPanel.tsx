// Who can read the chart: the custodian and the doctors it is shared with; the custodian can unshare.
import { useState } from 'react';
import type { ChartView } from '../../../../src-shared/ipc';
import { ErrorMessage } from '../../components/ErrorMessage';
import type { UiError } from '../../errors';
import { shortKey } from '../../chart/format';
import { useCharts } from '../../stores/charts';

export function SharingPanel({ view, canWrite }: { view: ChartView; canWrite: boolean }) {
  const unshare = useCharts((s) => s.unshare);
  const [busyKey, setBusyKey] = useState<string | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const { summary } = view;

  async function drop(signKey: string) {
    setBusyKey(signKey);
    setError(null);
    const result = await unshare(summary.chartId, signKey);
    setBusyKey(null);
    if (!result.ok) setError(result.error);
  }

  return (
    <section className="card" aria-labelledby="sharing-title">
      <h2 id="sharing-title">Access</h2>
      <dl className="kv">
        <dt>Custodian</dt>
        <dd>
          {summary.role === 'custodian' ? 'You' : (summary.custodian.name ?? shortKey(summary.custodian.signKey))}
        </dd>
      </dl>
      <h3>Shared with</h3>
      {view.sharedWith.length === 0 ? (
        <p className="muted">Not shared with other doctors.</p>
      ) : (
        <ul className="practitioner-list">
          {view.sharedWith.map((p) => {
            const name = p.name ?? shortKey(p.signKey);
            return (
              <li key={p.signKey}>
                <span>{name}</span>
                {canWrite && (
                  <button
                    type="button"
                    className="btn"
                    aria-label={`Stop sharing with ${name}`}
                    disabled={busyKey !== null}
                    onClick={() => void drop(p.signKey)}
                  >
                    {busyKey === p.signKey ? 'Signing…' : 'Stop sharing'}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}
