// Locks every unlocked identity after a configurable idle time, when the OS screen locks, and before suspend.
// It takes the slice of Electron's `powerMonitor` it needs, so the app passes the real one and tests a stand-in.

export type AutoLockReason = 'idle' | 'screen-lock' | 'suspend';
export type PowerEvent = 'lock-screen' | 'suspend';

/** The part of Electron's `powerMonitor` used here (same names and semantics). */
export interface PowerMonitorLike {
  on(event: PowerEvent, listener: () => void): unknown;
  removeListener(event: PowerEvent, listener: () => void): unknown;
  /** Seconds since the last keyboard or mouse input anywhere in the OS session. */
  getSystemIdleTime(): number;
}

export interface AutoLockOptions {
  powerMonitor: PowerMonitorLike;
  /** Locks everything (the vault's lockAll). */
  lock: (reason: AutoLockReason) => void;
  /** Idle minutes before locking, read at every check so a settings change applies at once; ≤ 0 disables. */
  idleMinutes: () => number;
  /** How often idle time is checked. */
  pollMs?: number;
  timers?: { setInterval: typeof setInterval; clearInterval: typeof clearInterval };
}

export const DEFAULT_IDLE_POLL_MS = 15_000;

export interface AutoLock {
  /** Re-checks idle time now (e.g. on resume). */
  check(): void;
  stop(): void;
}

export function startAutoLock(options: AutoLockOptions): AutoLock {
  const { powerMonitor, lock, idleMinutes } = options;
  const timers = options.timers ?? { setInterval, clearInterval };
  // Locking once per idle period: the flag re-arms when the user is active again.
  let lockedThisIdlePeriod = false;

  const check = (): void => {
    const minutes = idleMinutes();
    if (!(minutes > 0)) return;
    const idle = powerMonitor.getSystemIdleTime() >= minutes * 60;
    if (idle && !lockedThisIdlePeriod) {
      lockedThisIdlePeriod = true;
      lock('idle');
    } else if (!idle) {
      lockedThisIdlePeriod = false;
    }
  };
  const onScreenLock = (): void => lock('screen-lock');
  const onSuspend = (): void => lock('suspend');

  powerMonitor.on('lock-screen', onScreenLock);
  powerMonitor.on('suspend', onSuspend);
  const interval = timers.setInterval(check, options.pollMs ?? DEFAULT_IDLE_POLL_MS);
  // The poll must never keep a quitting process alive.
  (interval as { unref?: () => void }).unref?.();

  return {
    check,
    stop() {
      timers.clearInterval(interval);
      powerMonitor.removeListener('lock-screen', onScreenLock);
      powerMonitor.removeListener('suspend', onSuspend);
    },
  };
}
