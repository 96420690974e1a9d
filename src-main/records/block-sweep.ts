// One list's proof of position for many charts at once (docs/AUTHORITY.md §"The cold list: reading the bad blocks").
// Asking the height of every chart costs one request a chart. But an author's credential status is piecewise constant
// in height: only a few height ranges are "bad" for an author (before the credential, after its revocation, after a
// proven expiry). Reading the blocks of those ranges up to the node's tip — the tip read after the chart was fetched,
// so every version the node returned is at or below it — tells where each version in them is; a version in none of
// them is at a height where its author counted. When the bad ranges hold more blocks than the list has charts, the
// sweep declines and the caller asks per transaction, as before.
//
// The tip is needed only for an author whose status stays bad from its last change height on (revoked, expired, never
// credentialed): its last bad range is open-ended. An author valid from its last change height on (every credentialed
// doctor) has bad ranges that end below that height, a height the registry holds, so its bad blocks are known
// without a tip, and a version of it above any tip counts under this registry read, as the per-chart check would
// judge it. Such charts wait for no probe.
//
// A node answers for itself here as it does for `?transaction_id=`. The sweep never lets a block listing override
// what is known: a listing that lacks a transaction the reader knows to be in that block (the authority's and the
// credentials' own transactions, heights kept from earlier reads), names a known transaction at another height, or a
// tip below a known height, or a block that vanished below the tip, ends the sweep for the list (every chart is then
// asked per transaction). The threat model: docs/AUTHORITY.md §"Threat model of chart verification".
import { badRanges, heightsIn, type CredentialStatus } from '../../src-shared/authority';
import type { LedgerNodeClient } from '../ledger/node-client';

type BlockReader = Pick<LedgerNodeClient, 'blockTransactionIds'>;

/** An author whose versions are to be placed: its status at a height, and where that status can change. */
export interface SweepAuthor {
  key: string;
  statusAt(height: number): CredentialStatus;
  /** Asked once per registry read. */
  changes(): readonly number[];
}

export interface Known {
  txId: string;
  height: number;
}

/** Where the sweep found transactions: a height, or undefined when in no bad block of its author up to the tip. */
export type Where = (txId: string) => number | undefined;

interface Tip {
  height: number;
  nodeUrl: string | null;
}

interface AuthorRanges {
  changes: readonly number[];
  /** The height from which the author is valid for good (its last change height), or null: its last range is bad. */
  validFrom: number | null;
  /** Bad blocks read up to this height (false from `done`: too many to read). */
  covered?: { to: number; done: Promise<boolean> };
}

/** Blocks read at once. */
const CONCURRENCY = 8;

/**
 * Charts gather behind one probe of the tip rather than each costing one: the next probe starts once `batch` charts
 * wait for it (the list's concurrency halved: the other half keeps the CPU busy, and a list is bound by CPU, not by
 * charts waiting) or the first of them has waited this long (the end of a list, a short list).
 */
const GATHER_MS = 20;

export class BlockSweep {
  /** Transaction ids per block read (blocks at or below a tip never change). */
  readonly #blocks = new Map<number, Promise<string[]>>();
  readonly #seen = new Map<number, ReadonlySet<string>>();
  /** Every transaction seen in a block read, with that block's height. */
  readonly #where = new Map<string, number>();
  /** What the reader knows independently of the listings: a transaction's height, and by height. */
  readonly #expected = new Map<string, number>();
  readonly #expectedAt = new Map<number, Set<string>>();
  /** Per registry read (its ranges change when it does), per author: its change heights and how far it is read. */
  readonly #authors = new WeakMap<object, Map<string, AuthorRanges>>();
  /** Registry reads whose own transactions' heights are expected already (once per sweep, not once a chart). */
  readonly #registries = new WeakSet<object>();
  #floor = 0;
  /** Checks that the node has the block at the highest height it gave (a known height), by height. */
  readonly #floorChecks = new Map<number, Promise<boolean>>();
  #tip: Tip | null = null;
  #running: Promise<Tip> | null = null;
  #queued: Promise<Tip> | null = null;
  #waiting = 0;
  #gathered: (() => void) | null = null;
  #probes = 0;
  #nodeUrl: string | null = null;
  #broken: string | null = null;
  /** Requests made (probes and blocks): no bad block is read once they would pass the budget. */
  #spent = 0;

  /**
   * `budget`: the most block requests the sweep may make (the list's chart count: one height request a chart).
   * `batch`: how many charts a probe of the tip waits for (about half the charts the list checks at once).
   */
  constructor(
    private readonly reader: BlockReader,
    private readonly budget: number,
    private readonly batch = 1,
  ) {}

  /** Why the node's block listings are not used any more in this sweep (null: they are). */
  get broken(): string | null {
    return this.#broken;
  }

  /** How many probes of the tip were made. */
  get probes(): number {
    return this.#probes;
  }

  /** How many requests the sweep made. */
  get spent(): number {
    return this.#spent;
  }

  /**
   * Places the transactions of versions by `authors` that the node answered (`nodeUrl`) before this call: reads the
   * node's tip after the call, then every bad block of each author up to it. Null when the sweep cannot answer (over
   * its budget, another node answered, or the listings contradict what is known): the caller asks per transaction.
   * `registry`: the registry read the authors' statuses come from; `positions`: its own transactions with the heights
   * it holds (expected in their blocks; asked once per registry read, not once a chart).
   */
  async place(
    registry: object,
    authors: readonly SweepAuthor[],
    known: readonly Known[],
    nodeUrl: string,
    positions: () => readonly Known[] = () => [],
  ): Promise<Where | null> {
    if (this.#broken) return null;
    try {
      if (!this.#registries.has(registry)) {
        this.#registries.add(registry);
        for (const k of positions()) this.#expect(k);
      }
      for (const k of known) this.#expect(k);
      if (this.#broken) return null;
      let byKey = this.#authors.get(registry);
      if (!byKey) this.#authors.set(registry, (byKey = new Map()));
      const placed = authors.map((author) => ({ author, ranges: this.#rangesOf(byKey, author) }));
      let tip: number | null = null;
      if (placed.some((p) => p.ranges.validFrom === null)) {
        const probed = await this.#tipAfterNow();
        if (probed.nodeUrl === null || probed.nodeUrl !== nodeUrl || this.#broken) return null;
        if (known.some((k) => k.height > probed.height)) return this.#break(`it places a transaction above its tip`);
        tip = probed.height;
      } else if (!(await this.#floorExists())) return null;
      const covered = await Promise.all(placed.map((p) => this.#cover(p.author, p.ranges, tip)));
      // Heights are one node's word: blocks another node listed place nothing of this node's answer.
      if (this.#broken || !covered.every(Boolean) || (this.#nodeUrl !== null && this.#nodeUrl !== nodeUrl)) return null;
      return (txId) => this.#where.get(txId);
    } catch (error) {
      return this.#break(`its block listing failed: ${(error as Error).message}`);
    }
  }

  #rangesOf(byKey: Map<string, AuthorRanges>, author: SweepAuthor): AuthorRanges {
    let ranges = byKey.get(author.key);
    if (!ranges) {
      const changes = author.changes();
      // The status is constant from the last change height on (badRanges' contract): one judgement there decides.
      const last = changes.reduce((a, b) => Math.max(a, b), 0);
      ranges = { changes, validFrom: author.statusAt(last) === 'valid' ? last : null };
      byKey.set(author.key, ranges);
    }
    return ranges;
  }

  /**
   * With no probe, the node must still have the block at the highest height it gave (a probe checks the same before
   * it searches up from there): a known height above the node's own blocks ends the sweep.
   */
  async #floorExists(): Promise<boolean> {
    const floor = this.#floor;
    if (floor === 0 || this.#seen.has(floor)) return true;
    let check = this.#floorChecks.get(floor);
    if (!check) this.#floorChecks.set(floor, (check = this.#exists(floor)));
    if (await check) return true;
    this.#break(`it has no block ${floor}, a height it gave`);
    return false;
  }

  #break(reason: string): null {
    this.#broken ??= `the node's block listings cannot be used: ${reason}`;
    return null;
  }

  /** A probe of the tip that starts after this call (the one running may have started before the caller's fetch). */
  #tipAfterNow(): Promise<Tip> {
    if (!this.#queued) {
      this.#waiting = 0;
      const gathered = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, GATHER_MS);
        this.#gathered = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#queued = Promise.all([this.#running?.catch(() => undefined), gathered]).then(() => {
        this.#queued = null;
        this.#gathered = null;
        return this.#startProbe();
      });
    }
    if (++this.#waiting >= this.batch) this.#gathered?.();
    return this.#queued;
  }

  #startProbe(): Promise<Tip> {
    this.#probes++;
    const probe = this.#probe().finally(() => {
      if (this.#running === probe) this.#running = null;
    });
    this.#running = probe;
    return probe;
  }

  /** The highest block the node has: up from the highest height known to exist, doubling, then halving. */
  async #probe(): Promise<Tip> {
    let lo = Math.max(this.#floor, this.#tip?.height ?? 0);
    // The search starts from a height the node gave (a credential act, a version): it must have that block.
    if (lo > 0 && !(await this.#exists(lo))) {
      this.#break(`it has no block ${lo}, a height it gave`);
      return { height: lo, nodeUrl: null };
    }
    let step = 1;
    while (await this.#exists(lo + step)) {
      lo += step;
      step *= 2;
    }
    let hi = lo + step;
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (await this.#exists(mid)) lo = mid;
      else hi = mid;
    }
    this.#tip = { height: lo, nodeUrl: this.#nodeUrl };
    return this.#tip;
  }

  async #exists(height: number): Promise<boolean> {
    if (this.#seen.has(height)) return true;
    this.#spent++;
    const { value, nodeUrl } = await this.reader.blockTransactionIds(height);
    this.#answeredBy(nodeUrl);
    if (value === null) return false;
    if (!this.#blocks.has(height)) this.#blocks.set(height, Promise.resolve(value));
    this.#record(height, value);
    return true;
  }

  #answeredBy(nodeUrl: string): void {
    // Heights are one node's word: a sweep whose answers came from two nodes (a failover) proves nothing.
    if (this.#nodeUrl === null) this.#nodeUrl = nodeUrl;
    else if (this.#nodeUrl !== nodeUrl) this.#break(`both ${this.#nodeUrl} and ${nodeUrl} answered`);
  }

  /**
   * Reads the bad blocks of `author` up to `tip` (null: the author is valid for good from a height the registry holds,
   * and its bad blocks all lie below it), unless there are more than the budget allows.
   */
  #cover(author: SweepAuthor, ranges: AuthorRanges, tip: number | null): Promise<boolean> {
    const to = ranges.validFrom ?? tip!;
    if (ranges.covered && ranges.covered.to >= to) return ranges.covered.done;
    const done = this.#read(badRanges(author.statusAt, ranges.changes, to));
    ranges.covered = { to, done };
    return done;
  }

  async #read(ranges: readonly { from: number; to: number }[]): Promise<boolean> {
    const left = this.budget - this.#spent;
    if (heightsIn(ranges) - this.#blocks.size > left) return false;
    const wanted: number[] = [];
    const pending: Promise<string[]>[] = [];
    for (const r of ranges)
      for (let h = r.from; h <= r.to; h++) {
        const block = this.#blocks.get(h);
        if (block) pending.push(block);
        else wanted.push(h);
      }
    if (wanted.length > left) return false;
    this.#spent += wanted.length;
    let next = 0;
    const workers = Array.from({ length: Math.min(CONCURRENCY, wanted.length) }, async () => {
      while (next < wanted.length) {
        const height = wanted[next++]!;
        const block = this.#fetch(height);
        this.#blocks.set(height, block);
        await block;
      }
    });
    await Promise.all([...workers, ...pending]);
    return true;
  }

  async #fetch(height: number): Promise<string[]> {
    const { value, nodeUrl } = await this.reader.blockTransactionIds(height);
    this.#answeredBy(nodeUrl);
    if (value === null) {
      this.#break(`block ${height} is missing below its tip or a height it gave`);
      return [];
    }
    this.#record(height, value);
    return value;
  }

  #record(height: number, ids: readonly string[]): void {
    const set = new Set(ids);
    this.#seen.set(height, set);
    for (const id of ids) {
      const expected = this.#expected.get(id);
      if (expected !== undefined && expected !== height)
        this.#break(`block ${height} lists transaction ${id}, which it placed at ${expected}`);
      this.#where.set(id, height);
    }
    for (const id of this.#expectedAt.get(height) ?? [])
      if (!set.has(id)) this.#break(`block ${height} leaves out transaction ${id}, which it placed there`);
  }

  #expect({ txId, height }: Known): void {
    this.#floor = Math.max(this.#floor, height);
    const before = this.#expected.get(txId);
    if (before === height) return;
    if (before !== undefined) {
      this.#break(`it placed transaction ${txId} at ${before} and at ${height}`);
      return;
    }
    this.#expected.set(txId, height);
    const atHeight = this.#expectedAt.get(height) ?? new Set<string>();
    this.#expectedAt.set(height, atHeight.add(txId));
    const at = this.#where.get(txId);
    if (at !== undefined && at !== height)
      this.#break(`block ${at} lists transaction ${txId}, which it placed at ${height}`);
    const seen = this.#seen.get(height);
    if (seen && !seen.has(txId)) this.#break(`block ${height} leaves out transaction ${txId}, which it placed there`);
  }
}
