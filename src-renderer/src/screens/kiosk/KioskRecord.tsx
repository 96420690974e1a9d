// The patient's own chart, read-only, in the same tabs the doctor sees. Signs out on demand or after inactivity,
// with a visible countdown first.
import { LogOut } from 'lucide-react';
import { Banner } from '../../components/Banner';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { StatusBar } from '../../components/StatusBar';
import { AccessPanel } from '../../access/AccessPanel';
import { ChartTabs, type ExtraTab } from '../../chart/ChartTabs';
import { SectionView } from '../../chart/SectionView';
import { useActivityReporter } from '../../hooks/useActivityReporter';
import { useIdleCountdown, warningSeconds } from '../../hooks/useIdleCountdown';
import { useKiosk } from '../../stores/kiosk';

/** The kiosk's tabs beyond the chart's sections (issue #13: who can read the record, and who did). */
function kioskTabs(chartId: string): ExtraTab[] {
  return [{ id: 'access', title: 'Access', render: () => <AccessPanel chartId={chartId} /> }];
}

export function KioskRecord() {
  const { session, chart, chartError, signOut } = useKiosk();
  const idleSeconds = session?.idleSeconds ?? 120;
  const { remaining, reset } = useIdleCountdown(idleSeconds, () => void signOut());
  useActivityReporter();
  const warnAt = warningSeconds(idleSeconds);

  const data = chart?.data ?? null;
  const tampered = chart?.summary.integrity === 'tampered';
  const unvouched = chart?.summary.integrity === 'unknown-author';
  return (
    <div className="app-frame kiosk">
      <header className="app-header">
        <span className="brand">HealthChain</span>
        <span className="spacer" />
        <span>{session?.patientName}</span>
        <button type="button" className="btn" onClick={() => void signOut()}>
          <LogOut aria-hidden="true" size={18} /> Sign out
        </button>
      </header>
      <main className="app-main">
        <h1>Your medical record</h1>
        {tampered && (
          <Banner tone="danger" title="This record could not be verified">
            <p>
              What the ledger returned does not match what your doctor signed, so it is not shown. Please tell the desk.
              {chart?.summary.tamperReason ? ` Reason: ${chart.summary.tamperReason}` : ''}
            </p>
          </Banner>
        )}
        {unvouched && (
          <Banner tone="danger" title="This record was not written by a doctor of this hospital">
            <p>
              It is not shown. Please tell the desk.
              {chart?.summary.tamperReason ? ` Reason: ${chart.summary.tamperReason}` : ''}
            </p>
          </Banner>
        )}
        {chart?.summary.integrity === 'pending' && (
          <Banner tone="warn" title="Your doctor's latest change is not yet on the ledger">
            <p>You are seeing the last version committed to the ledger.</p>
          </Banner>
        )}
        {chart?.summary.status === 'revoked' && (
          <Banner tone="warn" title="This record was revoked by your doctor">
            <p>Ask your doctor if you have questions.</p>
          </Banner>
        )}
        <ErrorMessage error={chartError} />
        {!chart && !chartError && <Loading label="Loading your record…" />}
        {data && (
          <div className="card">
            <ChartTabs
              label="Your record"
              render={(section) => <SectionView section={section} chart={data} />}
              extraTabs={kioskTabs(chart?.summary.chartId ?? session?.chartId ?? '')}
            />
          </div>
        )}
      </main>
      {remaining <= warnAt && (
        <div className="idle-overlay">
          <div
            className="card idle-warning"
            role="alertdialog"
            aria-labelledby="idle-title"
            aria-describedby="idle-text"
          >
            <h2 id="idle-title">Are you still there?</h2>
            <p id="idle-text" aria-live="assertive">
              For your privacy you will be signed out in {remaining} {remaining === 1 ? 'second' : 'seconds'}.
            </p>
            <button type="button" className="btn btn-primary btn-large" onClick={reset} autoFocus>
              Stay signed in
            </button>
          </div>
        </div>
      )}
      <StatusBar />
    </div>
  );
}
