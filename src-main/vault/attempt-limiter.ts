// Slows down password and PIN guessing inside this process: attempts on one key (an identity, a card, a backup)
// run one at a time, and after a few failures each further failure is held back for a growing delay before it is
// reported. Offline guessing is bounded by the KDF cost instead (docs/SECURITY.md); this is the online brake.

export interface AttemptPolicy {
  /** Failures reported without delay. */
  readonly freeFailures: number;
  /** Delay of the first delayed failure; doubles with each further failure. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const PASSWORD_ATTEMPT_POLICY: AttemptPolicy = Object.freeze({
  freeFailures: 2,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
});

export type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a limiter knows, as plain data (for AttemptStateFile, so the kiosk's counters survive a restart). */
export interface AttemptSnapshot {
  /** Per key: failures since its last success, when the last one happened, and until when the key is paused. */
  readonly keys: Readonly<Record<string, { failures: number; lastFailureAt: number; blockedUntil?: number }>>;
  /** Every key is paused until then (set when the saved state could not be trusted). */
  readonly allBlockedUntil?: number;
}

export class AttemptLimiter {
  readonly #failures = new Map<string, number>();
  readonly #lastFailureAt = new Map<string, number>();
  readonly #blockedUntil = new Map<string, number>();
  readonly #queues = new Map<string, Promise<unknown>>();
  #allBlockedUntil = 0;

  constructor(
    private readonly policy: AttemptPolicy = PASSWORD_ATTEMPT_POLICY,
    private readonly sleep: Sleep = realSleep,
    private readonly now: () => number = Date.now,
  ) {}

  delayAfter(failures: number): number {
    const { freeFailures, baseDelayMs, maxDelayMs } = this.policy;
    if (failures <= freeFailures) return 0;
    return Math.min(maxDelayMs, baseDelayMs * 2 ** (failures - freeFailures - 1));
  }

  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Runs `attempt` after every earlier attempt on `key` has finished (including its delay). */
  exclusive<T>(key: string, attempt: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(key) ?? Promise.resolve();
    const run = previous.then(attempt, attempt);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#queues.set(key, settled);
    void settled.then(() => {
      if (this.#queues.get(key) === settled) this.#queues.delete(key);
    });
    return run;
  }

  /**
   * One password attempt on `key`, after every earlier one: `open` answers the secret or null for a wrong password;
   * a failure is counted and held back (then `wrong` makes the error to throw), a success clears the count.
   */
  attempt<T>(
    key: string,
    open: () => Promise<T | null>,
    wrong: (failures: number, delayMs: number) => Error,
  ): Promise<T> {
    return this.exclusive(key, async () => {
      const opened = await open();
      if (opened === null) {
        const { failures, delayMs } = await this.fail(key);
        throw wrong(failures, delayMs);
      }
      this.succeed(key);
      return opened;
    });
  }

  /** Counts a failure and waits its delay; call inside exclusive() so later attempts queue behind the wait. */
  async fail(key: string): Promise<{ failures: number; delayMs: number }> {
    const failures = this.failures(key) + 1;
    this.#failures.set(key, failures);
    const delayMs = this.delayAfter(failures);
    if (delayMs > 0) await this.sleep(delayMs);
    return { failures, delayMs };
  }

  /**
   * Counts a failure without waiting; instead the key is blocked for the delay (see retryAfterMs). For a kiosk,
   * answering "try again in 8 s" at once is better than holding the request open for minutes.
   */
  failAndBlock(key: string): { failures: number; delayMs: number } {
    const failures = this.failures(key) + 1;
    this.#failures.set(key, failures);
    this.#lastFailureAt.set(key, this.now());
    const delayMs = this.delayAfter(failures);
    if (delayMs > 0) this.#blockedUntil.set(key, this.now() + delayMs);
    return { failures, delayMs };
  }

  /** Milliseconds until `key` may be tried again after failAndBlock(); 0 when it may be tried now. */
  retryAfterMs(key: string): number {
    const until = Math.max(this.#blockedUntil.get(key) ?? 0, this.#allBlockedUntil);
    return Math.max(0, until - this.now());
  }

  succeed(key: string): void {
    this.#failures.delete(key);
    this.#lastFailureAt.delete(key);
    this.#blockedUntil.delete(key);
  }

  /** Pauses every key until `time` (ms since the epoch). */
  blockAllUntil(time: number): void {
    this.#allBlockedUntil = Math.max(this.#allBlockedUntil, time);
  }

  /**
   * The counters of failAndBlock() as plain data. Keys whose last failure is older than `forgetAfterMs` and whose
   * pause has ended are left out, and at most `maxKeys` of the most recent are kept, so the state stays small.
   */
  snapshot(forgetAfterMs = 24 * 3600_000, maxKeys = 10_000): AttemptSnapshot {
    const now = this.now();
    const keys = [...this.#failures.entries()]
      .map(([key, failures]) => ({
        key,
        failures,
        lastFailureAt: this.#lastFailureAt.get(key) ?? now,
        blockedUntil: this.#blockedUntil.get(key),
      }))
      .filter((k) => now - k.lastFailureAt < forgetAfterMs || (k.blockedUntil ?? 0) > now)
      .sort((a, b) => b.lastFailureAt - a.lastFailureAt)
      .slice(0, maxKeys);
    return {
      keys: Object.fromEntries(
        keys.map(({ key, ...k }) => [
          key,
          k.blockedUntil === undefined ? { failures: k.failures, lastFailureAt: k.lastFailureAt } : k,
        ]),
      ),
      ...(this.#allBlockedUntil > now ? { allBlockedUntil: this.#allBlockedUntil } : {}),
    };
  }

  /** Takes over saved counters (a key counted here already keeps the larger count). */
  restore(snapshot: AttemptSnapshot): void {
    for (const [key, saved] of Object.entries(snapshot.keys)) {
      if (saved.failures <= this.failures(key)) continue;
      this.#failures.set(key, saved.failures);
      this.#lastFailureAt.set(key, saved.lastFailureAt);
      if (saved.blockedUntil !== undefined) this.#blockedUntil.set(key, saved.blockedUntil);
    }
    if (snapshot.allBlockedUntil !== undefined) this.blockAllUntil(snapshot.allBlockedUntil);
  }
}
