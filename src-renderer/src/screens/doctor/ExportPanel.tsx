// Export of the chart's current version for another system: a FHIR R4 Bundle (every version's Provenance), or an
// International Patient Summary document. Main builds it and saves it through its own save dialog, so the file never
// passes through the renderer.
import { FileDown } from 'lucide-react';
import { useState } from 'react';
import { api } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { call, type UiError } from '../../errors';

type Format = 'fhir' | 'ips';

export function ExportPanel({ chartId }: { chartId: string }) {
  const [busy, setBusy] = useState<Format | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [error, setError] = useState<UiError | null>(null);

  async function save(format: Format) {
    setBusy(format);
    setOutcome(null);
    setError(null);
    const result = await call(() => api().charts.exportFhir({ chartId, ips: format === 'ips' }));
    setBusy(null);
    if (!result.ok) return setError(result.error);
    const what = format === 'ips' ? 'Patient summary (IPS)' : 'FHIR R4 Bundle';
    setOutcome(result.value.savedTo ? `${what} saved to ${result.value.savedTo}` : 'Export cancelled');
  }

  return (
    <section className="card" aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      <p className="muted">
        The current version, for another hospital system. The saved file is not encrypted: keep it where patient records
        may be kept.
      </p>
      <div className="btn-row">
        <button type="button" className="btn" disabled={busy !== null} onClick={() => void save('fhir')}>
          <FileDown aria-hidden="true" size={16} /> {busy === 'fhir' ? 'Exporting…' : 'Export FHIR R4'}
        </button>
        <button type="button" className="btn" disabled={busy !== null} onClick={() => void save('ips')}>
          <FileDown aria-hidden="true" size={16} /> {busy === 'ips' ? 'Exporting…' : 'Export patient summary (IPS)'}
        </button>
      </div>
      {outcome && <p role="status">{outcome}</p>}
      <ErrorMessage error={error} />
    </section>
  );
}
