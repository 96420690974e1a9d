// The root: asks main which build this is, then shows the doctor's console (workstation) or the patient flow (kiosk).
// Main's lock event drops every piece of decrypted data the renderer holds.
import { useEffect } from 'react';
import { CenteredScreen } from './components/CenteredScreen';
import { ErrorMessage } from './components/ErrorMessage';
import { Loading } from './components/Loading';
import { api } from './api';
import { useKiosk } from './stores/kiosk';
import { useSession } from './stores/session';
import { useStatus } from './stores/status';
import { DoctorApp } from './screens/doctor/DoctorApp';
import { KioskApp } from './screens/kiosk/KioskApp';

export function App() {
  const app = useStatus((s) => s.app);
  const error = useStatus((s) => s.error);

  useEffect(() => {
    void useStatus.getState().load();
    const offStatus = useStatus.getState().subscribe();
    const offLock = api().on.lock(({ reason }) => {
      useKiosk.getState().clear();
      useSession.getState().lockedByMain(reason);
    });
    return () => {
      offStatus();
      offLock();
    };
  }, []);

  if (error && !app) {
    return (
      <CenteredScreen>
        <h1>HealthChain could not start</h1>
        <ErrorMessage error={error} />
        <button type="button" className="btn" onClick={() => void useStatus.getState().load()}>
          Try again
        </button>
      </CenteredScreen>
    );
  }
  if (!app) {
    return (
      <CenteredScreen>
        <Loading label="Starting HealthChain…" />
      </CenteredScreen>
    );
  }
  return app.variant === 'kiosk' ? <KioskApp /> : <DoctorApp />;
}
