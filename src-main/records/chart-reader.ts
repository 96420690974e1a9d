// Reading charts (doctor or patient), answered in the IPC contract's types: all the kiosk needs, and the read
// channels of the workstation. Every chart is verified in full before anything of it is shown.
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import type { ChartSummary, ChartView, HistoryEntry, VerificationReport } from '../../src-shared/ipc/data';
import type { ChartList } from './chart-list';
import { ChartStates } from './chart-states';
import { historyOf, summaryOf, verificationOf, viewOf } from './contract-views';
import { ChartServiceError } from './errors';

export interface ChartReader {
  /**
   * The charts this viewer can read, newest first. `from: 'verified-cache'` (for when no node answers) lists what
   * this identity verified on this workstation, with what waits in the outbox, without asking a node.
   */
  list(holder: KeyHolder, options?: { from?: 'node' | 'verified-cache' }): Promise<ChartSummary[]>;
  /** The chart, verified and decrypted: its current version, or version `seq`. */
  get(holder: KeyHolder, chartId: string, options?: { seq?: number }): Promise<ChartView>;
  /** Every version, oldest first, with its field changes. */
  history(holder: KeyHolder, chartId: string): Promise<HistoryEntry[]>;
  /** Re-fetches and re-checks every version against the node; reports version `seq` (default: the head). */
  verify(holder: KeyHolder, chartId: string, options?: { seq?: number }): Promise<VerificationReport>;
}

export function createChartReader(states: ChartStates, charts: ChartList): ChartReader {
  return {
    async list(holder, { from = 'node' } = {}) {
      if (from === 'node') return charts.summaries(holder);
      return (await charts.listVerified(holder)).map((state) => summaryOf(state, holder.signKey));
    },

    async get(holder, chartId, { seq } = {}) {
      if (seq === undefined) return viewOf((await states.open(holder, chartId)).state, holder.signKey);
      // Every version is verified; the ones from `seq` on are opened, so the asked one reads in the same request.
      const open = await states.open(holder, chartId, { versions: { from: seq } });
      if (seq === open.state.head.seq) return viewOf(open.state, holder.signKey);
      if (!open.state.versions.some((v) => v.seq === seq))
        throw new ChartServiceError('ChartNotFound', `This chart has no version ${seq}.`);
      return viewOf(open.state, holder.signKey, { seq, chart: ChartStates.chartAt(open, seq) });
    },

    async history(holder, chartId) {
      return historyOf(await states.history(holder, chartId));
    },

    async verify(holder, chartId, { seq } = {}) {
      const { report, versions } = await states.verify(holder, chartId);
      return verificationOf(report, versions, { seq });
    },
  };
}
