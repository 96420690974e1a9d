// The one way a failed call is shown: the contract's error message, announced to screen readers.
import type { UiError } from '../errors';

export function ErrorMessage({ error }: { error: UiError | null | undefined }) {
  if (!error) return null;
  return (
    <p className="field-error" role="alert">
      {error.message}
    </p>
  );
}
