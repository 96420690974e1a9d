// One setting saved by a small form of its own (the ledger envelope, the list checkpoint): the value being edited,
// whether IT locked it, and the submit that checks the patch with the contract's schema before saving it.
import { useState, type FormEvent } from 'react';
import { settingsPatchSchema, type SettingsView } from '../../../src-shared/ipc';
import type { UiError } from '../errors';
import { useSettings } from '../stores/settings';

type Key = SettingsView['locked'][number];

/** `label` starts the message of a value the schema refuses (e.g. "Envelope must be 'v1' or 'v3'"). */
export function useSettingForm<K extends Key>(view: SettingsView, key: K, label: string) {
  const { save, saving } = useSettings();
  const [value, setValue] = useState<SettingsView['values'][K]>(view.values[key]);
  const [result, setResult] = useState<UiError | 'saved' | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setResult(null);
    const parsed = settingsPatchSchema.safeParse({ [key]: value });
    if (!parsed.success) {
      setResult({ code: 'INVALID_REQUEST', message: `${label} ${parsed.error.issues[0]?.message ?? 'is not valid'}` });
      return;
    }
    const failure = await save(parsed.data);
    setResult(failure ?? 'saved');
  }

  return {
    value,
    setValue,
    result,
    submit,
    saving,
    locked: view.locked.includes(key),
    unchanged: value === view.values[key],
  };
}
