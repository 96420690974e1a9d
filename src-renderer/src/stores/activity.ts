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
  /** Drops a version the node rejected from the outbox (main then pushes the new list). */
  discard(txId: string): Promise<void>;
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
  async discard(txId) {
    const result = await call(() => api().charts.discardRejected({ txId }));
    if (!result.ok) {
      set({ error: result.error });
      return;
    }
    const fresh = await call(() => api().charts.recent());
    if (fresh.ok) set({ actions: fresh.value.actions, error: null });
  },
  subscribe() {
    return api().on.recentActions(({ actions }) => set({ actions, loaded: true }));
  },
  reset: () => set({ actions: [], loaded: false, error: null }),
}));
