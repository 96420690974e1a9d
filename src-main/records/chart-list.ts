// Lists the charts a viewer can read: found by searching the node's metadata for the viewer's box key (a hint only),
// each then verified like any chart. Listing thousands stays fast: a chart verified earlier this session is reused
// while the node's stream announced nothing newer, and one whose verified chain is in the workstation's cache and
// still current on the node (one outputs query per custodian) is opened from the cache. The screen's list (summaries)
// also takes charts not verified here from the doctor's list checkpoint while the node proves their heads current.
import { ENVELOPE_TYPE, type Envelope } from '../../src-shared/crypto/envelope';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import type { ChartSummary } from '../../src-shared/ipc/data';
import { HEX64 } from '../../src-shared/ledger/patterns';
import { NodeUnreachableError } from '../ledger/errors';
import type { CachedChain } from '../ledger/verified-cache';
import { DEFAULT_LIST_CONCURRENCY, type ChartParts } from './chart-parts';
import type { ChartStates } from './chart-states';
import { chartView } from './chart-views';
import type { BlockSweep } from './block-sweep';
import type { DiscoveryState } from './discovery/discovery-state';
import type { UnspentOf } from './fresh-heads';
import type { ChartState } from './model';
import { V3Discovery } from './v3-list';
import type { CheckpointEntry } from './checkpoint/list-checkpoint';
import { ListCheckpoints, type CheckpointSession } from './checkpoint/list-checkpoints';
import { summaryOf, summaryOfEntry } from './contract-views';

/** Does this look like a chart envelope (seq, chart id, readers) listing `boxKey`? Unverified: for hints only. */
function listsReader(metadata: unknown, boxKey: string): metadata is Pick<Envelope, 'seq' | 'chart'> {
  const m = metadata as { type?: unknown; seq?: unknown; chart?: unknown; readers?: unknown } | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    m.type === ENVELOPE_TYPE &&
    Number.isInteger(m.seq) &&
    (m.seq as number) >= 1 &&
    (m.chart === undefined || typeof m.chart === 'string') &&
    Array.isArray(m.readers) &&
    m.readers.some((r) => (r as { key?: unknown } | null)?.key === boxKey)
  );
}

/** The charts listed, most recently changed first (null: a chart not listed). */
function newestFirst(states: readonly (ChartState | null)[]): ChartState[] {
  return states.filter((s): s is ChartState => s !== null).sort((a, b) => b.head.at.localeCompare(a.head.at));
}

export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index]!);
      }
    }),
  );
  return results;
}

/** A head whose output the list asks about: `txId:0` under `owner`, standing for `of`. */
interface Head<T> {
  owner: string;
  txId: string;
  of: T;
}

/** A chart whose verified chain in the cache is still its current state on the node. */
interface Current {
  chain: CachedChain;
  nodeUrl: string;
}

interface Summarise {
  /** The newest version the search found (a hint, not trusted data). */
  headHint?: string;
  /** The chart is current in the verified cache: open it from there. */
  current?: Current;
  /** The list already asked the node whether cached heads are current (a chart not current is fetched whole). */
  cacheChecked: boolean;
  /** No node answers: only the cache and the outbox are read. */
  offline: boolean;
  /** The list's shared query of unspent outputs. */
  unspentOf?: UnspentOf;
  /** With an authority pinned: the list's placing of versions by block instead of a height request a chart. */
  sweep?: BlockSweep;
}

export class ChartList {
  /** Envelope v3 charts carry no reader key: they are found by discovery (v3-list.ts). */
  readonly v3: V3Discovery;

  /** The doctor's list checkpoint: what a new workstation lists without verifying every version again. */
  readonly checkpoints: ListCheckpoints;

  constructor(
    private readonly parts: ChartParts,
    private readonly states: ChartStates,
  ) {
    this.checkpoints = new ListCheckpoints(parts);
    this.v3 = new V3Discovery(parts, this.checkpoints);
  }

  private get concurrency(): number {
    return this.parts.options.listConcurrency ?? DEFAULT_LIST_CONCURRENCY;
  }

  /** Every chart this viewer can read, newest first, each verified now. A node that does not answer fails the list. */
  async list(holder: KeyHolder): Promise<ChartState[]> {
    this.parts.viewers.remember(holder);
    const { found } = await this.chartsFor(holder);
    const charts = [...found];
    return newestFirst(await this.verifyAll(holder, charts, await this.reading(holder, charts)));
  }

  /**
   * The list as the chart screen shows it, newest first: like list(), except that a chart this workstation has not
   * verified itself may be shown from the doctor's list checkpoint when the node proves its head still current
   * (checkpoint/list-checkpoints.ts). Writes a new checkpoint in the background when due.
   */
  async summaries(holder: KeyHolder): Promise<ChartSummary[]> {
    this.parts.viewers.remember(holder);
    const { found, v3, discovery } = await this.chartsFor(holder);
    const charts = [...found];
    const reading = await this.reading(holder, charts);
    const session = await this.checkpoints.session(holder);
    const vouched = session ? await this.currentInCheckpoint(holder, session, charts, reading) : new Map();
    const verified = charts.filter(([id]) => !vouched.has(id));
    const lines = (await this.verifyAll(holder, verified, reading)).map((state) =>
      state ? summaryOf(state, holder.signKey) : null,
    );
    if (session && discovery) {
      const { entries, recheck } = this.outcome(holder, verified, lines, v3);
      this.checkpoints.afterList(holder, session, { entries: [...entries, ...vouched.values()], recheck, discovery });
    }
    const nameOf = this.states.nameOf;
    return [
      ...lines.filter((line): line is ChartSummary => line !== null),
      ...[...vouched.values()].map((entry) => summaryOfEntry(entry, holder.signKey, nameOf)),
    ].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  /** The shared query of unspent outputs (one per owner key for the whole list) and the charts current in the cache. */
  private async reading(holder: KeyHolder, charts: readonly (readonly [string, string | undefined])[]) {
    // One query of unspent outputs per custodian for the whole list: for the cache's current heads, and for the
    // fresh-head check of every chart fetched (fresh-heads.ts).
    const unspent = new Map<string, Promise<ReadonlySet<string>>>();
    const unspentOf: UnspentOf = (owner) => {
      let found = unspent.get(owner);
      if (!found) unspent.set(owner, (found = this.parts.loader.heads.unspentOf(owner)));
      return found;
    };
    return { unspentOf, current: await this.currentInCache(holder, charts, unspentOf) };
  }

  /** Each chart verified (from the cache when current there) and summarised; null where not listed. */
  private async verifyAll(
    holder: KeyHolder,
    charts: readonly (readonly [string, string | undefined])[],
    { unspentOf, current }: { unspentOf: UnspentOf; current: Map<string, Current> },
  ): Promise<(ChartState | null)[]> {
    const cacheChecked = this.parts.cache !== null;
    const sweep = this.parts.authors.active() ? this.parts.authors.sweep(charts.length, this.concurrency) : undefined;
    return mapLimit(charts, this.concurrency, async ([id, headHint]) => {
      try {
        return await this.summarise(holder, id, {
          headHint,
          current: current.get(id),
          cacheChecked,
          offline: false,
          unspentOf,
          sweep,
        });
      } catch (error) {
        if (error instanceof NodeUnreachableError) throw error;
        return null;
      }
    });
  }

  /**
   * The checkpoint's entries that still stand for their chart: not verified here (cache or this session), nothing of
   * it waiting in the outbox, no newer version found by discovery, and its head's output unspent on the node (asked
   * once per owner key, with the list's other questions). Every other entry is dropped: its chart is verified in full.
   */
  private async currentInCheckpoint(
    holder: KeyHolder,
    session: CheckpointSession,
    charts: readonly (readonly [string, string | undefined])[],
    { unspentOf, current }: { unspentOf: UnspentOf; current: Map<string, Current> },
  ): Promise<Map<string, CheckpointEntry>> {
    const vouched = new Map<string, CheckpointEntry>();
    if (session.entries.size === 0) return vouched;
    const waiting = new Set(this.parts.outbox.all().map((r) => r.chartId));
    const heads: Head<CheckpointEntry>[] = [];
    for (const [chartId, hint] of charts) {
      const entry = session.entries.get(chartId);
      if (!entry) continue;
      const verifiedHere = current.has(chartId) || this.parts.loader.cached(holder.boxKey, chartId) !== undefined;
      if (verifiedHere || waiting.has(chartId) || (hint !== undefined && hint !== entry.headTxId)) {
        this.checkpoints.drop(session, chartId);
        continue;
      }
      heads.push({ owner: entry.outputKey, txId: entry.headTxId, of: entry });
    }
    await this.askUnspent(heads, unspentOf, (entry, unspent) => {
      if (unspent) vouched.set(entry.chartId, entry);
      else this.checkpoints.drop(session, entry.chartId);
    });
    return vouched;
  }

  /**
   * What this list verified, for the next checkpoint: an entry for each v3 chart shown verified (its head as the
   * loader verified it); every other v3 chart found, but one verified and closed to this reader, to be verified in
   * full by whoever reads the checkpoint.
   */
  private outcome(
    holder: KeyHolder,
    charts: readonly (readonly [string, string | undefined])[],
    lines: readonly (ChartSummary | null)[],
    v3: ReadonlySet<string>,
  ): { entries: CheckpointEntry[]; recheck: string[] } {
    const entries: CheckpointEntry[] = [];
    const recheck: string[] = [];
    charts.forEach(([chartId], i) => {
      if (!v3.has(chartId)) return;
      const line = lines[i];
      const loaded = this.parts.loader.cached(holder.boxKey, chartId);
      // Verified, and closed to this reader (unshared): gone from the list, and from the checkpoint. A chart that
      // could not be read at all is kept for the next reader to try.
      if (!line && loaded && !loaded.tampered && loaded.versions.length > 0) return;
      const head = loaded?.versions.at(-1)?.version;
      if (!line || line.integrity !== 'verified' || !head?.outputKey || head.txId !== line.headTxId) {
        recheck.push(chartId);
        return;
      }
      entries.push({
        chartId,
        seq: line.seq,
        headTxId: head.txId,
        outputKey: head.outputKey,
        line: {
          patientName: line.patientName,
          status: line.status,
          updatedAt: line.updatedAt,
          custodian: { signKey: line.custodian.signKey, label: line.custodian.name ?? '' },
        },
      });
    });
    return { entries, recheck };
  }

  /**
   * The charts this identity verified on this workstation, from the verified cache alone (no request), for when no
   * node answers: what was true when last verified, with the work still waiting in the outbox. Empty without a cache.
   */
  async listVerified(holder: KeyHolder): Promise<ChartState[]> {
    this.parts.viewers.remember(holder);
    const { cache, client, loader } = this.parts;
    const nodeUrl = client.currentNodeUrl;
    if (!cache || !nodeUrl) return [];
    const ids = new Set([...cache.for(holder).chartIds(), ...this.outboxChartIds(holder)]);
    const states = await mapLimit([...ids], this.concurrency, async (id) => {
      const chain = loader.cachedChain(holder, id);
      try {
        return await this.summarise(holder, id, {
          current: chain ? { chain, nodeUrl } : undefined,
          cacheChecked: false,
          offline: true,
        });
      } catch {
        return null;
      }
    });
    return newestFirst(states);
  }

  /** The ids of the charts this viewer can read. */
  async chartIds(holder: KeyHolder): Promise<string[]> {
    return [...(await this.chartsFor(holder)).found.keys()];
  }

  private async summarise(
    holder: KeyHolder,
    chartId: string,
    { headHint, current, cacheChecked, offline, unspentOf, sweep }: Summarise,
  ): Promise<ChartState | null> {
    const { loader, stream } = this.parts;
    // A chart verified earlier this session is not fetched again while the node's stream is connected and has
    // announced nothing newer for it (and the search still points at the same version): listing stays fast when
    // little changed. Without the stream nothing is reused from memory. A chart whose verified chain is in the
    // cache and whose head the node still lists as unspent is opened from the cache. get() always asks the node.
    const cached = headHint && stream.connected ? loader.cached(holder.boxKey, chartId) : undefined;
    const reusable =
      cached &&
      !cached.stale &&
      !cached.tampered &&
      cached.versions.at(-1)?.version.txId === headHint &&
      cached.versions.at(-1)?.payload;
    // A chart a node served forged this session is fetched again, so its warning shows here too.
    const fromCache = current && (offline || !loader.servedTampered(holder, chartId)) ? current : undefined;
    const loaded = reusable
      ? cached
      : fromCache
        ? await loader.openCached(
            holder,
            chartId,
            fromCache.chain,
            fromCache.nodeUrl,
            'head',
            offline ? undefined : sweep,
          )
        : offline
          ? null // written while offline: only the outbox knows it
          : await loader.load(holder, chartId, 'head', { changed: cacheChecked, unspentOf, sweep });
    const pending = await this.states.pendingVersions(holder, chartId, loaded?.versions.at(-1)?.version.seq ?? 0);
    const waiting = pending.filter((p) => p.record.state === 'pending');
    if (!loaded?.versions.length && !loaded?.tampered && waiting.length === 0) return null;
    const headReadable = waiting.length ? waiting.at(-1)!.payload !== null : loaded?.versions.at(-1)?.readable;
    if (!loaded?.tampered && !headReadable) return null; // unshared from this reader: no longer listed
    return chartView(chartId, loaded ?? null, pending, holder, this.states.nameOf, { diffs: false });
  }

  /** Charts this doctor created that only the outbox knows so far (written while no node answered). */
  private outboxChartIds(holder: KeyHolder): string[] {
    return this.parts.outbox
      .all()
      .filter((r) => r.kind === 'chart' && r.author === holder.signKey && r.chartId)
      .map((r) => r.chartId!);
  }

  /**
   * Charts listing this reader, each with the id of its newest version that does (a hint, not trusted data), and
   * which of them discovery found (envelope v3).
   */
  private async chartsFor(
    holder: KeyHolder,
  ): Promise<{ found: Map<string, string | undefined>; v3: Set<string>; discovery: DiscoveryState | null }> {
    const { value: hits } = await this.parts.client.searchMetadata(holder.boxKey, 0);
    const heads = new Map<string, { seq: number; txId: string } | undefined>();
    for (const hit of hits) {
      // Text search is fuzzy: only envelopes that really list this reader count. A hint only (the chain is verified
      // in full before anything is shown), so a shape check is enough: a full parse of thousands costs real time.
      if (!listsReader(hit.metadata, holder.boxKey)) continue;
      const id = hit.metadata.seq === 1 ? hit.id : hit.metadata.chart;
      if (!id || !HEX64.test(id)) continue;
      const known = heads.get(id);
      if (!known || known.seq < hit.metadata.seq) heads.set(id, { seq: hit.metadata.seq, txId: hit.id });
    }
    for (const id of this.outboxChartIds(holder)) if (!heads.has(id)) heads.set(id, undefined);
    const found = new Map([...heads].map(([id, head]) => [id, head?.txId]));
    const { candidates: v3, state: discovery } = await this.v3.candidatesWithState(holder);
    for (const [id, hint] of v3) if (!found.has(id)) found.set(id, hint);
    return { found, v3: new Set(v3.keys()), discovery };
  }

  /**
   * Which listed charts the verified cache holds up to their current version: the cached head must still be an
   * unspent output on the node (asked once per custodian, not once per chart) and the search hint must be in the
   * cached chain. The rest are fetched and verified as usual.
   */
  private async currentInCache(
    holder: KeyHolder,
    charts: readonly (readonly [string, string | undefined])[],
    unspentOf: UnspentOf,
  ): Promise<Map<string, Current>> {
    const current = new Map<string, Current>();
    if (!this.parts.cache) return current;
    const heads: Head<{ chartId: string; chain: CachedChain }>[] = [];
    for (const [chartId, hint] of charts) {
      const chain = this.parts.loader.cachedChain(holder, chartId);
      if (!chain || (hint && !chain.txs.some((tx) => tx.id === hint))) continue;
      const owner = chain.txs.at(-1)!.outputs[0]?.public_keys[0];
      if (owner) heads.push({ owner, txId: chain.txs.at(-1)!.id, of: { chartId, chain } });
    }
    await this.askUnspent(heads, unspentOf, ({ chartId, chain }, unspent) => {
      if (unspent) current.set(chartId, { chain, nodeUrl: this.parts.client.currentNodeUrl! });
    });
    return current;
  }

  /**
   * Asks the node whether each head is still unspent (`head:0` under its owner key): one query of the list's shared
   * `unspentOf` per owner key. Under envelope v3 every chart's head has its own owner key (one query a chart), so the
   * queries run side by side as the list's reads do, not one after another; `answered` is told each head's verdict as
   * its owner's answer arrives.
   */
  private async askUnspent<T>(
    heads: readonly Head<T>[],
    unspentOf: UnspentOf,
    answered: (of: T, unspent: boolean) => void,
  ): Promise<void> {
    const byOwner = new Map<string, Head<T>[]>();
    for (const head of heads) {
      const held = byOwner.get(head.owner);
      if (held) held.push(head);
      else byOwner.set(head.owner, [head]);
    }
    await mapLimit([...byOwner], this.concurrency, async ([owner, held]) => {
      const unspent = await unspentOf(owner);
      for (const head of held) answered(head.of, unspent.has(`${head.txId}:0`));
    });
  }
}
