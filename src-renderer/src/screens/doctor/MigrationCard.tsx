// Moving the signed-in doctor's older charts under the hospital authority (the CLI's `hospital migrate`): the plan
// says what each chart lacks (read by main from public parts, nothing opened), the doctor's password runs it chart by
// chart in small batches so progress shows, and the report says per chart done, skipped or failed with the reason.
// A failed chart is left as it was; running it again skips what is done.
import { useEffect, useState, type FormEvent } from 'react';
import type { MigrationGap, MigrationReport } from '../../../../src-shared/ipc';
import { api } from '../../api';
import { ChartReport } from '../../components/ChartReport';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { TextField } from '../../components/TextField';
import { call, type UiError } from '../../errors';
import { useHospital } from '../../stores/hospital';
import { fieldError } from './CustodyFields';

export const GAP_LABEL: Record<MigrationGap, string> = {
  custody: 'custody the quorum can move (older output shape)',
  recovery: "wrap to the hospital's recovery key",
  emergency: 'wrap to the emergency key',
};
/** Charts per call: small enough for the progress line to move, large enough not to re-check the password often. */
export const MIGRATION_BATCH = 5;

type Row = MigrationReport['charts'][number];
const STATUS_LABEL: Record<Row['status'], string> = { done: 'Done', skipped: 'Skipped', failed: 'Failed' };

export function MigrationCard({ onDone }: { onDone?: () => void }) {
  const { migration: plan, migrationError: planError, loadMigration } = useHospital();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<UiError | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [report, setReport] = useState<Row[] | null>(null);
  useEffect(() => {
    void loadMigration();
  }, [loadMigration]);

  // A version just written may still be on its way to the ledger (the outbox sends it): the plan, read from the
  // ledger, can lag behind; what this run migrated is not offered again.
  const sent = new Set((report ?? []).filter((r) => r.status === 'done').map((r) => r.chartId));
  const lacking = plan?.charts.filter((c) => c.gaps.length > 0 && !sent.has(c.chartId)) ?? [];

  async function submit(event: FormEvent) {
    event.preventDefault();
    const ids = lacking.map((c) => c.chartId);
    if (!password) {
      setError({
        code: 'INVALID_REQUEST',
        message: 'Enter your password',
        fields: { password: 'Enter your password' },
      });
      return;
    }
    setError(null);
    setReport(null);
    const rows: Row[] = [];
    setProgress({ done: 0, total: ids.length });
    for (let i = 0; i < ids.length; i += MIGRATION_BATCH) {
      const result = await call(() =>
        api().hospital.migrate({ password, chartIds: ids.slice(i, i + MIGRATION_BATCH) }),
      );
      if (!result.ok) {
        // A wrong password (or the doctor signed out) stops the run; what is done stays done.
        setError(result.error);
        break;
      }
      rows.push(...result.value.charts);
      setProgress({ done: rows.length, total: ids.length });
    }
    setPassword('');
    setProgress(null);
    if (rows.length) setReport(rows);
    await loadMigration();
    onDone?.();
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Migrate my charts" className="card">
      <h2>Migrate my charts under the hospital</h2>
      <p className="muted">
        Charts written before this hospital&apos;s authority (or before its emergency key) lack what lets the quorum
        recover them. Migrating writes one version per chart that adds what is missing; the chart itself is unchanged.
      </p>
      <ErrorMessage error={planError} />
      {!plan && !planError && <Loading label="Reading your charts…" />}
      {plan && plan.charts.length === 0 && <p className="muted">You hold no charts.</p>}
      {plan && plan.charts.length > 0 && (
        <table className="data" aria-label="Charts to migrate">
          <thead>
            <tr>
              <th scope="col">Chart</th>
              <th scope="col">Version</th>
              <th scope="col">Lacks</th>
            </tr>
          </thead>
          <tbody>
            {plan.charts.map((c) => (
              <tr key={c.chartId}>
                <td className="mono">{c.chartId.slice(0, 16)}…</td>
                <td>{c.seq}</td>
                <td>
                  {c.gaps.length === 0
                    ? 'Nothing: under the hospital'
                    : sent.has(c.chartId)
                      ? 'Migrated: the new version is being sent'
                      : c.gaps.map((g) => GAP_LABEL[g]).join('; ')}
                  {c.blocked && <span className="muted"> — {c.blocked}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {lacking.length > 0 && (
        <>
          <TextField
            label="Your password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={setPassword}
            error={fieldError(error, 'password')}
          />
          <ErrorMessage error={error?.fields ? null : error} />
          <div className="btn-row">
            <button type="submit" className="btn" disabled={progress !== null}>
              {progress ? 'Migrating…' : `Migrate ${lacking.length} chart${lacking.length === 1 ? '' : 's'}`}
            </button>
          </div>
        </>
      )}
      {progress && (
        <p role="status">
          Migrated {progress.done} of {progress.total}…
        </p>
      )}
      {report && <MigrationReportView rows={report} />}
    </form>
  );
}

function MigrationReportView({ rows }: { rows: Row[] }) {
  const failed = rows.filter((r) => r.status === 'failed').length;
  const done = rows.filter((r) => r.status === 'done').length;
  return (
    <ChartReport
      label="Migration"
      title={`Migration: ${done} done, ${rows.length - done - failed} skipped, ${failed} failed`}
      failed={failed}
      failedAdvice="A failed chart is left as it was: run the migration again once the reason is fixed."
      detailHeader="Version written, or why not"
      rows={rows.map((r) => ({
        chartId: r.chartId,
        result: STATUS_LABEL[r.status],
        written: r.txId ?? undefined,
        reason: r.reason ?? undefined,
      }))}
    />
  );
}
