import { describe, it, expect, vi } from 'vitest';
import { IdleTimer, type TimerApi } from './idle-timer';

vi.mock('electron', () => import('../../test/fakes/fake-electron'));
const { resolveVariant } = await import('./variant');
const { variantFromArgv, variantArg } = await import('./preload/variant-arg');

function manualTimers() {
  let now = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  const timers: TimerApi = {
    setTimeout: (fn, ms) => {
      pending.set(next, { at: now + ms, fn });
      return next++;
    },
    clearTimeout: (h) => pending.delete(h as number),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, t] of [...pending])
      if (t.at <= now) {
        pending.delete(id);
        t.fn();
      }
  };
  return { timers, advance };
}

describe('IdleTimer', () => {
  it('fires once after the timeout without activity, and activity postpones it', () => {
    const { timers, advance } = manualTimers();
    let fired = 0;
    const idle = new IdleTimer(1000, () => fired++, timers);
    idle.touch();
    advance(900);
    idle.touch();
    advance(900);
    expect(fired).toBe(0);
    advance(100);
    expect(fired).toBe(1);
    advance(5000);
    expect(fired).toBe(1);
    expect(idle.running).toBe(false);
  });

  it('does nothing once stopped', () => {
    const { timers, advance } = manualTimers();
    let fired = 0;
    const idle = new IdleTimer(10, () => fired++, timers);
    idle.touch();
    idle.stop();
    advance(100);
    expect(fired).toBe(0);
  });
});

describe('build variant', () => {
  it('is the kiosk when the packaged package.json says so, whatever the command line', () => {
    expect(resolveVariant({ isPackaged: true, packageJson: { healthchainVariant: 'kiosk' }, argv: [] })).toBe('kiosk');
  });
  it('ignores --kiosk in a packaged workstation build', () => {
    expect(resolveVariant({ isPackaged: true, packageJson: { name: 'healthchain' }, argv: ['app', '--kiosk'] })).toBe(
      'workstation',
    );
  });
  it('honours --kiosk in development', () => {
    expect(resolveVariant({ isPackaged: false, packageJson: {}, argv: ['electron', '.', '--kiosk'] })).toBe('kiosk');
    expect(resolveVariant({ isPackaged: false, packageJson: null, argv: ['electron', '.'] })).toBe('workstation');
  });
  it('passes the variant to the preload; anything else names no build (main stays the authority)', () => {
    expect(variantFromArgv(['x', variantArg('workstation')])).toBe('workstation');
    expect(variantFromArgv(['x', variantArg('kiosk')])).toBe('kiosk');
    expect(variantFromArgv(['x', '--healthchain-variant=admin'])).toBeUndefined();
    expect(variantFromArgv([])).toBeUndefined();
  });
});
