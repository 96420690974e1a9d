import { describe, it, expect, vi, beforeEach } from 'vitest';
import type { BrowserWindow } from '../../test/fakes/fake-electron';
import { FakeSession, FakeWebContents, fakeEvent } from '../../test/fakes/fake-electron';

vi.mock('electron', () => import('../../test/fakes/fake-electron'));

const { createMainWindow } = await import('./window');
const { guardSession, guardWebContents } = await import('./guards');
const { partitionFor } = await import('./web-preferences');

const inputs = { preloadPath: '/app/out/preload/preload.cjs', isDevelopment: false } as const;
type Prefs = Record<string, unknown>;
const build = (variant: 'workstation' | 'kiosk', isDevelopment = false) =>
  createMainWindow({ ...inputs, isDevelopment, variant, partition: partitionFor(variant) }) as unknown as BrowserWindow;

describe('window options', () => {
  it('sets every renderer hardening flag of the Electron security checklist', () => {
    const prefs = build('workstation').options.webPreferences as Prefs;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      devTools: false,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
      preload: '/app/out/preload/preload.cjs',
    });
    expect(prefs.enableBlinkFeatures).toBeUndefined();
  });

  it('keeps sessions in memory (no persist: partition) for both builds', () => {
    for (const variant of ['workstation', 'kiosk'] as const) {
      const partition = String((build(variant).options.webPreferences as Prefs).partition);
      expect(partition).not.toMatch(/^persist:/);
      expect(partition).toBe(partitionFor(variant));
    }
    expect(partitionFor('kiosk')).not.toBe(partitionFor('workstation'));
  });

  it('allows DevTools only in development', () => {
    expect((build('workstation', true).options.webPreferences as Prefs).devTools).toBe(true);
  });

  it('opens the kiosk full screen in kiosk mode, the workstation as a normal window', () => {
    expect(build('kiosk').options).toMatchObject({ kiosk: true, fullscreen: true, frame: false, closable: false });
    const ws = build('workstation').options;
    expect(ws.kiosk).toBeUndefined();
    expect(ws.fullscreen).toBeUndefined();
  });

  it('creates the window hidden, loads app://healthchain/index.html, and tells the preload the build', () => {
    const win = build('kiosk');
    expect(win.loadedUrl).toBe('app://healthchain/index.html');
    expect(win.options.show).toBe(false);
    expect((win.options.webPreferences as { additionalArguments: string[] }).additionalArguments).toEqual([
      '--healthchain-variant=kiosk',
    ]);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
    // Guards are installed on the window's contents.
    expect(win.webContents.listeners.has('will-navigate')).toBe(true);
    expect(win.webContents.windowOpenHandler).not.toBeNull();
  });
});

describe('navigation guards', () => {
  let contents: FakeWebContents;
  const logged: string[] = [];
  beforeEach(() => {
    contents = new FakeWebContents();
    logged.length = 0;
    guardWebContents(contents as never, { isDevelopment: false, log: (m) => logged.push(m) });
  });

  for (const [event, args] of [
    ['will-navigate', ['https://evil.example/']],
    ['will-redirect', ['https://evil.example/']],
    ['will-attach-webview', [{}, {}]],
  ] as const) {
    it(`prevents ${event}`, () => {
      const e = fakeEvent();
      contents.emit(event, e, ...args);
      expect(e.defaultPrevented).toBe(true);
    });
  }

  it('prevents frame navigation, even to our own origin', () => {
    const e = fakeEvent({ url: 'app://healthchain/index.html' });
    contents.emit('will-frame-navigate', e);
    expect(e.defaultPrevented).toBe(true);
  });

  it('denies every window.open', () => {
    for (const url of ['https://example.org', 'app://healthchain/index.html', 'about:blank']) {
      expect(contents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(logged.length).toBe(3);
  });

  it('closes DevTools if they open in production', () => {
    contents.emit('devtools-opened');
    expect(contents.devToolsClosed).toBe(1);
  });

  it('leaves DevTools alone in development', () => {
    const dev = new FakeWebContents();
    guardWebContents(dev as never, { isDevelopment: true, log: () => undefined });
    expect(dev.listeners.has('devtools-opened')).toBe(false);
  });
});

describe('session guards', () => {
  const s = new FakeSession();
  guardSession(s as never);

  it('denies every permission request and check', () => {
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'fullscreen',
    ]) {
      let answer: unknown = 'unset';
      s.permissionRequestHandler?.({}, permission, (granted: boolean) => (answer = granted));
      expect(answer).toBe(false);
      expect(s.permissionCheckHandler?.({}, permission)).toBe(false);
    }
    expect(s.devicePermissionHandler?.({})).toBe(false);
  });

  it('denies screen capture and downloads', () => {
    let streams: unknown = 'unset';
    s.displayMediaRequestHandler?.({}, (x: unknown) => (streams = x));
    expect(streams).toEqual({});
    const e = fakeEvent();
    s.emit('will-download', e);
    expect(e.defaultPrevented).toBe(true);
  });

  it('cancels every request that is not for app://', () => {
    const decide = (url: string) => {
      let cancel: unknown;
      s.beforeRequest?.({ url }, (r: { cancel: boolean }) => (cancel = r.cancel));
      return cancel;
    };
    expect(decide('app://healthchain/assets/index.js')).toBe(false);
    expect(decide('https://cdn.example/x.js')).toBe(true);
    expect(decide('http://127.0.0.1:9984/api/v1/')).toBe(true);
    expect(decide('ws://127.0.0.1:9985/')).toBe(true);
    expect(decide('file:///etc/passwd')).toBe(true);
  });
});
