// The privacy officer's review of emergency access (docs/EMERGENCY.md, "Review"): every request addressed to an
// emergency key the authority published (the current one and any it replaced), with its verified answer and its
// latest verified follow-up, read from the ledger. The sealed reason and follow-up comments open only when an
// officer key is given; nothing else is needed to list who broke the glass, when, on which chart, and what happened.
import type { CredentialRegistryView, VerifiedAuthority } from '../../src-shared/authority';
import type { EnvelopeReaderKey } from '../../src-shared/crypto/envelope';
import {
  FOLLOWUP_TYPE,
  openFollowUpComment,
  openNote,
  requestState,
  verifyFollowUp,
  verifyRequest,
  type FollowUpState,
  type ReasonCode,
  type RefusalReason,
} from '../../src-shared/emergency';
import type { Transaction } from '../../src-shared/ledger';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import type { AuthorityLedger } from '../authority/credential-registry';
import type { Answer, OutputRef } from '../ledger/node-client';

export interface ReportLedger extends AuthorityLedger {
  listOutputs(publicKey: string, options?: { spent?: boolean }): Promise<Answer<OutputRef[]>>;
}

export interface FollowUpRow {
  state: FollowUpState;
  at: string;
  /** The officer's signKey and name in the authority. */
  by: string;
  byName: string | null;
  tx: string;
  /** Opened with the officer key given; null when none was given or it is not among the readers. */
  comment: string | null;
}

export interface EmergencyReportRow {
  request: string;
  /** When the requester's app says it asked (self-declared); `height` is the ledger position. */
  at: string;
  height: number | null;
  requester: { signKey: string; name: string | null; credential: string };
  /** The chart named, or the one a patient query was matched to by the grant; null when refused by query. */
  chart: string | null;
  byQuery: boolean;
  reason: ReasonCode;
  /** The free text, when the officer key given can open it. */
  note: string | null;
  outcome: 'waiting' | 'granted' | 'refused';
  refusal: { reason: RefusalReason; detail: string } | null;
  grantedAt: string | null;
  expiresAt: string | null;
  /** The emergency key the request was addressed to. */
  emergencyKey: string;
  /** The latest follow-up (by ledger position); null while none. */
  followUp: FollowUpRow | null;
  followUps: number;
}

export interface ReportOptions {
  authority: VerifiedAuthority;
  registry: CredentialRegistryView;
  /** Requests asked at or after this instant. */
  since: Date;
  /** An officer's key: opens the sealed reasons and comments. */
  officer?: EnvelopeReaderKey;
}

async function heightOf(ledger: ReportLedger, txId: string): Promise<number | null> {
  const { value } = await ledger.blockHeights(txId);
  return value.length ? Math.min(...value) : null;
}

async function followUpsOf(
  ledger: ReportLedger,
  requestId: string,
  options: ReportOptions,
): Promise<{ latest: FollowUpRow | null; count: number }> {
  const { authority, officer } = options;
  const officers = authority.data.officers;
  const { value: hits } = await ledger.searchAssets(requestId);
  const found: { row: FollowUpRow; height: number }[] = [];
  for (const hit of hits) {
    const data = hit?.data as { type?: unknown; request?: unknown } | null;
    if (data?.type !== FOLLOWUP_TYPE || data.request !== requestId) continue;
    const { value: raw } = await ledger.getTransaction(hit.id);
    const checked = verifyFollowUp(
      raw,
      authority.id,
      officers.map((o) => o.signKey),
      nativeLedgerCrypto,
    );
    const height = checked.ok ? await heightOf(ledger, hit.id) : null;
    if (!checked.ok || height === null) continue;
    const comment = officer ? await openFollowUpComment(checked.value.data, officer).catch(() => null) : null;
    found.push({
      height,
      row: {
        state: checked.value.data.state,
        at: checked.value.data.at,
        by: checked.value.by,
        byName: officers.find((o) => o.signKey === checked.value.by)?.name ?? null,
        tx: hit.id,
        comment,
      },
    });
  }
  found.sort((a, b) => a.height - b.height || a.row.at.localeCompare(b.row.at));
  return { latest: found.at(-1)?.row ?? null, count: found.length };
}

/** Every emergency request since `since`, oldest first. */
export async function emergencyReport(ledger: ReportLedger, options: ReportOptions): Promise<EmergencyReportRow[]> {
  const { authority, registry, officer } = options;
  const keys = authority.emergencyKeys ?? (authority.emergencyKey ? [authority.emergencyKey] : []);
  const rows: EmergencyReportRow[] = [];
  const seen = new Set<string>();
  for (const key of keys) {
    const { value: outputs } = await ledger.listOutputs(key.signKey);
    for (const ref of outputs) {
      if (ref.output_index !== 0 || seen.has(ref.transaction_id)) continue;
      seen.add(ref.transaction_id);
      const { value: txs } = await ledger.listTransactions(ref.transaction_id);
      const request = txs.find((t) => (t as { id?: unknown } | null)?.id === ref.transaction_id) as
        Transaction | undefined;
      if (!request) continue;
      const checked = verifyRequest(request, key.signKey, nativeLedgerCrypto);
      if (!checked.ok) continue; // not a request (a forged one is answered "forged" and has no requester to show)
      const { data, at } = checked.value;
      if (Date.parse(at) < options.since.getTime() || data.authority !== authority.id) continue;
      const height = await heightOf(ledger, request.id);
      const state = requestState(request, txs, key.signKey, [], nativeLedgerCrypto);
      const status = height === null ? null : registry.statusAt(data.requester.signKey, height);
      const note = officer ? await openNote(data.note, officer).catch(() => null) : null;
      const followUps = await followUpsOf(ledger, request.id, options);
      rows.push({
        request: request.id,
        at,
        height,
        requester: {
          signKey: data.requester.signKey,
          name: status?.name ?? null,
          credential: status?.status ?? 'not committed',
        },
        chart: state.state === 'granted' ? state.chart : (data.chart ?? null),
        byQuery: data.query !== undefined,
        reason: data.reason,
        note,
        outcome: state.state === 'invalid' ? 'waiting' : state.state,
        refusal: state.state === 'refused' ? { reason: state.reason, detail: state.detail } : null,
        grantedAt: state.state === 'granted' ? state.at : null,
        expiresAt: state.state === 'granted' ? state.expiresAt : null,
        emergencyKey: key.signKey,
        followUp: followUps.latest,
        followUps: followUps.count,
      });
    }
  }
  return rows.sort((a, b) => (a.height ?? Infinity) - (b.height ?? Infinity) || a.at.localeCompare(b.at));
}
