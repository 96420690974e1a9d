// This computer's officer keys (the CLI's `hospital officer list` / `create` / `backup` / `restore`): IT makes an officer's key here
// for a ceremony; main makes it and seals it in the keychain under the officer's own password, and answers only its
// public keys, shown to copy or print for the ceremony (one line: name, signing key, encryption key — the format the
// ceremony form reads).
import { useEffect, useState, type FormEvent } from 'react';
import { passwordProblem } from '../../../../src-shared/crypto/password-policy';
import type { OfficerSummaryView } from '../../../../src-shared/ipc';
import { api } from '../../api';
import { Banner } from '../../components/Banner';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { call, type UiError } from '../../errors';
import { useHospital } from '../../stores/hospital';
import { fieldError } from './CustodyFields';
import { BackUpOfficerForm, RestoreOfficerForm } from './OfficerBackupForms';

/** The ceremony line of an officer: what "Start a multi-officer hospital" reads, one officer a line. */
export const ceremonyLine = (o: Pick<OfficerSummaryView, 'name' | 'signKey' | 'boxKey'>) =>
  `${o.name} ${o.signKey} ${o.boxKey}`;

export function OfficerKeys() {
  const { officers: list, officersError: listError, loadOfficers } = useHospital();
  const [created, setCreated] = useState<OfficerSummaryView | null>(null);
  const [backingUp, setBackingUp] = useState<OfficerSummaryView | null>(null);
  useEffect(() => {
    void loadOfficers();
  }, [loadOfficers]);

  return (
    <div className="card" aria-label="Officer keys on this computer">
      <h2>Officer keys on this computer</h2>
      <p className="muted">
        An officer&apos;s key lives sealed in this computer&apos;s keychain under the officer&apos;s own password (not a
        doctor&apos;s). Only its public keys are shown: send them to whoever prepares the ceremony.
      </p>
      <ErrorMessage error={listError} />
      {list && list.officers.length === 0 && <p className="muted">No officer keys on this computer.</p>}
      {list && list.officers.length > 0 && (
        <table className="data" aria-label="Officer keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Signing key</th>
              <th scope="col">Encryption key</th>
              <th scope="col">Created</th>
              <th scope="col">Backup</th>
            </tr>
          </thead>
          <tbody>
            {list.officers.map((o) => (
              <tr key={o.signKey}>
                <td>{o.name}</td>
                <td className="mono">{o.signKey}</td>
                <td className="mono">{o.boxKey}</td>
                <td>{o.createdAt.slice(0, 10)}</td>
                <td>
                  <button
                    type="button"
                    className="btn"
                    aria-label={`Back up ${o.name}`}
                    onClick={() => setBackingUp(o)}
                  >
                    Back up
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list && list.unreadable.length > 0 && (
        <ul aria-label="Unreadable keychain entries">
          {list.unreadable.map((u) => (
            <li key={u.account}>
              <span className="mono">{u.account}</span>: {u.problem}
            </li>
          ))}
        </ul>
      )}
      {backingUp && (
        <BackUpOfficerForm key={backingUp.signKey} officer={backingUp} onClose={() => setBackingUp(null)} />
      )}
      <CreateOfficerForm
        onCreated={(officer) => {
          setCreated(officer);
          void loadOfficers();
        }}
      />
      {created && <CreatedOfficer officer={created} />}
      <RestoreOfficerForm onRestored={() => void loadOfficers()} />
    </div>
  );
}

function CreateOfficerForm({ onCreated }: { onCreated: (officer: OfficerSummaryView) => void }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const fields: Record<string, string> = {};
    if (!name.trim()) fields.name = 'Name is required';
    const problem = passwordProblem(password, { personalWords: [name, ...name.split(/\s+/)] });
    if (problem) fields.password = problem;
    if (confirm !== password) fields.confirm = 'The passwords do not match';
    if (Object.keys(fields).length) {
      setError({ code: 'INVALID_REQUEST', message: 'Check the highlighted fields', fields });
      return;
    }
    setError(null);
    setBusy(true);
    const result = await call(() => api().hospital.officerCreate({ name, password }));
    setBusy(false);
    // The password is sent once and not kept in the form.
    setPassword('');
    setConfirm('');
    if (result.ok) {
      setName('');
      onCreated(result.value);
    } else setError(result.error);
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Create an officer key">
      <h3>Create an officer key</h3>
      <TextField label="Officer name" value={name} onChange={setName} error={fieldError(error, 'name')} />
      <TextField
        label="New officer password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={setPassword}
        error={fieldError(error, 'password')}
        hint="At least 10 characters; keep it apart from any doctor's password. It cannot be recovered."
      />
      <TextField
        label="Repeat the officer password"
        type="password"
        autoComplete="new-password"
        value={confirm}
        onChange={setConfirm}
        error={fieldError(error, 'confirm')}
      />
      <ErrorMessage error={error?.fields ? null : error} />
      <div className="btn-row">
        <button type="submit" className="btn" disabled={busy}>
          {busy ? 'Creating…' : 'Create officer key'}
        </button>
      </div>
    </form>
  );
}

function CreatedOfficer({ officer }: { officer: OfficerSummaryView }) {
  const [copied, setCopied] = useState(false);
  const line = ceremonyLine(officer);
  return (
    <div role="group" aria-label="New officer key">
      <Banner tone="info" title={`Officer key created for ${officer.name}`}>
        <dl className="details">
          <dt>Signing key</dt>
          <dd className="mono">{officer.signKey}</dd>
          <dt>Encryption key</dt>
          <dd className="mono">{officer.boxKey}</dd>
          <dt>For the ceremony</dt>
          <dd className="mono" aria-label="Ceremony line">
            {line}
          </dd>
        </dl>
        <p className="muted">Public keys only. The key itself stays sealed in this computer&apos;s keychain.</p>
      </Banner>
      <div className="btn-row">
        <button
          type="button"
          className="btn"
          onClick={() => void navigator.clipboard?.writeText(line).then(() => setCopied(true))}
        >
          {copied ? 'Copied' : 'Copy for the ceremony'}
        </button>
        <button type="button" className="btn" onClick={() => window.print()}>
          Print
        </button>
      </div>
    </div>
  );
}
