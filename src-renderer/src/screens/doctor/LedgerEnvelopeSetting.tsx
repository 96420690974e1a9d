// The envelope new charts are written in (the `ledgerEnvelope` setting, docs/UNLINKABLE.md): its own small form, so
// switching it is a deliberate act apart from the node and auto-lock settings. Shown locked when IT fixed it.
import type { SettingsView } from '../../../../src-shared/ipc';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LockedNotice } from '../../components/LockedNotice';
import { useSettingForm } from '../../hooks/useSettingForm';

const CHOICES = [
  { value: 'v1', label: 'v1 — readers, author and action visible on the ledger' },
  { value: 'v3', label: 'v3 — unlinkable: nothing on the ledger says who or what' },
] as const;

export function LedgerEnvelopeSetting({ view }: { view: SettingsView }) {
  const {
    value: choice,
    setValue,
    result,
    submit,
    saving,
    locked,
    unchanged,
  } = useSettingForm(view, 'ledgerEnvelope', 'Envelope');

  return (
    <form className="card" onSubmit={submit} noValidate aria-label="Ledger envelope">
      <h2>Ledger privacy</h2>
      <p className="muted">
        The envelope of charts you create from now on. A chart keeps the envelope it was created in.
      </p>
      <div className={locked ? 'lockable locked' : 'lockable'}>
        <div className="field">
          <label htmlFor="settings-ledger-envelope">Envelope for new charts</label>
          <select
            id="settings-ledger-envelope"
            value={choice}
            disabled={locked}
            aria-describedby={locked ? 'ledger-envelope-locked' : undefined}
            // The schema checks what is chosen when it is saved, as for any value.
            onChange={(e) => setValue(e.target.value as typeof choice)}
          >
            {CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        {locked && <LockedNotice id="ledger-envelope-locked" />}
      </div>
      {result === 'saved' && (
        <p role="status" className="badge badge-ok">
          Envelope saved
        </p>
      )}
      {result && result !== 'saved' && <ErrorMessage error={result} />}
      <button type="submit" className="btn" disabled={saving || locked || unchanged}>
        Save envelope
      </button>
    </form>
  );
}
