// The patient opens their chart with the access card code and their PIN. The code can be typed, typed by a hand-held
// scanner, or read from the card's QR code by the kiosk's camera where IT allows it. Nothing entered here is kept
// after sign-out.
import { QrCode } from 'lucide-react';
import { lazy, Suspense, useEffect, useRef, useState, type FormEvent } from 'react';
import { CenteredScreen } from '../../components/CenteredScreen';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PinField } from '../../components/PinField';
import type { UiError } from '../../errors';
import { useIdleCountdown } from '../../hooks/useIdleCountdown';
import { useKiosk } from '../../stores/kiosk';
import { useSettings } from '../../stores/settings';
import { CardCodeField, checkCardCode, type CodeCheck } from './CardCodeField';

// The scanner and its QR decoder load only when a patient asks for the camera: the workstation never parses them.
const CardScanner = lazy(async () => ({ default: (await import('./CardScanner')).CardScanner }));

const PIN_ERRORS: Partial<Record<UiError['code'], string>> = {
  WRONG_PIN: 'That PIN does not open this card. Check the PIN and try again, or ask at the desk.',
  INVALID_CARD: 'This card code is not valid. Check each character against your card.',
};

export function KioskSignIn({ idleSeconds, onIdle }: { idleSeconds: number; onIdle: () => void }) {
  const openCard = useKiosk((s) => s.openCard);
  // Offered only once the settings say so; main refuses the camera anyway when the setting is off.
  const cameraEnabled = useSettings((s) => s.view?.values.kioskCamera) === true;
  const [code, setCode] = useState('');
  const [pin, setPin] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const [scanning, setScanning] = useState(false);
  const focusAfterScan = useRef<'code' | 'pin' | null>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  const pinRef = useRef<HTMLInputElement>(null);

  // Nothing entered here survives the next person: the parent remounts this form (wiping it, and closing the camera)
  // when idle.
  useIdleCountdown(idleSeconds, () => {
    if (scanning || code !== '' || pin !== '' || error) onIdle();
  });

  // The form is hidden while the camera is on: focus can move into it only once it shows again.
  useEffect(() => {
    if (scanning || !focusAfterScan.current) return;
    (focusAfterScan.current === 'pin' ? pinRef : codeRef).current?.focus();
    focusAfterScan.current = null;
  }, [scanning]);

  const codeCheck = checkCardCode(code);
  const codeOk = codeCheck.state === 'valid';
  const pinError = /^\d{6,12}$/.test(pin) ? undefined : 'Your PIN has 6 to 12 digits';

  function codeEntered(check: CodeCheck) {
    if (check.state !== 'valid' || !check.code) return setSubmitted(true);
    setCode(check.code);
    pinRef.current?.focus();
  }

  function scanned(scannedCode: string) {
    setCode(scannedCode);
    setError(null);
    focusAfterScan.current = 'pin';
    setScanning(false);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    setError(null);
    if (!codeOk) {
      return setError({
        code: 'INVALID_CARD',
        message: codeCheck.state === 'empty' ? 'Enter the code printed on your card.' : codeCheck.message,
      });
    }
    if (pinError) return;
    setBusy(true);
    const result = await openCard(code, pin);
    setBusy(false);
    if (!result.ok) {
      setPin('');
      setError({ ...result.error, message: PIN_ERRORS[result.error.code] ?? result.error.message });
    }
  }

  return (
    <CenteredScreen className="kiosk">
      <h1>See your medical record</h1>
      {scanning && (
        <Suspense
          fallback={
            <p className="muted" role="status">
              Starting the camera…
            </p>
          }
        >
          <CardScanner
            onCode={scanned}
            onCancel={() => {
              focusAfterScan.current = 'code';
              setScanning(false);
            }}
          />
        </Suspense>
      )}
      <div hidden={scanning}>
        <p>
          {cameraEnabled
            ? 'Type the code printed on your access card or scan its QR code, then enter your PIN.'
            : 'Type the code printed on your access card, then your PIN.'}
        </p>
        <form onSubmit={submit} noValidate aria-label="Open your record">
          {/* Before the code field, not between it and the PIN: a scanner that ends with Tab must land in the PIN. */}
          {cameraEnabled && (
            <button type="button" className="btn btn-large scan-card-button" onClick={() => setScanning(true)}>
              <QrCode aria-hidden="true" size={20} /> Scan my card
            </button>
          )}
          <CardCodeField
            ref={codeRef}
            value={code}
            onChange={setCode}
            showErrors={submitted}
            onEnter={codeEntered}
            autoFocus
          />
          <PinField ref={pinRef} label="PIN" value={pin} onChange={setPin} error={submitted ? pinError : undefined} />
          <ErrorMessage error={error} />
          <button type="submit" className="btn btn-primary btn-large" disabled={busy}>
            {busy ? 'Opening your record…' : 'Open my record'}
          </button>
          {busy && <p className="muted">This takes a few seconds: your card is protected against guessing.</p>}
        </form>
      </div>
    </CenteredScreen>
  );
}
