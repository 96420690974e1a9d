import { describe, expect, it } from 'vitest';
import { AttemptLimiter, PASSWORD_ATTEMPT_POLICY } from './attempt-limiter';

describe('AttemptLimiter', () => {
  it('doubles the delay after the free failures, up to the cap, and resets on success', async () => {
    const slept: number[] = [];
    const limiter = new AttemptLimiter(
      { freeFailures: 2, baseDelayMs: 100, maxDelayMs: 500 },
      async (ms) => void slept.push(ms),
    );
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) delays.push((await limiter.fail('a')).delayMs);
    expect(delays).toEqual([0, 0, 100, 200, 400, 500]);
    expect(slept).toEqual([100, 200, 400, 500]);
    expect(limiter.failures('b')).toBe(0);
    limiter.succeed('a');
    expect((await limiter.fail('a')).delayMs).toBe(0);
  });

  it('runs attempts on one key one at a time, so parallel guesses queue behind each delay', async () => {
    const limiter = new AttemptLimiter({ freeFailures: 0, baseDelayMs: 30, maxDelayMs: 30 });
    const order: string[] = [];
    const guess = (name: string) =>
      limiter.exclusive('id', async () => {
        order.push(`start ${name}`);
        await limiter.fail('id');
        order.push(`end ${name}`);
      });
    const started = Date.now();
    await Promise.all([guess('1'), guess('2'), guess('3')]);
    expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(85);
  });

  it('keeps a rejected attempt from blocking the next one', async () => {
    const limiter = new AttemptLimiter();
    await expect(
      limiter.exclusive('k', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(limiter.exclusive('k', async () => 7)).resolves.toBe(7);
  });

  it('snapshots its pauses as plain data, forgets keys a day after their last failure, and restores them', () => {
    let now = 1_000_000;
    const limiter = new AttemptLimiter({ freeFailures: 1, baseDelayMs: 100, maxDelayMs: 1000 }, undefined, () => now);
    limiter.failAndBlock('old');
    now += 60_000;
    limiter.failAndBlock('a');
    limiter.failAndBlock('a');
    expect(limiter.snapshot()).toEqual({
      keys: {
        old: { failures: 1, lastFailureAt: 1_000_000 },
        a: { failures: 2, lastFailureAt: 1_060_000, blockedUntil: 1_060_100 },
      },
    });
    now += 24 * 3600_000 - 30_000;
    expect(Object.keys(limiter.snapshot().keys)).toEqual(['a']);
    const restored = new AttemptLimiter({ freeFailures: 1, baseDelayMs: 100, maxDelayMs: 1000 }, undefined, () => now);
    restored.restore(limiter.snapshot());
    expect(restored.failures('a')).toBe(2);
    expect(restored.failAndBlock('a').delayMs).toBe(200);
    restored.blockAllUntil(now + 500);
    expect(restored.retryAfterMs('never-seen')).toBe(500);
    expect(restored.snapshot().allBlockedUntil).toBe(now + 500);
  });

  it('has the documented production policy', () => {
    expect(PASSWORD_ATTEMPT_POLICY).toEqual({ freeFailures: 2, baseDelayMs: 1000, maxDelayMs: 30_000 });
  });
});

describe('AttemptLimiter.failAndBlock', () => {
  it('answers at once and blocks the key for the growing delay instead of sleeping', () => {
    let now = 0;
    const limiter = new AttemptLimiter(
      { freeFailures: 1, baseDelayMs: 100, maxDelayMs: 250 },
      async () => {
        throw new Error('must not sleep');
      },
      () => now,
    );
    expect(limiter.failAndBlock('card')).toEqual({ failures: 1, delayMs: 0 });
    expect(limiter.retryAfterMs('card')).toBe(0);
    expect(limiter.failAndBlock('card')).toEqual({ failures: 2, delayMs: 100 });
    now += 40;
    expect(limiter.retryAfterMs('card')).toBe(60);
    now += 60;
    expect(limiter.retryAfterMs('card')).toBe(0);
    limiter.failAndBlock('card');
    limiter.failAndBlock('card');
    expect(limiter.retryAfterMs('card')).toBe(250);
    limiter.succeed('card');
    expect(limiter.retryAfterMs('card')).toBe(0);
    expect(limiter.failures('card')).toBe(0);
  });
});
