// Whether the doctor's list checkpoint is kept on the ledger (the `listCheckpoints` setting, docs/UNLINKABLE.md §14):
// its own small form beside the envelope, as both decide what this workstation writes to the shared ledger. Shown
// locked when IT fixed it.
import type { SettingsView } from '../../../../src-shared/ipc';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LockedNotice } from '../../components/LockedNotice';
import { useSettingForm } from '../../hooks/useSettingForm';

export function ListCheckpointsSetting({ view }: { view: SettingsView }) {
  const {
    value: on,
    setValue,
    result,
    submit,
    saving,
    locked,
    unchanged,
  } = useSettingForm(view, 'listCheckpoints', 'List checkpoint');

  return (
    <form className="card" onSubmit={submit} noValidate aria-label="List checkpoint">
      <h2>List checkpoint</h2>
      <p className="muted">
        After a list of 200 or more private-format charts, your verified list is kept on the ledger, encrypted for you
        alone, so a workstation you have never used lists your charts in about a second. Off: every new workstation
        verifies each chart itself, which takes longer.
      </p>
      <div className={locked ? 'lockable locked' : 'lockable'}>
        <div className="field">
          <label>
            <input
              type="checkbox"
              checked={on}
              disabled={locked}
              aria-describedby={locked ? 'list-checkpoints-locked' : undefined}
              onChange={(e) => setValue(e.target.checked)}
            />{' '}
            Keep my list checkpoint on the ledger
          </label>
        </div>
        {locked && <LockedNotice id="list-checkpoints-locked" />}
      </div>
      {result === 'saved' && (
        <p role="status" className="badge badge-ok">
          List checkpoint saved
        </p>
      )}
      {result && result !== 'saved' && <ErrorMessage error={result} />}
      <button type="submit" className="btn" disabled={saving || locked || unchanged}>
        Save list checkpoint
      </button>
    </form>
  );
}
