// The doctor's session: which identities exist, which one is unlocked, and why the screen is locked.
// Every lock (manual, idle, OS screen lock) drops all decrypted chart data held by the other stores.
import { create } from 'zustand';
import type { IdentitySummary, LockEvent } from '../../../src-shared/ipc';
import { api } from '../api';
import { call, type UiError } from '../errors';
import { useActivity } from './activity';
import { useCharts } from './charts';
import { useNavigation } from './navigation';

export type SessionPhase = 'loading' | 'first-run' | 'sign-in' | 'locked' | 'ready' | 'error';

type Outcome = { ok: true } | { ok: false; error: UiError };
type IdentityOutcome = { ok: true; identity: IdentitySummary } | { ok: false; error: UiError };

interface SessionState {
  phase: SessionPhase;
  identities: IdentitySummary[];
  identity: IdentitySummary | null;
  /** The identity the lock screen asks the password for. */
  lockedIdentityId: string | null;
  lockReason: LockEvent['reason'] | null;
  error: UiError | null;
  load(): Promise<void>;
  /** Creates (and, in main, unlocks) an identity; the caller decides when to enter the console. */
  create(request: {
    name: string;
    specialty: string;
    licenceNumber: string;
    password: string;
  }): Promise<IdentityOutcome>;
  importBackup(backup: string, password: string): Promise<IdentityOutcome>;
  unlock(id: string, password: string): Promise<Outcome>;
  /** Lock the screen, keeping the identity preselected. */
  lock(): Promise<void>;
  /** Lock and go back to the identity picker. */
  signOut(): Promise<void>;
  /** Main locked us (idle, OS lock, suspend): show the lock screen. */
  lockedByMain(reason: LockEvent['reason']): void;
  /** Enter the console with an identity main has already unlocked (end of the first-run flow). */
  enter(identity: IdentitySummary): void;
}

function dropSessionData(): void {
  useCharts.getState().reset();
  useActivity.getState().reset();
  useNavigation.getState().go({ name: 'patients' });
}

export const useSession = create<SessionState>()((set, get) => ({
  phase: 'loading',
  identities: [],
  identity: null,
  lockedIdentityId: null,
  lockReason: null,
  error: null,
  async load() {
    const [list, session] = await Promise.all([call(() => api().vault.list()), call(() => api().vault.session())]);
    if (!list.ok) return set({ phase: 'error', error: list.error });
    if (!session.ok) return set({ phase: 'error', error: session.error });
    const identities = list.value.identities;
    const identity = session.value.identity;
    if (identity) set({ phase: 'ready', identities, identity, error: null });
    else set({ phase: identities.length === 0 ? 'first-run' : 'sign-in', identities, identity: null, error: null });
  },
  async create(request) {
    const result = await call(() => api().vault.create(request));
    if (!result.ok) return result;
    set((s) => ({ identities: [...s.identities, result.value.identity] }));
    return { ok: true, identity: result.value.identity };
  },
  async importBackup(backup, password) {
    const result = await call(() => api().vault.importBackup({ backup, password }));
    if (!result.ok) return result;
    set((s) => ({
      identities: [...s.identities.filter((i) => i.id !== result.value.identity.id), result.value.identity],
    }));
    return { ok: true, identity: result.value.identity };
  },
  async unlock(id, password) {
    const result = await call(() => api().vault.unlock({ id, password }));
    if (!result.ok) return result;
    // During first run the node still has to be chosen: FirstRun calls enter() when it is done.
    set((s) => ({
      phase: s.phase === 'first-run' ? 'first-run' : 'ready',
      identity: result.value.identity,
      lockedIdentityId: null,
      lockReason: null,
      error: null,
    }));
    return { ok: true };
  },
  async lock() {
    const id = get().identity?.id ?? null;
    await call(() => api().vault.lock());
    dropSessionData();
    set({ phase: 'locked', identity: null, lockedIdentityId: id, lockReason: 'manual' });
  },
  async signOut() {
    await call(() => api().vault.lock());
    dropSessionData();
    set({ phase: 'sign-in', identity: null, lockedIdentityId: null, lockReason: null });
  },
  lockedByMain(reason) {
    const { phase, identity } = get();
    if (phase !== 'ready') return;
    dropSessionData();
    set({ phase: 'locked', identity: null, lockedIdentityId: identity?.id ?? null, lockReason: reason });
  },
  enter(identity) {
    set({ phase: 'ready', identity, lockedIdentityId: null, lockReason: null });
  },
}));
