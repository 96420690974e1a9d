// Backing up and restoring this computer's officer keys (the CLI's `hospital officer backup` / `officer restore`,
// same file format, so either side restores the other's). Main opens and seals the key; only the officer password
// goes to main and only sealed text comes back from the file the user picked (as a doctor's backup import does).
import { useState, type FormEvent, type ReactNode } from 'react';
import type { OfficerSummaryView } from '../../../../src-shared/ipc';
import { api } from '../../api';
import { Banner } from '../../components/Banner';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { type UiError } from '../../errors';
import { useIpcAction } from '../../hooks/useIpcAction';

/** One officer key's backup: the officer password, then main's save dialog. */
export function BackUpOfficerForm({ officer, onClose }: { officer: OfficerSummaryView; onClose: () => void }) {
  const [password, setPassword] = useState('');
  const { busy, error, value: saved, run, fail } = useIpcAction<{ savedTo: string | null }>();
  const savedTo = saved?.savedTo;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!password) return fail({ code: 'INVALID_REQUEST', message: "Enter the officer's password" });
    await run(() => api().hospital.officerBackup({ officer: officer.signKey, password }));
    // The password is sent once and not kept in the form.
    setPassword('');
  }

  return (
    <form onSubmit={submit} noValidate aria-label={`Back up the officer key of ${officer.name}`}>
      <h3>Back up the officer key of {officer.name}</h3>
      <p className="muted">
        The backup is sealed by this officer&apos;s password. Keep it offline: with its password it is the
        officer&apos;s key. It restores here or with <span className="mono">hospital officer restore</span>.
      </p>
      <PasswordAndSubmit
        label="Officer password"
        password={password}
        onPassword={setPassword}
        error={error}
        busy={busy}
        submit={busy ? 'Sealing…' : 'Save the backup…'}
      >
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </PasswordAndSubmit>
      {savedTo && (
        <Banner tone="info" title="Officer backup saved">
          <p>
            Saved to <span className="mono">{savedTo}</span>. Move it to offline storage.
          </p>
        </Banner>
      )}
      {savedTo === null && <p role="status">Not saved: the save dialog was cancelled.</p>}
    </form>
  );
}

/** Restores an officer backup file into this computer's keychain, under the password it was sealed with. */
export function RestoreOfficerForm({ onRestored }: { onRestored: (officer: OfficerSummaryView) => void }) {
  const [backup, setBackup] = useState<{ name: string; text: string } | null>(null);
  const [password, setPassword] = useState('');
  const { busy, error, value: restored, run, fail } = useIpcAction<OfficerSummaryView>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!backup) return fail({ code: 'INVALID_REQUEST', message: 'Choose an officer backup file' });
    if (!password) return fail({ code: 'INVALID_REQUEST', message: "Enter the officer's password" });
    const done = await run(() => api().hospital.officerRestore({ backup: backup.text, password }));
    setPassword('');
    if (done) onRestored(done);
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Restore an officer key from a backup">
      <h3>Restore an officer key from a backup</h3>
      <div className="field">
        <label htmlFor="officer-backup-file">Officer backup file</label>
        <input
          id="officer-backup-file"
          type="file"
          accept=".json,application/json"
          onChange={async (event) => {
            const file = event.target.files?.[0];
            setBackup(file ? { name: file.name, text: await file.text() } : null);
          }}
        />
      </div>
      <PasswordAndSubmit
        label="Officer password of the backup"
        password={password}
        onPassword={setPassword}
        error={error}
        busy={busy}
        submit={busy ? 'Restoring…' : 'Restore officer key'}
      />
      {restored && (
        <Banner tone="info" title={`Officer key of ${restored.name} restored`}>
          <p>
            Signing key <span className="mono">{restored.signKey}</span> is in this computer&apos;s keychain again,
            under the same officer password.
          </p>
        </Banner>
      )}
    </form>
  );
}

/** The officer password, the refusal if any, and the submit button (with the form's other buttons after it). */
function PasswordAndSubmit(props: {
  label: string;
  password: string;
  onPassword: (value: string) => void;
  error: UiError | null;
  busy: boolean;
  submit: string;
  children?: ReactNode;
}) {
  return (
    <>
      <TextField
        label={props.label}
        type="password"
        autoComplete="current-password"
        value={props.password}
        onChange={props.onPassword}
      />
      <ErrorMessage error={props.error} />
      <div className="btn-row">
        <button type="submit" className="btn" disabled={props.busy}>
          {props.submit}
        </button>
        {props.children}
      </div>
    </>
  );
}
