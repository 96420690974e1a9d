// The kiosk build shows only the patient flow: sign in with the card, read the record, sign out. A half-typed code
// or PIN left by someone who walked away is wiped after the same idle time as a session. Settings are read again
// each time the sign-in screen comes back, so a policy IT changed (idle time, camera) reaches the next patient.
import { useEffect, useState } from 'react';
import { useKiosk } from '../../stores/kiosk';
import { useSettings } from '../../stores/settings';
import { KioskRecord } from './KioskRecord';
import { KioskSignIn } from './KioskSignIn';

/** Used until settings arrive (and if they cannot be read). */
export const DEFAULT_KIOSK_IDLE_SECONDS = 90;

export function KioskApp() {
  const session = useKiosk((s) => s.session);
  const idleSeconds = useSettings((s) => s.view?.values.kioskIdleSeconds) ?? DEFAULT_KIOSK_IDLE_SECONDS;
  const [form, setForm] = useState(0);
  const signedIn = session !== null;

  useEffect(() => {
    if (!signedIn) void useSettings.getState().load();
  }, [signedIn, form]);

  if (session) return <KioskRecord />;
  return <KioskSignIn key={form} idleSeconds={idleSeconds} onIdle={() => setForm((n) => n + 1)} />;
}
