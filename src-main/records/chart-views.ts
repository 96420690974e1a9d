// Turns verified (and pending) versions into the service's own state of a chart (ChartState, VersionInfo with diffs)
// and the Verify panel's chain report. Tampering is carried as a reason; a tampered chart's content is never put in a
// state. What crosses IPC is made from these in contract-views.ts.
import type { Envelope } from '../../src-shared/crypto/envelope';
import { diffCharts } from '../../src-shared/records/diff';
import type { ChartPayload } from '../../src-shared/records/payload';
import type { ChainReport, ChartAction, ChartState, PersonRef, ReaderInfo, VersionInfo } from './model';
import { transactionLink } from '../ledger/node-url';
import type { OutboxRecord } from '../ledger/outbox';
import type { LoadedChart } from './chart-loader';

export interface PendingVersion {
  record: OutboxRecord;
  envelope: Envelope;
  payload: ChartPayload | null;
}

/**
 * A doctor's name from the directory. `labelsAllowed() === false` (a hospital authority is pinned): a name the chart's
 * author wrote into the payload never stands in for a missing one, since only a credential names a doctor (#12).
 */
export type NameOf = ((signKey: string) => string | null) & { labelsAllowed?: () => boolean };

export const labelled = (nameOf: NameOf, signKey: string, label: string): string | null =>
  nameOf(signKey) ?? (nameOf.labelsAllowed?.() === false ? null : label || null);

interface Row {
  seq: number;
  action: ChartAction;
  author: string;
  owner: string;
  at: string;
  txId: string;
  readers: string[];
  payload: ChartPayload | null;
  readable: boolean;
  status: VersionInfo['status'];
  reason: string | null;
  link: string | null;
}

function rows(loaded: LoadedChart | null, pending: readonly PendingVersion[], viewerBoxKey: string): Row[] {
  const out: Row[] = [];
  for (const v of loaded?.versions ?? []) {
    const failed = loaded?.tampered?.txId === v.version.txId;
    const unvouched = !failed && Boolean(v.authorReason);
    out.push({
      seq: v.version.seq,
      action: v.version.envelope.action,
      author: v.version.author,
      owner: v.version.owner,
      at: v.version.envelope.at,
      txId: v.version.txId,
      readers: v.version.envelope.readers.map((r) => r.key),
      payload: failed || unvouched ? null : v.payload,
      readable: v.readable,
      status: failed ? 'tampered' : unvouched ? 'unknown-author' : 'committed',
      reason: failed ? (loaded?.tampered?.reason ?? null) : unvouched ? v.authorReason! : null,
      link: transactionLink(loaded!.nodeUrl, v.version.txId),
    });
  }
  const t = loaded?.tampered;
  if (t && !out.some((r) => r.txId === t.txId)) {
    out.push({
      seq: t.seq ?? out.length + 1,
      action: 'update',
      author: '',
      owner: '',
      at: '',
      txId: t.txId ?? '',
      readers: [],
      payload: null,
      readable: false,
      status: 'tampered',
      reason: t.reason,
      link: t.txId && loaded ? transactionLink(loaded.nodeUrl, t.txId) : null,
    });
  }
  for (const p of pending) {
    const owner = p.record.tx.outputs[0]?.public_keys[0] ?? '';
    out.push({
      seq: p.envelope.seq,
      action: p.envelope.action,
      author: p.envelope.author,
      owner,
      at: p.envelope.at,
      txId: p.record.tx.id,
      readers: p.envelope.readers.map((r) => r.key),
      payload: p.payload,
      readable: p.envelope.readers.some((r) => r.key === viewerBoxKey),
      status: 'pending',
      reason: p.record.state === 'rejected' ? `Rejected by the node: ${p.record.lastError}` : p.record.lastError,
      link: null,
    });
  }
  return out;
}

const person = (signKey: string, nameOf: NameOf): PersonRef => ({ signKey, name: signKey ? nameOf(signKey) : null });

/** `diffs: false` leaves every diff empty (a listing shows none; it saves a diff per chart). */
export function versionInfos(
  loaded: LoadedChart | null,
  pending: readonly PendingVersion[],
  viewerBoxKey: string,
  nameOf: NameOf,
  { diffs = true } = {},
): VersionInfo[] {
  let previous: ChartPayload | null = null;
  return rows(loaded, pending, viewerBoxKey).map((row) => {
    const opened = row.payload !== null && (previous !== null || row.seq === 1);
    const diff = opened && diffs ? diffCharts(previous?.chart ?? null, row.payload!.chart) : [];
    previous = row.payload;
    return {
      seq: row.seq,
      action: row.action,
      author: person(row.author, nameOf),
      custodian: person(row.owner, nameOf),
      at: row.at,
      txId: row.txId,
      link: row.link,
      diff,
      status: row.status,
      reason: row.reason,
      readers: row.readers,
      readable: row.readable,
      opened,
      note: row.payload?.movedTo ? `moved to ${row.payload.movedTo}` : (row.payload?.note ?? null),
    };
  });
}

export function isRevoked(actions: readonly ChartAction[]): boolean {
  const last = [...actions].reverse().find((a) => a === 'revoke' || a === 'restore');
  return last === 'revoke';
}

export function chartView(
  chartId: string,
  loaded: LoadedChart | null,
  pending: readonly PendingVersion[],
  viewer: { signKey: string; boxKey: string },
  nameOf: NameOf,
  options: { diffs?: boolean } = {},
): ChartState {
  const versions = versionInfos(loaded, pending, viewer.boxKey, nameOf, options);
  // A rejected version never became the chart: the head is the last committed or still-pending one.
  const head =
    [...versions].reverse().find((v) => !(v.status === 'pending' && v.reason?.startsWith('Rejected'))) ??
    versions[versions.length - 1]!;
  const waiting = pending.filter((p) => p.record.state === 'pending');
  const headPayload = waiting.length
    ? waiting[waiting.length - 1]!.payload
    : (loaded?.versions.at(-1)?.payload ?? null);
  const tampered = loaded?.tampered ?? null;
  const authorship = tampered ? null : (loaded?.authorship ?? null);
  const readers = headPayload ? readerInfos(headPayload, head.author.signKey, head.readers, nameOf) : [];
  return {
    chartId,
    chart: tampered || authorship ? null : (headPayload?.chart ?? null),
    revoked: isRevoked(
      versions.filter((v) => v.status !== 'tampered' && !v.reason?.startsWith('Rejected')).map((v) => v.action),
    ),
    custodian: head.custodian,
    patient: tampered || authorship ? null : (headPayload?.patient ?? null),
    readers: tampered ? [] : readers,
    head,
    versions,
    tampered,
    authorship,
    pending: waiting.length > 0,
    isCustodian: !tampered && head.custodian.signKey === viewer.signKey,
  };
}

export function readerInfos(
  payload: ChartPayload,
  authorSignKey: string,
  keys: readonly string[],
  nameOf: NameOf,
): ReaderInfo[] {
  return keys.map((boxKey): ReaderInfo => {
    if (boxKey === payload.custodian.boxKey) {
      return {
        boxKey,
        role: 'custodian',
        signKey: payload.custodian.signKey,
        name: labelled(nameOf, payload.custodian.signKey, payload.custodian.name),
      };
    }
    if (payload.patient && boxKey === payload.patient.boxKey)
      return { boxKey, role: 'patient', signKey: payload.patient.signKey, name: payload.chart.patient.name };
    if (payload.recovery && boxKey === payload.recovery.boxKey)
      return { boxKey, role: 'recovery', signKey: null, name: 'hospital recovery key' };
    if (payload.emergency && boxKey === payload.emergency.boxKey)
      return { boxKey, role: 'emergency', signKey: null, name: 'hospital emergency key' };
    const doctor = payload.doctors.find((d) => d.boxKey === boxKey);
    if (doctor)
      return { boxKey, role: 'doctor', signKey: doctor.signKey, name: labelled(nameOf, doctor.signKey, doctor.name) };
    return { boxKey, role: 'author', signKey: authorSignKey, name: nameOf(authorSignKey) };
  });
}

export function chainReport(chartId: string, loaded: LoadedChart): ChainReport {
  const versions = loaded.versions.map((v) => {
    const failed = v.version.checks.find((c) => !c.ok);
    return {
      seq: v.version.seq,
      txId: v.version.txId,
      link: transactionLink(loaded.nodeUrl, v.version.txId),
      ok: !failed && loaded.tampered?.txId !== v.version.txId,
      checks: v.version.checks,
      reason: failed?.detail ?? (loaded.tampered?.txId === v.version.txId ? loaded.tampered.reason : null),
    };
  });
  const failure = loaded.verification.failure;
  if (failure && !versions.some((v) => v.txId === failure.txId)) {
    versions.push({
      seq: failure.seq ?? versions.length + 1,
      txId: failure.txId ?? '',
      link: failure.txId ? transactionLink(loaded.nodeUrl, failure.txId) : '',
      ok: false,
      checks: failure.checks,
      reason: failure.reason,
    });
  }
  return {
    chartId,
    ok: !loaded.tampered && !loaded.authorship,
    nodeUrl: loaded.nodeUrl,
    checkedAt: new Date().toISOString(),
    versions,
    reason: loaded.tampered?.reason ?? loaded.authorship?.reason ?? null,
  };
}
