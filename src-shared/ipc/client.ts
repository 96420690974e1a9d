// Builds the typed `window.healthchain` API from the contract and a transport. The preload (Electron IPC) and the test
// bridge (HTTP + WebSocket) use this same builder, so the renderer cannot tell them apart.
import type { z } from 'zod';
import { contract, events, type Contract, type Events } from './contract';
import type { ChannelDef, Variant } from './channel';
import { fieldErrors, ipcErrorSchema, type IpcError, type IpcResult } from './errors';

/** Moves one call to main and back. `invoke` resolves with main's raw envelope `{ ok, value | error }`. */
export interface IpcTransport {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

type RequestOf<D> = D extends ChannelDef<infer Req, z.ZodType, readonly Variant[]> ? z.input<Req> : never;
type ResponseOf<D> = D extends ChannelDef<z.ZodType, infer Res, readonly Variant[]> ? z.output<Res> : never;

/** Channels whose request has no required field can be called with no argument. */
export type ChannelMethod<D> =
  Record<string, never> extends RequestOf<D>
    ? (request?: RequestOf<D>) => Promise<IpcResult<ResponseOf<D>>>
    : (request: RequestOf<D>) => Promise<IpcResult<ResponseOf<D>>>;

export type EventPayload<E extends keyof Events> = z.output<Events[E]['payload']>;

export type HealthchainApi = {
  readonly [N in keyof Contract]: { readonly [M in keyof Contract[N]]: ChannelMethod<Contract[N][M]> };
} & {
  /** Subscribe to a main-process event; returns the unsubscribe function. */
  readonly on: { readonly [E in keyof Events]: (listener: (payload: EventPayload<E>) => void) => () => void };
};

function failure(
  code: IpcError['code'],
  message: string,
  fields?: Record<string, string>,
): { ok: false; error: IpcError } {
  return { ok: false, error: fields ? { code, message, fields } : { code, message } };
}

export function invalidRequest(issues: readonly { path: readonly PropertyKey[]; message: string }[]): {
  ok: false;
  error: IpcError;
} {
  const fields = fieldErrors(issues);
  const first = Object.entries(fields)[0];
  const message = first ? `Invalid request: ${first[0]} ${first[1]}` : 'Invalid request';
  return failure('INVALID_REQUEST', message, fields);
}

/** Reads main's envelope; anything malformed is our own bug and is reported as such. */
export function readEnvelope(raw: unknown, response: z.ZodType): IpcResult<unknown> {
  if (typeof raw !== 'object' || raw === null || !('ok' in raw))
    return failure('INVALID_RESPONSE', 'Main answered without an envelope');
  const envelope = raw as { ok: unknown; value?: unknown; error?: unknown };
  if (envelope.ok === true) {
    const value = response.safeParse(envelope.value);
    return value.success
      ? { ok: true, value: value.data }
      : failure('INVALID_RESPONSE', 'Main answered data that does not match the contract');
  }
  const error = ipcErrorSchema.safeParse(envelope.error);
  return error.success
    ? { ok: false, error: error.data }
    : failure('INVALID_RESPONSE', 'Main answered a malformed error');
}

export function buildClient(transport: IpcTransport, options: { variant?: Variant } = {}): HealthchainApi {
  const api: Record<string, unknown> = {};
  for (const [namespace, methods] of Object.entries(contract)) {
    const ns: Record<string, unknown> = {};
    for (const [method, def] of Object.entries(methods) as [string, ChannelDef][]) {
      const name = `${namespace}.${method}`;
      const available = options.variant === undefined || def.variants.includes(options.variant);
      ns[method] = async (request?: unknown): Promise<IpcResult<unknown>> => {
        if (!available) return failure('UNKNOWN_CHANNEL', `${name} does not exist in the ${options.variant} build`);
        const parsed = def.request.safeParse(request ?? {});
        if (!parsed.success) return invalidRequest(parsed.error.issues);
        let raw: unknown;
        try {
          raw = await transport.invoke(name, parsed.data);
        } catch (err) {
          return failure(
            'TRANSPORT',
            `Could not reach the application: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
        return readEnvelope(raw, def.response);
      };
    }
    api[namespace] = Object.freeze(ns);
  }
  const on: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(events)) {
    on[name] = (listener: (payload: unknown) => void) =>
      transport.subscribe(name, (payload) => {
        const parsed = def.payload.safeParse(payload);
        // A malformed event is dropped rather than handed to the UI as if it were true.
        if (parsed.success) listener(parsed.data);
      });
  }
  api.on = Object.freeze(on);
  return Object.freeze(api) as HealthchainApi;
}
