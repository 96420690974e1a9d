import { describe, it, expect } from 'vitest';
import { emptyChart } from '../../src-shared/records/empty';
import { contract } from '../../src-shared/ipc';
import type { ChainReport, ChartState, VersionInfo } from './model';
import { historyOf, practitionerOf, summaryOf, verificationOf, viewOf } from './contract-views';

const KEY = '8fJXoVPMoGkfkd2f1R6LXKmsDvLMwyrrbYjadnmxC9fP';
const OTHER = '3pPAygRepz9v8kZmtNuXMVxJb4aSBwLDsSfeMXV2GWLx';
const TX1 = '1'.repeat(64);
const TX2 = '2'.repeat(64);

const version = (seq: number, txId: string, over: Partial<VersionInfo> = {}): VersionInfo => ({
  seq,
  action: seq === 1 ? 'create' : 'update',
  author: { signKey: KEY, name: 'Dr A' },
  custodian: { signKey: KEY, name: 'Dr A' },
  at: '2026-01-0' + seq + 'T10:00:00.000Z',
  txId,
  link: `http://127.0.0.1:9984/api/v1/transactions/${txId}`,
  diff: [],
  status: 'committed',
  reason: null,
  readers: [],
  readable: true,
  opened: true,
  note: null,
  ...over,
});

const chart = {
  ...emptyChart('2026-01-01'),
  patient: {
    ...emptyChart().patient,
    name: 'Ada',
    birthDate: '1990-01-01',
    gender: 'female' as const,
    visitDate: '2026-01-01',
  },
};

function view(over: Partial<ChartState> = {}): ChartState {
  const versions = [
    version(1, TX1),
    version(2, TX2, { diff: [{ path: 'patient.name', label: 'Name', before: 'Ad', after: 'Ada' }] }),
  ];
  return {
    chartId: TX1,
    chart,
    revoked: false,
    custodian: { signKey: KEY, name: 'Dr A' },
    patient: { boxKey: OTHER, signKey: OTHER },
    readers: [
      { boxKey: KEY, role: 'custodian', name: 'Dr A', signKey: KEY },
      { boxKey: OTHER, role: 'doctor', name: 'Dr B', signKey: OTHER },
      { boxKey: 'x', role: 'patient', name: 'Ada', signKey: null },
    ],
    head: versions[1]!,
    versions,
    tampered: null,
    pending: false,
    isCustodian: true,
    ...over,
  };
}

describe('chart states → contract views', () => {
  it('maps a chart view, listing only doctors as "shared with", and passes the contract', () => {
    const mapped = viewOf(view(), KEY);
    expect(mapped.summary).toMatchObject({
      chartId: TX1,
      patientName: 'Ada',
      integrity: 'verified',
      role: 'custodian',
      seq: 2,
      headTxId: TX2,
    });
    expect(mapped.sharedWith).toEqual([{ signKey: OTHER, name: 'Dr B' }]);
    expect(contract.charts.get.response.safeParse(mapped).success).toBe(true);
  });

  it('never carries chart data for a tampered chart, and the tampered view still passes the contract', () => {
    const tampered = view({
      chart: null,
      custodian: { signKey: '', name: null },
      tampered: { seq: 2, txId: TX2, reason: 'InvalidHash: …' },
      readers: [],
    });
    const mapped = viewOf(tampered, KEY);
    expect(mapped.data).toBeNull();
    expect(mapped.summary).toMatchObject({
      integrity: 'tampered',
      tamperReason: 'InvalidHash: …',
      patientName: '',
      role: 'reader',
    });
    expect(contract.charts.get.response.safeParse(mapped).success).toBe(true);
  });

  it('maps a tampered list entry (no custodian, no time) to a valid summary without a name', () => {
    const head = version(1, TX1, {
      author: { signKey: '', name: null },
      custodian: { signKey: '', name: null },
      at: '',
      status: 'tampered',
      reason: 'InvalidHash',
    });
    const s = view({
      chart: null,
      custodian: { signKey: '', name: null },
      patient: null,
      readers: [],
      head,
      versions: [head],
      tampered: { seq: 1, txId: TX1, reason: 'InvalidHash' },
      isCustodian: false,
    });
    const mapped = summaryOf(s, KEY);
    expect(mapped).toMatchObject({ patientName: '', integrity: 'tampered', tamperReason: 'InvalidHash' });
    expect(contract.charts.list.response.safeParse({ charts: [mapped] }).success).toBe(true);
  });

  it('maps history with field changes', () => {
    const [v1, v2] = historyOf(view().versions);
    expect(v1?.changes).toEqual([]);
    expect(v2?.changes).toEqual([{ path: 'patient.name', label: 'Name', kind: 'changed', before: 'Ad', after: 'Ada' }]);
    expect(contract.charts.history.response.safeParse({ versions: [v1, v2] }).success).toBe(true);
  });

  it('reports verification of one version with its chain up to it', () => {
    const checks = [
      { check: 'id' as const, ok: true, detail: 'ok' },
      { check: 'signatures' as const, ok: true, detail: 'ok' },
    ];
    const report: ChainReport = {
      chartId: TX1,
      ok: true,
      nodeUrl: 'http://127.0.0.1:9984',
      checkedAt: '2026-01-03T00:00:00Z',
      reason: null,
      versions: [
        { seq: 1, txId: TX1, link: `http://127.0.0.1:9984/api/v1/transactions/${TX1}`, ok: true, checks, reason: null },
        { seq: 2, txId: TX2, link: `http://127.0.0.1:9984/api/v1/transactions/${TX2}`, ok: true, checks, reason: null },
      ],
    };
    const head = verificationOf(report, view().versions);
    expect(head).toMatchObject({
      seq: 2,
      txId: TX2,
      operation: 'TRANSFER',
      ok: true,
      txUrl: `http://127.0.0.1:9984/api/v1/transactions/${TX2}`,
    });
    expect(head.chain.map((c) => [c.seq, c.action])).toEqual([
      [1, 'create'],
      [2, 'update'],
    ]);
    expect(head.signatures).toEqual([{ publicKey: KEY, name: 'Dr A', ok: true }]);
    const first = verificationOf(report, view().versions, { seq: 1 });
    expect(first).toMatchObject({ seq: 1, operation: 'CREATE' });
    expect(first.chain).toHaveLength(1);
    expect(contract.charts.verify.response.safeParse(head).success).toBe(true);

    const broken = {
      ...report,
      ok: false,
      reason: 'InvalidSignature',
      versions: [
        report.versions[0]!,
        {
          ...report.versions[1]!,
          ok: false,
          reason: 'InvalidSignature',
          checks: [{ check: 'signatures' as const, ok: false, detail: 'bad' }],
        },
      ],
    };
    const failed = verificationOf(broken, view().versions);
    expect(failed).toMatchObject({ ok: false, reason: 'InvalidSignature' });
    expect(failed.signatures[0]?.ok).toBe(false);
  });
});

describe('practitionerOf (the directory entry the picker shows)', () => {
  const published = { name: 'Dr A', specialty: 'Oncology', signKey: KEY, boxKey: OTHER, txId: TX1 };

  it('marks a self-published entry "trusted" when IT listed its key (no authority pinned)', () => {
    const shown = practitionerOf(published, [KEY]);
    expect(shown).toEqual({ name: 'Dr A', specialty: 'Oncology', signKey: KEY, boxKey: OTHER, trusted: true });
    expect(contract.charts.practitioners.response.parse({ practitioners: [shown] })).toBeTruthy();
    expect(practitionerOf(published, []).trusted).toBe(false);
  });

  it("a credentialed entry shows its licence, and IT's key list no longer marks it (credentials supersede it)", () => {
    const shown = practitionerOf({ ...published, licence: 'GMC 7001234' }, [KEY]);
    expect(shown).toMatchObject({ trusted: false, licence: 'GMC 7001234' });
    expect(
      contract.charts.practitioners.response.parse({ practitioners: [shown], unavailable: null }).practitioners[0],
    ).toEqual(shown);
  });
});

describe('unknown author (hospital authority pinned) → contract views', () => {
  const reason = `Unknown author: version 2 was signed by ${OTHER}, who holds no credential of this hospital`;
  const unvouched = () => {
    const versions = [version(1, TX1), version(2, TX2, { status: 'unknown-author', reason, diff: [] })];
    return view({
      chart: null,
      patient: null,
      versions,
      head: versions[1]!,
      authorship: { seq: 2, txId: TX2, reason },
    });
  };

  it('is its own integrity, never verified, with the reason and no name, and passes the contract', () => {
    const summary = summaryOf(unvouched(), KEY);
    expect(summary).toMatchObject({ integrity: 'unknown-author', tamperReason: reason, patientName: '' });
    expect(contract.charts.list.response.safeParse({ charts: [summary] }).success).toBe(true);
  });

  it('shows no data for the version of unknown author, but the earlier verified version when asked for', () => {
    const state = unvouched();
    const head = viewOf(state, KEY);
    expect(head.data).toBeNull();
    expect(contract.charts.get.response.safeParse(head).success).toBe(true);
    const older = viewOf(state, KEY, { seq: 1, chart: view().chart });
    expect(older.data).not.toBeNull();
    expect(viewOf(state, KEY, { seq: 2, chart: view().chart }).data).toBeNull();
  });

  it('marks only the failing version in the history, with its reason', () => {
    const entries = historyOf(unvouched().versions);
    expect(entries.map((e) => [e.integrity, e.tamperReason])).toEqual([
      ['verified', null],
      ['unknown-author', reason],
    ]);
    expect(contract.charts.history.response.safeParse({ versions: entries }).success).toBe(true);
  });

  it('a tampered chart stays tampered whatever its authorship says', () => {
    const s = view({ chart: null, tampered: { seq: 2, txId: TX2, reason: 'InvalidHash' }, authorship: null });
    expect(summaryOf(s, KEY)).toMatchObject({ integrity: 'tampered', tamperReason: 'InvalidHash' });
  });
});
