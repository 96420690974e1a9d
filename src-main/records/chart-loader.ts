// Fetches a chart's transactions, verifies them (chain.ts) and opens the versions the viewer may read. Opened
// payloads are kept in memory only, per viewer, so reopening a chart costs no unwrapping; forget() drops them
// (on lock or sign-out). Nothing here writes to disk.
import { EnvelopeError, isReader, openEnvelope, type EnvelopeReaderKey } from '../../src-shared/crypto/envelope';
import { decodePayload, PayloadError, type ChartPayload } from '../../src-shared/records/payload';
import type { CryptoProvider } from '../../src-shared/ledger';
import { verifyChartChain, type ChainVerification, type VerifiedVersion } from '../ledger/chain';
import type { LedgerNodeClient } from '../ledger/node-client';

export interface OpenedVersion {
  version: VerifiedVersion;
  /** Null when not readable by the viewer or not opened (mode 'head' leaves older versions closed). */
  payload: ChartPayload | null;
  readable: boolean;
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
  /** Set when the node announced a newer transaction of this chart (or the stream was down): reload before reuse. */
  stale?: boolean;
}

/** Which versions to open: all, only the current one, or the most recent N (history shown in pages). */
export type OpenMode = 'all' | 'head' | { last: number };

export class ChartLoader {
  private readonly opened = new Map<string, ChartPayload>();
  private readonly lastLoaded = new Map<string, LoadedChart>();

  constructor(private readonly client: LedgerNodeClient, private readonly crypto: CryptoProvider) {}

  async load(viewer: EnvelopeReaderKey, chartId: string, mode: OpenMode): Promise<LoadedChart> {
    const { value: raw, nodeUrl } = await this.client.listTransactions(chartId);
    return this.verifyAndOpen(viewer, chartId, raw, nodeUrl, mode);
  }

  /** Verifies and opens transactions already fetched (e.g. by a list that fetched many charts at once). */
  async verifyAndOpen(viewer: EnvelopeReaderKey, chartId: string, raw: readonly unknown[], nodeUrl: string, mode: OpenMode): Promise<LoadedChart> {
    const verification = await verifyChartChain(chartId, raw, this.crypto);
    const versions: OpenedVersion[] = verification.versions.map((version) => ({
      version, payload: null, readable: isReader(version.envelope, viewer.boxKey),
    }));
    let tampered: Tampering | null = verification.failure
      ? { seq: verification.failure.seq, txId: verification.failure.txId, reason: verification.failure.reason }
      : null;
    const toOpen = mode === 'all' ? versions : versions.slice(-(mode === 'head' ? 1 : Math.max(1, mode.last)));
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
    const loaded: LoadedChart = { chartId, nodeUrl, verification, versions, tampered };
    this.lastLoaded.set(`${viewer.boxKey}:${chartId}`, loaded);
    return loaded;
  }

  /** Opens one verified version for the viewer (cached). */
  async open(viewer: EnvelopeReaderKey, version: Pick<VerifiedVersion, 'txId' | 'envelope'>): Promise<ChartPayload> {
    const key = `${viewer.boxKey}:${version.txId}`;
    const cached = this.opened.get(key);
    if (cached) return cached;
    const payload = decodePayload(await openEnvelope(version.envelope, viewer));
    this.opened.set(key, payload);
    return payload;
  }

  /** Records a payload this app sealed itself (a version it just wrote), so it need not be unwrapped again. */
  prime(viewerBoxKey: string, txId: string, payload: ChartPayload): void {
    this.opened.set(`${viewerBoxKey}:${txId}`, payload);
  }

  /** The last chart this viewer loaded successfully, for working on while no node answers. */
  cached(viewerBoxKey: string, chartId: string): LoadedChart | undefined {
    return this.lastLoaded.get(`${viewerBoxKey}:${chartId}`);
  }

  /** The node committed something for this chart: any copy loaded before is out of date. */
  markStale(chartId: string): void {
    for (const [key, loaded] of this.lastLoaded) if (key.endsWith(`:${chartId}`)) loaded.stale = true;
  }

  /** Events may have been missed (stream reconnected): nothing loaded so far may be reused without reloading. */
  markAllStale(): void {
    for (const loaded of this.lastLoaded.values()) loaded.stale = true;
  }

  /** Drops everything opened for this viewer (lock, sign-out) or for everyone. */
  forget(viewerBoxKey?: string): void {
    for (const map of [this.opened, this.lastLoaded] as Map<string, unknown>[]) {
      for (const key of [...map.keys()]) if (!viewerBoxKey || key.startsWith(`${viewerBoxKey}:`)) map.delete(key);
    }
  }
}
