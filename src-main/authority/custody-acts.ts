// Recover, off-board and re-key as whole acts when the signing officers' keys are unlocked on this machine (the
// single-machine path: a 1-of-1 authority, or every needed officer in this keychain). The file-based m-of-n path
// runs the same steps (recovery-flows.ts) with shares and signatures travelling as files (src-main/cli/hospital.ts).
import {
  AuthorityInputError,
  type CredentialRegistryView,
  type OfficerSigner,
  type PartialTransaction,
  type PractitionerEntry,
  type VerifiedAuthority,
} from '../../src-shared/authority';
import { wipe } from '../../src-shared/crypto/bytes';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import type { Transaction } from '../../src-shared/ledger';
import type { CredentialRegistry } from './credential-registry';
import { postPartial, prepareIssue, prepareRevoke, signPartial, type LedgerPoster } from './hospital';
import {
  chartsHeldBy,
  openRecoveryShare,
  openWithRecoveryKey,
  prepareCustodyMove,
  readChartHead,
  rebuildRecoveryKey,
  validPractitioner,
  type ChartLedger,
} from './recovery-flows';

export type UnlockedOfficer = OfficerSigner & {
  readonly boxKey: string;
  openSealed(s: Uint8Array): Promise<Uint8Array>;
};
/**
 * The quorum's move of a chart written in envelope v3 (docs/UNLINKABLE.md §5, §9): its head is opened with the rebuilt
 * recovery key's slot (which gives the officers the head's secret, hence their tweaks), and the move is signed by the
 * officers' tweaked keys. Built in src-main/records (the v3 builder and opener live there; this layer cannot import
 * them) and handed in with the ledger.
 */
export interface V3ChartMover {
  /** True when the chart's CREATE is envelope v3. */
  isV3(chartId: string): Promise<boolean>;
  /** Moves the chart to `to` by these officers (at least m; the first is the author); returns the version's id. */
  move(input: V3MoveInput): Promise<string>;
  /** The same move built and signed, not posted (the IT desk plans every move before posting any). */
  prepare(input: V3MoveInput): Promise<Transaction>;
  /**
   * The file-based move (officers on separate machines): the partially signed file with a sealed box per officer of
   * the quorum, signed at once by the coordinator (records/quorum-move-v3.ts prepareV3MoveFile). The IT desk's
   * recovery with share files uses it; absent, a v3 chart is refused there.
   */
  prepareFile?(input: Omit<V3MoveInput, 'officers'> & { coordinator: KeyHolder }): Promise<PartialTransaction>;
  /**
   * The v3 charts whose current custodian is `doctor`, found by their recovery tags (docs/UNLINKABLE.md §13) with the
   * rebuilt recovery key; `writers` are the box keys of every practitioner who may have handed a chart to the doctor.
   */
  heldBy?(input: V3HeldByInput): Promise<string[]>;
}

export interface V3HeldByInput {
  authority: VerifiedAuthority;
  recoverySecret: Uint8Array;
  doctor: Pick<PractitionerEntry, 'signKey' | 'boxKey'>;
  writers: readonly string[];
}

/**
 * Every chart `doctor` is custodian of: envelope v1 charts by their outputs naming the doctor, envelope v3 charts (no
 * output names a custodian) by their recovery tags, with the rebuilt recovery key, when the ledger can move them.
 */
export async function chartsOfCustodian(
  ledger: QuorumLedger,
  view: CredentialRegistryView,
  doctor: Pick<PractitionerEntry, 'signKey' | 'boxKey'>,
  secret: Uint8Array,
): Promise<string[]> {
  const v1 = await chartsHeldBy(ledger, doctor.signKey);
  if (!ledger.v3?.heldBy) return v1;
  const writers = view.practitioners(new Date()).map((p) => p.boxKey);
  const v3 = await ledger.v3.heldBy({ authority: view.authority, recoverySecret: secret, doctor, writers });
  return [...new Set([...v1, ...v3])];
}

export interface V3MoveInput {
  chartId: string;
  authority: VerifiedAuthority;
  recoverySecret: Uint8Array;
  to: Pick<PractitionerEntry, 'signKey' | 'boxKey' | 'name'>;
  officers: readonly OfficerSigner[];
  reason: string;
}

/** Reads from the node; posts to it or through the outbox (which answers isQueued for what it still holds). */
export type QuorumLedger = ChartLedger & LedgerPoster & { isQueued?(txId: string): boolean; v3?: V3ChartMover };

/** Every given officer signs; posted (commit mode) once the quorum's condition is met, else AuthorityInputError. */
export async function signAndPost(
  ledger: LedgerPoster,
  partial: PartialTransaction,
  officers: readonly OfficerSigner[],
): Promise<string> {
  let signed = partial;
  for (const officer of officers) signed = await signPartial(signed, officer);
  return (await postPartial(ledger, signed)).tx.id;
}

/** The recovery key rebuilt from these officers' own shares (refused below m shares); the caller wipes it. */
export async function recoveryKeyOf(
  authority: VerifiedAuthority,
  officers: readonly UnlockedOfficer[],
): Promise<Uint8Array> {
  const shares: Uint8Array[] = [];
  try {
    for (const officer of officers) shares.push(await openRecoveryShare(authority, officer));
    return await rebuildRecoveryKey(authority, shares);
  } finally {
    wipe(...shares);
  }
}

/** Moves each chart to `to` by the quorum, with an already rebuilt recovery key. Returns the custody versions' ids. */
export async function moveCharts(
  ledger: QuorumLedger,
  view: CredentialRegistryView,
  input: {
    chartIds: readonly string[];
    to: string;
    reason: string;
    secret: Uint8Array;
    officers: readonly OfficerSigner[];
  },
  /**
   * Given, a chart that cannot move (it does not verify, is not under this authority, is no chart…) is handed here and
   * the others still move: off-boarding and re-keying must not be stopped by one bad chart, e.g. a forgery carrying a
   * copied recovery tag or an output naming the doctor. Without it, the first such chart stops the act.
   */
  onRefused?: (refused: NotMoved) => void,
): Promise<{ chartId: string; txId: string }[]> {
  const to = validPractitioner(view, input.to);
  const coordinator = input.officers[0]?.signKey;
  if (!coordinator) throw new AuthorityInputError('No officer to sign');
  const moved: { chartId: string; txId: string }[] = [];
  for (const chartId of input.chartIds) {
    try {
      const txId = await moveOne(ledger, view, to, coordinator, chartId, input);
      moved.push({ chartId, txId });
    } catch (error) {
      if (!onRefused || !(error instanceof AuthorityInputError)) throw error;
      onRefused({ chartId, reason: error.message });
    }
  }
  return moved;
}

export interface NotMoved {
  chartId: string;
  reason: string;
}

async function moveOne(
  ledger: QuorumLedger,
  view: CredentialRegistryView,
  to: ReturnType<typeof validPractitioner>,
  coordinator: string,
  chartId: string,
  input: { reason: string; secret: Uint8Array; officers: readonly OfficerSigner[] },
): Promise<string> {
  if (ledger.v3 && (await ledger.v3.isV3(chartId))) {
    const { secret, officers, reason } = input;
    return ledger.v3.move({
      chartId,
      authority: view.authority,
      recoverySecret: secret,
      to,
      officers,
      reason,
    });
  }
  const head = await readChartHead(ledger, chartId);
  const payload = await openWithRecoveryKey(view.authority, head, input.secret);
  const partial = prepareCustodyMove({
    authority: view.authority,
    head,
    payload,
    to,
    coordinator,
    reason: input.reason,
  });
  return signAndPost(ledger, partial, input.officers);
}

/** Recover: the charts move to `to` (a valid credential), signed by the officers given (at least m). */
export async function recoverCharts(
  ledger: QuorumLedger,
  view: CredentialRegistryView,
  input: { chartIds: readonly string[]; to: string; reason: string; officers: readonly UnlockedOfficer[] },
) {
  validPractitioner(view, input.to);
  const secret = await recoveryKeyOf(view.authority, input.officers);
  try {
    return await moveCharts(ledger, view, { ...input, secret });
  } finally {
    wipe(secret);
  }
}

function credentialOf(view: CredentialRegistryView, who: string) {
  const entry = view.practitioners(new Date()).find((p) => p.signKey === who || p.credentialId === who);
  if (!entry) throw new AuthorityInputError(`${who} holds no credential of this authority (see: hospital credentials)`);
  return entry;
}

/**
 * Off-board: the credential is revoked first (from that ledger position on, the doctor's versions are "unknown
 * author"), then custody of every chart they hold moves to `to` by quorum. Until its move, the leaving doctor can
 * still spend a chart by their own branch of 1-of-[custodian, quorum]; afterwards they cannot.
 */
export async function offboard(
  ledger: QuorumLedger,
  view: CredentialRegistryView,
  input: { leaving: string; to: string; reason: string; officers: readonly UnlockedOfficer[] },
) {
  const leaving = credentialOf(view, input.leaving);
  validPractitioner(view, input.to);
  // The recovery key finds the v3 charts as well as it moves them: rebuilt first when v3 charts can be moved.
  let secret = ledger.v3?.heldBy ? await recoveryKeyOf(view.authority, input.officers) : null;
  try {
    const chartIds = secret
      ? await chartsOfCustodian(ledger, view, leaving, secret)
      : await chartsHeldBy(ledger, leaving.signKey);
    if (!secret && chartIds.length) secret = await recoveryKeyOf(view.authority, input.officers);
    const revoked =
      leaving.endReason === 'revoked'
        ? null
        : await signAndPost(ledger, prepareRevoke(view, leaving.credentialId, input.reason), input.officers);
    const notMoved: NotMoved[] = [];
    const moved = secret
      ? await moveCharts(
          ledger,
          view,
          { chartIds, to: input.to, reason: input.reason, secret, officers: input.officers },
          (refused) => notMoved.push(refused),
        )
      : [];
    return { revoked, moved, notMoved };
  } finally {
    if (secret) wipe(secret);
  }
}

/** The re-key's credential: the old one's name, licence, specialty and end date, for the new keys, superseding it. */
export function prepareSupersedingIssue(
  authority: VerifiedAuthority,
  old: PractitionerEntry,
  keys: { signKey: string; boxKey: string },
) {
  return prepareIssue(authority, {
    name: old.name,
    licence: old.licence,
    specialty: old.specialty,
    signKey: keys.signKey,
    boxKey: keys.boxKey,
    validFrom: new Date().toISOString(),
    validUntil: old.validUntil,
    supersedes: old.credentialId,
  });
}

/**
 * Re-key: a credential for the doctor's new keys superseding the old one (same name, licence, specialty and end
 * date), every chart moved to the new keys by quorum, then the old credential revoked.
 */
export async function rekey(
  ledger: QuorumLedger,
  registry: CredentialRegistry,
  input: { old: string; signKey: string; boxKey: string; officers: readonly UnlockedOfficer[] },
) {
  let view = await registry.load();
  const old = credentialOf(view, input.old);
  // The recovery key finds the v3 charts as well as it moves them: rebuilt first when v3 charts can be moved.
  let secret = ledger.v3?.heldBy ? await recoveryKeyOf(view.authority, input.officers) : null;
  try {
    const chartIds = secret
      ? await chartsOfCustodian(ledger, view, old, secret)
      : await chartsHeldBy(ledger, old.signKey);
    const issued = await signAndPost(ledger, prepareSupersedingIssue(view.authority, old, input), input.officers);
    // The moves and the revocation need the new credential on the ledger: while it waits in the outbox, they wait too.
    if (ledger.isQueued?.(issued))
      return { issued, moved: [], notMoved: [] as NotMoved[], revoked: null, waiting: chartIds };
    view = await registry.load();
    if (!secret && chartIds.length) secret = await recoveryKeyOf(view.authority, input.officers);
    const reason = `Re-key of ${old.name}: new identity ${input.signKey}`;
    const notMoved: NotMoved[] = [];
    const moved = secret
      ? await moveCharts(
          ledger,
          view,
          { chartIds, to: input.signKey, reason, secret, officers: input.officers },
          (refused) => notMoved.push(refused),
        )
      : [];
    // The superseding credential already ended the old one at its height; the revocation says so on its own chain.
    const stillOpen = view.credential(old.credentialId)?.acts.every((a) => a.act.type !== 'hc.credential.revoke/1');
    const revoked = stillOpen
      ? await signAndPost(ledger, prepareRevoke(view, old.credentialId, 'Re-keyed'), input.officers)
      : null;
    return { issued, moved, notMoved, revoked, waiting: [] as string[] };
  } finally {
    if (secret) wipe(secret);
  }
}
