// Lists the charts a viewer can read: found by searching the node's metadata for the viewer's box key (a hint only),
// each then verified like any chart. Listing thousands stays fast: a chart verified earlier this session is reused
// while the node's stream announced nothing newer, and one whose verified chain is in the workstation's cache and
// still current on the node (one outputs query per custodian) is opened from the cache.
import { ENVELOPE_TYPE, type Envelope } from '../../src-shared/crypto/envelope';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import { HEX64 } from '../../src-shared/ledger/patterns';
import { NodeUnreachableError } from '../ledger/errors';
import type { CachedChain } from '../ledger/verified-cache';
import { DEFAULT_LIST_CONCURRENCY, type ChartParts } from './chart-parts';
import type { ChartStates } from './chart-states';
import { chartView } from './chart-views';
import type { BlockSweep } from './block-sweep';
import type { UnspentOf } from './fresh-heads';
import type { ChartState } from './model';
import { V3Discovery } from './v3-list';

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

  constructor(
    private readonly parts: ChartParts,
    private readonly states: ChartStates,
  ) {
    this.v3 = new V3Discovery(parts);
  }

  private get concurrency(): number {
    return this.parts.options.listConcurrency ?? DEFAULT_LIST_CONCURRENCY;
  }

  /** Every chart this viewer can read, newest first. A node that does not answer fails the whole list. */
  async list(holder: KeyHolder): Promise<ChartState[]> {
    this.parts.viewers.remember(holder);
    const charts = [...(await this.chartsFor(holder))];
    // One query of unspent outputs per custodian for the whole list: for the cache's current heads, and for the
    // fresh-head check of every chart fetched (fresh-heads.ts).
    const unspent = new Map<string, Promise<ReadonlySet<string>>>();
    const unspentOf: UnspentOf = (owner) => {
      let found = unspent.get(owner);
      if (!found) unspent.set(owner, (found = this.parts.loader.heads.unspentOf(owner)));
      return found;
    };
    const current = await this.currentInCache(holder, charts, unspentOf);
    const cacheChecked = this.parts.cache !== null;
    const sweep = this.parts.authors.active() ? this.parts.authors.sweep(charts.length, this.concurrency) : undefined;
    const states = await mapLimit(charts, this.concurrency, async ([id, headHint]) => {
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
    return newestFirst(states);
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
    return [...(await this.chartsFor(holder)).keys()];
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

  /** Charts listing this reader, each with the id of its newest version that does (a hint, not trusted data). */
  private async chartsFor(holder: KeyHolder): Promise<Map<string, string | undefined>> {
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
    for (const [id, hint] of await this.v3.candidates(holder)) if (!found.has(id)) found.set(id, hint);
    return found;
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
    const byOwner = new Map<string, { chartId: string; chain: CachedChain }[]>();
    for (const [chartId, hint] of charts) {
      const chain = this.parts.loader.cachedChain(holder, chartId);
      if (!chain || (hint && !chain.txs.some((tx) => tx.id === hint))) continue;
      const owner = chain.txs.at(-1)!.outputs[0]?.public_keys[0];
      if (!owner) continue;
      const held = byOwner.get(owner);
      if (held) held.push({ chartId, chain });
      else byOwner.set(owner, [{ chartId, chain }]);
    }
    // Under envelope v3 every chart's head has its own owner key (one query a chart), so the queries run side by
    // side as the list's reads do, not one after another.
    await mapLimit([...byOwner], this.concurrency, async ([owner, held]) => {
      const unspent = await unspentOf(owner);
      const nodeUrl = this.parts.client.currentNodeUrl!;
      for (const { chartId, chain } of held) {
        if (unspent.has(`${chain.txs.at(-1)!.id}:0`)) current.set(chartId, { chain, nodeUrl });
      }
    });
    return current;
  }
}
