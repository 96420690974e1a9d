// The privacy officer's review of emergency access, in the Hospital section (docs/EMERGENCY.md, "Review"): every
// break-the-glass request since a date — who, when, which chart, the reason code, grant or refusal, expiry and the
// latest follow-up. With the officer password (sent once, for that read) the sealed reasons and comments are opened;
// a follow-up (acknowledged / justified / escalated, with a comment) is signed by this computer's officer key.
import { useState, type FormEvent } from 'react';
import type { AuthorityView, EmergencyReport, EmergencyReportRowView } from '../../../../src-shared/ipc';
import { api } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Modal } from '../../components/Modal';
import { TextField } from '../../components/TextField';
import { call, type UiError } from '../../errors';
import { OfficerPasswordField } from './OfficerFields';

const STATES = ['acknowledged', 'justified', 'escalated'] as const;
type FollowUpState = (typeof STATES)[number];
const STATE_LABEL: Record<FollowUpState, string> = {
  acknowledged: 'Acknowledged',
  justified: 'Justified',
  escalated: 'Escalated',
};
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const short = (id: string) => `${id.slice(0, 12)}…`;

function outcomeOf(row: EmergencyReportRowView): string {
  if (row.outcome === 'granted') return `Granted until ${row.expiresAt?.slice(0, 16).replace('T', ' ')}`;
  if (row.outcome === 'refused') return `Refused: ${row.refusal?.reason ?? ''}`;
  return 'Waiting for the emergency service';
}

export function EmergencyReview({ authority }: { authority: AuthorityView }) {
  const [since, setSince] = useState(daysAgo(30));
  const [password, setPassword] = useState('');
  const [report, setReport] = useState<EmergencyReport | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [following, setFollowing] = useState<EmergencyReportRowView | null>(null);
  const canSign = authority.officers.some((o) => o.onThisMachine);

  async function load(event?: FormEvent) {
    event?.preventDefault();
    setError(null);
    setBusy(true);
    const result = await call(() => api().emergency.report({ since, ...(password ? { password } : {}) }));
    setBusy(false);
    setPassword('');
    if (result.ok) setReport(result.value);
    else setError(result.error);
  }

  return (
    <div className="card" aria-label="Emergency access review">
      <h2>Emergency access</h2>
      <p className="muted">
        Every break-the-glass request on the ledger. With the officer password, the sealed reasons and comments are
        opened for this read only.
      </p>
      <form onSubmit={load} noValidate aria-label="Emergency access report" className="btn-row">
        <TextField label="Since" type="date" value={since} onChange={setSince} error={error?.fields?.since} />
        {canSign && (
          <TextField
            label="Officer password (to open reasons)"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={setPassword}
            error={error?.fields?.password}
          />
        )}
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Show
        </button>
      </form>
      <ErrorMessage error={error} />
      {report && report.emergencyKey === null && (
        <p className="muted">No emergency key is published for this hospital: no request can be served.</p>
      )}
      {report && report.rows.length === 0 && <p className="muted">No emergency access since {since}.</p>}
      {report && report.rows.length > 0 && (
        <table className="data" aria-label="Emergency accesses">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Clinician</th>
              <th scope="col">Chart</th>
              <th scope="col">Reason</th>
              <th scope="col">Outcome</th>
              <th scope="col">Follow-up</th>
              {canSign && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {report.rows.map((r) => (
              <tr key={r.request}>
                <td>{r.at.slice(0, 16).replace('T', ' ')}</td>
                <td>
                  {r.requester.name ?? <span className="mono">{short(r.requester.signKey)}</span>}
                  <div className="muted">credential: {r.requester.credential}</div>
                </td>
                <td>
                  {r.chart ? <span className="mono">{short(r.chart)}</span> : '—'}
                  {r.byQuery && <div className="muted">by patient identifiers</div>}
                </td>
                <td>
                  {r.reason}
                  <div className="muted">{r.note ?? (report.opened ? '(not sealed to your key)' : '(sealed)')}</div>
                </td>
                <td>{outcomeOf(r)}</td>
                <td>
                  {r.followUp ? (
                    <>
                      {STATE_LABEL[r.followUp.state]} by {r.followUp.byName ?? short(r.followUp.by)}
                      {r.followUp.comment && <div className="muted">{r.followUp.comment}</div>}
                    </>
                  ) : (
                    'None yet'
                  )}
                </td>
                {canSign && (
                  <td>
                    <button
                      type="button"
                      className="btn"
                      aria-label={`Follow up request ${r.request.slice(0, 12)}`}
                      onClick={() => setFollowing(r)}
                    >
                      Follow up
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {following && (
        <FollowUpDialog
          row={following}
          onClose={() => setFollowing(null)}
          onDone={() => {
            setFollowing(null);
            void load();
          }}
        />
      )}
    </div>
  );
}

function FollowUpDialog({
  row,
  onClose,
  onDone,
}: {
  row: EmergencyReportRowView;
  onClose: () => void;
  onDone: () => void;
}) {
  const [state, setState] = useState<FollowUpState>('acknowledged');
  const [comment, setComment] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    const result = await call(() => api().emergency.followUp({ request: row.request, state, comment, password }));
    setBusy(false);
    setPassword('');
    if (result.ok) onDone();
    else setError(result.error);
  }

  const title = `Follow up the emergency access by ${row.requester.name ?? short(row.requester.signKey)}`;
  return (
    <Modal open title={title} onClose={onClose} description={`Request ${row.request}`}>
      <form onSubmit={submit} noValidate aria-label={title}>
        <div className="field">
          <label htmlFor="followup-state">Follow-up</label>
          <select id="followup-state" value={state} onChange={(e) => setState(e.target.value as FollowUpState)}>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {STATE_LABEL[s]}
              </option>
            ))}
          </select>
        </div>
        <TextField
          label="Comment"
          value={comment}
          onChange={setComment}
          hint="Sealed to the hospital's officers."
          error={error?.fields?.comment}
        />
        <OfficerPasswordField value={password} onChange={setPassword} error={error?.fields?.password} />
        <ErrorMessage error={error} />
        <div className="btn-row">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            Sign and post
          </button>
        </div>
      </form>
    </Modal>
  );
}
