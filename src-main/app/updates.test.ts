import { afterEach, describe, expect, it, vi } from 'vitest';
import { startUpdateChecks, type Updater } from './updates';

// A fake of electron-updater's autoUpdater: the real one needs a packaged Electron app and an update server.
function fakeUpdater(result: () => Promise<unknown> = () => Promise.resolve(null)) {
  const listeners = new Map<string, (arg: never) => void>();
  const updater = {
    autoDownload: false,
    autoInstallOnAppQuit: false,
    checks: 0,
    checkForUpdates: () => {
      updater.checks += 1;
      return result();
    },
    on: (event: string, listener: (arg: never) => void) => listeners.set(event, listener),
    emit: (event: string, arg: unknown) => listeners.get(event)?.(arg as never),
  };
  return updater;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('update checks', () => {
  it('never checks in a development (unpackaged) build', () => {
    const updater = fakeUpdater();
    startUpdateChecks({ isPackaged: false, updater: updater as Updater, log: () => {} })();
    expect(updater.checks).toBe(0);
  });

  it('checks at start and then on an interval, installing on quit', () => {
    vi.useFakeTimers();
    const updater = fakeUpdater();
    const stop = startUpdateChecks({ isPackaged: true, updater: updater as Updater, log: () => {}, intervalMs: 1000 });
    expect(updater.checks).toBe(1);
    expect(updater.autoInstallOnAppQuit).toBe(true);
    vi.advanceTimersByTime(2500);
    expect(updater.checks).toBe(3);
    stop();
    vi.advanceTimersByTime(5000);
    expect(updater.checks).toBe(3);
  });

  it('logs a failed check (e.g. a refused signature or an unreachable server) instead of crashing', async () => {
    const lines: string[] = [];
    const updater = fakeUpdater(() => Promise.reject(new Error('New version is not signed by the application owner')));
    const stop = startUpdateChecks({ isPackaged: true, updater: updater as Updater, log: (l) => lines.push(l) });
    await new Promise((resolve) => setTimeout(resolve, 0));
    updater.emit('update-downloaded', { version: '0.2.0' });
    stop();
    expect(lines).toEqual([
      '[updates] update check failed: New version is not signed by the application owner',
      '[updates] version 0.2.0 downloaded; it installs when the app quits',
    ]);
  });
});
