// IT's custody acts in the Hospital section (docs/AUTHORITY.md, "Custody, recovery, re-key and off-boarding"):
// recover charts to a credentialed doctor, off-board a doctor (revoke, then their charts move), re-key a doctor (a new
// identity carries on their credential and charts). Every act is signed by the quorum with this computer's officer
// keys; main unlocks each for the act only. The answer lists what moved where and what did not.
import { useState, type FormEvent } from 'react';
import {
  parseCredentialRequest,
  type AuthorityView,
  type CredentialEntry,
  type CustodyAct,
} from '../../../../src-shared/ipc';
import { api } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { call, type UiError } from '../../errors';
import {
  CustodyResultView,
  fieldError,
  OfficerSigners,
  PractitionerSelect,
  signersOf,
  type SignerPasswords,
} from './CustodyFields';

type ActKind = 'recover' | 'offboard' | 'rekey';

const ACTS: Record<ActKind, { label: string; intro: string; submit: string; busy: string }> = {
  recover: {
    label: 'Recover a chart',
    intro:
      'Custody moves to a credentialed doctor: the officers rebuild the recovery key here, the chart is re-sealed for the new custodian (not for the former one) and the quorum signs the move.',
    submit: 'Move custody',
    busy: 'Moving custody: rebuilding the recovery key, re-sealing and signing each chart…',
  },
  offboard: {
    label: 'Off-board a doctor',
    intro:
      'Their credential is revoked (versions they sign from now on are shown as unknown author), then every chart they hold moves to the doctor you name.',
    submit: 'Off-board',
    busy: 'Off-boarding: revoking the credential, then moving each chart…',
  },
  rekey: {
    label: 'Re-key a doctor',
    intro:
      'For a doctor with a new identity (lost or compromised key): a credential for the new keys supersedes the old one, their charts move to the new keys, the old credential is revoked. The doctor creates the new identity first and sends its credential request.',
    submit: 'Re-key',
    busy: 'Re-keying: issuing the new credential, moving each chart, revoking the old one…',
  },
};

const chartIdsOf = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

export function CustodyDesk({
  authority,
  credentials,
  onDone,
}: {
  authority: AuthorityView;
  credentials: readonly CredentialEntry[];
  onDone: () => void;
}) {
  const [kind, setKind] = useState<ActKind>('recover');
  const [chartText, setChartText] = useState('');
  const [holderOf, setHolderOf] = useState('');
  const [leaving, setLeaving] = useState('');
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [requestText, setRequestText] = useState('');
  const [keys, setKeys] = useState({ signKey: '', boxKey: '' });
  const [passwords, setPasswords] = useState<SignerPasswords>({});
  const [error, setError] = useState<UiError | null>(null);
  const [listing, setListing] = useState<string | null>(null);
  const [act, setAct] = useState<CustodyAct | null>(null);
  const [busy, setBusy] = useState(false);

  const current = credentials.filter((c) => c.endReason === null);
  const valid = current.filter((c) => c.status === 'valid');
  const spec = ACTS[kind];

  function choose(next: ActKind) {
    setKind(next);
    setError(null);
    setAct(null);
  }

  async function listCharts() {
    setError(null);
    setListing(null);
    const result = await call(() => api().hospital.heldCharts({ practitioner: holderOf }));
    if (!result.ok) {
      setError(result.error);
      return;
    }
    const { chartIds, name } = result.value;
    setChartText(chartIds.join('\n'));
    setListing(chartIds.length ? `${name} holds ${chartIds.length} chart(s).` : `${name} holds no chart.`);
  }

  function readRequest() {
    const parsed = parseCredentialRequest(requestText);
    if (!parsed.ok) {
      setError({ code: 'INVALID_REQUEST', message: parsed.error, fields: { request: parsed.error } });
      return;
    }
    setError(null);
    setKeys({ signKey: parsed.request.signKey, boxKey: parsed.request.boxKey });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setAct(null);
    setBusy(true);
    const officers = signersOf(authority, passwords);
    const hospital = api().hospital;
    const result = await call(() =>
      kind === 'recover'
        ? hospital.recover({ chartIds: chartIdsOf(chartText), to, reason, officers })
        : kind === 'offboard'
          ? hospital.offboard({ leaving, to, reason, officers })
          : hospital.rekey({ old: leaving, ...keys, officers }),
    );
    setBusy(false);
    setPasswords({});
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setAct(result.value);
    onDone();
  }

  const err = (field: string) => fieldError(error, field);
  return (
    <form onSubmit={submit} noValidate aria-label="Custody of charts" className="card">
      <h2>Custody of charts</h2>
      <fieldset className="field field-wide">
        <legend>Act</legend>
        {(Object.keys(ACTS) as ActKind[]).map((k) => (
          <label key={k} className="radio">
            <input type="radio" name="custody-act" checked={kind === k} onChange={() => choose(k)} />
            {ACTS[k].label}
          </label>
        ))}
      </fieldset>
      <p className="muted">{spec.intro}</p>

      {kind === 'recover' && (
        <>
          <PractitionerSelect
            label="Charts held by"
            credentials={credentials}
            value={holderOf}
            onChange={setHolderOf}
            error={err('practitioner')}
            hint="Lists the charts this doctor holds now (ids only: charts stay sealed to IT)."
          />
          <div className="btn-row">
            <button type="button" className="btn" disabled={!holderOf} onClick={() => void listCharts()}>
              List their charts
            </button>
          </div>
          {listing && <p role="status">{listing}</p>}
          <div className="field field-wide">
            <label htmlFor="custody-chart-ids">Chart ids</label>
            <textarea
              id="custody-chart-ids"
              className="mono"
              rows={4}
              value={chartText}
              onChange={(e) => setChartText(e.target.value)}
              aria-invalid={err('chartIds') ? true : undefined}
              aria-describedby="custody-chart-ids-hint"
            />
            <span id="custody-chart-ids-hint" className="hint">
              One chart id per line: listed above, or from the chart&apos;s verification panel.
            </span>
            {err('chartIds') && <span className="field-error">{err('chartIds')}</span>}
          </div>
        </>
      )}

      {kind !== 'recover' && (
        <PractitionerSelect
          label={kind === 'offboard' ? 'Leaving doctor' : 'Doctor to re-key'}
          credentials={current}
          value={leaving}
          onChange={setLeaving}
          error={err(kind === 'offboard' ? 'leaving' : 'old')}
        />
      )}

      {kind === 'rekey' ? (
        <>
          <div className="field field-wide">
            <label htmlFor="rekey-request">Credential request of the new identity</label>
            <textarea
              id="rekey-request"
              className="mono"
              rows={4}
              value={requestText}
              onChange={(e) => setRequestText(e.target.value)}
            />
            {err('request') && <span className="field-error">{err('request')}</span>}
          </div>
          <div className="btn-row">
            <button type="button" className="btn" onClick={readRequest}>
              Fill from request
            </button>
          </div>
          <TextField
            label="New signing key"
            className="mono"
            wide
            value={keys.signKey}
            onChange={(signKey) => setKeys((k) => ({ ...k, signKey }))}
            error={err('signKey')}
          />
          <TextField
            label="New encryption key"
            className="mono"
            wide
            value={keys.boxKey}
            onChange={(boxKey) => setKeys((k) => ({ ...k, boxKey }))}
            error={err('boxKey')}
          />
        </>
      ) : (
        <>
          <PractitionerSelect
            label={kind === 'recover' ? 'New custodian' : 'Their charts go to'}
            credentials={valid.filter((c) => kind === 'recover' || c.signKey !== leaving)}
            value={to}
            onChange={setTo}
            error={err('to')}
          />
          <TextField label="Reason" value={reason} onChange={setReason} error={err('reason')} />
        </>
      )}

      <OfficerSigners authority={authority} passwords={passwords} onChange={setPasswords} error={err('officers')} />
      <ErrorMessage error={error} />
      {busy && <p role="status">{spec.busy}</p>}
      <div className="btn-row">
        <button type="submit" className={`btn ${kind === 'recover' ? 'btn-primary' : 'btn-danger'}`} disabled={busy}>
          {spec.submit}
        </button>
      </div>
      {act && <CustodyResultView act={act} />}
    </form>
  );
}
