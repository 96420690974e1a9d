// Sign in (pick an identity, type its password) and the lock screen (same identity, password again).
import { Lock, UserRound } from 'lucide-react';
import { CenteredScreen } from '../../components/CenteredScreen';
import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import type { UiError } from '../../errors';
import { useSession } from '../../stores/session';

const LOCK_REASONS: Record<string, string> = {
  idle: 'HealthChain locked itself after a period of inactivity.',
  'screen-lock': 'HealthChain locked because the computer was locked.',
  suspend: 'HealthChain locked because the computer went to sleep.',
  manual: 'You locked HealthChain.',
};

export function SignIn() {
  const { identities, phase, lockedIdentityId, lockReason, unlock, signOut } = useSession();
  const locked = phase === 'locked' && lockedIdentityId !== null;
  const [selected, setSelected] = useState<string>(lockedIdentityId ?? identities[0]?.id ?? '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const identity = identities.find((i) => i.id === (locked ? lockedIdentityId : selected));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (!identity) return setError({ code: 'IDENTITY_NOT_FOUND', message: 'Choose your identity' });
    if (!password) return setError({ code: 'INVALID_REQUEST', message: 'Enter your password' });
    setBusy(true);
    const result = await unlock(identity.id, password);
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      setPassword('');
    }
  }

  return (
    <CenteredScreen>
      <p className="muted">HealthChain</p>
      {locked ? (
        <>
          <h1>
            <Lock aria-hidden="true" size={22} /> Locked
          </h1>
          <p>{LOCK_REASONS[lockReason ?? 'manual'] ?? LOCK_REASONS.manual} Enter your password to continue.</p>
        </>
      ) : (
        <h1>Sign in</h1>
      )}
      <form onSubmit={submit} noValidate aria-label={locked ? 'Unlock' : 'Sign in'}>
        {locked ? (
          <p>
            <UserRound aria-hidden="true" size={16} /> <strong>{identity?.name}</strong>{' '}
            <span className="muted">{identity?.specialty}</span>
          </p>
        ) : (
          <fieldset>
            <legend>Identity</legend>
            {identities.map((i) => (
              <label key={i.id} className="radio identity-choice">
                <input
                  type="radio"
                  name="identity"
                  value={i.id}
                  checked={selected === i.id}
                  onChange={() => setSelected(i.id)}
                />{' '}
                <strong>{i.name}</strong> <span className="muted">— {i.specialty}</span>
              </label>
            ))}
          </fieldset>
        )}
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          autoFocus
        />
        <ErrorMessage error={error} />
        <div className="btn-row">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Checking…' : locked ? 'Unlock' : 'Sign in'}
          </button>
          {locked && (
            <button type="button" className="btn" onClick={() => void signOut()}>
              Sign in as someone else
            </button>
          )}
        </div>
      </form>
    </CenteredScreen>
  );
}
