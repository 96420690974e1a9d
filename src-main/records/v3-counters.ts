// The counters envelope v3's writer keeps on this workstation (docs/UNLINKABLE.md §4): the next list index j of each
// creating doctor (its j-th chart's asset tag) and the next intro counter i of each (writer → reader) pair. Taking a
// number twice is harmless (two transactions with one tag are both found), so a lost counter costs nothing but a
// reused tag. The state is plain JSON kept in the identity's verified cache (V3Counters.of), written after each take.
import { z } from 'zod';
import type { IdentityCache } from '../ledger/verified-cache';

const counterMap = z.record(z.string().max(200), z.number().int().min(0).max(0xffffffff));
// `recovery` came later (docs/UNLINKABLE.md §13): a state written before it has none and starts it at zero.
const stateSchema = z.strictObject({ list: counterMap, intro: counterMap, recovery: counterMap.optional() });
export interface V3CounterState {
  list: Record<string, number>;
  intro: Record<string, number>;
  recovery?: Record<string, number>;
}

export class V3Counters {
  readonly #state: V3CounterState;
  readonly #changed: (state: V3CounterState) => void;

  constructor(state: V3CounterState = { list: {}, intro: {} }, changed: (state: V3CounterState) => void = () => {}) {
    this.#state = { list: { ...state.list }, intro: { ...state.intro }, recovery: { ...state.recovery } };
    this.#changed = changed;
  }

  /**
   * The identity's counters from its verified cache, stored back after every change. An entry that does not parse
   * (or fails its MAC: the cache then gives none) starts from zero: reused tags are found all the same.
   */
  static of(cache: IdentityCache): V3Counters {
    let state: V3CounterState | undefined;
    try {
      const parsed = stateSchema.safeParse(JSON.parse(cache.counters() ?? 'null'));
      if (parsed.success) state = parsed.data;
    } catch {
      state = undefined;
    }
    return new V3Counters(state, (next) => cache.rememberCounters(JSON.stringify(next)));
  }

  /** The creator's next list index, taken (the next call gives the one after). */
  takeList(creatorBoxKey: string): number {
    const j = this.#state.list[creatorBoxKey] ?? 0;
    this.#state.list[creatorBoxKey] = j + 1;
    this.#changed(this.toJSON());
    return j;
  }

  /** The pair's next intro counter, taken. */
  takeIntro(writerBoxKey: string, readerBoxKey: string): number {
    const key = `${writerBoxKey}>${readerBoxKey}`;
    const i = this.#state.intro[key] ?? 0;
    this.#state.intro[key] = i + 1;
    this.#changed(this.toJSON());
    return i;
  }

  /** The next recovery-tag counter of writer W's pair with the recovery key for custodian C, taken. */
  takeRecovery(writerBoxKey: string, custodianBoxKey: string): number {
    const key = `${writerBoxKey}>${custodianBoxKey}`;
    const recovery = (this.#state.recovery ??= {});
    const i = recovery[key] ?? 0;
    recovery[key] = i + 1;
    this.#changed(this.toJSON());
    return i;
  }

  /**
   * Raises the creator's list index to where discovery's list walk ends: a chart created below it would be missed by
   * every workstation whose walk already passed it (it goes on from its kept next index, or a list checkpoint's).
   */
  sawList(creatorBoxKey: string, next: number): void {
    if ((this.#state.list[creatorBoxKey] ?? 0) >= next) return;
    this.#state.list[creatorBoxKey] = next;
    this.#changed(this.toJSON());
  }

  /** Raises a counter past what a search found (another workstation of the same doctor took it). */
  sawIntro(writerBoxKey: string, readerBoxKey: string, used: number): void {
    const key = `${writerBoxKey}>${readerBoxKey}`;
    this.#state.intro[key] = Math.max(this.#state.intro[key] ?? 0, used + 1);
    this.#changed(this.toJSON());
  }

  toJSON(): V3CounterState {
    return { list: { ...this.#state.list }, intro: { ...this.#state.intro }, recovery: { ...this.#state.recovery } };
  }
}
