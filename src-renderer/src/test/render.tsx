// Shared set-up for component tests: a fresh in-memory main per test, fresh stores, and the two browser features
// jsdom does not implement (<dialog> modality and window.print), stood in for minimally.
import { cleanup, render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { afterEach, vi } from 'vitest';
import { useActivity } from '../stores/activity';
import { useCharts } from '../stores/charts';
import { useHospital } from '../stores/hospital';
import { useKiosk } from '../stores/kiosk';
import { useNavigation } from '../stores/navigation';
import { useSession } from '../stores/session';
import { useSettings } from '../stores/settings';
import { useStatus } from '../stores/status';
import { installMain, inMemoryMain, type InMemoryMain } from './inMemoryHealthchain';

// jsdom has HTMLDialogElement but not showModal()/close(): open/close by the `open` attribute, as a browser would.
if (typeof HTMLDialogElement !== 'undefined' && !HTMLDialogElement.prototype.showModal) {
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    this.removeAttribute('open');
  };
}

// The root config's 30 s test timeout is not inherited by the inline vitest projects (they would get 5 s); on a
// loaded 2-core CI machine a typing-heavy component test needs more than that.
vi.setConfig({ testTimeout: 30_000 });

const initialStates = [
  useActivity,
  useCharts,
  useHospital,
  useKiosk,
  useNavigation,
  useSession,
  useSettings,
  useStatus,
].map((store) => [store, store.getState()] as const);

afterEach(() => {
  cleanup();
  for (const [store, state] of initialStates)
    (store as { setState(s: unknown, replace: true): void }).setState(state, true);
  vi.useRealTimers();
  vi.restoreAllMocks();
});

interface SetupOptions {
  variant?: 'workstation' | 'kiosk';
  /** For tests on fake timers: how user-event lets time pass between its steps. */
  advanceTimers?: (ms: number) => unknown;
}

export function setup(
  ui: ReactElement,
  handlers: Record<string, (request: unknown) => unknown>,
  options: SetupOptions = {},
) {
  const main: InMemoryMain = inMemoryMain(handlers, options.variant ? { variant: options.variant } : {});
  installMain(main);
  // No pause between simulated keystrokes (user-event's default is a timer per key): same events, less wall time.
  const user = userEvent.setup(options.advanceTimers ? { advanceTimers: options.advanceTimers } : { delay: null });
  const result = render(ui);
  return { main, user, ...result };
}
