// The patient's kiosk session: the open card's chart, in memory only. Signing out (on demand, on idle, or because
// main said so) forgets everything the session held.
import { create } from 'zustand';
import type { ChartView, PatientSession } from '../../../src-shared/ipc';
import { api } from '../api';
import { call, type UiError } from '../errors';

interface KioskState {
  session: PatientSession | null;
  chart: ChartView | null;
  chartError: UiError | null;
  openCard(code: string, pin: string): Promise<{ ok: true } | { ok: false; error: UiError }>;
  loadChart(): Promise<void>;
  signOut(): Promise<void>;
  /** Main already ended the session: only forget it locally. */
  clear(): void;
}

const empty = { session: null, chart: null, chartError: null };

export const useKiosk = create<KioskState>()((set, get) => ({
  ...empty,
  async openCard(code, pin) {
    const result = await call(() => api().patient.openCard({ code, pin }));
    if (!result.ok) return result;
    set({ session: result.value, chart: null, chartError: null });
    await get().loadChart();
    return { ok: true };
  },
  async loadChart() {
    const result = await call(() => api().patient.getChart());
    if (result.ok) set({ chart: result.value, chartError: null });
    else set({ chartError: result.error });
  },
  async signOut() {
    set({ ...empty });
    await call(() => api().patient.signOut());
  },
  clear: () => set({ ...empty }),
}));
