// The two fields every quorum act's form asks for: which of this machine's officer keys signs, and its password
// (sent once for that act; main unlocks the key for the act only).
import type { AuthorityView } from '../../../../src-shared/ipc';
import { TextField } from '../../components/TextField';

export /** The officer key that signs: asked only when this machine holds several of the authority's. */
function OfficerField({
  authority,
  value,
  onChange,
}: {
  authority: AuthorityView;
  value: string;
  onChange: (signKey: string) => void;
}) {
  const here = authority.officers.filter((o) => o.onThisMachine);
  if (here.length < 2) return null;
  return (
    <div className="field">
      <label htmlFor="signing-officer">Signing officer</label>
      <select id="signing-officer" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Choose…</option>
        {here.map((o) => (
          <option key={o.signKey} value={o.signKey}>
            {o.name}
          </option>
        ))}
      </select>
    </div>
  );
}

export function OfficerPasswordField({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (password: string) => void;
  error?: string | undefined;
}) {
  return (
    <TextField
      label="Officer password"
      type="password"
      autoComplete="current-password"
      value={value}
      onChange={onChange}
      error={error}
    />
  );
}
