// Editing a chart: the whole chart as a form; saving writes a new version on top of the one being edited.
import { useState, type FormEvent } from 'react';
import type { ChartView } from '../../../../src-shared/ipc';
import { CHART_LISTS, type Chart } from '../../../../src-shared/records';
import { Banner } from '../../components/Banner';
import { ChartEditor } from '../../chart/ChartEditor';
import { useChartForm } from '../../chart/useChartForm';
import { fieldsUnder, type UiError } from '../../errors';
import { useCharts } from '../../stores/charts';

export function ChartEditScreen({ view, chart, onDone }: { view: ChartView; chart: Chart; onDone: () => void }) {
  const updateChart = useCharts((s) => s.updateChart);
  const form = useChartForm(chart);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  // Every list's entries already on the ledger (allergies and the other IPS lists too) can only be marked in error.
  const [savedIds] = useState(() => new Set(CHART_LISTS.flatMap((list) => chart[list].map((e) => e.id))));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const parsed = form.submit();
    if (!parsed) {
      setError({ code: 'INVALID_REQUEST', message: 'Some fields need attention: see the tabs marked in red.' });
      return;
    }
    setBusy(true);
    const result = await updateChart(view.summary.chartId, view.seq, parsed);
    setBusy(false);
    if (result.ok) return onDone();
    form.setServerErrors(fieldsUnder(result.error, 'chart.'));
    setError(
      result.error.code === 'CONFLICT'
        ? {
            ...result.error,
            message:
              'The chart changed since you opened it (another version was written). Cancel to see the latest version, then edit again.',
          }
        : result.error,
    );
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Edit chart">
      <div className="page-header">
        <div>
          <h1>Editing: {chart.patient.name || 'patient'}</h1>
          <p className="muted">
            Saving writes version {view.summary.seq + 1}, signed with your key. Version {view.seq} stays on the ledger.
          </p>
        </div>
        <div className="btn-row">
          <button type="button" className="btn" onClick={onDone}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Signing…' : 'Save changes'}
          </button>
        </div>
      </div>
      {error && (
        <Banner tone="danger" title="Not saved">
          <p>{error.message}</p>
        </Banner>
      )}
      <div className="card">
        <ChartEditor form={form} savedIds={savedIds} />
      </div>
    </form>
  );
}
