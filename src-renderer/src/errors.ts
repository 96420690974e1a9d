// Errors as the UI shows them: the contract's typed error, plus field errors keyed by chart path.
import type { IpcError, IpcResult } from '../../src-shared/ipc';

export type UiError = Pick<IpcError, 'code' | 'message'> & { fields?: Record<string, string> | undefined };

/** Unwraps a call's result, turning a thrown exception (a bug, or a missing preload) into a typed error too. */
export async function call<T>(
  run: () => Promise<IpcResult<T>>,
): Promise<{ ok: true; value: T } | { ok: false; error: UiError }> {
  try {
    return await run();
  } catch (err) {
    return { ok: false, error: { code: 'TRANSPORT', message: err instanceof Error ? err.message : String(err) } };
  }
}

/** Field errors of a request, with the request's own prefix (e.g. `chart.`) removed so they key into the form. */
export function fieldsUnder(error: UiError | null, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!error?.fields) return out;
  for (const [path, message] of Object.entries(error.fields)) {
    if (path.startsWith(prefix)) out[path.slice(prefix.length)] = message;
  }
  return out;
}
