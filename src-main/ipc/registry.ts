// The handler registry built from the contract, independent of how calls arrive (Electron ipcMain in the app, HTTP in
// the test bridge). It registers only the channels of the running build, validates every request and response with the
// contract's schemas, and maps failures to typed error codes. Sender checks belong to the transport (electron-ipc.ts).
import type { z } from 'zod';
import {
  channelEntries,
  IpcFailure,
  invalidRequest,
  type ChannelDef,
  type Contract,
  type IpcError,
  type IpcResult,
  type Variant,
} from '../../src-shared/ipc';

type Names<N extends keyof Contract> = N extends string ? `${N}.${keyof Contract[N] & string}` : never;
export type ChannelName = Names<keyof Contract>;
export type DefOf<Name extends ChannelName> = Name extends `${infer N}.${infer M}`
  ? N extends keyof Contract
    ? M extends keyof Contract[N]
      ? Contract[N][M]
      : never
    : never
  : never;

type RequestOut<D> = D extends ChannelDef<infer Req, z.ZodType, readonly Variant[]> ? z.output<Req> : never;
type ResponseIn<D> = D extends ChannelDef<z.ZodType, infer Res, readonly Variant[]> ? z.input<Res> : never;

/** What a handler knows about the call besides its payload. */
export interface CallContext {
  readonly channel: ChannelName;
}

export type Handler<Name extends ChannelName> = (
  request: RequestOut<DefOf<Name>>,
  ctx: CallContext,
) => Promise<ResponseIn<DefOf<Name>>>;

type VariantsOf<D> = D extends { variants: readonly (infer V)[] } ? V : never;
export type ChannelsFor<V extends Variant> = {
  [K in ChannelName]: V extends VariantsOf<DefOf<K>> ? K : never;
}[ChannelName];
/** Exactly the handlers a build needs: the kiosk's map cannot even name a write channel. */
export type HandlerMap<V extends Variant> = { [K in ChannelsFor<V>]: Handler<K> };

export interface Registry {
  readonly variant: Variant;
  /** Names of the registered channels. */
  readonly channels: readonly string[];
  dispatch(channel: string, payload: unknown, ctx?: Partial<CallContext>): Promise<IpcResult<unknown>>;
}

export interface RegistryOptions {
  /** Where unexpected errors are reported (their text never reaches the renderer). */
  logError?: (channel: string, error: unknown) => void;
  /** Turns a service's typed error into a contract error; null = unexpected (answered as INTERNAL). */
  mapError?: (error: unknown) => IpcFailure | null;
}

function fail(
  code: IpcError['code'],
  message: string,
  fields?: Record<string, string>,
): { ok: false; error: IpcError } {
  return { ok: false, error: fields ? { code, message, fields } : { code, message } };
}

export function createRegistry<V extends Variant>(
  variant: V,
  handlers: HandlerMap<V>,
  options: RegistryOptions = {},
): Registry {
  const logError = options.logError ?? ((channel, error) => console.error(`[ipc] ${channel} failed:`, error));
  const table = new Map<string, { def: ChannelDef; handler: (req: unknown, ctx: CallContext) => Promise<unknown> }>();
  const provided = handlers as unknown as Record<
    string,
    ((req: unknown, ctx: CallContext) => Promise<unknown>) | undefined
  >;
  for (const entry of channelEntries()) {
    const def = entry.def;
    if (!def.variants.includes(variant)) continue;
    if (variant === 'kiosk' && !def.readOnly)
      throw new Error(`kiosk build cannot register write channel ${entry.name}`);
    const handler = provided[entry.name];
    if (typeof handler !== 'function') throw new Error(`no handler for ${entry.name} in the ${variant} build`);
    table.set(entry.name, { def, handler });
  }
  for (const name of Object.keys(provided)) {
    if (!table.has(name)) throw new Error(`handler given for ${name}, which the ${variant} build does not register`);
  }

  return {
    variant,
    channels: Object.freeze([...table.keys()]),
    async dispatch(channel, payload) {
      const entry = table.get(channel);
      if (!entry)
        return fail('UNKNOWN_CHANNEL', `No channel ${JSON.stringify(channel).slice(0, 80)} in the ${variant} build`);
      const request = entry.def.request.safeParse(payload);
      if (!request.success) return invalidRequest(request.error.issues);
      let value: unknown;
      try {
        value = await entry.handler(request.data, { channel: channel as ChannelName });
      } catch (err) {
        const failure = err instanceof IpcFailure ? err : (options.mapError?.(err) ?? null);
        if (failure) return fail(failure.code, failure.message, failure.fields);
        logError(channel, err);
        return fail('INTERNAL', 'Something went wrong in the application; the error was logged.');
      }
      const response = entry.def.response.safeParse(value);
      if (!response.success) {
        logError(
          channel,
          new Error(`response does not match the contract: ${JSON.stringify(response.error.issues).slice(0, 2000)}`),
        );
        return fail('INVALID_RESPONSE', 'The application produced an answer it cannot show. The error was logged.');
      }
      return { ok: true, value: response.data };
    },
  };
}
