// Who can read a chart now and how that came about (issue #13), from what the reader already verified: the chart's
// versions (each with the box keys its data key was wrapped to) and the emergency requests about it with their
// verified answers. Pure: the caller resolves keys to people and opens what it may open (sealed reasons).
import type { AccessEvent, AccessParty, AccessRole, ChartAccess } from '../ipc/access';
import type { PersonRef } from '../ipc/data';
import type { ReasonCode, RefusalReason } from '../emergency/model';
import type { ChartAction } from '../records/actions';

export interface AccessVersion {
  seq: number;
  action: ChartAction;
  at: string;
  txId: string;
  author: PersonRef;
  /** The custodian after this version. */
  custodian: PersonRef;
  /** Box keys the version's data key was wrapped to. */
  readers: readonly string[];
  /** The author's note (e.g. why the chart was revoked), when the viewer opened the version. */
  note: string | null;
}

export interface EmergencyCase {
  requestId: string;
  at: string;
  requester: PersonRef;
  reason: ReasonCode;
  /** The sealed reason's text when the viewer could open it; null otherwise. */
  note: string | null;
  answer:
    | { kind: 'grant'; txId: string; at: string; expiresAt: string; versionTxId: string }
    | { kind: 'refusal'; txId: string; at: string; reason: RefusalReason; detail: string }
    | null;
}

/** Who a box key belongs to, from the directory; null when nobody known. */
export type PersonOfBoxKey = (boxKey: string) => (PersonRef & { role?: 'recovery' | 'emergency-service' }) | null;

export interface AccessInput {
  chartId: string;
  /** Verified versions, oldest first (pending or tampered ones left out by the caller). */
  versions: readonly AccessVersion[];
  emergencies: readonly EmergencyCase[];
  personOf: PersonOfBoxKey;
  /** The patient's box key (from the chart or the card); null when the viewer cannot tell. */
  patientBoxKey: string | null;
  /** The patient as named in the chart (their own key is no practitioner's). */
  patientName?: string | null;
  now: Date;
  emergencyUnavailable?: string | null;
}

const nobody: PersonRef = { signKey: '', name: null };

function partyOf(input: AccessInput, head: AccessVersion, boxKey: string): AccessParty {
  const base = { until: null, versionSeq: null };
  if (input.patientBoxKey !== null && boxKey === input.patientBoxKey)
    return { ...base, role: 'patient', person: { signKey: '', name: input.patientName ?? null } };
  const person = input.personOf(boxKey);
  if (!person) return { ...base, role: 'unknown', person: { ...nobody } };
  const ref: PersonRef = { signKey: person.signKey, name: person.name };
  let role: AccessRole = person.role ?? 'doctor';
  if (!person.role && person.signKey !== '' && person.signKey === head.custodian.signKey) role = 'custodian';
  return { ...base, role, person: ref };
}

const ROLE_ORDER: Record<AccessRole, number> = {
  custodian: 0,
  patient: 1,
  doctor: 2,
  emergency: 3,
  recovery: 4,
  'emergency-service': 5,
  unknown: 6,
};

function readersNow(input: AccessInput): AccessParty[] {
  const head = input.versions.at(-1);
  if (!head) return [];
  const parties = head.readers.map((k) => partyOf(input, head, k));
  // The custodian owns the chart even if (oddly) their key was not among the readers: still listed, as the owner.
  if (head.custodian.signKey && !parties.some((p) => p.role === 'custodian'))
    parties.push({ role: 'custodian', person: { ...head.custodian }, until: null, versionSeq: null });
  const headSeqOf = new Map(input.versions.map((v) => [v.txId, v.seq]));
  for (const e of input.emergencies) {
    const grant = e.answer?.kind === 'grant' ? e.answer : null;
    if (!grant || Date.parse(grant.expiresAt) <= input.now.getTime()) continue;
    const seq = headSeqOf.get(grant.versionTxId) ?? null;
    parties.push({
      role: 'emergency',
      person: { ...e.requester },
      until: grant.expiresAt,
      versionSeq: seq !== null && seq !== head.seq ? seq : null,
    });
  }
  return parties.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
}

function event(kind: AccessEvent['kind'], at: string, by: PersonRef, txId: string, rest: Partial<AccessEvent> = {}) {
  return {
    kind,
    at,
    by: { ...by },
    subject: null,
    reason: null,
    refusal: null,
    text: null,
    expiresAt: null,
    txId,
    ...rest,
  } satisfies AccessEvent;
}

function versionEvents(input: AccessInput): AccessEvent[] {
  const out: AccessEvent[] = [];
  let previous: AccessVersion | null = null;
  for (const v of input.versions) {
    const subjectOf = (boxKey: string) => partyOf(input, v, boxKey).person;
    switch (v.action) {
      case 'create':
        out.push(event('created', v.at, v.author, v.txId, { subject: { ...v.custodian } }));
        break;
      case 'share':
      case 'unshare': {
        const before = new Set(previous?.readers ?? []);
        const now = new Set(v.readers);
        const changed =
          v.action === 'share' ? v.readers.filter((k) => !before.has(k)) : [...before].filter((k) => !now.has(k));
        const kind = v.action === 'share' ? 'shared' : 'unshared';
        if (changed.length === 0) out.push(event(kind, v.at, v.author, v.txId));
        for (const k of changed) out.push(event(kind, v.at, v.author, v.txId, { subject: subjectOf(k) }));
        break;
      }
      case 'custody':
        out.push(event('custody', v.at, v.author, v.txId, { subject: { ...v.custodian } }));
        break;
      case 'revoke':
        out.push(event('revoked', v.at, v.author, v.txId, { text: v.note }));
        break;
      case 'restore':
        out.push(event('restored', v.at, v.author, v.txId, { text: v.note }));
        break;
      case 'update':
        break; // a content change, not an access change
    }
    previous = v;
  }
  return out;
}

function emergencyEvents(input: AccessInput): AccessEvent[] {
  const service: PersonRef = { signKey: '', name: 'Emergency access service' };
  const out: AccessEvent[] = [];
  for (const e of input.emergencies) {
    out.push(event('emergency-request', e.at, e.requester, e.requestId, { reason: e.reason, text: e.note }));
    const a = e.answer;
    if (a?.kind === 'grant')
      out.push(
        event('emergency-grant', a.at, service, a.txId, {
          subject: { ...e.requester },
          reason: e.reason,
          expiresAt: a.expiresAt,
        }),
      );
    if (a?.kind === 'refusal')
      out.push(
        event('emergency-refusal', a.at, service, a.txId, {
          subject: { ...e.requester },
          refusal: a.reason,
          text: a.detail || null,
        }),
      );
  }
  return out;
}

export function accessHistory(input: AccessInput): ChartAccess {
  const history = [...versionEvents(input), ...emergencyEvents(input)]
    // Stable: events of one moment keep their order (a request before its answer, a version's events together).
    .map((e, i) => ({ e, i, t: Date.parse(e.at) }))
    .sort((a, b) => (a.t === b.t || Number.isNaN(a.t) || Number.isNaN(b.t) ? a.i - b.i : a.t - b.t))
    .map(({ e }) => e);
  return {
    chartId: input.chartId,
    canRead: readersNow(input),
    history,
    emergencyUnavailable: input.emergencyUnavailable ?? null,
  };
}
