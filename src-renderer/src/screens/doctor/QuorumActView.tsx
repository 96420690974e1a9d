// The answer of a quorum act: posted to the ledger, or — while more officers must sign — the partially signed file
// (public data only) to copy to the next officer, who signs it under "Sign a partially signed file".
import { useId, useState } from 'react';
import type { QuorumAct } from '../../../../src-shared/ipc';
import { api } from '../../api';
import { Banner } from '../../components/Banner';
import { ErrorMessage } from '../../components/ErrorMessage';
import { call, type UiError } from '../../errors';

export function QuorumActView({ act }: { act: QuorumAct }) {
  const [copied, setCopied] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const fileId = useId();
  if (act.posted && act.queued) {
    return (
      <Banner tone="warn" title="Queued: will post when the ledger node is reachable">
        <p>
          {act.describes} — transaction <span className="mono">{act.posted}</span>, signed and kept in the outbox
        </p>
      </Banner>
    );
  }
  if (act.posted) {
    return (
      <Banner tone="info" title="Done: posted to the ledger">
        <p>
          {act.describes} — transaction <span className="mono">{act.posted}</span>
        </p>
      </Banner>
    );
  }
  return (
    <div className="card" aria-label="More officers must sign">
      <Banner tone="warn" title={`Signed by ${act.signedBy.length} of the ${act.needed} officers needed`}>
        <p>{act.describes}. Pass this file to another officer; it is posted once enough have signed.</p>
      </Banner>
      <div className="field field-wide">
        <label htmlFor={fileId}>Partially signed file</label>
        <textarea id={fileId} className="mono" readOnly rows={8} value={act.partial ?? ''} />
      </div>
      <div className="btn-row">
        <button
          type="button"
          className="btn"
          onClick={() => {
            void navigator.clipboard?.writeText(act.partial ?? '').then(() => setCopied(true));
          }}
        >
          {copied ? 'Copied' : 'Copy the file'}
        </button>
        <button
          type="button"
          className="btn"
          onClick={() =>
            void call(() => api().hospital.exportPartial({ partial: act.partial ?? '' })).then((result) => {
              if (result.ok) setSaved(result.value.savedTo);
              else setError(result.error);
            })
          }
        >
          Save the file…
        </button>
      </div>
      {saved && <p role="status">Saved to {saved}</p>}
      <ErrorMessage error={error} />
    </div>
  );
}
