import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { SignedFeedProvider } from './signed-feed-provider';
import { startUpdateChecks, type UpdateFeed, type Updater } from './updates';

const { publicKey } = generateKeyPairSync('ed25519');
const CONFIG = {
  provider: 'generic',
  url: 'https://updates.hospital.example/healthchain/workstation',
  channel: 'latest',
  useMultipleRangeRequest: false,
};
const feed: UpdateFeed = { key: publicKey, appId: 'org.healthchain.workstation', config: CONFIG };

// A fake of electron-updater's autoUpdater: the real one needs a packaged Electron app and an update server.
function fakeUpdater(result: () => Promise<unknown> = () => Promise.resolve(null)) {
  const listeners = new Map<string, (arg: never) => void>();
  const updater = {
    autoDownload: false,
    autoInstallOnAppQuit: false,
    checks: 0,
    feeds: [] as unknown[],
    setFeedURL: (options: unknown) => void updater.feeds.push(options),
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
    startUpdateChecks({ isPackaged: false, updater: updater as Updater, log: () => {}, feed })();
    expect(updater.checks).toBe(0);
  });

  it('checks at start and then on an interval, installing on quit', () => {
    vi.useFakeTimers();
    const updater = fakeUpdater();
    const stop = startUpdateChecks({
      isPackaged: true,
      updater: updater as Updater,
      log: () => {},
      feed,
      intervalMs: 1000,
    });
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
    const stop = startUpdateChecks({ isPackaged: true, updater: updater as Updater, log: (l) => lines.push(l), feed });
    await new Promise((resolve) => setTimeout(resolve, 0));
    updater.emit('update-downloaded', { version: '0.2.0' });
    stop();
    expect(lines).toEqual([
      '[updates] update check failed: New version is not signed by the application owner',
      '[updates] version 0.2.0 downloaded; it installs when the app quits',
    ]);
  });

  it('#14: reads the feed only through the signature-checking provider, for this product and key', () => {
    const updater = fakeUpdater();
    startUpdateChecks({ isPackaged: true, updater: updater as Updater, log: () => {}, feed })();
    expect(updater.feeds).toEqual([
      {
        provider: 'custom',
        updateProvider: SignedFeedProvider,
        url: CONFIG.url,
        channel: 'latest',
        useMultipleRangeRequest: false,
        feedKey: publicKey,
        appId: 'org.healthchain.workstation',
      },
    ]);
    expect(updater.checks).toBe(1);
  });

  it('#14: a build without a pinned key, or with an unusable app-update.yml, never checks (fail closed)', () => {
    for (const bad of [
      { ...feed, key: null },
      { ...feed, config: null },
      { ...feed, config: { provider: 'github', owner: 'x' } },
    ]) {
      const lines: string[] = [];
      const updater = fakeUpdater();
      startUpdateChecks({ isPackaged: true, updater: updater as Updater, log: (l) => lines.push(l), feed: bad })();
      expect(updater.checks).toBe(0);
      expect(updater.autoDownload).toBe(false);
      expect(lines.join('\n')).toMatch(/never installs updates|updates are off/);
    }
  });
});
