// The one place the service's own state of a chart (model.ts) becomes what crosses IPC (src-shared/ipc/data.ts).
// The contract is the renderer's stable shape; the state is richer and may grow. One mapper per contract type.
import type {
  ChartSummary,
  ChartView,
  FieldChange,
  HistoryEntry,
  Integrity,
  OutboxItem,
  PersonRef,
  Practitioner,
  RecentAction,
  VerificationReport,
} from '../../src-shared/ipc/data';
import { HEX64 } from '../../src-shared/ledger/patterns';
import type { Chart } from '../../src-shared/records/chart';
import type { ChartDiffEntry, DiffValue } from '../../src-shared/records/diff';
import type { CheckName } from '../ledger/chain';
import type { OutboxEntry } from '../ledger/outbox-record';
import type { ChainReport, ChartState, DirectoryEntry, RecentEntry, VersionInfo } from './model';
import { labelled, type NameOf } from './chart-views';
import type { CheckpointEntry } from './checkpoint/list-checkpoint';

export function integrityOf(status: VersionInfo['status']): Integrity {
  return status === 'tampered' || status === 'unknown-author' || status === 'pending' ? status : 'verified';
}

/**
 * The chart as a list shows it; a tampered chart, or one of unknown author (authority pinned), carries only its
 * reason, never a name.
 */
export function summaryOf(state: ChartState, viewerSignKey: string): ChartSummary {
  const tampered = state.tampered !== null;
  const unvouched = !tampered && Boolean(state.authorship);
  return {
    chartId: state.chartId,
    patientName: tampered || unvouched ? '' : (state.chart?.patient.name ?? ''),
    status: state.revoked ? 'revoked' : 'active',
    integrity: tampered ? 'tampered' : unvouched ? 'unknown-author' : state.pending ? 'pending' : 'verified',
    tamperReason: state.tampered?.reason ?? state.authorship?.reason ?? null,
    seq: state.head.seq,
    headTxId: HEX64.test(state.head.txId) ? state.head.txId : null,
    updatedAt: state.head.at,
    custodian: state.custodian,
    role: !tampered && state.custodian.signKey === viewerSignKey ? 'custodian' : 'reader',
  };
}

/**
 * A chart's line from the doctor's list checkpoint (checkpoint/list-checkpoints.ts): as one of the doctor's
 * workstations verified it, its head proven current by the node just now; names from today's directory.
 */
export function summaryOfEntry(entry: CheckpointEntry, viewerSignKey: string, nameOf: NameOf): ChartSummary {
  const { custodian } = entry.line;
  return {
    chartId: entry.chartId,
    patientName: entry.line.patientName,
    status: entry.line.status,
    integrity: 'verified',
    tamperReason: null,
    seq: entry.seq,
    headTxId: entry.headTxId,
    updatedAt: entry.line.updatedAt,
    custodian: { signKey: custodian.signKey, name: labelled(nameOf, custodian.signKey, custodian.label) },
    role: custodian.signKey === viewerSignKey ? 'custodian' : 'reader',
  };
}

/**
 * The chart as the chart screen shows it: the head, or version `shown.seq` with its chart (`shown.chart`, null when
 * that version was not opened). Never the data of a version that failed verification.
 */
export function viewOf(
  state: ChartState,
  viewerSignKey: string,
  shown: { seq: number; chart: Chart | null } | null = null,
): ChartView {
  const sharedWith: PersonRef[] = state.readers
    .filter((r) => r.role === 'doctor' && r.signKey !== null && r.signKey !== state.custodian.signKey)
    .map((r) => ({ signKey: r.signKey!, name: r.name }));
  const version = shown ? state.versions.find((x) => x.seq === shown.seq) : state.head;
  const seq = version?.seq ?? state.head.seq;
  const hidden = version?.status === 'tampered' || version?.status === 'unknown-author';
  const data = state.tampered || hidden ? null : shown ? shown.chart : state.chart;
  return { summary: summaryOf(state, viewerSignKey), data, sharedWith, seq, txId: version?.txId ?? state.head.txId };
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

export function changeOf(d: ChartDiffEntry): FieldChange {
  const before = diffText(d.before);
  const after = diffText(d.after);
  return {
    path: d.path,
    label: d.label,
    kind: before === null ? 'added' : after === null ? 'removed' : 'changed',
    before,
    after,
  };
}

export function historyEntryOf(v: VersionInfo): HistoryEntry {
  return {
    seq: v.seq,
    txId: v.txId,
    action: v.action,
    at: v.at,
    author: v.author,
    integrity: integrityOf(v.status),
    tamperReason:
      v.status === 'tampered'
        ? (v.reason ?? 'This version failed verification')
        : v.status === 'unknown-author'
          ? v.reason
          : null,
    note: v.note,
    changes: v.diff.map(changeOf),
  };
}

export function historyOf(versions: readonly VersionInfo[]): HistoryEntry[] {
  return versions.map(historyEntryOf);
}

const CHECK_LABELS: Record<CheckName, string> = {
  id: 'Transaction id matches its content (SHA3-256)',
  signatures: 'Every signature is valid',
  schema: 'Transaction is well-formed (BigchainDB v2.0 schema)',
  chain: 'Spends the previous version',
  owner: 'Author owned what it spent',
  envelope: 'Encrypted envelope is well-formed and opens',
  author: 'Author held a valid credential of this hospital at this ledger position',
};

/** The Verify panel's answer for version `seq` (default: the last one checked), its chain up to it. */
export function verificationOf(
  raw: ChainReport,
  versions: readonly VersionInfo[],
  { seq }: { seq?: number } = {},
): VerificationReport {
  // A failure the node's answer could not place in the chain has no seq: it comes after the versions before it.
  const report = { ...raw, versions: raw.versions.map((v, i) => ({ ...v, seq: v.seq ?? i + 1 })) };
  const target =
    (seq === undefined ? report.versions.at(-1) : report.versions.find((v) => v.seq === seq)) ?? report.versions.at(-1);
  const actionOf = (s: number) => versions.find((v) => v.seq === s)?.action ?? null;
  const targetSeq = target?.seq ?? 1;
  const author = versions.find((v) => v.seq === targetSeq)?.author ?? null;
  const signaturesOk = target?.checks.find((c) => c.check === 'signatures')?.ok ?? false;
  return {
    chartId: report.chartId,
    seq: targetSeq,
    txId: target?.txId ?? '',
    operation: targetSeq === 1 ? 'CREATE' : 'TRANSFER',
    ok: (target?.ok ?? false) && report.versions.filter((v) => v.seq <= targetSeq).every((v) => v.ok),
    reason: target?.reason ?? (report.ok ? null : report.reason),
    checks: (target?.checks ?? []).map((c) => ({
      label: CHECK_LABELS[c.check] ?? c.check,
      ok: c.ok,
      detail: c.detail || null,
    })),
    signatures: author?.signKey ? [{ publicKey: author.signKey, name: author.name, ok: signaturesOk }] : [],
    chain: report.versions
      .filter((v) => v.seq <= targetSeq)
      .map((v) => ({ seq: v.seq, txId: v.txId, action: actionOf(v.seq), ok: v.ok })),
    nodeUrl: report.nodeUrl,
    txUrl: target?.link ?? '',
  };
}

/** A credentialed entry (it has a licence) is never marked by IT's key list: the credential supersedes it. */
export function practitionerOf(p: DirectoryEntry, trusted: readonly string[]): Practitioner {
  return {
    name: p.name,
    specialty: p.specialty,
    signKey: p.signKey,
    boxKey: p.boxKey,
    trusted: p.licence === undefined && trusted.includes(p.signKey),
    ...(p.licence !== undefined ? { licence: p.licence } : {}),
  };
}

export function recentOf(a: RecentEntry, outbox: readonly OutboxEntry[]): RecentAction {
  const rejected =
    a.status === 'rejected' ? (outbox.find((o) => o.txId === a.txId)?.lastError ?? 'Rejected by the node') : null;
  return {
    txId: a.txId,
    chartId: a.chartId,
    action: a.action,
    at: a.at,
    patientName: a.patientName,
    state: a.status,
    error: rejected,
  };
}

export function outboxItemOf(o: OutboxEntry): OutboxItem {
  return {
    txId: o.txId,
    chartId: o.chartId,
    action: o.action === 'publish' || o.action === 'act' ? null : o.action,
    queuedAt: o.createdAt,
    attempts: o.attempts,
    nextAttemptAt: o.nextAttemptAt,
    lastError: o.state === 'rejected' ? `Rejected by the node: ${o.lastError ?? ''}` : o.lastError,
  };
}
