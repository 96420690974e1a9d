// First run's hospital step (and the Hospital section while nothing is pinned): "Set up this hospital" makes a
// one-machine 1-of-1 authority whose officer key is sealed in this keychain under its own password; "Join a
// hospital" pins an authority id IT gave, verified from the ledger first. Where IT pinned one, it is named and
// nothing is offered. Choosing neither is allowed: the app then works as before, with doctors not verified.
import { useState, type FormEvent } from 'react';
import { passwordProblem } from '../../../../src-shared/crypto/password-policy';
import { api } from '../../api';
import { Banner } from '../../components/Banner';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { call, type UiError } from '../../errors';
import { useHospital } from '../../stores/hospital';

export function HospitalChoice() {
  const status = useHospital((s) => s.status);
  const [choice, setChoice] = useState<'set-up' | 'join' | null>(null);
  if (!status) return null;
  if (status.locked || status.pinnedBy === 'managed') {
    return (
      <p className="muted" aria-label="Hospital">
        {status.authority
          ? `Hospital: ${status.authority.name} (set by your IT department).`
          : 'The hospital authority of this workstation is set by your IT department.'}
      </p>
    );
  }
  if (status.state !== 'none') {
    return status.authority ? <p aria-label="Hospital">Hospital: {status.authority.name}</p> : null;
  }
  return (
    <div className="card" aria-labelledby="hospital-choice-title">
      <h2 id="hospital-choice-title">Your hospital</h2>
      <Banner tone="info" title="No hospital authority: doctors are not verified">
        <p>
          A hospital authority credentials its doctors on the ledger, so only they appear as doctors. You can also
          continue without one.
        </p>
      </Banner>
      <div className="btn-row">
        {status.embedded && (
          <button type="button" className="btn" aria-pressed={choice === 'set-up'} onClick={() => setChoice('set-up')}>
            Set up this hospital
          </button>
        )}
        <button type="button" className="btn" aria-pressed={choice === 'join'} onClick={() => setChoice('join')}>
          Join a hospital
        </button>
      </div>
      {choice === 'set-up' && <SetUpForm />}
      {choice === 'join' && <JoinForm />}
    </div>
  );
}

function SetUpForm() {
  const setStatus = useHospital((s) => s.setStatus);
  const [hospitalName, setHospitalName] = useState('');
  const [officerName, setOfficerName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!hospitalName.trim()) found.hospitalName = 'Hospital name is required';
    if (!officerName.trim()) found.officerName = 'Officer name is required';
    const problem = passwordProblem(password, { personalWords: [officerName, ...officerName.split(/\s+/)] });
    if (problem) found.password = problem;
    if (confirm !== password) found.confirm = 'The passwords do not match';
    setErrors(found);
    setError(null);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    const result = await call(() => api().hospital.setUp({ hospitalName, officerName, password }));
    setBusy(false);
    if (result.ok) setStatus(result.value);
    else {
      setError(result.error);
      setErrors(result.error.fields ?? {});
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Set up this hospital">
      <p className="muted">
        This computer becomes the hospital&apos;s authority (one officer). The officer key is sealed in this
        computer&apos;s keychain under its own password — not a doctor&apos;s password. Every credential act asks for
        it.
      </p>
      <TextField label="Hospital name" value={hospitalName} onChange={setHospitalName} error={errors.hospitalName} />
      <TextField label="Officer name" value={officerName} onChange={setOfficerName} error={errors.officerName} />
      <TextField
        label="Officer password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={setPassword}
        error={errors.password}
        hint="At least 10 characters; keep it apart from any doctor's password."
      />
      <TextField
        label="Confirm officer password"
        type="password"
        autoComplete="new-password"
        value={confirm}
        onChange={setConfirm}
        error={errors.confirm}
      />
      <ErrorMessage error={error} />
      <div className="btn-row">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Setting up…' : 'Set up the hospital'}
        </button>
      </div>
    </form>
  );
}

function JoinForm() {
  const setStatus = useHospital((s) => s.setStatus);
  const [authorityId, setAuthorityId] = useState('');
  const [error, setError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const id = authorityId.trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(id)) {
      setError({
        code: 'INVALID_REQUEST',
        message: 'The authority id is the 64-character hex id your IT department gave you',
        fields: { authorityId: 'must be a 64-character hex id' },
      });
      return;
    }
    setBusy(true);
    const result = await call(() => api().hospital.join({ authorityId: id }));
    setBusy(false);
    if (result.ok) setStatus(result.value);
    else setError(result.error);
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Join a hospital">
      <TextField
        label="Hospital authority id"
        className="mono"
        value={authorityId}
        onChange={setAuthorityId}
        error={error?.fields?.authorityId}
        hint="From your IT department. It is checked on the ledger before this computer trusts it."
        wide
      />
      <ErrorMessage error={error} />
      <div className="btn-row">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Checking…' : 'Join'}
        </button>
      </div>
    </form>
  );
}
