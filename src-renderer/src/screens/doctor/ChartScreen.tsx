// One patient's chart: state banners, the five tabs (read-only), and the custodian's actions; history, verification
// and access beside it.
import { ArrowLeft, History, KeyRound, Pencil, RotateCcw, Share2, ShieldCheck, Trash2, UserCheck } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { AccessPanel } from '../../access/AccessPanel';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { ChartTabs } from '../../chart/ChartTabs';
import { SectionView } from '../../chart/SectionView';
import { ChartHeaderFacts } from '../../chart/ChartHeaderFacts';
import { formatDateTime } from '../../chart/format';
import { useCharts } from '../../stores/charts';
import { useNavigation } from '../../stores/navigation';
import { useSession } from '../../stores/session';
import { ChartEditScreen } from './ChartEditScreen';
import { ChartStateBanners } from './ChartStateBanners';
import { EmergencyBanner } from './EmergencyBanner';
import { ExportPanel } from './ExportPanel';
import { HistoryPanel } from './HistoryPanel';
import { IntegrityBadge } from './IntegrityBadge';
import { RevokeDialog } from './RevokeDialog';
import { ShareDialog } from './ShareDialog';
import { SharingPanel } from './SharingPanel';
import { VerifyPanel } from './VerifyPanel';

type Dialog = 'revoke' | 'restore' | 'share' | 'custody' | null;

export function ChartScreen({ chartId }: { chartId: string }) {
  const {
    open,
    openError,
    openChart,
    history,
    historyError,
    loadHistory,
    verification,
    verifyError,
    verifying,
    verify,
  } = useCharts();
  const me = useSession((s) => s.identity);
  const go = useNavigation((s) => s.go);
  const [editing, setEditing] = useState(false);
  const [showHistory, setShowHistory] = useState(false);
  const [showAccess, setShowAccess] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);

  useEffect(() => {
    void openChart(chartId);
  }, [chartId, openChart]);

  const view = open?.summary.chartId === chartId ? open : null;
  const exclude = useMemo(
    () =>
      new Set([
        ...(view?.sharedWith.map((p) => p.signKey) ?? []),
        view?.summary.custodian.signKey ?? '',
        me?.signKey ?? '',
      ]),
    [view, me],
  );

  if (!view) {
    return (
      <section>
        <BackLink onClick={() => go({ name: 'patients' })} />
        {openError ? <ErrorMessage error={openError} /> : <Loading label="Opening and verifying the chart…" />}
      </section>
    );
  }

  const { summary, data } = view;
  const isHead = view.seq === summary.seq;
  const refused = summary.integrity === 'tampered' || summary.integrity === 'unknown-author';
  // Read by an emergency grant: never written to, whatever the chart says of roles.
  const canWrite = summary.role === 'custodian' && !refused && isHead && !view.emergency;

  if (editing && data) {
    return <ChartEditScreen view={view} chart={data} onDone={() => setEditing(false)} />;
  }

  return (
    <section aria-labelledby="chart-title">
      <BackLink onClick={() => go({ name: 'patients' })} />
      <div className="page-header chart-header">
        <div>
          <h1 id="chart-title">
            {data?.patient.name ||
              (summary.integrity === 'tampered'
                ? 'Tampered chart'
                : summary.integrity === 'unknown-author'
                  ? 'Chart of unknown author'
                  : summary.patientName)}
          </h1>
          <p className="muted">
            <IntegrityBadge integrity={summary.integrity} />{' '}
            <span className={`badge ${summary.status === 'revoked' ? 'badge-danger' : 'badge-ok'}`}>
              {summary.status === 'revoked' ? 'Revoked' : 'Active'}
            </span>{' '}
            Version {view.seq} · updated {formatDateTime(summary.updatedAt)}
          </p>
          {data && <ChartHeaderFacts chart={data} />}
        </div>
        <div className="btn-row" role="toolbar" aria-label="Chart actions">
          {canWrite && summary.status === 'active' && data && (
            <button type="button" className="btn btn-primary" onClick={() => setEditing(true)}>
              <Pencil aria-hidden="true" size={16} /> Edit chart
            </button>
          )}
          {canWrite && summary.status === 'active' && (
            <button type="button" className="btn" onClick={() => setDialog('share')}>
              <Share2 aria-hidden="true" size={16} /> Share
            </button>
          )}
          {canWrite && summary.status === 'active' && (
            <button type="button" className="btn" onClick={() => setDialog('custody')}>
              <UserCheck aria-hidden="true" size={16} /> Hand over custody
            </button>
          )}
          {canWrite &&
            (summary.status === 'active' ? (
              <button type="button" className="btn btn-danger" onClick={() => setDialog('revoke')}>
                <Trash2 aria-hidden="true" size={16} /> Revoke chart
              </button>
            ) : (
              <button type="button" className="btn" onClick={() => setDialog('restore')}>
                <RotateCcw aria-hidden="true" size={16} /> Restore chart
              </button>
            ))}
          {/* A grant opens one version: the others' history is not the emergency reader's to see. */}
          {!view.emergency && (
            <button
              type="button"
              className="btn"
              aria-expanded={showHistory}
              onClick={() => {
                if (!showHistory) void loadHistory(chartId);
                setShowHistory(!showHistory);
              }}
            >
              <History aria-hidden="true" size={16} /> {showHistory ? 'Hide history' : 'History'}
            </button>
          )}
          <button type="button" className="btn" aria-expanded={showAccess} onClick={() => setShowAccess(!showAccess)}>
            <KeyRound aria-hidden="true" size={16} /> {showAccess ? 'Hide access history' : 'Access history'}
          </button>
        </div>
      </div>

      {view.emergency && <EmergencyBanner facts={view.emergency} />}
      <ChartStateBanners view={view} onShowCurrent={() => void openChart(chartId)} />

      <div className="split">
        <div>
          <div className="card">
            {data ? (
              <ChartTabs label="Chart sections" render={(section) => <SectionView section={section} chart={data} />} />
            ) : (
              <p className="empty-state">
                {summary.integrity === 'tampered'
                  ? 'No chart data is shown for a version that failed verification.'
                  : summary.integrity === 'unknown-author'
                    ? 'No chart data is shown for a version whose author the hospital did not vouch for.'
                    : 'This version cannot be opened with your key.'}
              </p>
            )}
          </div>
          {showAccess && (
            <section className="card" aria-labelledby="access-title">
              <h2 id="access-title">Access history</h2>
              <AccessPanel chartId={chartId} viewerSignKey={me?.signKey ?? null} version={summary.headTxId ?? ''} />
            </section>
          )}
          {showHistory && (
            <HistoryPanel
              versions={history}
              error={historyError}
              viewingSeq={view.seq}
              onView={(seq) => {
                void openChart(chartId, seq);
                // The main pane scrolls, not the window: bring the version banner and title back into view.
                document.getElementById('chart-title')?.scrollIntoView?.({ block: 'start' });
              }}
            />
          )}
        </div>
        <aside aria-label="Chart details">
          <VerifyPanel
            report={
              verification && verification.chartId === chartId && verification.seq === view.seq ? verification : null
            }
            verifying={verifying}
            error={verifyError}
            onVerify={() => void verify(chartId, view.seq)}
          />
          <SharingPanel view={view} canWrite={canWrite && summary.status === 'active'} />
          {data && !refused && !view.emergency && <ExportPanel chartId={chartId} />}
          <p className="muted chart-id">
            <ShieldCheck aria-hidden="true" size={14} /> Chart id <span className="mono">{summary.chartId}</span>
          </p>
        </aside>
      </div>

      <RevokeDialog
        chartId={chartId}
        patientName={data?.patient.name ?? summary.patientName}
        mode={dialog === 'restore' ? 'restore' : 'revoke'}
        open={dialog === 'revoke' || dialog === 'restore'}
        onClose={() => setDialog(null)}
      />
      <ShareDialog
        chartId={chartId}
        mode={dialog === 'custody' ? 'custody' : 'share'}
        open={dialog === 'share' || dialog === 'custody'}
        exclude={exclude}
        onClose={() => setDialog(null)}
      />
    </section>
  );
}

function BackLink({ onClick }: { onClick: () => void }) {
  return (
    <button type="button" className="btn-link back-link" onClick={onClick}>
      <ArrowLeft aria-hidden="true" size={16} /> All patients
    </button>
  );
}
