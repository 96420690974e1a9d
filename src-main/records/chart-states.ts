// Reads a chart's state for one viewer: its transactions fetched and verified (chart-loader.ts), the versions the
// viewer may read opened, and what still waits in the outbox merged in. Main-only and richer than the IPC contract;
// the reader (chart-reader.ts) and the writer (chart-writer.ts) build what they answer from it.
import { isReader, parseEnvelope } from '../../src-shared/crypto/envelope';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import type { Chart } from '../../src-shared/records/chart';
import { HEX64 } from '../../src-shared/ledger/patterns';
import { NodeUnreachableError } from '../ledger/errors';
import type { LoadedChart, OpenMode } from './chart-loader';
import type { ChartParts } from './chart-parts';
import { chainReport, chartView, versionInfos, type NameOf, type PendingVersion } from './chart-views';
import { ChartServiceError, chartNotFound } from './errors';
import type { ChainReport, ChartState, VersionInfo } from './model';

/** Which versions to open (every version is verified whichever is chosen). */
export type VersionsToOpen = 'recent' | 'all' | { from: number };

/** A chart's state with what it was made of, for callers that build more from it without reading again. */
export interface OpenChart {
  state: ChartState;
  loaded: LoadedChart | null;
  pending: PendingVersion[];
}

export class ChartStates {
  readonly nameOf: NameOf;

  constructor(private readonly parts: ChartParts) {
    this.nameOf = Object.assign((signKey: string) => parts.directory.nameOf(signKey), {
      labelsAllowed: () => !parts.authority.pinned(),
    });
  }

  checkChartId(chartId: string): void {
    if (typeof chartId !== 'string' || !HEX64.test(chartId))
      throw new ChartServiceError('InvalidRequest', `"${String(chartId)}" is not a chart id`);
  }

  /** The chart's versions in the outbox after `afterSeq` (rejected ones stay visible until the doctor discards them). */
  async pendingVersions(holder: KeyHolder, chartId: string, afterSeq: number): Promise<PendingVersion[]> {
    const out: PendingVersion[] = [];
    for (const record of this.parts.outbox.forChart(chartId)) {
      if (record.seq === null || (record.seq <= afterSeq && record.state !== 'rejected')) continue;
      const envelope = parseEnvelope(record.tx.metadata);
      const payload = isReader(envelope, holder.boxKey)
        ? await this.parts.loader.open(holder, { txId: record.tx.id, envelope }).catch(() => null)
        : null;
      out.push({ record, envelope, payload });
    }
    return out;
  }

  /** The chart as last verified from a node; when no node answers, the copy loaded earlier this session. */
  async loadForWork(holder: KeyHolder, chartId: string, mode: OpenMode): Promise<LoadedChart | null> {
    const { loader, client, outbox } = this.parts;
    try {
      return await loader.load(holder, chartId, mode);
    } catch (error) {
      if (!(error instanceof NodeUnreachableError)) throw error;
      const cached = loader.cached(holder.boxKey, chartId);
      if (cached) return cached;
      // What this identity verified in an earlier session still reads (and can be worked on) while no node answers.
      const chain = loader.cachedChain(holder, chartId);
      const nodeUrl = client.currentNodeUrl;
      if (chain && nodeUrl) return loader.openCached(holder, chartId, chain, nodeUrl, mode);
      if (outbox.forChart(chartId).some((r) => r.seq === 1)) return null; // created offline: only the outbox knows it
      throw error;
    }
  }

  /** The chart for this viewer, every version verified; `versions` says which are opened (default: the recent ones). */
  async open(
    holder: KeyHolder,
    chartId: string,
    { versions = 'recent' }: { versions?: VersionsToOpen } = {},
  ): Promise<OpenChart> {
    this.checkChartId(chartId);
    this.parts.viewers.remember(holder);
    // One more than the window, so the oldest version in the window has its predecessor to diff against.
    const mode: OpenMode = versions === 'recent' ? { last: (this.parts.options.historyWindow ?? 50) + 1 } : versions;
    const loaded = await this.loadForWork(holder, chartId, mode);
    const committedSeq = loaded?.versions.at(-1)?.version.seq ?? 0;
    if (loaded && loaded.versions.length === 0 && !loaded.tampered) throw chartNotFound(chartId);
    const pending = await this.pendingVersions(holder, chartId, committedSeq);
    if (!loaded && pending.length === 0) throw chartNotFound(chartId);
    const state = this.stateOf(holder, chartId, loaded, pending);
    if (!state.tampered && !state.versions.some((v) => v.readable)) {
      throw new ChartServiceError('NotAReader', 'This chart was never shared with you');
    }
    return { state, loaded, pending };
  }

  /** Builds the state from what is already loaded (no request), and notes this doctor's committed versions as recent. */
  stateOf(
    holder: KeyHolder,
    chartId: string,
    loaded: LoadedChart | null,
    pending: readonly PendingVersion[],
  ): ChartState {
    const state = chartView(chartId, loaded, pending, holder, this.nameOf);
    for (const v of state.versions) {
      if (v.author.signKey === holder.signKey && v.status === 'committed') {
        this.parts.recent.add(holder.signKey, {
          txId: v.txId,
          chartId,
          action: v.action,
          seq: v.seq,
          at: v.at,
          patientName: state.chart?.patient.name ?? null,
          status: 'committed',
        });
      }
    }
    return state;
  }

  async get(holder: KeyHolder, chartId: string): Promise<ChartState> {
    return (await this.open(holder, chartId)).state;
  }

  /** Every version decrypted with its diff, oldest first. */
  async history(holder: KeyHolder, chartId: string): Promise<VersionInfo[]> {
    return (await this.open(holder, chartId, { versions: 'all' })).state.versions;
  }

  /**
   * Re-checks every version against the node now, whatever was verified before (the Verify panel), with the versions
   * as the chain showed them (action, author) from the same answer.
   */
  async verify(holder: KeyHolder, chartId: string): Promise<{ report: ChainReport; versions: VersionInfo[] }> {
    this.checkChartId(chartId);
    const loaded = await this.parts.loader.load(holder, chartId, 'all', { fresh: true });
    if (loaded.versions.length === 0 && !loaded.tampered) throw chartNotFound(chartId);
    return {
      report: chainReport(chartId, loaded),
      versions: versionInfos(loaded, [], holder.boxKey, this.nameOf, { diffs: false }),
    };
  }

  /** The chart of version `seq` if this viewer opened it in `open` (null: not readable, not opened or tampered). */
  static chartAt(open: OpenChart, seq: number): Chart | null {
    const version = open.state.versions.find((v) => v.seq === seq);
    if (!version || version.status === 'tampered' || version.status === 'unknown-author' || open.state.tampered)
      return null;
    const committed = open.loaded?.versions.find((v) => v.version.seq === seq);
    if (committed) return committed.payload?.chart ?? null;
    return open.pending.find((p) => p.envelope.seq === seq)?.payload?.chart ?? null;
  }
}
