// TEST-ONLY: the chart service as the integration suites look at it. The app's service answers in the IPC contract's
// types; these suites also check what the contract leaves out (reader roles, per-version readability, every check of
// every version, the raw transactions on the node, the verified cache on disk), so the reads here return the service's
// own main-only state (src-main/records/model.ts) and the parts are open to inspection. Writes, the outbox and the
// directory are the app's own methods, unchanged.
import type { KeyHolder } from '../../../src-shared/crypto/keyholder';
import { ChartList } from '../../../src-main/records/chart-list';
import { openChartParts, type ChartParts, type ChartServiceOptions } from '../../../src-main/records/chart-parts';
import { chartServiceOf, type ChartService } from '../../../src-main/records/chart-service';
import { ChartStates } from '../../../src-main/records/chart-states';
import type {
  ChainReport,
  ChartAction,
  ChartState,
  PersonRef,
  RecentEntry,
  VersionInfo,
} from '../../../src-main/records/model';
import type { Chart } from '../../../src-shared/records/chart';

/** A chart as the list shows it, with what the contract's summary leaves out. */
export interface ChartListing {
  chartId: string;
  patientName: string;
  birthDate: string;
  age: number | null;
  gender: Chart['patient']['gender'];
  custodian: PersonRef;
  revoked: boolean;
  seq: number;
  lastAction: ChartAction;
  lastAt: string;
  status: 'ok' | 'pending' | 'tampered';
  reason: string | null;
  isCustodian: boolean;
}

export function listingOf(state: ChartState, viewerSignKey: string): ChartListing {
  const p = state.chart?.patient;
  return {
    chartId: state.chartId,
    patientName: p?.name ?? '',
    birthDate: p?.birthDate ?? '',
    age: p?.age ?? null,
    gender: p?.gender ?? 'unknown',
    custodian: state.custodian,
    revoked: state.revoked,
    seq: state.head.seq,
    lastAction: state.head.action,
    lastAt: state.head.at,
    status: state.tampered ? 'tampered' : state.pending ? 'pending' : 'ok',
    reason: state.tampered?.reason ?? null,
    isCustodian: state.custodian.signKey === viewerSignKey && !state.tampered,
  };
}

export interface InspectedChartService extends Omit<
  ChartService,
  'get' | 'list' | 'history' | 'verify' | 'recentActions'
> {
  get(holder: KeyHolder, chartId: string): Promise<ChartState>;
  list(holder: KeyHolder): Promise<ChartListing[]>;
  listVerified(holder: KeyHolder): Promise<ChartListing[]>;
  history(holder: KeyHolder, chartId: string): Promise<VersionInfo[]>;
  verify(holder: KeyHolder, chartId: string): Promise<ChainReport>;
  recentActions(holder: KeyHolder): RecentEntry[];
  /** The node client, the verified cache, the loader, the stream: for checking what is on the node and on disk. */
  readonly parts: ChartParts;
  readonly client: ChartParts['client'];
}

export async function inspectedChartService(options: ChartServiceOptions): Promise<InspectedChartService> {
  const parts = await openChartParts(options);
  const service = chartServiceOf(parts);
  const states = new ChartStates(parts);
  const charts = new ChartList(parts, states);
  return {
    ...service,
    get: (holder, chartId) => states.get(holder, chartId),
    list: async (holder) => (await charts.list(holder)).map((s) => listingOf(s, holder.signKey)),
    listVerified: async (holder) => (await charts.listVerified(holder)).map((s) => listingOf(s, holder.signKey)),
    history: (holder, chartId) => states.history(holder, chartId),
    verify: async (holder, chartId) => (await states.verify(holder, chartId)).report,
    recentActions: (holder) => {
      parts.viewers.remember(holder);
      return parts.recent.list(holder.signKey, parts.outbox.all());
    },
    parts,
    client: parts.client,
  };
}
