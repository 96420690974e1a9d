// The pieces IT's custody forms share: the signing officers of this computer (each with their own password; the
// authority's threshold of them rebuild the recovery key and sign the move), a practitioner picker over the
// credential registry, and the answer of an act listing what moved where and what did not.
import { useId } from 'react';
import type { AuthorityView, CredentialEntry, CustodyAct } from '../../../../src-shared/ipc';
import { Banner } from '../../components/Banner';
import type { UiError } from '../../errors';

/** Passwords typed per officer key of this computer; an empty one means that officer does not sign. */
export type SignerPasswords = Record<string, string>;

/** The `officers` of a custody request: each officer whose password was typed (named unless they are the only one). */
export function signersOf(authority: AuthorityView, passwords: SignerPasswords) {
  const here = authority.officers.filter((o) => o.onThisMachine);
  const typed = here.filter((o) => (passwords[o.signKey] ?? '') !== '');
  if (here.length === 1) return typed.map((o) => ({ password: passwords[o.signKey]! }));
  return typed.map((o) => ({ officer: o.signKey, password: passwords[o.signKey]! }));
}

/** A request's field error, including those of its elements (`officers.0.password` shows under `officers`). */
export function fieldError(error: UiError | null, field: string): string | undefined {
  const fields = error?.fields;
  if (!fields) return undefined;
  return fields[field] ?? Object.entries(fields).find(([path]) => path.startsWith(`${field}.`))?.[1];
}

export function OfficerSigners({
  authority,
  passwords,
  onChange,
  error,
}: {
  authority: AuthorityView;
  passwords: SignerPasswords;
  onChange: (next: SignerPasswords) => void;
  error: string | undefined;
}) {
  const id = useId();
  const here = authority.officers.filter((o) => o.onThisMachine);
  const m = authority.threshold;
  return (
    <fieldset className="field field-wide" aria-describedby={`${id}-hint`}>
      <legend>Signing officers</legend>
      <span id={`${id}-hint`} className="hint">
        {m === 1
          ? 'The officer password unlocks the officer key for this act only.'
          : `${m} of the ${authority.officers.length} officers must sign: their recovery shares rebuild the hospital's recovery key on this computer, in memory only. Enter the password of each officer who signs.`}
        {here.length < m &&
          ` This computer holds ${here.length} of their keys: the act cannot be done here (the command line takes shares from officers' own machines).`}
      </span>
      {here.map((o) => (
        <div className="field" key={o.signKey}>
          <label htmlFor={`${id}-${o.signKey}`}>
            {here.length === 1 ? 'Officer password' : `Password of ${o.name}`}
          </label>
          <input
            id={`${id}-${o.signKey}`}
            type="password"
            autoComplete="current-password"
            value={passwords[o.signKey] ?? ''}
            onChange={(e) => onChange({ ...passwords, [o.signKey]: e.target.value })}
          />
        </div>
      ))}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </fieldset>
  );
}

export function PractitionerSelect({
  label,
  credentials,
  value,
  onChange,
  error,
  hint,
}: {
  label: string;
  credentials: readonly CredentialEntry[];
  value: string;
  onChange: (signKey: string) => void;
  error: string | undefined;
  hint?: string;
}) {
  const id = useId();
  return (
    <div className="field field-wide">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={hint ? `${id}-hint` : undefined}
      >
        <option value="">Choose…</option>
        {credentials.map((c) => (
          <option key={c.credentialId} value={c.signKey}>
            {c.name} — {c.licence}
            {c.specialty ? `, ${c.specialty}` : ''}
            {c.status === 'valid' ? '' : ` (${c.status})`}
          </option>
        ))}
      </select>
      {hint && (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      )}
      {error && <span className="field-error">{error}</span>}
    </div>
  );
}

const short = (id: string) => `${id.slice(0, 12)}…`;

export function CustodyResultView({ act }: { act: CustodyAct }) {
  return (
    <div role="group" aria-label="What the quorum did">
      <Banner
        tone={act.notMoved.length ? 'warn' : 'info'}
        title={`Done: ${act.moved.length} chart${act.moved.length === 1 ? '' : 's'} moved${act.to ? ` to ${act.to.name}` : ''}`}
      >
        <ul>
          {act.issued && (
            <li>
              New credential issued: <span className="mono">{act.issued}</span>
            </li>
          )}
          {act.revoked && (
            <li>
              Credential revoked: <span className="mono">{act.revoked}</span>
            </li>
          )}
        </ul>
      </Banner>
      {act.moved.length > 0 && (
        <ul aria-label="Charts moved">
          {act.moved.map((m) => (
            <li key={m.chartId}>
              Chart <span className="mono">{short(m.chartId)}</span> → {act.to?.name ?? 'new custodian'} (transaction{' '}
              <span className="mono">{short(m.txId)}</span>)
            </li>
          ))}
        </ul>
      )}
      {act.notMoved.length > 0 && (
        <>
          <h3>Not moved</h3>
          <ul aria-label="Charts not moved">
            {act.notMoved.map((m) => (
              <li key={m.chartId}>
                Chart <span className="mono">{short(m.chartId)}</span>: {m.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
