// The access card code as the patient types it (or as a hand-held scanner types the card's QR code, then Enter),
// checked live with the card format's own parser (length, characters, checksum), so a typo is caught before any slow
// key derivation.
import { useId, type KeyboardEvent, type Ref } from 'react';
import { CODE_SYMBOLS, LEGACY_CODE_SYMBOLS, decodeCardCode } from '../../../../src-shared/crypto/card-code';

export type CodeCheck = { state: 'empty' | 'incomplete' | 'valid' | 'invalid'; message: string; code?: string };

export function checkCardCode(typed: string): CodeCheck {
  const symbols = typed.replace(/[\s-]/g, '');
  // Cards printed since issue #12 carry their chart and are longer; older printed cards keep working.
  if (symbols.length === 0)
    return {
      state: 'empty',
      message: `The code on your card has ${CODE_SYMBOLS} characters (${LEGACY_CODE_SYMBOLS} on older cards).`,
    };
  try {
    const { code } = decodeCardCode(typed);
    return { state: 'valid', message: `Code recognised: ${code}`, code };
  } catch (err) {
    const problem = (err as { problem?: string }).problem;
    const message = err instanceof Error ? err.message : 'This code is not valid';
    if (problem === 'length' && symbols.length < CODE_SYMBOLS) {
      const older = symbols.length < LEGACY_CODE_SYMBOLS ? ` (older cards have ${LEGACY_CODE_SYMBOLS})` : '';
      return { state: 'incomplete', message: `${symbols.length} of ${CODE_SYMBOLS} characters entered${older}.` };
    }
    return { state: 'invalid', message };
  }
}

interface CardCodeFieldProps {
  value: string;
  onChange: (v: string) => void;
  showErrors: boolean;
  /**
   * Enter in this field (what a keyboard-wedge scanner sends after the code). It never submits the form: the PIN is
   * not on the card, so the next step is always the PIN field.
   */
  onEnter?: (check: CodeCheck) => void;
  ref?: Ref<HTMLInputElement>;
  autoFocus?: boolean;
}

export function CardCodeField({ value, onChange, showErrors, onEnter, ref, autoFocus }: CardCodeFieldProps) {
  const id = useId();
  const check = checkCardCode(value);
  const isError = check.state === 'invalid' || (showErrors && check.state !== 'valid');
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    onEnter?.(check);
  };
  return (
    <div className="field">
      <label htmlFor={id}>Access card code</label>
      <input
        id={id}
        ref={ref}
        className="mono card-code-input"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        // A scanner types as fast as a keyboard can, into whatever has focus: the code field has it from the start.
        autoFocus={autoFocus}
        placeholder="XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX"
        value={value}
        onChange={(e) => onChange(e.target.value.toUpperCase())}
        onKeyDown={onKeyDown}
        aria-invalid={isError ? true : undefined}
        aria-describedby={`${id}-check`}
      />
      <span
        id={`${id}-check`}
        className={isError ? 'field-error' : check.state === 'valid' ? 'hint code-ok' : 'hint'}
        aria-live="polite"
      >
        {check.message}
      </span>
    </div>
  );
}
