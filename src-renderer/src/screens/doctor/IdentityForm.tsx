// Creating a doctor identity: name, specialty, licence number, and a password typed twice.
import { useState, type FormEvent } from 'react';
import type { IdentitySummary } from '../../../../src-shared/ipc';
import { passwordProblem } from '../../../../src-shared/crypto/password-policy';
import { TextField } from '../../components/TextField';
import { ErrorMessage } from '../../components/ErrorMessage';
import type { UiError } from '../../errors';
import { useSession } from '../../stores/session';

type Fields = 'name' | 'specialty' | 'licenceNumber' | 'password' | 'confirm';

function validate(values: Record<Fields, string>): Partial<Record<Fields, string>> {
  const errors: Partial<Record<Fields, string>> = {};
  if (!values.name.trim()) errors.name = 'Name is required';
  if (!values.specialty.trim()) errors.specialty = 'Specialty is required';
  if (!values.licenceNumber.trim()) errors.licenceNumber = 'Licence number is required';
  // The vault's own rule, so what is accepted here is what the vault accepts.
  const problem = passwordProblem(values.password, {
    personalWords: [values.name, ...values.name.split(/\s+/), values.licenceNumber],
  });
  if (problem) errors.password = problem;
  if (values.confirm !== values.password) errors.confirm = 'The passwords do not match';
  return errors;
}

export function IdentityForm({ onCreated }: { onCreated: (identity: IdentitySummary) => void }) {
  const create = useSession((s) => s.create);
  const [values, setValues] = useState<Record<Fields, string>>({
    name: '',
    specialty: '',
    licenceNumber: '',
    password: '',
    confirm: '',
  });
  const [touched, setTouched] = useState<Partial<Record<Fields, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);

  const errors = { ...validate(values), ...(error?.fields as Partial<Record<Fields, string>> | undefined) };
  const show = (field: Fields) => (submitted || touched[field] ? errors[field] : undefined);
  const bind = (field: Fields) => ({
    value: values[field],
    onChange: (value: string) => setValues((v) => ({ ...v, [field]: value })),
    onBlur: () => setTouched((t) => ({ ...t, [field]: true })),
    error: show(field),
  });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    setError(null);
    if (Object.keys(validate(values)).length > 0) return;
    setBusy(true);
    const { confirm: _confirm, ...request } = values;
    const result = await create(request);
    setBusy(false);
    if (result.ok) onCreated(result.identity);
    else setError(result.error);
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Create your identity">
      <TextField label="Full name" autoComplete="name" {...bind('name')} />
      <TextField label="Specialty" {...bind('specialty')} />
      <TextField label="Licence number" {...bind('licenceNumber')} />
      <TextField
        label="Password"
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters; a short sentence works well."
        {...bind('password')}
      />
      <TextField label="Confirm password" type="password" autoComplete="new-password" {...bind('confirm')} />
      <ErrorMessage error={error} />
      <div className="btn-row">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create identity'}
        </button>
      </div>
    </form>
  );
}
