// Fires once after `timeoutMs` without activity; used for the kiosk's sign-out after inactivity. Timers are injectable
// so tests run without waiting.
export interface TimerApi {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: TimerApi = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class IdleTimer {
  private handle: unknown = null;
  constructor(
    private timeoutMs: number,
    private readonly onIdle: () => void,
    private readonly timers: TimerApi = realTimers,
  ) {}

  /** Starts (or restarts) the countdown. */
  touch(): void {
    this.stop();
    this.handle = this.timers.setTimeout(() => {
      this.handle = null;
      this.onIdle();
    }, this.timeoutMs);
  }

  setTimeoutMs(ms: number): void {
    this.timeoutMs = ms;
    if (this.running) this.touch();
  }

  get running(): boolean {
    return this.handle !== null;
  }

  stop(): void {
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.handle = null;
  }
}
