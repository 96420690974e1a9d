// Settings: node URLs and auto-lock time, each shown locked when hospital IT fixed it; the envelope of new charts, the
// list checkpoint and the upgrade of older charts to the private format; backup export.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { settingsPatchSchema, type SettingsPatch, type SettingsView } from '../../../../src-shared/ipc';
import { api } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { LockedNotice } from '../../components/LockedNotice';
import { TextField } from '../../components/TextField';
import { call, type UiError } from '../../errors';
import { useSession } from '../../stores/session';
import { useSettings } from '../../stores/settings';
import { useStatus } from '../../stores/status';
import { LedgerEnvelopeSetting } from './LedgerEnvelopeSetting';
import { ListCheckpointsSetting } from './ListCheckpointsSetting';
import { NetworkCheckPanel } from './NetworkCheckPanel';
import { PrivateFormatCard } from './PrivateFormatCard';

export function SettingsScreen() {
  const { view, error, load } = useSettings();
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <section aria-labelledby="settings-title" className="settings-page">
      <div className="page-header">
        <div>
          <h1 id="settings-title">Settings</h1>
          <p className="muted">Values marked “Set by your IT department” are fixed for this workstation.</p>
        </div>
      </div>
      <ErrorMessage error={error} />
      {view ? <SettingsForm view={view} /> : !error && <Loading label="Loading settings…" />}
      {view && <LedgerEnvelopeSetting view={view} />}
      {view && <ListCheckpointsSetting view={view} />}
      <PrivateFormatCard />
      <NetworkCheckPanel />
      <BackupExport />
    </section>
  );
}

function SettingsForm({ view }: { view: SettingsView }) {
  const { save, saving } = useSettings();
  const values = view.values;
  const isLocked = (key: keyof SettingsPatch) => view.locked.includes(key);
  const [urls, setUrls] = useState(values.nodeUrls.join('\n'));
  const [autoLock, setAutoLock] = useState(String(values.autoLockMinutes));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [result, setResult] = useState<UiError | 'saved' | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setResult(null);
    const patch: SettingsPatch = {};
    if (!isLocked('nodeUrls'))
      patch.nodeUrls = urls
        .split(/\s+/)
        .map((u) => u.trim())
        .filter(Boolean);
    if (!isLocked('autoLockMinutes')) patch.autoLockMinutes = autoLock.trim() === '' ? Number.NaN : Number(autoLock);
    const parsed = settingsPatchSchema.safeParse(patch);
    if (!parsed.success) {
      const out: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0]);
        const label = key === 'nodeUrls' ? 'Node URL' : 'Auto-lock';
        out[key] ??=
          `${label} ${issue.message.startsWith('must') ? issue.message : 'must be a whole number of minutes'}`;
      }
      setErrors(out);
      return;
    }
    setErrors({});
    const failure = await save(parsed.data);
    setResult(failure ?? 'saved');
    if (!failure) void useStatus.getState().load();
  }

  return (
    <form className="card" onSubmit={submit} noValidate aria-label="Settings">
      <h2>Ledger and session</h2>
      <LockableField locked={isLocked('nodeUrls')} id="node-urls-locked">
        {(describedBy) => (
          <div className="field">
            <label htmlFor="settings-node-urls">Node URLs (one per line; empty = embedded node)</label>
            <textarea
              id="settings-node-urls"
              className="mono"
              value={urls}
              disabled={isLocked('nodeUrls')}
              aria-describedby={describedBy}
              aria-invalid={errors.nodeUrls ? true : undefined}
              onChange={(e) => setUrls(e.target.value)}
            />
            {errors.nodeUrls && <span className="field-error">{errors.nodeUrls}</span>}
          </div>
        )}
      </LockableField>
      <LockableField locked={isLocked('autoLockMinutes')} id="auto-lock-locked">
        {(describedBy) => (
          <TextField
            label="Auto-lock after (minutes)"
            type="number"
            min={1}
            max={240}
            value={autoLock}
            onChange={setAutoLock}
            disabled={isLocked('autoLockMinutes')}
            aria-describedby={describedBy}
            error={errors.autoLockMinutes}
          />
        )}
      </LockableField>
      {result === 'saved' && (
        <p role="status" className="badge badge-ok">
          Settings saved
        </p>
      )}
      {result && result !== 'saved' && <ErrorMessage error={result} />}
      <button
        type="submit"
        className="btn btn-primary"
        disabled={saving || (isLocked('nodeUrls') && isLocked('autoLockMinutes'))}
      >
        Save settings
      </button>
    </form>
  );
}

/** Wraps a control: when IT locked the value, the lock notice is shown and named as the control's description. */
function LockableField({
  locked,
  id,
  children,
}: {
  locked: boolean;
  id: string;
  children: (describedBy: string | undefined) => ReactNode;
}) {
  return (
    <div className={locked ? 'lockable locked' : 'lockable'}>
      {children(locked ? id : undefined)}
      {locked && <LockedNotice id={id} />}
    </div>
  );
}

function BackupExport() {
  const identity = useSession((s) => s.identity);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<UiError | string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!identity) return;
    setResult(null);
    if (!password) return setResult({ code: 'INVALID_REQUEST', message: 'Enter your password to export the backup' });
    setBusy(true);
    const r = await call(() => api().vault.exportBackup({ id: identity.id, password }));
    setBusy(false);
    setPassword('');
    if (!r.ok) setResult(r.error);
    else setResult(r.value.savedTo ? `Backup saved to ${r.value.savedTo}` : 'Export cancelled');
  }

  return (
    <form className="card" onSubmit={submit} noValidate aria-label="Backup">
      <h2>Backup of your identity</h2>
      <p className="muted">
        An encrypted copy of your identity, protected by your password. Keep it somewhere safe: it restores your
        identity on another workstation.
      </p>
      <TextField
        label="Your password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={setPassword}
      />
      {typeof result === 'string' ? <p role="status">{result}</p> : <ErrorMessage error={result} />}
      <button type="submit" className="btn" disabled={busy}>
        {busy ? 'Exporting…' : 'Export backup'}
      </button>
    </form>
  );
}
