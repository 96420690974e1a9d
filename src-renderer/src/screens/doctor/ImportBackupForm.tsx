// Restoring a doctor identity from an encrypted backup file (read here, decrypted in main).
import { useState, type FormEvent } from 'react';
import type { IdentitySummary } from '../../../../src-shared/ipc';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import type { UiError } from '../../errors';
import { useSession } from '../../stores/session';

export function ImportBackupForm({ onImported }: { onImported: (identity: IdentitySummary) => void }) {
  const importBackup = useSession((s) => s.importBackup);
  const unlock = useSession((s) => s.unlock);
  const [backup, setBackup] = useState<{ name: string; text: string } | null>(null);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (!backup) return setError({ code: 'INVALID_REQUEST', message: 'Choose a backup file' });
    if (!password) return setError({ code: 'INVALID_REQUEST', message: 'Enter the password of the backup' });
    setBusy(true);
    const imported = await importBackup(backup.text, password);
    if (!imported.ok) {
      setBusy(false);
      return setError(imported.error);
    }
    // The backup's password is the identity's password: unlock straight away.
    const unlocked = await unlock(imported.identity.id, password);
    setBusy(false);
    if (unlocked.ok) onImported(imported.identity);
    else setError(unlocked.error);
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Import a backup">
      <div className="field">
        <label htmlFor="backup-file">Backup file</label>
        <input
          id="backup-file"
          type="file"
          accept=".hcbackup,.json,application/json"
          onChange={async (event) => {
            const file = event.target.files?.[0];
            setBackup(file ? { name: file.name, text: await file.text() } : null);
          }}
        />
      </div>
      <TextField
        label="Backup password"
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="current-password"
      />
      <ErrorMessage error={error} />
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {busy ? 'Importing…' : 'Import backup'}
      </button>
    </form>
  );
}
