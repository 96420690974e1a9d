// Re-checks one version against the ledger and shows the evidence: transaction id, each signature, the version chain
// back to the CREATE, and a link to the transaction on the node.
import { CheckCircle2, ExternalLink, XCircle } from 'lucide-react';
import { useState } from 'react';
import type { VerificationReport } from '../../../../src-shared/ipc';
import { api } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { call, type UiError } from '../../errors';
import { shortKey } from '../../chart/format';

interface VerifyPanelProps {
  report: VerificationReport | null;
  verifying: boolean;
  error: UiError | null;
  onVerify: () => void;
}

function Mark({ ok }: { ok: boolean }) {
  return ok ? (
    <CheckCircle2 aria-label="passed" role="img" size={16} className="ok-mark" />
  ) : (
    <XCircle aria-label="failed" role="img" size={16} className="fail-mark" />
  );
}

export function VerifyPanel({ report, verifying, error, onVerify }: VerifyPanelProps) {
  const [linkError, setLinkError] = useState<UiError | null>(null);

  async function openOnNode(url: string) {
    setLinkError(null);
    const result = await call(() => api().app.openExternal({ url }));
    if (!result.ok) setLinkError(result.error);
  }

  return (
    <section className="card verify-panel" aria-labelledby="verify-title">
      <div className="page-header">
        <h2 id="verify-title">Verification</h2>
        <button type="button" className="btn" onClick={onVerify} disabled={verifying}>
          Verify
        </button>
      </div>
      {verifying && <Loading label="Checking against the ledger…" />}
      <ErrorMessage error={error} />
      {!report && !verifying && !error && (
        <p className="muted">Re-fetch this version from the node and check every signature.</p>
      )}
      {report && !verifying && (
        <div>
          <p role="status" className={`verify-result ${report.ok ? 'badge-ok' : 'badge-danger'}`}>
            <Mark ok={report.ok} />{' '}
            {report.ok ? 'Verified against the ledger' : `Verification failed: ${report.reason ?? 'unknown reason'}`}
          </p>
          <dl className="kv">
            <dt>Transaction id</dt>
            <dd className="mono">{report.txId}</dd>
            <dt>Operation</dt>
            <dd>
              {report.operation} (version {report.seq})
            </dd>
            <dt>Node</dt>
            <dd className="mono">{report.nodeUrl}</dd>
          </dl>
          <h3>Checks</h3>
          <ul className="check-list" aria-label="Checks">
            {report.checks.map((c, i) => (
              <li key={i}>
                <Mark ok={c.ok} /> {c.label}
                {c.detail && <span className="muted"> — {c.detail}</span>}
              </li>
            ))}
          </ul>
          <h3>Signatures checked</h3>
          <ul className="check-list" aria-label="Signatures">
            {report.signatures.map((s) => (
              <li key={s.publicKey}>
                <Mark ok={s.ok} /> {s.name ?? 'Unknown signer'}{' '}
                <span className="mono muted" title={s.publicKey}>
                  {shortKey(s.publicKey)}
                </span>
              </li>
            ))}
          </ul>
          <h3>Version chain</h3>
          <ol className="check-list" aria-label="Version chain">
            {report.chain.map((link) => (
              <li key={link.txId}>
                <Mark ok={link.ok} /> Version {link.seq} · {link.action ?? 'unreadable action'}{' '}
                <span className="mono muted" title={link.txId}>
                  {shortKey(link.txId)}
                </span>
              </li>
            ))}
          </ol>
          <button type="button" className="btn" onClick={() => void openOnNode(report.txUrl)}>
            <ExternalLink aria-hidden="true" size={16} /> View on node
          </button>
          <ErrorMessage error={linkError} />
        </div>
      )}
    </section>
  );
}
