// Well-formed contract data for component tests (they pass the contract's response schemas).
import type {
  AppStatus,
  ChartSummary,
  ChartView,
  HistoryEntry,
  IdentitySummary,
  VerificationReport,
} from '../../../src-shared/ipc';
import { sampleChart } from '../../../test/fixtures/sample-chart';

export const txId = (n: number) => n.toString(16).padStart(64, '0');
// base58 keys (BigchainDB alphabet), 44 characters.
export const KEY_ME = '6zQ5wYdK1xTLSrTTTbBJSUqmp4RUGhaCtanf6aiMHTZV';
export const KEY_OTHER = '9qLvREC54mhKYivr88VpckyVWdAFmifJpGjbvV5AiTRs';
export const KEY_THIRD = 'Ck3yXSV1rAjyHKUSzqyqgSfPh6F3M6Fy8Gf4FXDbc6q7';

export const doctor: IdentitySummary = {
  id: 'id-1',
  name: 'Dr. Lena Okafor',
  specialty: 'General practice',
  licenceNumber: 'GMC-123456',
  signKey: KEY_ME,
  boxKey: KEY_OTHER,
  createdAt: '2026-11-01T09:00:00.000Z',
};

export function appStatus(overrides: Partial<AppStatus> = {}): AppStatus {
  return {
    variant: 'workstation',
    version: '0.1.0',
    node: { url: 'http://127.0.0.1:9984', embedded: true, reachable: true, checkedAt: null, error: null, pending: 0 },
    signedIn: true,
    ...overrides,
  };
}

export function summary(overrides: Partial<ChartSummary> = {}): ChartSummary {
  return {
    chartId: txId(1),
    patientName: 'Amelia Quartermaine',
    status: 'active',
    integrity: 'verified',
    tamperReason: null,
    seq: 2,
    headTxId: txId(2),
    updatedAt: '2026-11-20T10:00:00.000Z',
    custodian: { signKey: KEY_ME, name: 'Dr. Lena Okafor' },
    role: 'custodian',
    ...overrides,
  };
}

export function chartView(overrides: Partial<ChartView> = {}, summaryOverrides: Partial<ChartSummary> = {}): ChartView {
  const s = summary(summaryOverrides);
  return {
    summary: s,
    data: s.integrity === 'tampered' ? null : sampleChart(s.patientName),
    sharedWith: [],
    seq: s.seq,
    txId: s.headTxId ?? txId(s.seq),
    ...overrides,
  };
}

/** What a write channel answers: the chart as it now is (head `summaryOverrides.seq`) and the version just written. */
export function written(
  summaryOverrides: Partial<ChartSummary> = {},
  action: HistoryEntry['action'] = 'update',
): { chart: ChartView; version: HistoryEntry } {
  const chart = chartView({}, summaryOverrides);
  return {
    chart,
    version: {
      seq: chart.seq,
      txId: chart.txId,
      action,
      at: chart.summary.updatedAt,
      author: { signKey: KEY_ME, name: 'Dr. Lena Okafor' },
      integrity: chart.summary.integrity,
      tamperReason: null,
      note: null,
      changes: [],
    },
  };
}

export function historyEntries(): HistoryEntry[] {
  return [
    {
      seq: 1,
      txId: txId(1),
      action: 'create',
      at: '2026-11-19T10:00:00.000Z',
      author: { signKey: KEY_ME, name: 'Dr. Lena Okafor' },
      integrity: 'verified',
      tamperReason: null,
      note: null,
      changes: [],
    },
    {
      seq: 2,
      txId: txId(2),
      action: 'update',
      at: '2026-11-20T10:00:00.000Z',
      author: { signKey: KEY_ME, name: 'Dr. Lena Okafor' },
      integrity: 'verified',
      tamperReason: null,
      note: null,
      changes: [
        {
          path: 'medications[m1].dose',
          label: 'Medication "Metformin" › Dose',
          kind: 'changed',
          before: '500 mg',
          after: '1000 mg',
        },
      ],
    },
  ];
}

export function verificationReport(overrides: Partial<VerificationReport> = {}): VerificationReport {
  return {
    chartId: txId(1),
    seq: 2,
    txId: txId(2),
    operation: 'TRANSFER',
    ok: true,
    reason: null,
    checks: [
      { label: 'Transaction id matches its content', ok: true, detail: null },
      { label: 'Spends version 1', ok: true, detail: null },
    ],
    signatures: [{ publicKey: KEY_ME, name: 'Dr. Lena Okafor', ok: true }],
    chain: [
      { seq: 1, txId: txId(1), action: 'create', ok: true },
      { seq: 2, txId: txId(2), action: 'update', ok: true },
    ],
    nodeUrl: 'http://127.0.0.1:9984',
    txUrl: `http://127.0.0.1:9984/api/v1/transactions/${txId(2)}`,
    ...overrides,
  };
}
