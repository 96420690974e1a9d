// How a channel is declared: its schemas, whether it changes anything, and which builds expose it.
import type { z } from 'zod';

export type Variant = 'workstation' | 'kiosk';

export interface ChannelDef<
  Req extends z.ZodType = z.ZodType,
  Res extends z.ZodType = z.ZodType,
  V extends readonly Variant[] = readonly Variant[],
> {
  readonly request: Req;
  readonly response: Res;
  /** True when the channel changes nothing (no ledger write, no keychain write, no settings write). */
  readonly readOnly: boolean;
  /** The builds that register this channel. The kiosk may only list read-only channels (checked at definition). */
  readonly variants: V;
  /** One line for the README and for reviewers. */
  readonly doc: string;
}

export function channel<Req extends z.ZodType, Res extends z.ZodType, const V extends readonly Variant[]>(
  def: ChannelDef<Req, Res, V>,
): ChannelDef<Req, Res, V> {
  if (def.variants.includes('kiosk') && !def.readOnly) {
    throw new Error(`A kiosk channel must be read-only: ${def.doc}`);
  }
  return def;
}

export interface EventDef<Payload extends z.ZodType = z.ZodType> {
  readonly payload: Payload;
  readonly variants: readonly Variant[];
  readonly doc: string;
}

export function event<Payload extends z.ZodType>(def: EventDef<Payload>): EventDef<Payload> {
  return def;
}
