// The answer of a quorum act: posted to the ledger, or — while more officers must sign — the partially signed file
// (public data only) to copy to the next officer, who signs it under "Sign a partially signed file".
import { useId, useState } from 'react';
import type { QuorumAct } from '../../../../src-shared/ipc';
import { api } from '../../api';
import { Banner } from '../../components/Banner';
import { ErrorMessage } from '../../components/ErrorMessage';
import { call, type UiError } from '../../errors';

/**
 * Who signed, by officer name. A v3 move's signatures are under per-chart tweaked keys: the desk names those it can
 * map back (its own officer's, the coordinator's); the rest are counted, never shown as keys that mean nothing here.
 */
export function signersLine(act: Pick<QuorumAct, 'signedBy' | 'signers'>): string | null {
  if (act.signedBy.length === 0) return null;
  const named = (act.signers ?? []).filter((n): n is string => n !== null);
  const unnamed = act.signedBy.length - named.length;
  const parts = [...named];
  if (unnamed > 0)
    parts.push(
      unnamed === 1
        ? `${named.length ? 'one more officer' : 'one officer'} this computer cannot name`
        : `${unnamed} ${named.length ? 'more ' : ''}officers this computer cannot name`,
    );
  return `Signed by ${parts.join(', ')}`;
}

export function QuorumActView({ act }: { act: QuorumAct }) {
  const [copied, setCopied] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const fileId = useId();
  const signers = signersLine(act);
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
        {signers && <p>{signers}.</p>}
      </Banner>
    );
  }
  return (
    <div className="card" aria-label="More officers must sign">
      <Banner tone="warn" title={`Signed by ${act.signedBy.length} of the ${act.needed} officers needed`}>
        <p>{act.describes}. Pass this file to another officer; it is posted once enough have signed.</p>
        {signers && <p>{signers}.</p>}
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
