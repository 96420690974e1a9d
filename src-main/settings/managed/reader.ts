// IT-managed settings come from one source per platform. A source only reads what the platform's policy store holds
// (raw values, per scope) and says when it may have changed; checking, merging and rejecting happen in one place,
// policy-reader.ts, the same for every platform.
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
  /** Calls `onChange` when the policy may have changed; returns a function that stops watching. */
  watch?(onChange: () => void): () => void;
}

/** One scope of a platform's policy store (e.g. machine or user) as read, before any checking. */
export type RawScope =
  | { location: string; status: 'absent' }
  /** There is a policy, but it cannot be trusted or read (wrong owner, not a property list, reg.exe failed, …). */
  | { location: string; status: 'unreadable'; reason: string }
  /**
   * `values`: the policy as JSON-like values, keyed as stored. `problems`: values the platform could not even turn
   * into that form (e.g. a registry value of the wrong type); they make the whole policy rejected.
   */
  | { location: string; status: 'present'; values: unknown; problems?: string[] };

export interface ManagedSettingsSource {
  readonly description: string;
  /** Every scope, lowest precedence first (user, then machine): a later scope's values win. Never throws. */
  read(): Promise<RawScope[]>;
  /** Calls `onChange` when the store may have changed; returns a function that stops watching. */
  watch(onChange: () => void): () => void;
}
