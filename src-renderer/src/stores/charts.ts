// The doctor's charts: the list (searched client-side over decrypted names), the open chart, its history and its
// verification. Decrypted data lives only here, in memory, and is dropped on lock or sign-out.
import { create } from 'zustand';
import type {
  AccessCard,
  ChartSummary,
  ChartView,
  HistoryEntry,
  Practitioner,
  RecentAction,
  VerificationReport,
} from '../../../src-shared/ipc';
import type { Chart } from '../../../src-shared/records';
import { api } from '../api';
import { call, type UiError } from '../errors';

export type StatusFilter = 'all' | 'active' | 'revoked';

type Outcome<T = void> = { ok: true; value: T } | { ok: false; error: UiError };

interface ChartsState {
  summaries: ChartSummary[];
  listLoaded: boolean;
  listError: UiError | null;
  query: string;
  filter: StatusFilter;

  open: ChartView | null;
  openError: UiError | null;
  history: HistoryEntry[] | null;
  historyError: UiError | null;
  verification: VerificationReport | null;
  verifyError: UiError | null;
  verifying: boolean;

  setQuery(query: string): void;
  setFilter(filter: StatusFilter): void;
  loadList(): Promise<void>;
  openChart(chartId: string, seq?: number): Promise<void>;
  loadHistory(chartId: string): Promise<void>;
  verify(chartId: string, seq?: number): Promise<void>;
  createChart(chart: Chart, pin: string): Promise<Outcome<{ summary: ChartSummary; card: AccessCard }>>;
  updateChart(chartId: string, baseSeq: number, chart: Chart): Promise<Outcome>;
  revoke(chartId: string, reason: string): Promise<Outcome>;
  restore(chartId: string): Promise<Outcome>;
  share(chartId: string, signKey: string): Promise<Outcome>;
  unshare(chartId: string, signKey: string): Promise<Outcome>;
  custody(chartId: string, signKey: string): Promise<Outcome>;
  /** The directory, and why it is empty when the pinned hospital authority cannot be verified. */
  practitioners(query: string): Promise<Outcome<{ practitioners: Practitioner[]; unavailable: string | null }>>;
  /** Recent actions changed: re-read what is shown as pending once main reports it committed or rejected. */
  settlePending(actions: readonly RecentAction[]): Promise<void>;
  reset(): void;
}

const initial = {
  summaries: [],
  listLoaded: false,
  listError: null,
  query: '',
  filter: 'all' as StatusFilter,
  open: null,
  openError: null,
  history: null,
  historyError: null,
  verification: null,
  verifyError: null,
  verifying: false,
};

export const useCharts = create<ChartsState>()((set, get) => {
  /**
   * After a write, every screen shows the new head from main's answer (the chart as it now is, and the version just
   * written for the history panel): nothing is read again.
   */
  function afterWrite(chartId: string, { chart, version }: { chart: ChartView; version: HistoryEntry }): void {
    set((s) => {
      const summaries = upsert(s.summaries, chart.summary);
      if (s.open?.summary.chartId !== chartId) return { summaries };
      const history = s.history ? [...s.history.filter((h) => h.txId !== version.txId), version] : null;
      return { summaries, open: chart, openError: null, history, verification: null, verifyError: null };
    });
  }

  async function write(
    chartId: string,
    run: () => ReturnType<ReturnType<typeof api>['charts']['revoke']>,
  ): Promise<Outcome> {
    const result = await call(run);
    if (!result.ok) return result;
    afterWrite(chartId, result.value);
    return { ok: true, value: undefined };
  }

  return {
    ...initial,
    setQuery: (query) => set({ query }),
    setFilter: (filter) => set({ filter }),
    async loadList() {
      const result = await call(() => api().charts.list({ status: 'all' }));
      // Offline, main answers with the charts verified on this workstation and says so: shown, with the warning.
      if (result.ok) {
        const offline = result.value.offline;
        set({
          summaries: result.value.charts,
          listLoaded: true,
          listError: offline ? { code: 'NODE_UNREACHABLE', message: offline.message } : null,
        });
      } else set({ listError: result.error, listLoaded: true });
    },
    async openChart(chartId, seq) {
      if (get().open?.summary.chartId !== chartId) {
        set({ open: null, history: null, historyError: null, verification: null, verifyError: null });
      }
      set({ openError: null });
      const result = await call(() => api().charts.get(seq === undefined ? { chartId } : { chartId, seq }));
      if (result.ok) set({ open: result.value });
      else set({ openError: result.error });
    },
    async loadHistory(chartId) {
      const result = await call(() => api().charts.history({ chartId }));
      if (result.ok) set({ history: result.value.versions, historyError: null });
      else set({ historyError: result.error });
    },
    async verify(chartId, seq) {
      set({ verifying: true, verifyError: null });
      const result = await call(() => api().charts.verify(seq === undefined ? { chartId } : { chartId, seq }));
      if (result.ok) set({ verification: result.value, verifying: false });
      else set({ verifyError: result.error, verifying: false, verification: null });
    },
    async createChart(chart, pin) {
      const result = await call(() => api().charts.create({ chart, pin }));
      if (!result.ok) return result;
      set((s) => ({ summaries: upsert(s.summaries, result.value.chart.summary) }));
      return { ok: true, value: { summary: result.value.chart.summary, card: result.value.card } };
    },
    async updateChart(chartId, baseSeq, chart) {
      return write(chartId, () => api().charts.update({ chartId, baseSeq, chart }));
    },
    revoke: (chartId, reason) => write(chartId, () => api().charts.revoke({ chartId, reason })),
    restore: (chartId) => write(chartId, () => api().charts.restore({ chartId })),
    share: (chartId, signKey) => write(chartId, () => api().charts.share({ chartId, signKey })),
    unshare: (chartId, signKey) => write(chartId, () => api().charts.unshare({ chartId, signKey })),
    custody: (chartId, signKey) => write(chartId, () => api().charts.custody({ chartId, signKey })),
    async practitioners(query) {
      const result = await call(() => api().charts.practitioners({ query }));
      return result.ok
        ? {
            ok: true,
            value: { practitioners: result.value.practitioners, unavailable: result.value.unavailable ?? null },
          }
        : result;
    },
    async settlePending(actions) {
      const settled = new Set(actions.filter((a) => a.state !== 'pending').map((a) => a.chartId));
      const { open, summaries } = get();
      if (open && open.summary.integrity === 'pending' && settled.has(open.summary.chartId))
        await get().openChart(open.summary.chartId, open.seq === open.summary.seq ? undefined : open.seq);
      if (summaries.some((c) => c.integrity === 'pending' && settled.has(c.chartId))) await get().loadList();
    },
    reset: () => set({ ...initial }),
  };
});

function upsert(list: ChartSummary[], summary: ChartSummary): ChartSummary[] {
  const rest = list.filter((c) => c.chartId !== summary.chartId);
  return [summary, ...rest];
}

/** The list as shown: filtered by status and by a case- and accent-insensitive match on the decrypted name. */
export function visibleCharts(summaries: readonly ChartSummary[], query: string, filter: StatusFilter): ChartSummary[] {
  const needle = fold(query.trim());
  return summaries.filter(
    (c) => (filter === 'all' || c.status === filter) && (needle === '' || fold(c.patientName).includes(needle)),
  );
}

function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
