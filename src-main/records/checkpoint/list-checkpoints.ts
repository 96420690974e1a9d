// The list checkpoints of the identities signed in on this workstation (docs/UNLINKABLE.md §14): each identity's
// newest checkpoint is read from the ledger once a session, at its first list; its entries stand in for charts this
// workstation has not verified itself, each still proven current by the node (its head's output unspent) before the
// list shows its line, and dropped as soon as it is not. After a list, a new checkpoint is written in the background
// when the list is long enough for a cold list to be slow and enough of it changed since the last one.
//
// Trust: a checkpoint opens only under a key made from the doctor's seed (checkpoint-store.ts), so it says what one of
// the doctor's own workstations verified — the trust the verified cache on disk already has (MAC under the seed's
// local key). A node can hide the newest checkpoint: then an older one (or none) is read and more is verified, which
// is slower and never wrong. The chart screen verifies a chart in full whatever the list took from here.
import type { KeyHolder } from '../../../src-shared/crypto/keyholder';
import { NodeUnreachableError } from '../../ledger/errors';
import type { ChartParts } from '../chart-parts';
import { custodyPolicySource } from '../custody-policy';
import type { DiscoveryState } from '../discovery/discovery-state';
import { findNewestCheckpoint, writeCheckpoint } from './checkpoint-store';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointEntry, type ListCheckpoint } from './list-checkpoint';

export interface CheckpointPolicy {
  /** A list with fewer v3 charts writes none: it is fast without. */
  readonly minCharts: number;
  /** Share of the list that must differ from the newest checkpoint (new, gone, or another head) to write again. */
  readonly minChangedShare: number;
  /** A checkpoint older than this is written again on any change. */
  readonly maxAgeMs: number;
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = {
  minCharts: 200,
  minChangedShare: 0.05,
  maxAgeMs: 24 * 60 * 60 * 1000,
};

/** What a list gives the checkpoint after it ran. */
export interface ListOutcome {
  readonly entries: readonly CheckpointEntry[];
  readonly recheck: readonly string[];
  readonly discovery: DiscoveryState;
}

export interface CheckpointSession {
  /** The checkpoint read at the session's first list (null: none, another authority's, or not readable). */
  readonly read: ListCheckpoint | null;
  /** Its entries still standing in for charts not verified here (dropped when not current). */
  readonly entries: Map<string, CheckpointEntry>;
  nextGeneration: number;
  /** Heads and time of the newest checkpoint read or written: what the next write is measured against. */
  last: { at: number; heads: Map<string, string> } | null;
}

export class ListCheckpoints {
  readonly #sessions = new Map<string, Promise<CheckpointSession | null>>();
  readonly #writing = new Set<Promise<void>>();
  readonly #custody: ReturnType<typeof custodyPolicySource>;

  constructor(private readonly parts: Pick<ChartParts, 'client' | 'crypto' | 'authority' | 'loader' | 'options'>) {
    this.#custody = custodyPolicySource(parts.authority);
  }

  private get policy(): CheckpointPolicy | null {
    const given = this.parts.options.listCheckpoint;
    const option = typeof given === 'function' ? given() : given;
    return option === false ? null : { ...DEFAULT_CHECKPOINT_POLICY, ...option };
  }

  /**
   * The identity's checkpoint this session (read from the ledger at the first call). Null without v3 discovery keys,
   * and while checkpoints are off: a session read before they were turned off stands in for nothing after, and one
   * turned back on reads the ledger at the next list.
   */
  session(holder: KeyHolder): Promise<CheckpointSession | null> {
    if (!this.policy) return Promise.resolve(null);
    let session = this.#sessions.get(holder.boxKey);
    if (!session) {
      const reading = this.#read(holder);
      this.#sessions.set(holder.boxKey, reading);
      // A read no node answered is not kept: the list fails as any list without a node, and the next one reads again.
      reading.catch(() => {
        if (this.#sessions.get(holder.boxKey) === reading) this.#sessions.delete(holder.boxKey);
      });
      session = reading;
    }
    return session;
  }

  /** A chart the list verified itself, or found not current: its entry no longer stands in for it. */
  drop(session: CheckpointSession, chartId: string): void {
    session.entries.delete(chartId);
  }

  /** After a list: writes a new checkpoint in the background when the policy says so (settled() waits for it). */
  afterList(holder: KeyHolder, session: CheckpointSession, outcome: ListOutcome): void {
    const policy = this.policy;
    if (!policy || outcome.entries.length + outcome.recheck.length < policy.minCharts || !holder.pairKey) return;
    const heads = headsOf(outcome);
    if (!due(session.last, heads, policy)) return;
    const generation = session.nextGeneration++;
    const checkpoint: ListCheckpoint = {
      writtenAt: new Date().toISOString(),
      authorityId: this.parts.authority.pinned() || null,
      discovery: outcome.discovery,
      entries: outcome.entries,
      recheck: outcome.recheck,
    };
    const write = (async () => {
      try {
        const custody = await this.#custody();
        await writeCheckpoint(this.parts.client, holder, generation, encodeCheckpoint(checkpoint), {
          crypto: this.parts.crypto,
          custody,
        });
        session.last = { at: Date.now(), heads };
      } catch {
        // Nothing is lost: the next list writes again (a checkpoint only spares a new workstation work).
      }
    })();
    this.#writing.add(write);
    void write.finally(() => this.#writing.delete(write));
  }

  /** Waits for the checkpoints being written (the CLI before it exits, tests, the benchmark). */
  async settled(): Promise<void> {
    while (this.#writing.size > 0) await Promise.all([...this.#writing]);
  }

  /** Forgets an identity's session (sign-out, lock), or everyone's: its next list reads the ledger again. */
  forget(boxKey?: string): void {
    if (boxKey) this.#sessions.delete(boxKey);
    else this.#sessions.clear();
  }

  async #read(holder: KeyHolder): Promise<CheckpointSession | null> {
    if (!this.policy || !holder.pairKey) return null;
    let found;
    try {
      found = await findNewestCheckpoint(this.parts.client, holder);
    } catch (error) {
      if (error instanceof NodeUnreachableError) throw error;
      // An answer that is none (a node's fault or malice): this session lists, and writes, without a checkpoint.
      return null;
    }
    const { newest, nextGeneration } = found;
    let read: ListCheckpoint | null = null;
    if (newest) {
      try {
        read = decodeCheckpoint(newest.payload);
      } catch {
        read = null; // sealed by this doctor yet unreadable (another version of the app): listed without it
      }
    }
    // Verdicts reached under another authority (or none) say nothing about this one's credentials.
    if (read && (read.authorityId ?? '') !== this.parts.authority.pinned()) read = null;
    const entries = new Map(read?.entries.map((e) => [e.chartId, e]) ?? []);
    // A node that later answers with less than the checkpoint's head is withholding versions (fresh-heads.ts).
    for (const e of entries.values()) this.parts.loader.heads.remember(e.chartId, e.seq, e.headTxId);
    const last = read ? { at: Date.parse(read.writtenAt), heads: headsOf(read) } : null;
    return { read, entries, nextGeneration, last };
  }
}

/** Each chart of a checkpoint with its head ('' for a chart to recheck): what the next write is measured against. */
function headsOf({ entries, recheck }: Pick<ListCheckpoint, 'entries' | 'recheck'>): Map<string, string> {
  return new Map([...entries.map((e) => [e.chartId, e.headTxId] as const), ...recheck.map((id) => [id, ''] as const)]);
}

/** Whether enough changed since the last checkpoint (or none is known) to write one. */
function due(last: CheckpointSession['last'], heads: ReadonlyMap<string, string>, policy: CheckpointPolicy): boolean {
  if (!last) return true;
  let changed = 0;
  for (const [id, head] of heads) if (last.heads.get(id) !== head) changed++;
  for (const id of last.heads.keys()) if (!heads.has(id)) changed++;
  if (changed === 0) return false;
  return changed >= policy.minChangedShare * heads.size || Date.now() - last.at >= policy.maxAgeMs;
}
