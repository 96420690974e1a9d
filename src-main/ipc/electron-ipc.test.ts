import { describe, it, expect } from 'vitest';
import type { IpcMainInvokeEvent } from 'electron';
import { IPC_PREFIX } from '../../src-shared/ipc';
import { bindRegistryToIpcMain, type IpcMainLike } from './electron-ipc';
import type { Registry } from './registry';
import { isAppUrl, type TrustedWindow } from './sender';

// A named fake of ipcMain: Electron's binary is absent here, and the binding only needs handle/removeHandler.
class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(channel: string, event: unknown, payload: unknown): Promise<unknown> {
    const h = this.handlers.get(channel);
    if (!h) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    return Promise.resolve(h(event as IpcMainInvokeEvent, payload));
  }
}

const mainFrame = { routingId: 1, processId: 7 };
const window: TrustedWindow = { webContents: { id: 3, mainFrame }, isDestroyed: () => false };

function eventFrom(
  over: { id?: number; url?: string; parent?: unknown; routingId?: number; processId?: number; noFrame?: boolean } = {},
) {
  return {
    sender: { id: over.id ?? 3 },
    senderFrame: over.noFrame
      ? null
      : {
          url: over.url ?? 'app://healthchain/index.html',
          parent: over.parent ?? null,
          routingId: over.routingId ?? 1,
          processId: over.processId ?? 7,
        },
  };
}

function fakeRegistry(): Registry & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    variant: 'kiosk',
    channels: ['app.status', 'patient.signOut'],
    calls,
    async dispatch(channel, payload) {
      calls.push([channel, payload]);
      return { ok: true, value: { channel } };
    },
  };
}

describe('ipcMain binding and sender check', () => {
  it('registers exactly the registry channels under the hc: prefix, and unbinds them', () => {
    const ipc = new FakeIpcMain();
    const unbind = bindRegistryToIpcMain(ipc, fakeRegistry(), () => window);
    expect([...ipc.handlers.keys()].sort()).toEqual([`${IPC_PREFIX}app.status`, `${IPC_PREFIX}patient.signOut`]);
    unbind();
    expect(ipc.handlers.size).toBe(0);
  });

  it('dispatches a call from our window main frame on app://', async () => {
    const ipc = new FakeIpcMain();
    const registry = fakeRegistry();
    bindRegistryToIpcMain(ipc, registry, () => window);
    expect(await ipc.invoke('hc:app.status', eventFrom(), {})).toEqual({ ok: true, value: { channel: 'app.status' } });
    expect(registry.calls).toEqual([['app.status', {}]]);
  });

  const forbidden: [string, ReturnType<typeof eventFrom>][] = [
    ['another webContents', eventFrom({ id: 4 })],
    ['a subframe', eventFrom({ parent: {}, routingId: 2 })],
    ['a frame that is not the main frame', eventFrom({ routingId: 9 })],
    ['a frame in another process', eventFrom({ processId: 8 })],
    ['a page navigated to https', eventFrom({ url: 'https://evil.example/index.html' })],
    ['a file:// page', eventFrom({ url: 'file:///tmp/index.html' })],
    ['another app:// host', eventFrom({ url: 'app://evil/index.html' })],
    ['a lookalike host', eventFrom({ url: 'app://healthchain.evil/index.html' })],
    ['a devtools page', eventFrom({ url: 'devtools://devtools/bundled/inspector.html' })],
    ['no frame', eventFrom({ noFrame: true })],
  ];
  for (const [name, event] of forbidden) {
    it(`refuses ${name} with FORBIDDEN_SENDER and never reaches the registry`, async () => {
      const ipc = new FakeIpcMain();
      const registry = fakeRegistry();
      bindRegistryToIpcMain(ipc, registry, () => window);
      const r = (await ipc.invoke('hc:app.status', event, {})) as { ok: boolean; error?: { code: string } };
      expect(r.ok).toBe(false);
      expect(r.error?.code).toBe('FORBIDDEN_SENDER');
      expect(registry.calls).toHaveLength(0);
    });
  }

  it('refuses everything when the window is gone', async () => {
    const ipc = new FakeIpcMain();
    const registry = fakeRegistry();
    bindRegistryToIpcMain(ipc, registry, () => null);
    const r = (await ipc.invoke('hc:app.status', eventFrom(), {})) as { ok: boolean };
    expect(r.ok).toBe(false);
    const ipc2 = new FakeIpcMain();
    bindRegistryToIpcMain(ipc2, registry, () => ({ ...window, isDestroyed: () => true }));
    expect(((await ipc2.invoke('hc:app.status', eventFrom(), {})) as { ok: boolean }).ok).toBe(false);
    expect(registry.calls).toHaveLength(0);
  });

  it('recognises only app://healthchain URLs as ours', () => {
    expect(isAppUrl('app://healthchain/index.html#/charts')).toBe(true);
    expect(isAppUrl('app://user:pw@healthchain/index.html')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });
});
