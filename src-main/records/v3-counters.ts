// The counters envelope v3's writer keeps on this workstation (docs/UNLINKABLE.md §4): the next list index j of each
// creating doctor (its j-th chart's asset tag) and the next intro counter i of each (writer → reader) pair. Taking a
// number twice is harmless (two transactions with one tag are both found), so a lost counter costs nothing but a
// reused tag; the state is plain JSON, to keep beside the identity's verified cache.
export interface V3CounterState {
  list: Record<string, number>;
  intro: Record<string, number>;
}

export class V3Counters {
  readonly #state: V3CounterState;

  constructor(state: V3CounterState = { list: {}, intro: {} }) {
    this.#state = { list: { ...state.list }, intro: { ...state.intro } };
  }

  /** The creator's next list index, taken (the next call gives the one after). */
  takeList(creatorBoxKey: string): number {
    const j = this.#state.list[creatorBoxKey] ?? 0;
    this.#state.list[creatorBoxKey] = j + 1;
    return j;
  }

  /** The pair's next intro counter, taken. */
  takeIntro(writerBoxKey: string, readerBoxKey: string): number {
    const key = `${writerBoxKey}>${readerBoxKey}`;
    const i = this.#state.intro[key] ?? 0;
    this.#state.intro[key] = i + 1;
    return i;
  }

  /** Raises a counter past what a search found (another workstation of the same doctor took it). */
  sawIntro(writerBoxKey: string, readerBoxKey: string, used: number): void {
    const key = `${writerBoxKey}>${readerBoxKey}`;
    this.#state.intro[key] = Math.max(this.#state.intro[key] ?? 0, used + 1);
  }

  toJSON(): V3CounterState {
    return { list: { ...this.#state.list }, intro: { ...this.#state.intro } };
  }
}
