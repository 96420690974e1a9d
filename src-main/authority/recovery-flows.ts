// The quorum's acts on charts (docs/AUTHORITY.md, "Recovery, re-key, off-boarding"), as service steps the CLI runs
// now and IPC later. Every act is a ledger transaction signed by the quorum (a partially signed file, so officers may
// sign on separate machines):
//   recover   officers open their recovery shares, the recovery key is rebuilt in memory, the chart's newest data
//             key is opened with it, and a "custody" version re-sealed for the new custodian moves the chart's output
//             by the quorum's branch of 1-of-[custodian, quorum] to a named credentialed doctor;
//   offboard  the leaving doctor's credential revoked, each of their charts moved as above;
//   rekey     a credential for the doctor's new keys (supersedes the old one), each chart moved to the new keys, the
//             old credential revoked.
// A chart written before the authority (plain Ed25519 output, no recovery wrap) cannot be moved by the quorum: its
// custodian migrates it first (chart writer's migrateCustody, `hospital migrate`).
import {
  chartOwnership,
  combineRecoveryShares,
  custodyOutput,
  custodyPolicyOf,
  sealedShareOf,
  startPartial,
  AuthorityInputError,
  type CeremonyMetadata,
  type CredentialRegistryView,
  type CustodyPolicy,
  type OfficerSigner,
  type PartialTransaction,
  type PractitionerEntry,
  type VerifiedAuthority,
} from '../../src-shared/authority';
import { fromBase64, toBase64, wipe } from '../../src-shared/crypto/bytes';
import { openEnvelope, sealEnvelope, type Envelope } from '../../src-shared/crypto/envelope';
import {
  assetIdOf,
  conditionUriFromDetails,
  makeTransfer,
  type JsonObject,
  type Transaction,
} from '../../src-shared/ledger';
import { decodePayload, encodePayload, type ChartPayload } from '../../src-shared/records/payload';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { openSealed, sealTo } from '../crypto/sealed-box';
import { verifyChartChain, CHART_ASSET_TYPE } from '../ledger/chain';
import type { Answer, OutputRef, TextAnswer } from '../ledger/node-client';
import { ENVELOPE_TYPE } from '../../src-shared/crypto/envelope';

export interface ChartLedger {
  listTransactions(assetId: string): Promise<TextAnswer<unknown[]>>;
  getTransaction(id: string): Promise<Answer<unknown | null>>;
  listOutputs(publicKey: string, options?: { spent?: boolean }): Promise<Answer<OutputRef[]>>;
}

/** An officer's share, opened with their own key (their password unlocked it). Keep it in memory only. */
export async function openRecoveryShare(
  authority: VerifiedAuthority,
  officer: OfficerSigner & { openSealed(sealed: Uint8Array): Promise<Uint8Array> },
): Promise<Uint8Array> {
  return officer.openSealed(
    sealedShareOf((authority.tx.metadata as unknown as CeremonyMetadata).recoveryShares, officer.signKey),
  );
}

/** Re-seals an opened share to a coordinator's one-time session key (to travel as a file to another machine). */
export function sealShareForSession(share: Uint8Array, sessionKey: string): string {
  return toBase64(sealTo(sessionKey, share));
}

/** Opens a share sealed to the session key; the caller wipes the session secret when done. */
export function openSessionShare(sessionSecret: Uint8Array, sealed: string): Uint8Array {
  try {
    return openSealed(sessionSecret, fromBase64(sealed));
  } catch {
    throw new AuthorityInputError('A recovery share does not open with this session key (sealed to another session?)');
  }
}

/** The recovery secret from at least m opened shares; checked against the authority's recovery key. */
export function rebuildRecoveryKey(authority: VerifiedAuthority, shares: readonly Uint8Array[]): Promise<Uint8Array> {
  return combineRecoveryShares(shares, authority.data.threshold, authority.data.recoveryKey);
}

export interface ChartHead {
  chartId: string;
  tx: Transaction;
  envelope: Envelope;
  seq: number;
  custodian: string;
}

/** The chart's newest version, every version verified as the reader verifies them. */
export async function readChartHead(ledger: ChartLedger, chartId: string): Promise<ChartHead> {
  const { value } = await ledger.listTransactions(chartId);
  const chain = await verifyChartChain(chartId, value, { crypto: nativeLedgerCrypto });
  if (chain.failure) throw new AuthorityInputError(`Chart ${chartId} does not verify: ${chain.failure.reason}`);
  const head = chain.versions.at(-1);
  if (!head) throw new AuthorityInputError(`No chart ${chartId} on this node`);
  return { chartId, tx: head.tx, envelope: head.envelope, seq: head.seq, custodian: head.owner };
}

/** The head's payload, opened with the rebuilt recovery key. */
export async function openWithRecoveryKey(
  authority: VerifiedAuthority,
  head: ChartHead,
  recoverySecret: Uint8Array,
): Promise<ChartPayload> {
  if (!head.envelope.readers.some((r) => r.key === authority.data.recoveryKey))
    throw new AuthorityInputError(
      `Version ${head.seq} of chart ${head.chartId} is not wrapped to the hospital's recovery key (written before the authority: its custodian must run "hospital migrate" first)`,
    );
  const opened = await openEnvelope(head.envelope, {
    boxKey: authority.data.recoveryKey,
    openSealed: async (sealed) => openSealed(recoverySecret, sealed),
  });
  try {
    return decodePayload(opened);
  } finally {
    wipe(opened);
  }
}

/**
 * The quorum's custody move, unsigned, as a partially signed file: a "custody" version whose envelope is sealed for
 * the new custodian, the patient, the shared doctors and the recovery key (not for the former custodian), authored
 * by the coordinating officer, paying the chart to 1-of-[new custodian, quorum].
 */
export function prepareCustodyMove(input: {
  authority: VerifiedAuthority;
  head: ChartHead;
  payload: ChartPayload;
  to: Pick<PractitionerEntry, 'signKey' | 'boxKey' | 'name'>;
  coordinator: string;
  reason: string;
  at?: Date;
}): PartialTransaction {
  const { authority, head, payload, to, coordinator } = input;
  const policy: CustodyPolicy = custodyPolicyOf(authority.id, authority.data);
  const quorum = chartOwnership(head.tx.outputs[0])?.quorum;
  if (!quorum || conditionUriFromDetails(quorum) !== conditionUriFromDetails(policy.quorum))
    throw new AuthorityInputError(
      `Chart ${head.chartId} is not spendable by this authority's quorum (written before the authority, or under another): its custodian must run "hospital migrate" first`,
    );
  if (!authority.data.officers.some((o) => o.signKey === coordinator))
    throw new AuthorityInputError(`${coordinator} is not an officer of this authority`);
  if (to.signKey === head.custodian) throw new AuthorityInputError(`${to.name} already holds chart ${head.chartId}`);
  const next: ChartPayload = {
    ...payload,
    custodian: { signKey: to.signKey, boxKey: to.boxKey, name: to.name },
    doctors: payload.doctors.filter((d) => d.boxKey !== to.boxKey && d.signKey !== head.custodian),
    note: input.reason.slice(0, 500),
    recovery: { authority: authority.id, boxKey: authority.data.recoveryKey },
  };
  // The emergency key goes on with the chart (or is named for the first time) while one is published.
  delete next.emergency;
  if (authority.emergencyKey) next.emergency = { authority: authority.id, boxKey: authority.emergencyKey.boxKey };
  const readers = [
    ...new Set([
      to.boxKey,
      ...(next.patient ? [next.patient.boxKey] : []),
      ...next.doctors.map((d) => d.boxKey),
      authority.data.recoveryKey,
      ...(next.emergency ? [next.emergency.boxKey] : []),
    ]),
  ];
  const envelope = sealEnvelope(
    {
      action: 'custody',
      seq: head.seq + 1,
      at: (input.at ?? new Date()).toISOString(),
      author: coordinator,
      chart: head.chartId,
    },
    encodePayload(next),
    readers,
    sealTo,
  );
  const unsigned = makeTransfer(
    [{ tx: head.tx, outputIndex: 0 }],
    [custodyOutput(to.signKey, policy)],
    envelope as unknown as JsonObject,
  );
  return startPartial(
    unsigned,
    `Move custody of chart ${head.chartId} from ${head.custodian} to ${to.name} (${to.signKey}): ${input.reason}`,
  );
}

/** A credentialed practitioner valid now, by signKey or credential id; throws naming why not. */
export function validPractitioner(view: CredentialRegistryView, who: string, now = new Date()): PractitionerEntry {
  const entry = view.practitioners(now).find((p) => p.signKey === who || p.credentialId === who);
  if (!entry) throw new AuthorityInputError(`${who} holds no credential of this authority (see: hospital credentials)`);
  if (entry.status !== 'valid')
    throw new AuthorityInputError(`${entry.name}'s credential is ${entry.status}: custody can only go to a valid one`);
  return entry;
}

/** The charts whose current custodian is `signKey` (unspent chart outputs naming it first), newest versions. */
export async function chartsHeldBy(ledger: ChartLedger, signKey: string): Promise<string[]> {
  const { value: outputs } = await ledger.listOutputs(signKey, { spent: false });
  const charts: string[] = [];
  for (const ref of outputs) {
    const { value } = await ledger.getTransaction(ref.transaction_id);
    const tx = value as Transaction | null;
    if (!tx || !Array.isArray(tx.outputs)) continue;
    const isChart =
      tx.operation === 'CREATE'
        ? (tx.asset as { data?: { type?: unknown } | null }).data?.type === CHART_ASSET_TYPE
        : (tx.metadata as { type?: unknown } | null)?.type === ENVELOPE_TYPE;
    if (isChart && chartOwnership(tx.outputs[ref.output_index])?.custodian === signKey) charts.push(assetIdOf(tx));
  }
  return [...new Set(charts)];
}
