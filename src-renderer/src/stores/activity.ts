// The signed-in doctor's recent actions, kept live by the contract's recentActions event.
import { create } from 'zustand';
import type { RecentAction } from '../../../src-shared/ipc';
import { api } from '../api';
import { call, type UiError } from '../errors';

interface ActivityState {
  actions: RecentAction[];
  loaded: boolean;
  error: UiError | null;
  load(): Promise<void>;
  subscribe(): () => void;
  reset(): void;
}

export const useActivity = create<ActivityState>()((set) => ({
  actions: [],
  loaded: false,
  error: null,
  async load() {
    const result = await call(() => api().charts.recent());
    if (result.ok) set({ actions: result.value.actions, loaded: true, error: null });
    else set({ error: result.error, loaded: true });
  },
  subscribe() {
    return api().on.recentActions(({ actions }) => set({ actions, loaded: true }));
  },
  reset: () => set({ actions: [], loaded: false, error: null }),
}));
