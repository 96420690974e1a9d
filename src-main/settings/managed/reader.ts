// One small interface for every platform's source of IT-managed settings.
import type { PartialSettings } from '../settings';

export type ManagedReadResult =
  /** No policy is configured on this machine: nothing is managed. */
  | { status: 'absent'; source: string }
  | { status: 'ok'; source: string; values: PartialSettings }
  /** A policy exists but cannot be trusted or understood; the caller keeps the last good values. */
  | { status: 'rejected'; source: string; reason: string };

export interface ManagedSettingsReader {
  /** Human-readable description of where policies are read from (shown to IT in diagnostics). */
  readonly description: string;
  read(): Promise<ManagedReadResult>;
}
