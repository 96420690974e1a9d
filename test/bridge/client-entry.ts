// Test-only: runs in the page before the renderer bundle and builds `window.healthchain` with the contract's client
// builder over HTTP (calls) and Server-Sent Events (events) to the bridge — the same API object the preload builds
// over Electron IPC. Bundled by the bridge at start with the run's token and the variant compiled in.
// First, as in the preload: the page's CSP forbids eval, so zod must not compile its parsers here.
import '../../src-shared/ipc/zod-csp';
import { buildClient, type IpcTransport, type Variant } from '../../src-shared/ipc';

declare const __BRIDGE_TOKEN__: string;
declare const __BRIDGE_VARIANT__: Variant;

const listeners = new Map<string, Set<(payload: unknown) => void>>();
let source: EventSource | null = null;

function ensureEvents(): void {
  if (source) return;
  source = new EventSource(`/__bridge/events?token=${encodeURIComponent(__BRIDGE_TOKEN__)}`);
  source.onmessage = (message) => {
    const { name, payload } = JSON.parse(message.data as string) as { name: string; payload: unknown };
    for (const listener of listeners.get(name) ?? []) listener(payload);
  };
}

const transport: IpcTransport = {
  async invoke(channel, payload) {
    const res = await fetch(`/__bridge/ipc/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bridge-token': __BRIDGE_TOKEN__ },
      body: JSON.stringify(payload ?? {}),
    });
    return res.json();
  },
  subscribe(event, listener) {
    ensureEvents();
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  },
};

Object.defineProperty(window, 'healthchain', {
  value: buildClient(transport, { variant: __BRIDGE_VARIANT__ }),
  writable: false,
  configurable: false,
});
