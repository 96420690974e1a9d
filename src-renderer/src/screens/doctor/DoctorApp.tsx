// The workstation build: first run, sign in / lock screen, or the console, depending on the vault's state.
import { useEffect } from 'react';
import { CenteredScreen } from '../../components/CenteredScreen';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { useSession } from '../../stores/session';
import { Console } from './Console';
import { FirstRun } from './FirstRun';
import { SignIn } from './SignIn';

export function DoctorApp() {
  const phase = useSession((s) => s.phase);
  const error = useSession((s) => s.error);
  const load = useSession((s) => s.load);

  useEffect(() => {
    void load();
  }, [load]);

  switch (phase) {
    case 'loading':
      return (
        <CenteredScreen>
          <Loading label="Opening the keychain…" />
        </CenteredScreen>
      );
    case 'error':
      return (
        <CenteredScreen>
          <h1>The keychain could not be opened</h1>
          <ErrorMessage error={error} />
          <button type="button" className="btn" onClick={() => void load()}>
            Try again
          </button>
        </CenteredScreen>
      );
    case 'first-run':
      return <FirstRun />;
    case 'sign-in':
    case 'locked':
      return <SignIn key={phase} />;
    case 'ready':
      return <Console />;
  }
}
