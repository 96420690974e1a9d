// Finds a doctor's envelope v3 charts for the chart list (docs/UNLINKABLE.md §4): no reader key is on the ledger, so
// they come from discovery, not from the metadata search that finds v1 charts. The first list of an identity without
// kept state runs the cold pass (its list tags from 0, every directory pair's intro window from 0); every later list
// catches up from the kept state: the next version tag of every head opened this session, the list walk from the
// kept index, the intro windows at the kept counters. The state is sealed beside the verified cache
// (discovery-state.ts), so a restarted app catches up too; the charts it knew are the v3 chains in its verified cache,
// each then proven current by its own output (the list's unspent check) or fetched again.
//
// Every chart found is only a candidate: the loader verifies and opens it (v3-loaded.ts), and one this doctor cannot
// open (a copied list tag, a removal) is not listed. Nothing here keeps a chart secret: the heads are the loader's.
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import { HEX64 } from '../../src-shared/ledger/patterns';
import type { ChartParts } from './chart-parts';
import { catchUp, discoverCold, type Discovered, type DiscoveryKeys } from './discovery/discover';
import { discoveryKeysOf } from './discovery/discovery-keys';
import { copyState, emptyState, loadState, saveState, type DiscoveryState } from './discovery/discovery-state';
import type { ListCheckpoints } from './checkpoint/list-checkpoints';

/** A chart found, with the id of a version newer than what the reader holds (a hint: the chart is fetched again). */
export type V3Candidates = Map<string, string | undefined>;

export class V3Discovery {
  /**
   * Per identity (box key): the discovery state this session, the v3 charts known to it, and its discovery keys for
   * the directory they were derived for (one X25519 per directory doctor: derived again only when the directory
   * changes, not on every list; dropped with the session by forget).
   */
  private readonly sessions = new Map<
    string,
    { state: DiscoveryState; known: Set<string>; keys: { directory: string; keys: DiscoveryKeys | null } | null }
  >();

  constructor(
    private readonly parts: Pick<ChartParts, 'client' | 'directory' | 'cache' | 'loader' | 'options'>,
    private readonly checkpoints: ListCheckpoints,
  ) {}

  /** Per identity, the discovery running now: one at a time, as they move one state. */
  private readonly running = new Map<string, Promise<unknown>>();

  /**
   * The v3 charts this identity may read, by discovery, and a copy of the discovery state they go with (what a list
   * checkpoint records: its next indexes and counters are past exactly these charts). Empty for a holder that cannot
   * derive pair keys. Two lists of one identity at once discover one after the other: each moves the state past what
   * it found, and a checkpoint's state must not be past a chart its entries lack.
   */
  async candidatesWithState(holder: KeyHolder): Promise<{ candidates: V3Candidates; state: DiscoveryState | null }> {
    const before = this.running.get(holder.boxKey) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(() => this.discover(holder));
    this.running.set(holder.boxKey, mine);
    try {
      return await mine;
    } finally {
      if (this.running.get(holder.boxKey) === mine) this.running.delete(holder.boxKey);
    }
  }

  /** The v3 charts this identity may read, by discovery. Empty for a holder that cannot derive pair keys. */
  async candidates(holder: KeyHolder): Promise<V3Candidates> {
    return (await this.candidatesWithState(holder)).candidates;
  }

  private async discover(holder: KeyHolder): Promise<{ candidates: V3Candidates; state: DiscoveryState | null }> {
    // No writer introduces itself (its own charts carry its list tags), so its own pair is not scanned.
    const writers = (await this.parts.directory.search('')).map((entry) => entry.boxKey);
    const others = writers.filter((w) => w !== holder.boxKey);
    if (!holder.pairKey) return { candidates: new Map(), state: null };
    const dir = this.parts.options.cacheDir;
    let session = this.sessions.get(holder.boxKey);
    if (!session) {
      let state = dir ? await loadState(dir, holder) : emptyState();
      // A workstation without its own state goes on from the doctor's list checkpoint, whose charts it then knows
      // (checkpoint/list-checkpoints.ts): a catch-up instead of the cold pass.
      const checkpoint = (await this.checkpoints.session(holder))?.read;
      if (checkpoint && isCold(state)) state = copyState(checkpoint.discovery);
      const known = new Set(this.cachedV3Charts(holder));
      for (const id of [...(checkpoint?.entries.map((e) => e.chartId) ?? []), ...(checkpoint?.recheck ?? [])])
        known.add(id);
      session = { state, known, keys: null };
      this.sessions.set(holder.boxKey, session);
    }
    const directory = others.join(',');
    if (session.keys?.directory !== directory) session.keys = { directory, keys: discoveryKeysOf(holder, others) };
    const keys = session.keys.keys;
    if (!keys) return { candidates: new Map(), state: null };
    const { state, known } = session;
    const heads = [...(this.parts.loader.v3Heads.get(holder.boxKey)?.values() ?? [])];
    const found = isCold(state)
      ? await discoverCold(this.parts.client, keys, state)
      : await catchUp(this.parts.client, keys, state, heads);
    if (dir) await saveState(dir, holder, state);
    const candidates: V3Candidates = new Map([...known].map((id) => [id, undefined]));
    for (const chart of found.own) candidates.set(chart.assetId, undefined);
    for (const id of await this.introducedCharts(found)) candidates.set(id, undefined);
    for (const next of found.next) candidates.set(next.chartId, next.hits[0]?.id);
    for (const id of candidates.keys()) known.add(id);
    return { candidates, state: copyState(state) };
  }

  /**
   * Where the identity's next create takes its list index (V3Counters.sawList): one past every list tag discovery
   * found, running discovery first if it has not run this session. Null for a holder that cannot derive pair keys.
   */
  async listNext(holder: KeyHolder): Promise<number | null> {
    if (!this.sessions.has(holder.boxKey)) await this.candidates(holder);
    return this.sessions.get(holder.boxKey)?.state.listNext ?? null;
  }

  /**
   * Forgets an identity's session (sign-out, lock), or everyone's: which pairs have counters says who shares with the
   * doctor, so it is not kept in memory for an identity no longer signed in. Its next list starts from the state on
   * disk.
   */
  forget(boxKey?: string): void {
    if (boxKey) this.sessions.delete(boxKey);
    else this.sessions.clear();
  }

  /** The chart of each version an intro tag found (the version's own id for a CREATE, else its asset's id). */
  private async introducedCharts(found: Discovered): Promise<string[]> {
    const ids = new Set<string>();
    for (const { hit } of found.introduced) {
      const { value: tx } = await this.parts.client.getTransaction(hit.id);
      const t = tx as { id?: unknown; operation?: unknown; asset?: { id?: unknown } } | null;
      const id = t?.operation === 'CREATE' ? t.id : t?.asset?.id;
      if (typeof id === 'string' && HEX64.test(id)) ids.add(id);
    }
    return [...ids];
  }

  /** The v3 charts whose verified chains this identity keeps on this workstation (a restart's known charts). */
  private cachedV3Charts(holder: KeyHolder): string[] {
    const cache = this.parts.cache?.for(holder);
    if (!cache) return [];
    return cache.v3ChartIds();
  }
}

const isCold = (state: DiscoveryState) => state.listNext === 0 && state.listGaps.length === 0 && state.pairs.size === 0;
