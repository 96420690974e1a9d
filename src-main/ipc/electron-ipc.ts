// Binds the registry to Electron's ipcMain: one `hc:<channel>` handler per registered channel, each refusing any
// sender that is not our window's main frame on our app:// origin.
import type { IpcMainInvokeEvent } from 'electron';
import { IPC_PREFIX, type IpcResult } from '../../src-shared/ipc';
import type { Registry } from './registry';
import { isTrustedSender, type TrustedWindow } from './sender';

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export function bindRegistryToIpcMain(
  ipcMain: IpcMainLike,
  registry: Registry,
  getWindow: () => TrustedWindow | null,
): () => void {
  const bound: string[] = [];
  for (const name of registry.channels) {
    const channel = IPC_PREFIX + name;
    ipcMain.handle(channel, async (event, payload): Promise<IpcResult<unknown>> => {
      if (!isTrustedSender(event, getWindow())) {
        return { ok: false, error: { code: 'FORBIDDEN_SENDER', message: 'This window may not call the application.' } };
      }
      return registry.dispatch(name, payload);
    });
    bound.push(channel);
  }
  return () => bound.forEach((channel) => ipcMain.removeHandler(channel));
}
