// Recovery with officers on separate machines (the CLI's `hospital recovery session|share` and `recover --session
// --shares`). The coordinator starts a session: main keeps its secret in memory and answers the public session key,
// which the other officers paste into "Seal my share for a recovery session" on their own machines; main opens their
// share with their key and saves it sealed to the session key through a save dialog. The coordinator opens m such
// files (sealed text only crosses IPC), names the chart and the new custodian, and signs the move; the other officers
// sign the partially signed file as for any quorum act.
import { useState, type FormEvent } from 'react';
import type { AuthorityView, CredentialEntry, RecoverySessionView, SessionRecovery } from '../../../../src-shared/ipc';
import { api } from '../../api';
import { Banner } from '../../components/Banner';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { call, type UiError } from '../../errors';
import { useIpcAction } from '../../hooks/useIpcAction';
import { fieldError, PractitionerSelect } from './CustodyFields';
import { OfficerField, OfficerPasswordField } from './OfficerFields';
import { QuorumActView } from './QuorumActView';

export function RecoveryCoordinator({
  authority,
  credentials,
  onDone,
}: {
  authority: AuthorityView;
  credentials: readonly CredentialEntry[];
  onDone: () => void;
}) {
  const [session, setSession] = useState<RecoverySessionView | null>(null);
  const [shares, setShares] = useState<{ name: string; text: string }[]>([]);
  const [chartId, setChartId] = useState('');
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [officer, setOfficer] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<UiError | null>(null);
  const [result, setResult] = useState<SessionRecovery | null>(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);

  async function start() {
    setError(null);
    const answer = await call(() => api().hospital.startRecoverySession());
    if (answer.ok) {
      setSession(answer.value);
      setShares([]);
      setResult(null);
    } else setError(answer.error);
  }

  async function end() {
    if (!session) return;
    await call(() => api().hospital.endRecoverySession({ sessionKey: session.sessionKey }));
    setSession(null);
    setShares([]);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!session) return;
    setError(null);
    setResult(null);
    setBusy(true);
    const answer = await call(() =>
      api().hospital.recoverWithShares({
        sessionKey: session.sessionKey,
        shares: shares.map((s) => s.text),
        chartId: chartId.trim(),
        to,
        reason,
        password,
        ...(officer ? { officer } : {}),
      }),
    );
    setBusy(false);
    setPassword('');
    if (answer.ok) {
      setResult(answer.value);
      onDone();
    } else setError(answer.error);
  }

  const current = credentials.filter((c) => c.status === 'valid');
  return (
    <div className="card" aria-label="Recovery with officers on other computers">
      <h2>Recovery with officers on other computers</h2>
      <p className="muted">
        When {authority.threshold} officers are not on this computer: start a session here, send its key to the other
        officers, and open the share files they send back. The session&apos;s secret never leaves this app&apos;s memory
        and is wiped when you end it or quit.
      </p>
      {!session && (
        <div className="btn-row">
          <button type="button" className="btn" onClick={() => void start()}>
            Start a recovery session
          </button>
        </div>
      )}
      {session && (
        <form onSubmit={submit} noValidate aria-label="Recover with share files">
          <dl className="details">
            <dt>Session key</dt>
            <dd className="mono" aria-label="Session key">
              {session.sessionKey}
            </dd>
          </dl>
          <div className="btn-row">
            <button
              type="button"
              className="btn"
              onClick={() => void navigator.clipboard?.writeText(session.sessionKey).then(() => setCopied(true))}
            >
              {copied ? 'Copied' : 'Copy the session key'}
            </button>
            <button type="button" className="btn" onClick={() => void end()}>
              End the session
            </button>
          </div>
          <div className="field field-wide">
            <label htmlFor="share-files">Share files</label>
            <input
              id="share-files"
              type="file"
              multiple
              accept=".json,application/json"
              onChange={async (e) => {
                const files = [...(e.target.files ?? [])];
                setShares(await Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() }))));
              }}
              aria-describedby="share-files-hint"
            />
            <span id="share-files-hint" className="hint">
              {shares.length} of the {authority.threshold} needed: {shares.map((s) => s.name).join(', ') || 'none yet'}
            </span>
            {fieldError(error, 'shares') && <span className="field-error">{fieldError(error, 'shares')}</span>}
            {fieldError(error, 'sessionKey') && <span className="field-error">{fieldError(error, 'sessionKey')}</span>}
          </div>
          <TextField
            label="Chart id"
            className="mono"
            value={chartId}
            onChange={setChartId}
            error={fieldError(error, 'chartId')}
            wide
          />
          <PractitionerSelect
            label="New custodian"
            credentials={current}
            value={to}
            onChange={setTo}
            error={fieldError(error, 'to')}
          />
          <TextField label="Reason" value={reason} onChange={setReason} error={fieldError(error, 'reason')} wide />
          <OfficerField authority={authority} value={officer} onChange={setOfficer} />
          <OfficerPasswordField value={password} onChange={setPassword} error={fieldError(error, 'password')} />
          <ErrorMessage error={error} />
          <div className="btn-row">
            <button type="submit" className="btn" disabled={busy}>
              {busy ? 'Rebuilding the recovery key…' : 'Recover the chart'}
            </button>
          </div>
        </form>
      )}
      {!session && <ErrorMessage error={error} />}
      {result && (
        <>
          <p role="status">Recovery key rebuilt from the shares of {result.sharesFrom.length} officers.</p>
          <QuorumActView act={result.act} />
        </>
      )}
    </div>
  );
}

/** An officer on their own machine: their share, sealed to the coordinator's session key, saved as a file. */
export function SealShareForm({ authority }: { authority: AuthorityView }) {
  const [sessionKey, setSessionKey] = useState('');
  const [officer, setOfficer] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, value: saved, run } = useIpcAction<{ savedTo: string | null }>();
  const savedTo = saved?.savedTo;

  async function submit(event: FormEvent) {
    event.preventDefault();
    await run(() =>
      api().hospital.sealShare({ sessionKey: sessionKey.trim(), password, ...(officer ? { officer } : {}) }),
    );
    setPassword('');
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Seal my share for a recovery session" className="card">
      <h2>Seal my share for a recovery session</h2>
      <p className="muted">
        The coordinating officer sends you a session key. Your recovery share is opened with your officer key and sealed
        to that session: only the coordinator&apos;s app can open the file you send back.
      </p>
      <TextField
        label="Session key"
        className="mono"
        value={sessionKey}
        onChange={setSessionKey}
        error={fieldError(error, 'sessionKey')}
        wide
      />
      <OfficerField authority={authority} value={officer} onChange={setOfficer} />
      <OfficerPasswordField value={password} onChange={setPassword} error={fieldError(error, 'password')} />
      <ErrorMessage error={error} />
      <div className="btn-row">
        <button type="submit" className="btn" disabled={busy}>
          {busy ? 'Sealing…' : 'Seal and save my share…'}
        </button>
      </div>
      {savedTo && (
        <Banner tone="info" title="Share saved">
          <p>
            Saved to <span className="mono">{savedTo}</span>. Send this file to the coordinator; it opens only with
            their session.
          </p>
        </Banner>
      )}
      {savedTo === null && <p role="status">Not saved: the save dialog was cancelled.</p>}
    </form>
  );
}
