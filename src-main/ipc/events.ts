// Main → renderer events, validated against the contract before they leave, fanned out to whichever transports are
// attached (the window's webContents in the app, WebSocket clients in the test bridge).
import type { z } from 'zod';
import { events, type Events, type Variant } from '../../src-shared/ipc';

export type EventName = keyof Events;
export type EventPayloadIn<E extends EventName> = z.input<Events[E]['payload']>;
export type EventSink = (name: EventName, payload: unknown) => void;

export class EventHub {
  private readonly sinks = new Set<EventSink>();
  constructor(private readonly variant: Variant) {}

  attach(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  emit<E extends EventName>(name: E, payload: EventPayloadIn<E>): void {
    const def = events[name];
    if (!def.variants.includes(this.variant)) return;
    const parsed = def.payload.safeParse(payload);
    if (!parsed.success) {
      console.error(`[ipc] event ${name} does not match the contract; not sent`, parsed.error.issues);
      return;
    }
    for (const sink of this.sinks) {
      try {
        sink(name, parsed.data);
      } catch (err) {
        console.error(`[ipc] event sink failed for ${name}`, err);
      }
    }
  }
}
