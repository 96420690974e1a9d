// Effective settings and which of them hospital IT fixed.
import { create } from 'zustand';
import type { SettingsPatch, SettingsView } from '../../../src-shared/ipc';
import { api } from '../api';
import { call, type UiError } from '../errors';

interface SettingsState {
  view: SettingsView | null;
  error: UiError | null;
  saving: boolean;
  load(): Promise<void>;
  /** Saves a patch; resolves with the error (null on success) so the form can show it inline. */
  save(patch: SettingsPatch): Promise<UiError | null>;
}

export const useSettings = create<SettingsState>()((set) => ({
  view: null,
  error: null,
  saving: false,
  async load() {
    const result = await call(() => api().settings.get());
    if (result.ok) set({ view: result.value, error: null });
    else set({ error: result.error });
  },
  async save(patch) {
    set({ saving: true });
    const result = await call(() => api().settings.set({ patch }));
    if (result.ok) {
      set({ view: result.value, saving: false, error: null });
      return null;
    }
    set({ saving: false });
    return result.error;
  },
}));
