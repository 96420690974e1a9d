// What the status bar shows: the build variant, the node in use, whether it answers, and the outbox backlog.
import { create } from 'zustand';
import type { AppStatus, NodeStatus } from '../../../src-shared/ipc';
import { api } from '../api';
import { call, type UiError } from '../errors';

interface StatusState {
  app: AppStatus | null;
  error: UiError | null;
  load(): Promise<void>;
  /** Starts listening to node status events; returns the unsubscribe function. */
  subscribe(): () => void;
  setNode(node: NodeStatus): void;
}

export const useStatus = create<StatusState>()((set, get) => ({
  app: null,
  error: null,
  async load() {
    const result = await call(() => api().app.status());
    if (result.ok) set({ app: result.value, error: null });
    else set({ error: result.error });
  },
  subscribe() {
    return api().on.nodeStatus((node) => get().setNode(node));
  },
  setNode(node) {
    const app = get().app;
    if (app) set({ app: { ...app, node } });
  },
}));
