// The patient opens their chart with the access card code and their PIN. Nothing typed here is kept after sign-out.
import { useState, type FormEvent } from 'react';
import { CenteredScreen } from '../../components/CenteredScreen';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PinField } from '../../components/PinField';
import type { UiError } from '../../errors';
import { useIdleCountdown } from '../../hooks/useIdleCountdown';
import { useKiosk } from '../../stores/kiosk';
import { CardCodeField, checkCardCode } from './CardCodeField';

const PIN_ERRORS: Partial<Record<UiError['code'], string>> = {
  WRONG_PIN: 'That PIN does not open this card. Check the PIN and try again, or ask at the desk.',
  INVALID_CARD: 'This card code is not valid. Check each character against your card.',
};

export function KioskSignIn({ idleSeconds, onIdle }: { idleSeconds: number; onIdle: () => void }) {
  const openCard = useKiosk((s) => s.openCard);
  const [code, setCode] = useState('');
  const [pin, setPin] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);

  // Nothing typed here survives the next person: the parent remounts this form (wiping it) when idle.
  useIdleCountdown(idleSeconds, () => {
    if (code !== '' || pin !== '' || error) onIdle();
  });

  const codeCheck = checkCardCode(code);
  const codeOk = codeCheck.state === 'valid';
  const pinError = /^\d{6,12}$/.test(pin) ? undefined : 'Your PIN has 6 to 12 digits';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    setError(null);
    if (!codeOk) {
      return setError({ code: 'INVALID_CARD', message: codeCheck.state === 'empty' ? 'Enter the code printed on your card.' : codeCheck.message });
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
        <p>Type the code printed on your access card, then your PIN.</p>
        <form onSubmit={submit} noValidate aria-label="Open your record">
          <CardCodeField value={code} onChange={setCode} showErrors={submitted} />
          <PinField
            label="PIN"
            value={pin}
            onChange={setPin}
            error={submitted ? pinError : undefined}
          />
          <ErrorMessage error={error} />
          <button type="submit" className="btn btn-primary btn-large" disabled={busy}>
            {busy ? 'Opening your record…' : 'Open my record'}
          </button>
          {busy && <p className="muted">This takes a few seconds: your card is protected against guessing.</p>}
        </form>
    </CenteredScreen>
  );
}
