// Fetches a chart's transactions, verifies them (chain.ts) and opens the versions the viewer may read. Opened
// payloads are kept in memory only, per viewer, so reopening a chart costs no unwrapping; forget() drops them
// (on lock or sign-out). Decrypted data is never written anywhere.
//
// With a verified cache (ledger/verified-cache.ts: what this identity verified before, ciphertext only), a chart
// whose cached chain is still current costs one small request (its last transaction) instead of the whole history,
// and only transactions not verified before go through full validation. `{ fresh: true }` ignores the cache: the
// Verify panel always re-checks everything against the node.
//
// With a hospital authority pinned, every version's author must have held a valid credential at the version's block
// height (chart-authorship.ts); and every head must be fresh, not a rollback (fresh-heads.ts).
import { EnvelopeError, isReader, openEnvelope } from '../../src-shared/crypto/envelope';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import { decodePayload, PayloadError, type ChartPayload } from '../../src-shared/records/payload';
import type { CryptoProvider } from '../../src-shared/ledger';
import { secretboxOpen } from '../crypto/secretbox';
import type { AnswerValidator } from '../ledger/answer-validation';
import { verifyChartChain, type ChainOptions, type ChainVerification, type VerifiedVersion } from '../ledger/chain';
import type { LedgerNodeClient } from '../ledger/node-client';
import type { CachedChain, IdentityCache, VerifiedCache } from '../ledger/verified-cache';
import type { BlockSweep } from './block-sweep';
import type { AuthorshipFailure, ChartAuthorship } from './chart-authorship';
import { FreshHeads, type UnspentOf } from './fresh-heads';
import type { KnownHead } from './discovery/next-versions';
import { isV3Chart, OpenedV3Chains, openV3ForLoader } from './v3-loaded';
import type { Transaction } from '../../src-shared/ledger';

export interface OpenedVersion {
  version: VerifiedVersion;
  /** Null when not readable by the viewer or not opened (mode 'head' leaves older versions closed). */
  payload: ChartPayload | null;
  readable: boolean;
  /**
   * With an authority pinned: why this version's author was not credentialed at its position (null or absent: it
   * was, or it was not checked — a version this app just wrote is checked on the next read).
   */
  authorReason?: string | null;
}

export interface Tampering {
  seq: number | null;
  txId: string | null;
  reason: string;
}

export interface LoadedChart {
  chartId: string;
  /** The node that answered. */
  nodeUrl: string;
  verification: ChainVerification;
  versions: OpenedVersion[];
  tampered: Tampering | null;
  /** The first version whose author held no valid credential at its position (authority pinned): never Verified. */
  authorship?: AuthorshipFailure | null;
  /** Set when the node announced a newer transaction of this chart (or the stream was down): reload before reuse. */
  stale?: boolean;
  /** Envelope v3: the chain links the cache keeps (they include versions before this reader's first slot). */
  chainTxs?: Transaction[];
}

/** Which versions to open: all, only the current one, the most recent N (history shown in pages), or version `from` on. */
export type OpenMode = 'all' | 'head' | { last: number } | { from: number };

export interface ChartLoaderOptions {
  crypto: CryptoProvider;
  /** Who runs full validation (a worker pool in the app). */
  validator: AnswerValidator;
  /** The workstation's verified cache; none on the kiosk (it keeps nothing) or in tools that do not want one. */
  cache?: VerifiedCache | null;
  /** The pinned authority's check of every version's author (chart-authorship.ts); none: not checked. */
  authors?: ChartAuthorship | null;
}

export class ChartLoader {
  private readonly opened = new Map<string, ChartPayload>();
  /** By chart, then by viewer: the node's stream names charts, and marking one stale must not scan them all. */
  private readonly lastLoaded = new Map<string, Map<string, LoadedChart>>();
  private readonly tamperedByNode = new Map<string, Tampering>();
  /** By viewer box key, then chart: the envelope v3 heads opened this session, which discovery's catch-up follows. */
  readonly v3Heads = new Map<string, Map<string, KnownHead>>();
  /** Envelope v3 chains opened this session (v3-loaded.ts): a list's next read of the same bytes opens nothing again. */
  private readonly v3Opened = new OpenedV3Chains();
  readonly heads: FreshHeads;

  constructor(
    private readonly client: LedgerNodeClient,
    private readonly options: ChartLoaderOptions,
  ) {
    this.heads = new FreshHeads(client);
  }

  /**
   * `fresh`: ignore the cache entirely. `changed`: the caller already knows the cached chain is out of date (a list
   * saw its head spent), so the whole chart is fetched at once, still skipping the validation of what is known.
   * `unspentOf`: the caller's shared query of unspent outputs (a list asks once per custodian, not once per chart).
   * `sweep`: the list's placing of versions by block (block-sweep.ts), instead of asking each chart's heights.
   *
   * The head must be fresh (fresh-heads.ts): a head that fails is read once more (a version may have been committed
   * meanwhile) before the chart is shown as tampered.
   */
  async load(
    viewer: KeyHolder,
    chartId: string,
    mode: OpenMode,
    {
      fresh = false,
      changed = false,
      unspentOf,
      sweep,
    }: { fresh?: boolean; changed?: boolean; unspentOf?: UnspentOf; sweep?: BlockSweep } = {},
  ): Promise<LoadedChart> {
    const identity = this.options.cache?.for(viewer) ?? null;
    const mine = fresh ? undefined : (identity ?? undefined);
    const freshness = async (loaded: LoadedChart, unspentOf?: UnspentOf) =>
      loaded.tampered
        ? null
        : this.heads.check(chartId, loaded.verification.versions, loaded.nodeUrl, {
            seenSeq: identity?.chainLength(chartId) ?? 0,
            unspentOf,
            ask: this.options.authors?.active() ?? false,
          });
    let read = await this.read(viewer, chartId, mode, mine, changed, sweep);
    let stale = await freshness(read.loaded, unspentOf);
    if (stale) {
      // Read again, and ask for unspent outputs afresh: a list's shared answer may predate a version just committed.
      read = await this.read(viewer, chartId, mode, mine, true, sweep);
      stale = await freshness(read.loaded, this.heads.unspentOf);
    }
    const { loaded, fetched } = read;
    if (stale) loaded.tampered = stale;
    const key = `${viewer.boxKey}:${chartId}`;
    if (loaded.tampered) {
      this.tamperedByNode.set(key, loaded.tampered);
    } else {
      this.tamperedByNode.delete(key);
      if (fetched && !loaded.verification.failure)
        identity?.remember(chartId, loaded.chainTxs ?? loaded.verification.versions.map((v) => v.tx), {
          v3: loaded.chainTxs !== undefined,
        });
    }
    return loaded;
  }

  /** The chart from the cache when the node's last transaction is the cached head, else fetched and verified. */
  private async read(
    viewer: KeyHolder,
    chartId: string,
    mode: OpenMode,
    mine: IdentityCache | undefined,
    changed: boolean,
    sweep?: BlockSweep,
  ): Promise<{ loaded: LoadedChart; fetched: boolean }> {
    const cached = changed ? null : mine?.chain(chartId);
    if (mine && cached) {
      const { value: last, nodeUrl } = await this.client.lastTransaction(chartId);
      if (last.length === 1 && cached.txs.at(-1)!.id === (last[0] as { id?: unknown }).id && mine.knows(last[0])) {
        return { loaded: await this.openCached(viewer, chartId, cached, nodeUrl, mode, sweep), fetched: false };
      }
    }
    const { value: raw, json, nodeUrl } = await this.client.listTransactions(chartId);
    const loaded = await this.verifyAndOpen(
      viewer,
      chartId,
      raw,
      nodeUrl,
      mode,
      { json, known: mine ? (tx) => mine.knows(tx) : undefined },
      sweep,
    );
    return { loaded, fetched: true };
  }

  /** The chart from the verified cache alone (no request), e.g. when the node says its head is unchanged. */
  async openCached(
    viewer: KeyHolder,
    chartId: string,
    cached: CachedChain,
    nodeUrl: string,
    mode: OpenMode,
    sweep?: BlockSweep,
  ): Promise<LoadedChart> {
    return this.verifyAndOpen(viewer, chartId, cached.txs, nodeUrl, mode, { known: () => true }, sweep);
  }

  /**
   * Did a node serve this viewer a forged or damaged version of the chart this session (and no clean answer since)?
   * Such a chart is fetched and verified again wherever it appears, so the warning is shown, not hidden behind what
   * was verified before.
   */
  servedTampered(viewer: Pick<KeyHolder, 'boxKey'>, chartId: string): boolean {
    return this.tamperedByNode.has(`${viewer.boxKey}:${chartId}`);
  }

  /** This viewer's cached chain of a chart, if the cache has it. */
  cachedChain(viewer: KeyHolder, chartId: string): CachedChain | null {
    return this.options.cache?.for(viewer).chain(chartId) ?? null;
  }

  /** Verifies and opens transactions already fetched (e.g. by a list that fetched many charts at once). */
  async verifyAndOpen(
    viewer: KeyHolder,
    chartId: string,
    raw: readonly unknown[],
    nodeUrl: string,
    mode: OpenMode,
    chain: Omit<ChainOptions, 'crypto' | 'validator'> = {},
    sweep?: BlockSweep,
  ): Promise<LoadedChart> {
    if (isV3Chart(chartId, raw)) return this.openV3(viewer, chartId, raw, nodeUrl, sweep);
    const verification = await verifyChartChain(chartId, raw, {
      ...chain,
      crypto: this.options.crypto,
      validator: this.options.validator,
    });
    // The authority check runs on the versions that verified; a tampered chart is shown as tampered whatever it says.
    const authorship = verification.failure
      ? null
      : await this.options.authors?.check(
          verification.versions,
          this.options.cache?.for(viewer) ?? null,
          sweep ? { sweep, nodeUrl } : null,
        );
    const versions: OpenedVersion[] = verification.versions.map((version, i) => {
      const authorReason = authorship?.reasons[i] ?? null;
      if (authorship)
        version.checks.push({
          check: 'author',
          ok: authorReason === null,
          detail: authorReason ?? 'The author held a valid credential of this hospital at this ledger position',
        });
      return { version, payload: null, readable: isReader(version.envelope, viewer.boxKey), authorReason };
    });
    let tampered: Tampering | null = verification.failure
      ? { seq: verification.failure.seq, txId: verification.failure.txId, reason: verification.failure.reason }
      : null;
    const toOpen =
      mode === 'all'
        ? versions
        : mode !== 'head' && 'from' in mode
          ? versions.filter((v, i) => v.version.seq >= mode.from || i === versions.length - 1)
          : versions.slice(-(mode === 'head' ? 1 : Math.max(1, mode.last)));
    for (const item of toOpen) {
      if (!item.readable) continue;
      try {
        item.payload = await this.open(viewer, item.version);
      } catch (error) {
        const reason = `Version ${item.version.seq} (transaction ${item.version.txId}): ${(error as Error).message}`;
        item.version.checks.push({ check: 'envelope', ok: false, detail: (error as Error).message });
        tampered ??= { seq: item.version.seq, txId: item.version.txId, reason };
        if (error instanceof EnvelopeError || error instanceof PayloadError) break;
        throw error;
      }
    }
    return this.keep(viewer, {
      chartId,
      nodeUrl,
      verification,
      versions,
      tampered,
      authorship: authorship?.failure ?? null,
    });
  }

  private keep(viewer: KeyHolder, loaded: LoadedChart): LoadedChart {
    const byViewer = this.lastLoaded.get(loaded.chartId) ?? new Map<string, LoadedChart>();
    byViewer.set(viewer.boxKey, loaded);
    this.lastLoaded.set(loaded.chartId, byViewer);
    return loaded;
  }

  /** An envelope v3 chart (v3-loaded.ts): every box is opened while verifying, so its payloads are primed here. */
  private async openV3(
    viewer: KeyHolder,
    chartId: string,
    raw: readonly unknown[],
    nodeUrl: string,
    sweep?: BlockSweep,
  ): Promise<LoadedChart> {
    const opened = await openV3ForLoader(viewer, chartId, raw, {
      crypto: this.options.crypto,
      validator: this.options.validator,
      opened: this.v3Opened,
      authors: this.options.authors,
      identity: this.options.cache?.for(viewer) ?? null,
      placed: sweep ? { sweep, nodeUrl } : null,
    });
    for (const v of opened.versions) if (v.payload) this.prime(viewer.boxKey, v.version.txId, v.payload);
    const heads = this.v3Heads.get(viewer.boxKey) ?? new Map<string, KnownHead>();
    if (opened.head) heads.set(chartId, opened.head);
    else heads.delete(chartId);
    this.v3Heads.set(viewer.boxKey, heads);
    const { verification, versions, tampered, authorship, chainTxs } = opened;
    return this.keep(viewer, { chartId, nodeUrl, verification, versions, tampered, authorship, chainTxs });
  }

  /** Opens one verified version for the viewer (cached). */
  async open(
    viewer: Pick<KeyHolder, 'boxKey' | 'openSealed'>,
    version: Pick<VerifiedVersion, 'txId' | 'envelope'>,
  ): Promise<ChartPayload> {
    const key = `${viewer.boxKey}:${version.txId}`;
    const cached = this.opened.get(key);
    if (cached) return cached;
    const payload = decodePayload(await openEnvelope(version.envelope, viewer, secretboxOpen));
    this.opened.set(key, payload);
    return payload;
  }

  /** Records a payload this app sealed itself (a version it just wrote), so it need not be unwrapped again. */
  prime(viewerBoxKey: string, txId: string, payload: ChartPayload): void {
    this.opened.set(`${viewerBoxKey}:${txId}`, payload);
  }

  /** The last chart this viewer loaded successfully, for working on while no node answers. */
  cached(viewerBoxKey: string, chartId: string): LoadedChart | undefined {
    return this.lastLoaded.get(chartId)?.get(viewerBoxKey);
  }

  /** The node committed something for this chart: any copy loaded before is out of date. */
  markStale(chartId: string): void {
    for (const loaded of this.lastLoaded.get(chartId)?.values() ?? []) loaded.stale = true;
  }

  /** Events may have been missed (stream reconnected): nothing loaded so far may be reused without reloading. */
  markAllStale(): void {
    for (const byViewer of this.lastLoaded.values()) for (const loaded of byViewer.values()) loaded.stale = true;
  }

  /** Drops everything opened for this viewer (lock, sign-out) or for everyone. */
  forget(viewerBoxKey?: string): void {
    for (const map of [this.opened, this.tamperedByNode] as Map<string, unknown>[]) {
      for (const key of [...map.keys()]) if (!viewerBoxKey || key.startsWith(`${viewerBoxKey}:`)) map.delete(key);
    }
    if (viewerBoxKey) this.v3Heads.delete(viewerBoxKey);
    else this.v3Heads.clear();
    this.v3Opened.forget(viewerBoxKey);
    for (const [chartId, byViewer] of this.lastLoaded) {
      if (viewerBoxKey) byViewer.delete(viewerBoxKey);
      if (!viewerBoxKey || byViewer.size === 0) this.lastLoaded.delete(chartId);
    }
  }
}
