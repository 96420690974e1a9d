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
  const [copied, setCopied] = useState<'copied' | 'selected' | null>(null);

  async function check() {
    setBusy(true);
    setError(null);
    setCopied(null);
    const r = await call(() => api().network.check());
    setBusy(false);
    if (r.ok) setResult(r.value);
    else setError(r.error);
  }

  // The renderer is denied the async Clipboard API (every permission request is refused), so the report is selected
  // and copied as a user's Ctrl+C would; where even that is refused, it stays selected for the user to copy.
  function copy() {
    const area = document.getElementById('network-check-report') as HTMLTextAreaElement | null;
    if (!area) return;
    area.focus();
    area.select();
    setCopied(typeof document.execCommand === 'function' && document.execCommand('copy') ? 'copied' : 'selected');
  }

  return (
    <section className="card" aria-labelledby="network-check-title">
      <h2 id="network-check-title">Ledger nodes</h2>
      <p className="muted">
        Checks that every node answers, that all are on one chain at the same height, and that each node&apos;s
        live-update stream opens.
      </p>
      <button type="button" className="btn" onClick={check} disabled={busy}>
        {busy ? 'Checking…' : 'Check the network'}
      </button>
      <ErrorMessage error={error} />
      {result && (
        <div aria-label="Network check result">
          <p role="status">
            <span className={`badge ${VERDICT[result.verdict].badge}`}>{VERDICT[result.verdict].label}</span>{' '}
            {result.summary}
          </p>
          <table className="network-check">
            <thead>
              <tr>
                <th>#</th>
                <th>Node</th>
                <th>Answers</th>
                <th>Chain</th>
                <th>Height</th>
                <th>Stream</th>
              </tr>
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
            Copy report
          </button>
          {copied && (
            <span role="status">
              {copied === 'copied' ? ' Report copied.' : ' Report selected: press Ctrl+C (⌘C) to copy it.'}
            </span>
          )}
        </div>
      )}
    </section>
  );
}
