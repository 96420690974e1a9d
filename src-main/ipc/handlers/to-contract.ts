// Maps the chart service's results (src-shared/records/types) to the IPC contract's views (src-shared/ipc/data).
// The contract is the renderer's stable shape; the service's is richer and may grow.
import type {
  ChartSummary as IpcChartSummary,
  ChartView as IpcChartView,
  FieldChange,
  HistoryEntry,
  Integrity,
  OutboxItem as IpcOutboxItem,
  PersonRef as IpcPersonRef,
  Practitioner as IpcPractitioner,
  RecentAction as IpcRecentAction,
  VerificationReport as IpcVerificationReport,
} from '../../../src-shared/ipc';
import type { Chart } from '../../../src-shared/records/chart';
import type { ChartDiffEntry, DiffValue } from '../../../src-shared/records/diff';
import type {
  ChartSummary,
  ChartView,
  CheckName,
  OutboxItem,
  Practitioner,
  RecentAction,
  VerificationReport,
  VersionInfo,
} from '../../../src-shared/records/types';

export function integrityOf(status: 'ok' | 'committed' | 'pending' | 'tampered'): Integrity {
  return status === 'tampered' ? 'tampered' : status === 'pending' ? 'pending' : 'verified';
}

export function summaryToContract(s: ChartSummary, headTxId: string | null = null): IpcChartSummary {
  const tampered = s.status === 'tampered';
  return {
    chartId: s.chartId,
    patientName: tampered ? '' : s.patientName,
    status: s.revoked ? 'revoked' : 'active',
    integrity: integrityOf(s.status),
    tamperReason: tampered ? (s.reason ?? 'The chart failed verification') : null,
    seq: s.seq,
    headTxId,
    updatedAt: s.lastAt,
    custodian: s.custodian,
    role: s.isCustodian ? 'custodian' : 'reader',
  };
}

/** The summary of a full view (which knows its head transaction). */
export function viewSummary(v: ChartView, viewerSignKey: string): IpcChartSummary {
  const tampered = v.tampered !== null;
  return {
    chartId: v.chartId,
    patientName: tampered ? '' : (v.chart?.patient.name ?? ''),
    status: v.revoked ? 'revoked' : 'active',
    integrity: tampered ? 'tampered' : v.pending ? 'pending' : 'verified',
    tamperReason: v.tampered?.reason ?? null,
    seq: v.head.seq,
    headTxId: /^[0-9a-f]{64}$/.test(v.head.txId) ? v.head.txId : null,
    updatedAt: v.head.at,
    custodian: v.custodian,
    role: !tampered && v.custodian.signKey === viewerSignKey ? 'custodian' : 'reader',
  };
}

/**
 * `data` is the chart of version `seq` when it was opened (older versions come from the loader's in-memory cache),
 * never a version that failed verification.
 */
export function viewToContract(v: ChartView, viewerSignKey: string, shown: { seq: number; chart: Chart | null } | null = null): IpcChartView {
  const sharedWith: IpcPersonRef[] = v.readers
    .filter((r) => r.role === 'doctor' && r.signKey !== null && r.signKey !== v.custodian.signKey)
    .map((r) => ({ signKey: r.signKey!, name: r.name }));
  const version = shown ? v.versions.find((x) => x.seq === shown.seq) : v.head;
  const seq = version?.seq ?? v.head.seq;
  const data = v.tampered || version?.status === 'tampered' ? null : shown ? shown.chart : v.chart;
  return { summary: viewSummary(v, viewerSignKey), data, sharedWith, seq, txId: version?.txId ?? v.head.txId };
}

function diffText(value: DiffValue): string | null {
  if (value === null || value === '') return null;
  if (typeof value === 'object') {
    return Object.entries(value)
      .filter(([k, x]) => k !== 'id' && x !== '' && x !== null)
      .map(([k, x]) => `${k}: ${String(x)}`)
      .join(', ');
  }
  return String(value);
}

export function changeToContract(d: ChartDiffEntry): FieldChange {
  const before = diffText(d.before);
  const after = diffText(d.after);
  return { path: d.path, label: d.label, kind: before === null ? 'added' : after === null ? 'removed' : 'changed', before, after };
}

export function historyToContract(versions: readonly VersionInfo[]): HistoryEntry[] {
  return versions.map((v) => ({
    seq: v.seq,
    txId: v.txId,
    action: v.action,
    at: v.at,
    author: v.author,
    integrity: integrityOf(v.status),
    tamperReason: v.status === 'tampered' ? (v.reason ?? 'This version failed verification') : null,
    note: v.note,
    changes: v.diff.map(changeToContract),
  }));
}

const CHECK_LABELS: Record<CheckName, string> = {
  id: 'Transaction id matches its content (SHA3-256)',
  signatures: 'Every signature is valid',
  schema: 'Transaction is well-formed (BigchainDB v2.0 schema)',
  chain: 'Spends the previous version',
  owner: 'Author owned what it spent',
  envelope: 'Encrypted envelope is well-formed and opens',
};

export function verificationToContract(raw: VerificationReport, view: ChartView | null, seq: number | undefined): IpcVerificationReport {
  // A failure the node's answer could not place in the chain has no seq: it comes after the versions before it.
  const report = { ...raw, versions: raw.versions.map((v, i) => ({ ...v, seq: v.seq ?? i + 1 })) };
  const target = (seq === undefined ? report.versions.at(-1) : report.versions.find((v) => v.seq === seq)) ?? report.versions.at(-1);
  const actionOf = (s: number) => view?.versions.find((v) => v.seq === s)?.action ?? null;
  const targetSeq = target?.seq ?? 1;
  const author = view?.versions.find((v) => v.seq === targetSeq)?.author ?? null;
  const signaturesOk = target?.checks.find((c) => c.check === 'signatures')?.ok ?? false;
  return {
    chartId: report.chartId,
    seq: targetSeq,
    txId: target?.txId ?? '',
    operation: targetSeq === 1 ? 'CREATE' : 'TRANSFER',
    ok: (target?.ok ?? false) && report.versions.filter((v) => v.seq <= targetSeq).every((v) => v.ok),
    reason: target?.reason ?? (report.ok ? null : report.reason),
    checks: (target?.checks ?? []).map((c) => ({ label: CHECK_LABELS[c.check] ?? c.check, ok: c.ok, detail: c.detail || null })),
    signatures: author?.signKey ? [{ publicKey: author.signKey, name: author.name, ok: signaturesOk }] : [],
    chain: report.versions.filter((v) => v.seq <= targetSeq).map((v) => ({ seq: v.seq, txId: v.txId, action: actionOf(v.seq), ok: v.ok })),
    nodeUrl: report.nodeUrl,
    txUrl: target?.link ?? '',
  };
}

export function practitionerToContract(p: Practitioner, trusted: readonly string[]): IpcPractitioner {
  return { name: p.name, specialty: p.specialty, signKey: p.signKey, boxKey: p.boxKey, trusted: trusted.includes(p.signKey) };
}

export function recentToContract(a: RecentAction, outbox: readonly OutboxItem[]): IpcRecentAction {
  const rejected = a.status === 'rejected' ? (outbox.find((o) => o.txId === a.txId)?.lastError ?? 'Rejected by the node') : null;
  return { txId: a.txId, chartId: a.chartId, action: a.action, at: a.at, patientName: a.patientName, state: a.status, error: rejected };
}

export function outboxToContract(o: OutboxItem): IpcOutboxItem {
  return {
    txId: o.txId,
    chartId: o.chartId,
    action: o.action === 'publish' ? null : o.action,
    queuedAt: o.createdAt,
    attempts: o.attempts,
    nextAttemptAt: o.nextAttemptAt,
    lastError: o.state === 'rejected' ? `Rejected by the node: ${o.lastError ?? ''}` : o.lastError,
  };
}
