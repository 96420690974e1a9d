// TEST DOUBLE of main: `window.healthchain` built by the contract's own client builder (request and response schemas
// enforced exactly as in the app) over an in-memory transport whose handlers each test supplies. The real handlers
// are exercised by the e2e tests; this only stands in for the main process so components can be tested in jsdom.
import { buildClient, type HealthchainApi, type IpcError, type IpcTransport } from '../../../src-shared/ipc';
import type { Variant } from '../../../src-shared/ipc';

type Handler = (request: unknown) => unknown;

/** Thrown by a handler to answer a typed error instead of a value. */
export class FakeIpcError extends Error {
  constructor(readonly error: IpcError) {
    super(error.message);
  }
}

export interface InMemoryMain {
  api: HealthchainApi;
  /** Every call that reached "main", in order: channel name and the validated request. */
  calls: { channel: string; request: unknown }[];
  handle(channel: string, handler: Handler): void;
  emit(event: string, payload: unknown): void;
  callsTo(channel: string): unknown[];
}

export function inMemoryMain(handlers: Record<string, Handler>, options: { variant?: Variant } = {}): InMemoryMain {
  const table = new Map(Object.entries(handlers));
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: { channel: string; request: unknown }[] = [];
  const transport: IpcTransport = {
    async invoke(channel, payload) {
      calls.push({ channel, request: payload });
      const handler = table.get(channel);
      if (!handler) return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `no test handler for ${channel}` } };
      try {
        return { ok: true, value: await handler(payload) };
      } catch (err) {
        if (err instanceof FakeIpcError) return { ok: false, error: err.error };
        throw err;
      }
    },
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  };
  return {
    api: buildClient(transport, options),
    calls,
    handle: (channel, handler) => table.set(channel, handler),
    emit: (event, payload) => listeners.get(event)?.forEach((l) => l(payload)),
    callsTo: (channel) => calls.filter((c) => c.channel === channel).map((c) => c.request),
  };
}

/** Installs the double as `window.healthchain` (the preload's job in the app). */
export function installMain(main: InMemoryMain): void {
  Object.defineProperty(window, 'healthchain', { value: main.api, configurable: true, writable: false });
}
