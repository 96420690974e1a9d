// The kiosk build shows only the patient flow: sign in with the card, read the record, sign out.
import { useKiosk } from '../../stores/kiosk';
import { KioskRecord } from './KioskRecord';
import { KioskSignIn } from './KioskSignIn';

export function KioskApp() {
  const session = useKiosk((s) => s.session);
  return session ? <KioskRecord /> : <KioskSignIn />;
}
