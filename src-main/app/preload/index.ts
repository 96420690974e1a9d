// The preload: the only bridge between the sandboxed renderer and main. It exposes exactly the typed API built from
// the contract (src-shared/ipc) — no ipcRenderer, no generic send/invoke, nothing else.
// First: the preload runs under the page's CSP (no 'unsafe-eval'), so zod must not compile its parsers there.
import '../../../src-shared/ipc/zod-csp';
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildClient, EVENT_PREFIX, IPC_PREFIX, type IpcTransport } from '../../../src-shared/ipc';
import { variantFromArgv } from './variant-arg';

const transport: IpcTransport = {
  invoke: (channel, payload) => ipcRenderer.invoke(IPC_PREFIX + channel, payload),
  subscribe(event, listener) {
    const channel = EVENT_PREFIX + event;
    const handler = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  },
};

const variant = variantFromArgv(process.argv);
contextBridge.exposeInMainWorld('healthchain', buildClient(transport, variant ? { variant } : {}));
