// Electron cannot run on this machine, so powerMonitor is replaced by FakePowerMonitor: a plain EventEmitter with a
// settable idle time, shaped like Electron's powerMonitor (the same event names and getSystemIdleTime()).
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AutoLockReason, type PowerMonitorLike, startAutoLock } from './auto-lock';

class FakePowerMonitor extends EventEmitter implements PowerMonitorLike {
  idleSeconds = 0;
  getSystemIdleTime(): number {
    return this.idleSeconds;
  }
}

describe('auto-lock wiring', () => {
  let monitor: FakePowerMonitor;
  let locks: AutoLockReason[];
  let minutes: number;

  beforeEach(() => {
    vi.useFakeTimers();
    monitor = new FakePowerMonitor();
    locks = [];
    minutes = 5;
  });
  afterEach(() => vi.useRealTimers());

  const start = () =>
    startAutoLock({ powerMonitor: monitor, lock: (r) => locks.push(r), idleMinutes: () => minutes, pollMs: 1000 });

  it('locks on screen lock and on suspend', () => {
    start();
    monitor.emit('lock-screen');
    monitor.emit('suspend');
    expect(locks).toEqual(['screen-lock', 'suspend']);
  });

  it('locks once when the OS has been idle for the configured minutes, and again after the next idle period', () => {
    start();
    monitor.idleSeconds = 299;
    vi.advanceTimersByTime(3000);
    expect(locks).toEqual([]);
    monitor.idleSeconds = 300;
    vi.advanceTimersByTime(1000);
    monitor.idleSeconds = 400;
    vi.advanceTimersByTime(5000);
    expect(locks).toEqual(['idle']);
    monitor.idleSeconds = 2; // the user came back
    vi.advanceTimersByTime(1000);
    monitor.idleSeconds = 301;
    vi.advanceTimersByTime(1000);
    expect(locks).toEqual(['idle', 'idle']);
  });

  it('reads the idle setting at every check and treats 0 as disabled', () => {
    start();
    monitor.idleSeconds = 120;
    vi.advanceTimersByTime(1000);
    expect(locks).toEqual([]);
    minutes = 2;
    vi.advanceTimersByTime(1000);
    expect(locks).toEqual(['idle']);
    minutes = 0;
    monitor.idleSeconds = 0;
    vi.advanceTimersByTime(1000);
    monitor.idleSeconds = 10_000;
    vi.advanceTimersByTime(5000);
    expect(locks).toEqual(['idle']);
  });

  it('stop() removes its listeners and its timer', () => {
    const autoLock = start();
    autoLock.stop();
    monitor.emit('lock-screen');
    monitor.idleSeconds = 10_000;
    vi.advanceTimersByTime(10_000);
    expect(locks).toEqual([]);
    expect(monitor.listenerCount('lock-screen') + monitor.listenerCount('suspend')).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
