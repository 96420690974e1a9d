// The hospital authority as this workstation sees it (hospital.status) and IT's credential registry
// (credentials.list). A failed status read is kept as an error and never blocks the doctor's work: without an
// authority the app behaves as before it existed.
import { create } from 'zustand';
import type { CredentialsList, HospitalStatus } from '../../../src-shared/ipc';
import { api } from '../api';
import { call, type UiError } from '../errors';

interface HospitalState {
  status: HospitalStatus | null;
  error: UiError | null;
  registry: CredentialsList | null;
  registryError: UiError | null;
  load(): Promise<void>;
  loadRegistry(): Promise<void>;
  /** After set up / join: the answer is the new status. */
  setStatus(status: HospitalStatus): void;
  /** A doctor's credential request handed to the issue form on this machine (one-machine default). */
  draftRequest: string | null;
  setDraftRequest(text: string | null): void;
}

export const useHospital = create<HospitalState>()((set) => ({
  status: null,
  error: null,
  registry: null,
  registryError: null,
  async load() {
    const result = await call(() => api().hospital.status());
    if (result.ok) set({ status: result.value, error: null });
    else set({ error: result.error });
  },
  async loadRegistry() {
    const result = await call(() => api().credentials.list());
    if (result.ok) set({ registry: result.value, registryError: null });
    else set({ registry: null, registryError: result.error });
  },
  setStatus: (status) => set({ status, error: null }),
  draftRequest: null,
  setDraftRequest: (draftRequest) => set({ draftRequest }),
}));
