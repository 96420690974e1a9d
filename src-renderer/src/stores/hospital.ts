// The hospital authority as this workstation sees it (hospital.status), IT's credential registry
// (credentials.list), this computer's officer keys (hospital.officerList) and the signed-in doctor's migration plan
// (hospital.migrationPlan). A failed status read is kept as an error and never blocks the doctor's work: without an
// authority the app behaves as before it existed.
import { create } from 'zustand';
import type { CredentialsList, HospitalStatus, MigrationPlan, OfficerList } from '../../../src-shared/ipc';
import { api } from '../api';
import { call, type UiError } from '../errors';

interface HospitalState {
  status: HospitalStatus | null;
  error: UiError | null;
  registry: CredentialsList | null;
  registryError: UiError | null;
  officers: OfficerList | null;
  officersError: UiError | null;
  migration: MigrationPlan | null;
  migrationError: UiError | null;
  load(): Promise<void>;
  loadRegistry(): Promise<void>;
  loadOfficers(): Promise<void>;
  loadMigration(): Promise<void>;
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
  officers: null,
  officersError: null,
  migration: null,
  migrationError: null,
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
  async loadOfficers() {
    const result = await call(() => api().hospital.officerList());
    if (result.ok) set({ officers: result.value, officersError: null });
    else set({ officersError: result.error });
  },
  async loadMigration() {
    const result = await call(() => api().hospital.migrationPlan());
    if (result.ok) set({ migration: result.value, migrationError: null });
    else set({ migration: null, migrationError: result.error });
  },
  setStatus: (status) => set({ status, error: null }),
  draftRequest: null,
  setDraftRequest: (draftRequest) => set({ draftRequest }),
}));
