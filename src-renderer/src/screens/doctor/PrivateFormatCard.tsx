// Upgrading the signed-in doctor's older (v1) charts to the private format (charts.upgradeV3, the CLI's
// `charts upgrade-v3 --all`, docs/UNLINKABLE.md §10). One call for the whole run: main writes the copies and the
// tombstones in random order with random pauses, so the run cannot be cut into batches here without shrinking the set
// a chart hides in. The password is asked again, as for every bulk act, and cleared after the call.
import { useState, type FormEvent } from 'react';
import { upgradeV3RequestSchema, type UpgradeV3Report } from '../../../../src-shared/ipc';
import { api } from '../../api';
import { ChartReport } from '../../components/ChartReport';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { useIpcAction } from '../../hooks/useIpcAction';
import { useCharts } from '../../stores/charts';
import { fieldError } from './CustodyFields';

type Row = UpgradeV3Report['charts'][number];
const STATUS_LABEL: Record<Row['status'], string> = { upgraded: 'Upgraded', skipped: 'Skipped', failed: 'Failed' };
/** The CLI's default widest pause between two writes (seconds). */
const DEFAULT_SPREAD = '2';

export function PrivateFormatCard() {
  const action = useIpcAction<UpgradeV3Report>();
  const [password, setPassword] = useState('');
  const [spread, setSpread] = useState(DEFAULT_SPREAD);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = upgradeV3RequestSchema.safeParse({
      password,
      spreadSeconds: spread.trim() === '' ? Number.NaN : Number(spread),
    });
    if (!parsed.success) {
      const fields: Record<string, string> = {};
      for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.message;
      if (fields.spreadSeconds) fields.spreadSeconds = `Pause ${fields.spreadSeconds}`;
      action.fail({ code: 'INVALID_REQUEST', message: Object.values(fields)[0] ?? 'Not valid', fields });
      return;
    }
    const report = await action.run(() => api().charts.upgradeV3(parsed.data));
    setPassword('');
    // The list shows the new charts and the old ones as revoked.
    if (report) void useCharts.getState().loadList();
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Private ledger format" className="card">
      <h2>Private ledger format</h2>
      <p className="muted">
        Upgrading re-creates each of your older charts as a new chart in the private format, where nothing on the ledger
        says who wrote, holds or reads it, and closes the old chart as moved to the new one. The content, readers and
        custody stay as they are; the writes go out in random order with random pauses so that timing does not pair an
        old chart with its new one.
      </p>
      <p className="muted">
        What stays linkable: every version written before the upgrade (its author, owner, readers, patient card key,
        action, time and size) stays on the ledger forever, as does that a chart was moved and when. Not linkable: which
        new chart continues which old one, and everything written after the move.
      </p>
      <TextField
        label="Longest pause between writes (seconds)"
        inputMode="decimal"
        value={spread}
        onChange={setSpread}
        error={fieldError(action.error, 'spreadSeconds')}
        hint="0 to 60; longer pauses make a bulk upgrade harder to pair by timing."
      />
      <TextField
        label="Your password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={setPassword}
        error={fieldError(action.error, 'password')}
      />
      <ErrorMessage error={action.error?.fields ? null : action.error} />
      <div className="btn-row">
        <button type="submit" className="btn" disabled={action.busy}>
          {action.busy ? 'Upgrading…' : 'Upgrade my charts'}
        </button>
      </div>
      {action.busy && <p role="status">Upgrading your charts; the writes are spread out, so this takes a while…</p>}
      {action.value && <UpgradeReportView rows={action.value.charts} />}
    </form>
  );
}

function UpgradeReportView({ rows }: { rows: Row[] }) {
  if (rows.length === 0)
    return (
      <p role="status" className="muted">
        You hold no charts to upgrade.
      </p>
    );
  const count = (status: Row['status']) => rows.filter((r) => r.status === status).length;
  return (
    <ChartReport
      label="Upgrade"
      title={`Upgrade: ${count('upgraded')} upgraded, ${count('skipped')} skipped, ${count('failed')} failed`}
      failed={count('failed')}
      failedAdvice="A failed chart is left as it was: run the upgrade again once the reason is fixed."
      detailHeader="New chart, or why not"
      rows={rows.map((r) => ({
        chartId: r.chartId,
        result: `${STATUS_LABEL[r.status]}${r.resumed ? ' (finished an earlier run)' : ''}`,
        written: r.newChartId ?? undefined,
        reason: r.reason ?? undefined,
      }))}
    />
  );
}
