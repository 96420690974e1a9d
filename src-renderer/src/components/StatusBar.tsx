// Always visible: which ledger node is in use, whether it answers, and how many signed transactions wait to be sent.
import { Server, UploadCloud } from 'lucide-react';
import { useStatus } from '../stores/status';

export function StatusBar() {
  const app = useStatus((s) => s.app);
  const node = app?.node;
  const nodeName = node ? (node.embedded ? 'Embedded node' : (node.url ?? 'No node configured')) : 'Checking node…';
  const reachable = node?.reachable ?? false;
  return (
    <footer className="status-bar" aria-label="Status">
      <span
        className="status-item"
        role="status"
        aria-label={`Ledger node: ${nodeName}, ${node ? (reachable ? 'reachable' : 'unreachable') : 'checking'}`}
      >
        <span className={`status-dot ${node ? (reachable ? 'ok' : 'down') : ''}`} aria-hidden="true" />
        <Server aria-hidden="true" size={14} />
        <span>
          {nodeName}
          {node?.embedded && node.url ? <span className="mono"> ({node.url})</span> : null}
        </span>
        <strong>{node ? (reachable ? 'Reachable' : 'Unreachable') : ''}</strong>
        {node && !reachable && node.error ? <span>— {node.error}</span> : null}
      </span>
      {app?.variant !== 'kiosk' && (
        <span className="status-item">
          <UploadCloud aria-hidden="true" size={14} />
          <span>{node ? `Outbox: ${node.pending} pending` : 'Outbox: —'}</span>
        </span>
      )}
      <span className="status-item spacer" />
      {app && <span className="status-item">HealthChain {app.version}</span>}
    </footer>
  );
}
