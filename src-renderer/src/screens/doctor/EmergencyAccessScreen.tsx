// Break the glass (issue #13): a doctor who is not among a chart's readers asks the hospital's emergency service for
// access, finding the patient by the access card (scanned or pasted) or by the name and date of birth on the
// wristband, with a reason. The request is signed on the ledger first; the screen then follows it until the service
// answers: granted (open the chart, read-only) or refused (why, in words).
import { ArrowLeft, ShieldAlert } from 'lucide-react';
import { useEffect, useState, type FormEvent } from 'react';
import {
  REASON_CODES,
  REASON_LABELS,
  REFUSAL_LABELS,
  type EmergencyRequestState,
} from '../../../../src-shared/ipc/access';
import { api } from '../../api';
import { Banner } from '../../components/Banner';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { formatDateTime } from '../../chart/format';
import { call, fieldsUnder, type UiError } from '../../errors';
import { useNavigation } from '../../stores/navigation';

type FindBy = 'card' | 'name';
type Reason = (typeof REASON_CODES)[number];

/** How often the screen asks where the request stands while the service has not answered. */
export const POLL_MS = 1000;

export function EmergencyAccessScreen() {
  const go = useNavigation((s) => s.go);
  const [by, setBy] = useState<FindBy>('card');
  const [code, setCode] = useState('');
  const [family, setFamily] = useState('');
  const [given, setGiven] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const [reason, setReason] = useState<Reason>('unconscious');
  const [note, setNote] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const [request, setRequest] = useState<EmergencyRequestState | null>(null);

  // Follows the request until the service answers (the request stays on the ledger if the service is down).
  useEffect(() => {
    if (!request || request.state !== 'waiting') return;
    const timer = setTimeout(() => {
      void call(() => api().emergency.state({ requestId: request.requestId })).then((result) => {
        if (result.ok) setRequest(result.value);
        else setError(result.error);
      });
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [request]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!confirmed) {
      setError({ code: 'INVALID_REQUEST', message: 'Confirm that this is an emergency first.' });
      return;
    }
    setBusy(true);
    setError(null);
    const patient =
      by === 'card' ? ({ by: 'card', code } as const) : ({ by: 'name', family, given, birthDate } as const);
    const result = await call(() => api().emergency.request({ patient, reason, note }));
    setBusy(false);
    if (result.ok) setRequest(result.value);
    else setError(result.error);
  }

  const fields = fieldsUnder(error, 'patient.');
  return (
    <section aria-labelledby="emergency-title">
      <button type="button" className="btn-link back-link" onClick={() => go({ name: 'patients' })}>
        <ArrowLeft aria-hidden="true" size={16} /> All patients
      </button>
      <h1 id="emergency-title">
        <ShieldAlert aria-hidden="true" size={24} /> Emergency access
      </h1>
      <p className="muted">
        For a patient whose chart was not shared with you. Your request is signed with your key and recorded on the
        ledger before any key is released; the patient, the responsible doctor and the hospital&apos;s privacy officers
        see it, with your reason.
      </p>
      {request ? (
        <RequestStatus request={request} onOpen={(chartId) => go({ name: 'chart', chartId })} />
      ) : (
        <form className="card form-grid" onSubmit={(e) => void submit(e)} noValidate>
          <fieldset>
            <legend>Find the patient</legend>
            <div role="radiogroup" aria-label="Find the patient by" className="segmented">
              <label className={by === 'card' ? 'selected' : undefined}>
                <input type="radio" name="find-by" checked={by === 'card'} onChange={() => setBy('card')} />
                Access card
              </label>
              <label className={by === 'name' ? 'selected' : undefined}>
                <input type="radio" name="find-by" checked={by === 'name'} onChange={() => setBy('name')} />
                Name and date of birth
              </label>
            </div>
            {by === 'card' ? (
              <TextField
                label="Access card code"
                value={code}
                onChange={setCode}
                error={fields['code']}
                hint="Scan the card's QR code with the hand scanner, or type the code printed on it."
                autoComplete="off"
                wide
              />
            ) : (
              <>
                <TextField label="Family name" value={family} onChange={setFamily} error={fields['family']} />
                <TextField label="Given name" value={given} onChange={setGiven} error={fields['given']} />
                <TextField
                  label="Date of birth"
                  type="date"
                  value={birthDate}
                  onChange={setBirthDate}
                  error={fields['birthDate']}
                />
              </>
            )}
          </fieldset>
          <div className="field">
            <label htmlFor="emergency-reason">Reason</label>
            <select
              id="emergency-reason"
              className="input"
              value={reason}
              onChange={(e) => setReason(e.target.value as Reason)}
            >
              {REASON_CODES.map((r) => (
                <option key={r} value={r}>
                  {REASON_LABELS[r]}
                </option>
              ))}
            </select>
          </div>
          <div className="field field-wide">
            <label htmlFor="emergency-note">Details</label>
            <textarea
              id="emergency-note"
              className="input"
              rows={3}
              maxLength={1000}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
            <span className="hint">
              Sealed: only the patient, the responsible doctor and the privacy officers read it.
            </span>
          </div>
          <label className="checkbox field-wide">
            <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> I confirm
            this is an emergency and that this access will be reviewed.
          </label>
          <ErrorMessage error={error} />
          <div className="btn-row field-wide">
            <button type="submit" className="btn btn-danger" disabled={busy}>
              <ShieldAlert aria-hidden="true" size={16} /> {busy ? 'Signing the request…' : 'Request emergency access'}
            </button>
          </div>
        </form>
      )}
      {request && <ErrorMessage error={error} />}
    </section>
  );
}

function RequestStatus({ request, onOpen }: { request: EmergencyRequestState; onOpen: (chartId: string) => void }) {
  if (request.state === 'waiting')
    return (
      <Banner tone="info" title="Waiting for the emergency service">
        <p>
          Your request ({REASON_LABELS[request.reason]}) is on the ledger since {formatDateTime(request.requestedAt)}.
          It is answered as soon as the hospital&apos;s emergency service sees it; if the service is down, the request
          waits on the ledger and is answered when it returns.
        </p>
      </Banner>
    );
  if (request.state === 'refused')
    return (
      <Banner tone="danger" title="Emergency access refused">
        <p>
          The emergency service refused the request: {request.refusal ? REFUSAL_LABELS[request.refusal.reason] : ''}.
          {request.refusal?.detail ? ` ${request.refusal.detail}` : ''}
        </p>
      </Banner>
    );
  return (
    <Banner tone="warn" title="Emergency access granted">
      <p>
        You may read this chart until {request.grant ? formatDateTime(request.grant.expiresAt) : '—'}, read-only. The
        access is recorded on the ledger.
      </p>
      {request.chartId && (
        <button type="button" className="btn btn-primary" onClick={() => onOpen(request.chartId!)}>
          Open the chart
        </button>
      )}
    </Banner>
  );
}
