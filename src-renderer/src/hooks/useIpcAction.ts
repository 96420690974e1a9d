// One form's call to main: busy while it runs, the typed error or the answer after. The forms that send a password
// clear it themselves after `run`, whatever the answer, so it is sent once and not kept.
import { useState } from 'react';
import type { IpcResult } from '../../../src-shared/ipc';
import { call, type UiError } from '../errors';

export interface IpcAction<T> {
  busy: boolean;
  error: UiError | null;
  /** The last successful answer; cleared when a new call starts. */
  value: T | null;
  /** Runs the call; resolves to its answer, or null when it failed (the error is then in `error`). */
  run(request: () => Promise<IpcResult<T>>): Promise<T | null>;
  /** Shows an error found before calling (e.g. an empty field). */
  fail(error: UiError): void;
}

export function useIpcAction<T>(): IpcAction<T> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const [value, setValue] = useState<T | null>(null);

  async function run(request: () => Promise<IpcResult<T>>): Promise<T | null> {
    setError(null);
    setValue(null);
    setBusy(true);
    const answer = await call(request);
    setBusy(false);
    if (!answer.ok) {
      setError(answer.error);
      return null;
    }
    setValue(answer.value);
    return answer.value;
  }

  function fail(next: UiError) {
    setValue(null);
    setError(next);
  }

  return { busy, error, value, run, fail };
}
