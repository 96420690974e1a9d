// Every failure that crosses IPC is one of these codes, so the renderer can react to the code and show the message.
import { z } from 'zod';

export const IPC_ERROR_CODES = [
  // The request itself
  'INVALID_REQUEST', // payload failed the channel's schema; `fields` says which field and why
  'UNKNOWN_CHANNEL', // not registered in this build (e.g. a write channel in the kiosk)
  'FORBIDDEN_SENDER', // not our window / frame / origin (or, in the test bridge, a bad token)
  // Identity and session
  'LOCKED', // no identity unlocked (doctor) or no card open (patient)
  'WRONG_PASSWORD',
  'IDENTITY_NOT_FOUND',
  'IDENTITY_EXISTS',
  'CONFIRMATION_MISMATCH', // delete confirmation did not match
  'KEYCHAIN_UNAVAILABLE', // no Secret Service / keychain; message says what to install or start
  'KEYCHAIN_LOCKED',
  'CORRUPTED_ENTRY', // a keychain entry or backup file that cannot be read
  'INVALID_CARD', // access card code malformed or checksum wrong (caught before any crypto)
  'WRONG_PIN',
  'TOO_MANY_ATTEMPTS', // a card was tried too often; message says when to retry
  // Charts and ledger
  'CHART_NOT_FOUND',
  'NOT_PERMITTED', // e.g. only the custodian may write a new version
  'CONFLICT', // the chart changed since it was read (stale seq); reload and retry
  'TAMPERED', // something read from a node failed verification; message holds the exact reason
  'NODE_UNREACHABLE',
  'NODE_REJECTED', // the node refused a transaction; message holds the node's reason
  'NODE_ERROR', // a node answered something outside the protocol (bad JSON, 5xx)
  'PRACTITIONER_NOT_FOUND',
  // Settings and shell
  'SETTING_LOCKED', // fixed by hospital IT (managed settings)
  'URL_NOT_ALLOWED', // openExternal / node URL refused
  'CANCELLED', // the user closed a file dialog
  // Our own fault; never caused by input
  'INVALID_RESPONSE', // a handler produced a response that does not match the contract
  'TRANSPORT', // the call never reached main (bridge down, channel closed)
  'INTERNAL',
] as const;

export type IpcErrorCode = (typeof IPC_ERROR_CODES)[number];

export const ipcErrorSchema = z.object({
  code: z.enum(IPC_ERROR_CODES),
  message: z.string(),
  /** Field path (dot-separated, e.g. `medications.0.dose`) → what is wrong with it. */
  fields: z.record(z.string(), z.string()).optional(),
});

export type IpcError = z.infer<typeof ipcErrorSchema>;

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** Thrown by services (main) to answer a specific typed error; the handler registry maps it one-to-one. */
export class IpcFailure extends Error {
  readonly code: IpcErrorCode;
  readonly fields: Record<string, string> | undefined;
  constructor(code: IpcErrorCode, message: string, fields?: Record<string, string>) {
    super(message);
    this.name = 'IpcFailure';
    this.code = code;
    this.fields = fields;
  }
}

/** Turns zod issues into `{ 'a.b.0': 'message' }`, the shape forms use for inline errors. */
export function fieldErrors(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map((p) => String(p)).join('.') || '(root)';
    if (!(key in out)) out[key] = issue.message;
  }
  return out;
}
