// Settings → Ledger nodes: checks the nodes in use (network.check in main) and shows the result as main built it —
// one row per node, the problems, and the plain-text report IT can copy into a ticket. No logic of its own.
import { useState } from 'react';
import type { NetworkCheck } from '../../../../src-shared/ipc';
import { api } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { call, type UiError } from '../../errors';

const VERDICT = {
  ok: { label: 'OK', badge: 'badge-ok' },
  warning: { label: 'Warning', badge: 'badge-warn' },
  failed: { label: 'Failed', badge: 'badge-danger' },
} as const;

const yesNo = (value: boolean | null, yes: string, no: string) => (value === null ? '–' : value ? yes : no);

export function NetworkCheckPanel() {
  const [result, setResult] = useState<NetworkCheck | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);

  async function check() {
    setBusy(true);
    setError(null);
    setCopied(false);
    const r = await call(() => api().network.check());
    setBusy(false);
    if (r.ok) setResult(r.value);
    else setError(r.error);
  }

  async function copy() {
    if (!result) return;
    await navigator.clipboard?.writeText(result.text).then(() => setCopied(true), () => setCopied(false));
  }

  return (
    <section className="card" aria-labelledby="network-check-title">
      <h2 id="network-check-title">Ledger nodes</h2>
      <p className="muted">Checks that every node answers, that all are on one chain at the same height, and that each node&apos;s live-update stream opens.</p>
      <button type="button" className="btn" onClick={check} disabled={busy}>
        {busy ? 'Checking…' : 'Check the network'}
      </button>
      <ErrorMessage error={error} />
      {result && (
        <div aria-label="Network check result">
          <p role="status">
            <span className={`badge ${VERDICT[result.verdict].badge}`}>{VERDICT[result.verdict].label}</span> {result.summary}
          </p>
          <table className="network-check">
            <thead>
              <tr><th>#</th><th>Node</th><th>Answers</th><th>Chain</th><th>Height</th><th>Stream</th></tr>
            </thead>
            <tbody>
              {result.nodes.map((node, i) => (
                <tr key={`${i}-${node.url}`}>
                  <td>{i + 1}</td>
                  <td className="mono">{node.url}</td>
                  <td>{node.reachable ? `yes${node.version ? ` (BigchainDB ${node.version})` : ''}` : 'no'}</td>
                  <td>{node.chain ?? '–'}</td>
                  <td>{node.height ?? '–'}</td>
                  <td>{yesNo(node.streamOpens, 'opens', 'does not open')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.problems.length > 0 && (
            <ul aria-label="Problems">
              {result.problems.map((p) => (
                <li key={p.message}>
                  <span className={`badge ${VERDICT[p.severity].badge}`}>{VERDICT[p.severity].label}</span> {p.message}
                </li>
              ))}
            </ul>
          )}
          <div className="field">
            <label htmlFor="network-check-report">Report for a ticket</label>
            <textarea id="network-check-report" className="mono" readOnly rows={12} value={result.text} />
          </div>
          <button type="button" className="btn" onClick={copy}>
            {copied ? 'Copied' : 'Copy report'}
          </button>
        </div>
      )}
    </section>
  );
}
