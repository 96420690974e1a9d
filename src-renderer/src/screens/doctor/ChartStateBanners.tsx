// The chart's ledger state, impossible to miss: tampered or of unknown author (neither shown as data), pending (not
// yet on the ledger), revoked, or an older version on screen.
import type { ChartView } from '../../../../src-shared/ipc';
import { Banner } from '../../components/Banner';

export function ChartStateBanners({ view, onShowCurrent }: { view: ChartView; onShowCurrent?: () => void }) {
  const { summary } = view;
  return (
    <>
      {summary.integrity === 'tampered' && (
        <Banner tone="danger" title="Tampered: this chart failed verification against the ledger">
          <p>
            Do not rely on it. What the node returned does not match what was signed, so no chart data is shown.
            {summary.tamperReason && (
              <>
                {' '}
                Reason: <strong>{summary.tamperReason}</strong>
              </>
            )}
          </p>
        </Banner>
      )}
      {summary.integrity === 'unknown-author' && (
        <Banner tone="danger" title="Unknown author: not written by a practitioner of this hospital">
          <p>
            Every signature is valid, but a version of this chart was signed by someone the hospital did not vouch for
            when it was written, so its data is not shown. Earlier versions by credentialed doctors can still be opened
            from the history.
            {summary.tamperReason && (
              <>
                {' '}
                Reason: <strong>{summary.tamperReason}</strong>
              </>
            )}
          </p>
        </Banner>
      )}
      {summary.integrity === 'pending' && (
        <Banner tone="warn" title="Pending: not yet committed to the ledger">
          <p>
            The latest change is signed and kept in this workstation&apos;s outbox. It is sent as soon as the node is
            reachable.
          </p>
        </Banner>
      )}
      {summary.status === 'revoked' && (
        <Banner tone="warn" title="Revoked chart">
          <p>This chart was revoked. Earlier versions stay on the ledger and remain verifiable.</p>
        </Banner>
      )}
      {view.seq !== summary.seq && (
        <Banner tone="info" title={`You are viewing version ${view.seq} of ${summary.seq}`}>
          {onShowCurrent && (
            <button type="button" className="btn-link" onClick={onShowCurrent}>
              Show the current version
            </button>
          )}
        </Banner>
      )}
    </>
  );
}
