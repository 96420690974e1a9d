// The IT desk of the hospital authority as the workstation runs it (IPC: hospital.*, credentials.*): read the pinned
// authority and its registry (through AuthorityTrust, the chart service's own, so an act is seen by chart checks at
// once), set up the one-machine authority, and run the quorum acts with an officer key of this machine's keychain.
// Each act unlocks the officer key for that act only (password per act) and locks it again, whatever happens; the
// answer is the posted transaction, or — while more officers must sign — the partially signed file (public data).
import {
  AUTHORITY_TYPE,
  ceremonyOfficers,
  officerNameMap,
  AuthorityInputError,
  custodyPolicyOf,
  CREDENTIAL_TYPE,
  describePartial,
  licenceKey,
  parsePartial,
  requiredKeys,
  signedBy,
  type CredentialRegistryView,
  type PartialTransaction,
  type PractitionerEntry,
  type VerifiedAuthority,
} from '../../src-shared/authority';
import { wipe } from '../../src-shared/crypto/bytes';
import { conditionUriFromDetails, type ConditionDetails } from '../../src-shared/ledger';
import type { SeedKeyHolder } from '../crypto/seed-key-holder';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import { InvalidInputError } from '../vault/errors';
import { CredentialRegistry, type AuthorityLedger } from './credential-registry';
import { prepareSupersedingIssue, recoveryKeyOf, signAndPost, type V3ChartMover } from './custody-acts';
import { openSlot, signSlot } from './quorum-move-slots';
import { notMovedOf, planMoves, postMoves, type MovePlan } from './custody-plan';
import {
  postPartial,
  prepareCeremony,
  prepareIssue,
  prepareRenew,
  prepareRevoke,
  setUpOneMachineAuthority,
  signPartial,
  type LedgerPoster,
} from './hospital';
import type { OfficerKeychain } from './officer-keychain';
import {
  chartsHeldBy,
  openWithRecoveryKey,
  prepareCustodyMove,
  readChartHead,
  validPractitioner,
  type ChartLedger,
} from './recovery-flows';
import { migrationGaps } from './migration-gaps';
import { sealShareFile, type RecoverySessions } from './recovery-sessions';
import type { AuthorityTrust, TrustState } from './trust';

export interface QuorumActResult {
  posted: string | null;
  partial: string | null;
  describes: string;
  signedBy: string[];
  /**
   * Per key of signedBy, the officer's name when this desk can tell it: a directory key of the ceremony's or the
   * pinned authority's officers, or a v3 move's tweaked key that this desk maps back (its own officer's, the
   * coordinator's); null for a tweaked key whose tweak is sealed to another officer.
   */
  signers: (string | null)[];
  needed: number;
  /** Posted through the outbox while no node answered: signed and on disk, sent when a node answers. */
  queued: boolean;
}

export interface CustodyActResult {
  issued: string | null;
  revoked: string | null;
  moved: { chartId: string; txId: string }[];
  notMoved: { chartId: string; reason: string }[];
  to: { name: string; signKey: string } | null;
  /** The acts above still waiting in the outbox (no node answered): posted, in order, when one does. */
  queued: string[];
}

export interface OfficerPick {
  password: string;
  /** Which of this machine's officer keys signs; needed only when it holds several of the authority's. */
  officer?: string;
}

const DAY = 86_400_000;

/**
 * Signatures the first input needs: a threshold condition's m, a lone key's 1; a chart's 1-of-[custodian, quorum]
 * spent by the quorum (a custody move) needs the quorum's m.
 */
function neededOf(partial: PartialTransaction): number {
  const details = partial.unsigned.inputs[0]?.fulfillment as ConditionDetails | undefined;
  if (details?.type !== 'threshold-sha-256') return 1;
  const quorum =
    details.threshold === 1 ? details.subconditions.find((s) => s.type === 'threshold-sha-256') : undefined;
  return quorum?.type === 'threshold-sha-256' ? quorum.threshold : details.threshold;
}

/** A custody move of a chart paid to 1-of-[custodian, this authority's quorum], spent by the quorum's branch. */
function isQuorumCustodyMove(partial: PartialTransaction, authority: VerifiedAuthority): boolean {
  const details = partial.unsigned.inputs[0]?.fulfillment as ConditionDetails | undefined;
  if (partial.unsigned.operation !== 'TRANSFER' || details?.type !== 'threshold-sha-256') return false;
  const [custodian, quorum] = details.subconditions;
  return (
    details.threshold === 1 &&
    details.subconditions.length === 2 &&
    custodian?.type === 'ed25519-sha-256' &&
    quorum?.type === 'threshold-sha-256' &&
    conditionUriFromDetails(quorum) === conditionUriFromDetails(custodyPolicyOf(authority.id, authority.data).quorum)
  );
}

function date(value: string, field: string): Date {
  const d = new Date(value);
  if (!Number.isFinite(d.getTime())) throw new InvalidInputError(field, `${value} is not a date (use YYYY-MM-DD)`);
  return d;
}

export class HospitalDesk {
  /**
   * Keychain calls one at a time: listing probes the keychain by writing and deleting one entry, and two probes at
   * once (the Hospital screen reads status and credentials together) make libsecret report the keychain as locked.
   */
  #keychainQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ledger: LedgerPoster & AuthorityLedger & ChartLedger,
    private readonly keychain: OfficerKeychain,
    readonly trust: AuthorityTrust,
    /** The emergency service's key on this machine (single-machine default): published when the hospital is set up. */
    private readonly emergencyKey?: () => Promise<{ signKey: string; boxKey: string }>,
    /** Where acts are posted: the app's outbox (src-main/ledger/outbox-poster.ts); the node client by default. */
    private readonly poster: LedgerPoster & { isQueued?(txId: string): boolean } = ledger,
    /** Moves charts written in envelope v3 (src-main/records/quorum-move-v3.ts); none: only v1 charts move. */
    private readonly v3?: V3ChartMover,
  ) {}

  /** The given acts that wait in the outbox (a node client queues nothing). */
  #queued(...txIds: (string | null)[]): string[] {
    return txIds.filter((id): id is string => id !== null && (this.poster.isQueued?.(id) ?? false));
  }

  state(): Promise<TrustState> {
    return this.trust.state();
  }

  /** The pinned authority, verified; a specific refusal when none is pinned or it cannot be trusted. */
  async pinned(): Promise<Extract<TrustState, { kind: 'pinned' }>> {
    const state = await this.trust.state();
    if (state.kind === 'none')
      throw new AuthorityInputError(
        'No hospital authority is pinned on this computer: set up or join a hospital first',
      );
    if (state.kind === 'unverified') throw new AuthorityInputError(state.reason);
    return state;
  }

  #serialKeychain<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#keychainQueue.then(task, task);
    this.#keychainQueue = run.catch(() => undefined);
    return run;
  }

  #officerKeys(): Promise<string[]> {
    return this.#serialKeychain(async () => (await this.keychain.list()).map((o) => o.signKey));
  }

  /** The authority's officers whose keys this machine's keychain holds. */
  async officersHere(authority: VerifiedAuthority): Promise<Set<string>> {
    const here = new Set(await this.#officerKeys());
    return new Set(authority.data.officers.map((o) => o.signKey).filter((k) => here.has(k)));
  }

  /** Reads and verifies an authority id before anyone pins it (join); throws AuthorityUnverifiedError. */
  verify(authorityId: string): Promise<VerifiedAuthority> {
    return new CredentialRegistry(this.ledger, authorityId, undefined).authority();
  }

  /**
   * The multi-officer ceremony (`hospital init` with officers' public keys): the partially signed file every officer
   * signs ("Sign a partially signed file" posts it once all have). The recovery secret is split, sealed to each
   * officer and wiped here; this machine keeps nothing.
   */
  async startCeremony(input: {
    hospitalName: string;
    threshold: number;
    officers: readonly { name: string; signKey: string; boxKey: string }[];
  }): Promise<QuorumActResult> {
    const { partial } = await prepareCeremony({
      name: input.hospitalName,
      threshold: input.threshold,
      officers: input.officers.map((o) => ({ name: o.name, signKey: o.signKey, boxKey: o.boxKey })),
    });
    return {
      posted: null,
      partial: JSON.stringify(partial, null, 2),
      describes: describePartial(partial),
      signedBy: [],
      signers: [],
      needed: input.officers.length,
      queued: false,
    };
  }

  setUp(input: { hospitalName: string; officerName: string; password: string }) {
    return this.#serialKeychain(() => setUpOneMachineAuthority(this.poster, this.keychain, input, this.emergencyKey));
  }

  async issue(
    input: {
      name: string;
      licence: string;
      specialty: string;
      signKey: string;
      boxKey: string;
      validFrom?: string;
      validUntil: string;
    } & OfficerPick,
    now = new Date(),
  ): Promise<QuorumActResult> {
    const { authority, registry } = await this.pinned();
    const validFrom = input.validFrom ? date(input.validFrom, 'validFrom') : now;
    const validUntil = date(input.validUntil, 'validUntil');
    if (validUntil.getTime() <= now.getTime())
      throw new InvalidInputError('validUntil', 'Valid until must be in the future');
    if (validUntil.getTime() <= validFrom.getTime())
      throw new InvalidInputError('validUntil', 'Valid until must be after valid from');
    if (validFrom.getTime() > now.getTime() + 366 * DAY)
      throw new InvalidInputError('validFrom', 'Valid from is more than a year ahead');
    const entries = registry.practitioners(now);
    const holder = entries.find((p) => licenceKey(p.licence) === licenceKey(input.licence));
    if (holder)
      throw new InvalidInputError(
        'licence',
        `Licence ${input.licence} is already held by ${holder.name} (credential ${holder.credentialId}, ${holder.status}); a licence number is unique`,
      );
    const sameKey = entries.find((p) => p.signKey === input.signKey && p.status === 'valid');
    if (sameKey)
      throw new InvalidInputError(
        'signKey',
        `This key already holds a valid credential (${sameKey.name}, licence ${sameKey.licence})`,
      );
    const partial = prepareIssue(
      authority,
      {
        name: input.name,
        licence: input.licence,
        specialty: input.specialty,
        signKey: input.signKey,
        boxKey: input.boxKey,
        validFrom: validFrom.toISOString(),
        validUntil: validUntil.toISOString(),
      },
      now,
    );
    return this.#signAndPost(partial, input, authority.data.name);
  }

  async renew(input: { credentialId: string; validUntil: string } & OfficerPick): Promise<QuorumActResult> {
    const { authority, registry } = await this.pinned();
    const validUntil = date(input.validUntil, 'validUntil');
    if (validUntil.getTime() <= Date.now())
      throw new InvalidInputError('validUntil', 'Valid until must be in the future');
    return this.#signAndPost(prepareRenew(registry, input.credentialId, validUntil), input, authority.data.name);
  }

  async revoke(input: { credentialId: string; reason: string } & OfficerPick): Promise<QuorumActResult> {
    const { authority, registry } = await this.pinned();
    return this.#signAndPost(
      prepareRevoke(registry, input.credentialId, input.reason || undefined),
      input,
      authority.data.name,
    );
  }

  /**
   * An officer adds their signature to a file another officer started: a ceremony (before any authority is pinned),
   * or an act of the pinned authority (a credential of another authority is refused: nothing is signed blind).
   */
  async signPartial(input: { partial: string } & OfficerPick): Promise<QuorumActResult> {
    const partial = parsePartial(input.partial);
    if (partial.officerSlots) return this.#signSlot(partial, input);
    const asset = partial.unsigned.asset as { id?: unknown; data?: { type?: unknown; authority?: unknown } };
    if (partial.unsigned.operation === 'CREATE' && asset.data?.type === AUTHORITY_TYPE)
      return this.#signAndPost(partial, input, 'the hospital authority ceremony');
    const { authority, registry } = await this.pinned();
    const ours =
      partial.unsigned.operation === 'CREATE'
        ? asset.data?.type === CREDENTIAL_TYPE && asset.data.authority === authority.id
        : (typeof asset.id === 'string' &&
            (asset.id === authority.id || registry.credential(asset.id) !== undefined)) ||
          isQuorumCustodyMove(partial, authority);
    if (!ours)
      throw new AuthorityInputError(
        `This file is not an act of ${authority.data.name} (${authority.id}): it is not signed here`,
      );
    return this.#signAndPost(partial, input, authority.data.name);
  }

  /** The charts a credentialed practitioner (valid or not) holds now: ids only, IT reads no chart. */
  async heldCharts(practitioner: string) {
    const { registry } = await this.pinned();
    const entry = credentialOf(registry, practitioner, 'practitioner');
    return { signKey: entry.signKey, name: entry.name, chartIds: await chartsHeldBy(this.ledger, entry.signKey) };
  }

  /**
   * Recover: this machine's officers (at least the threshold) rebuild the recovery key in memory, every chart's move
   * to `to` is built first (one that cannot move refuses the whole request, nothing posted), then the quorum posts.
   */
  async recover(input: {
    chartIds: readonly string[];
    to: string;
    reason: string;
    officers: readonly OfficerPick[];
  }): Promise<CustodyActResult> {
    const { authority, registry } = await this.pinned();
    const to = custodianOf(registry, input.to);
    return this.#withSigners(authority, input.officers, async (holders) => {
      const reason = input.reason || 'Recovered by the hospital authority';
      const plan = await this.#plan(registry, holders, input.chartIds, to, reason);
      if (plan.refused.length)
        throw new InvalidInputError(
          'chartIds',
          plan.refused.map((r) => `${r.chartId.slice(0, 12)}…: ${r.reason}`).join('; '),
        );
      const posted = await postMoves(this.poster, plan.planned, holders);
      if (posted.failed && posted.moved.length === 0) throw posted.failed.error;
      const queued = this.#queued(...posted.moved.map((m) => m.txId));
      return {
        issued: null,
        revoked: null,
        moved: posted.moved,
        notMoved: notMovedOf(plan, posted),
        to: named(to),
        queued,
      };
    });
  }

  /**
   * Off-board: the leaving doctor's credential revoked by the quorum (unless it already is), then custody of every
   * chart they hold moves to `to`. A chart that cannot move does not stop the revocation: it is listed as not moved.
   */
  async offboard(input: {
    leaving: string;
    to: string;
    reason: string;
    officers: readonly OfficerPick[];
  }): Promise<CustodyActResult> {
    const { authority, registry } = await this.pinned();
    const leaving = credentialOf(registry, input.leaving, 'leaving');
    const to = custodianOf(registry, input.to);
    if (to.signKey === leaving.signKey)
      throw new InvalidInputError('to', `${to.name} is the doctor leaving: choose who takes their charts`);
    const chartIds = await chartsHeldBy(this.ledger, leaving.signKey);
    return this.#withSigners(authority, input.officers, async (holders) => {
      const reason = input.reason || 'Off-boarded';
      const plan = await this.#plan(registry, holders, chartIds, to, reason, leaving);
      const revoked =
        leaving.endReason === 'revoked'
          ? null
          : await signAndPost(this.poster, prepareRevoke(registry, leaving.credentialId, reason), holders);
      this.trust.invalidate();
      const posted = await postMoves(this.poster, plan.planned, holders);
      const queued = this.#queued(revoked, ...posted.moved.map((m) => m.txId));
      return { issued: null, revoked, moved: posted.moved, notMoved: notMovedOf(plan, posted), to: named(to), queued };
    });
  }

  /**
   * Re-key: a credential for the doctor's new keys superseding the old one (same name, licence, specialty, end
   * date), every chart they hold moved to the new keys by the quorum, then the old credential revoked.
   */
  async rekey(input: {
    old: string;
    signKey: string;
    boxKey: string;
    officers: readonly OfficerPick[];
  }): Promise<CustodyActResult> {
    const { authority, registry } = await this.pinned();
    const old = credentialOf(registry, input.old, 'old');
    if (old.endReason)
      throw new InvalidInputError(
        'old',
        `${old.name}'s credential is ${old.endReason}: re-keying carries on a current credential (issue a new one instead)`,
      );
    if (input.signKey === old.signKey || input.boxKey === old.boxKey)
      throw new InvalidInputError('signKey', `These are ${old.name}'s current keys: re-keying needs a new identity`);
    const holder = registry.practitioners(new Date()).find((p) => p.signKey === input.signKey && !p.endReason);
    if (holder)
      throw new InvalidInputError('signKey', `This key already holds a credential (${holder.name}, ${holder.licence})`);
    const chartIds = await chartsHeldBy(this.ledger, old.signKey);
    return this.#withSigners(authority, input.officers, async (holders) => {
      const issued = await signAndPost(this.poster, prepareSupersedingIssue(authority, old, input), holders);
      this.trust.invalidate();
      // The moves and the revocation need the new credential on the ledger: while it waits, nothing more is signed.
      if (this.#queued(issued).length)
        return {
          issued,
          revoked: null,
          moved: [],
          notMoved: chartIds.map((chartId) => ({
            chartId,
            reason: `the new credential ${issued} waits in the outbox (no ledger node answered); once it is posted, move this chart with Recover to the new identity`,
          })),
          to: null,
          queued: [issued],
        };
      const { registry: view } = await this.pinned();
      const to = validPractitioner(view, input.signKey);
      const reason = `Re-key of ${old.name}: new identity ${to.signKey}`;
      const plan = await this.#plan(view, holders, chartIds, to, reason, old);
      const posted = await postMoves(this.poster, plan.planned, holders);
      // The superseding credential already ended the old one at its height; the revocation says so on its own chain.
      const stillOpen = view.credential(old.credentialId)?.acts.every((a) => a.act.type !== 'hc.credential.revoke/1');
      const revoked = stillOpen
        ? await signAndPost(this.poster, prepareRevoke(view, old.credentialId, 'Re-keyed'), holders)
        : null;
      this.trust.invalidate();
      const queued = this.#queued(revoked, ...posted.moved.map((m) => m.txId));
      return { issued, revoked, moved: posted.moved, notMoved: notMovedOf(plan, posted), to: named(to), queued };
    });
  }

  /**
   * The moves, built with the recovery key rebuilt from the signers' shares (wiped before anything is posted). With
   * `from` (off-board, re-key), the envelope v3 charts `from` is custodian of are found with that key and join
   * `chartIds` (its v1 charts, found by their outputs): no v3 output names a custodian.
   */
  async #plan(
    view: CredentialRegistryView,
    holders: readonly SeedKeyHolder[],
    v1ChartIds: readonly string[],
    to: PractitionerEntry,
    reason: string,
    from?: PractitionerEntry,
  ): Promise<MovePlan> {
    const findsV3 = from !== undefined && this.v3?.heldBy !== undefined;
    if (v1ChartIds.length === 0 && !findsV3) return { planned: [], refused: [] };
    const secret = await recoveryKeyOf(view.authority, holders);
    try {
      const v3 =
        findsV3 && this.v3?.heldBy
          ? await this.v3.heldBy({
              authority: view.authority,
              recoverySecret: secret,
              doctor: from,
              writers: view.practitioners(new Date()).map((p) => p.boxKey),
            })
          : [];
      const chartIds = [...new Set([...v1ChartIds, ...v3])];
      return await planMoves(this.ledger, view, {
        chartIds,
        to,
        coordinator: holders[0]!.signKey,
        reason,
        secret,
        ...(this.v3 ? { v3: { mover: this.v3, officers: holders } } : {}),
      });
    } finally {
      wipe(secret);
    }
  }

  /**
   * Unlocks the signing officers' keys (each with its own password, through the keychain's attempt limiter) for this
   * act only, and locks them again whatever happens. A custody act needs the threshold: the signers' shares rebuild
   * the recovery key, and their signatures move the chart.
   */
  async #withSigners<T>(
    authority: VerifiedAuthority,
    signers: readonly OfficerPick[],
    act: (holders: SeedKeyHolder[]) => Promise<T>,
  ): Promise<T> {
    const members = new Set(authority.data.officers.map((o) => o.signKey));
    const here = (await this.#officerKeys()).filter((k) => members.has(k));
    const keys = signers.map((s) => {
      if (s.officer) {
        if (!here.includes(s.officer))
          throw new InvalidInputError(
            'officers',
            `${s.officer} is not an officer key of ${authority.data.name} on this computer`,
          );
        return s.officer;
      }
      if (here.length === 0)
        throw new InvalidInputError('officers', `No officer key of ${authority.data.name} is on this computer`);
      if (here.length > 1)
        throw new InvalidInputError('officers', 'Several officer keys are on this computer: choose which ones sign');
      return here[0]!;
    });
    const m = authority.data.threshold;
    if (new Set(keys).size < m)
      throw new InvalidInputError(
        'officers',
        `${authority.data.name} moves custody with ${m} of its officers (their recovery shares rebuild the recovery key, their signatures move the chart): ${new Set(keys).size} given`,
      );
    const holders: SeedKeyHolder[] = [];
    try {
      for (const [i, key] of keys.entries())
        holders.push(await this.#serialKeychain(() => this.keychain.unlock(key, signers[i]!.password)));
      return await act(holders);
    } finally {
      for (const holder of holders) holder.lock();
    }
  }

  /**
   * Runs `act` with this computer's officer key of the pinned authority, unlocked for that act only (password per
   * act) and locked again whatever happens: for acts signed by one officer (an emergency follow-up).
   */
  async withOfficer<T>(
    pick: OfficerPick,
    act: (officer: KeyHolder, pinned: Extract<TrustState, { kind: 'pinned' }>) => Promise<T>,
  ): Promise<T> {
    const pinned = await this.pinned();
    const members = new Set(pinned.authority.data.officers.map((o) => o.signKey));
    const here = (await this.#officerKeys()).filter((k) => members.has(k));
    if (pick.officer && !here.includes(pick.officer))
      throw new InvalidInputError('officer', `${pick.officer} is not an officer key of this hospital on this computer`);
    if (!pick.officer && here.length === 0)
      throw new InvalidInputError(
        'officer',
        `No officer key of ${pinned.authority.data.name} is on this computer: an officer acts on their own machine`,
      );
    if (!pick.officer && here.length > 1)
      throw new InvalidInputError('officer', 'Several officer keys are on this computer: choose which one signs');
    const holder = await this.#serialKeychain(() => this.keychain.unlock(pick.officer ?? here[0]!, pick.password));
    try {
      return await act(holder, pinned);
    } finally {
      holder.lock();
    }
  }

  /** This machine's officer keys (public halves), and the keychain entries that could not be read. */
  officers() {
    return this.#serialKeychain(async () => {
      const unreadable: { account: string; problem: string }[] = [];
      const officers = await this.keychain.list(unreadable);
      return { officers, unreadable };
    });
  }

  /** A new officer key sealed in the keychain under its own password: only its public half is answered. */
  createOfficer(input: { name: string; password: string }) {
    return this.#serialKeychain(async () => {
      const { officer, holder } = await this.keychain.create(input.name, input.password);
      holder.lock();
      return officer;
    });
  }

  /** An officer key's encrypted backup (the CLI's `officer backup` format), opened and sealed again in main. */
  backupOfficer(input: { officer: string; password: string }): Promise<string> {
    return this.#serialKeychain(() => this.keychain.exportBackup(input.officer, input.password));
  }

  /** Restores an officer backup (the CLI's or the app's) into this keychain; answers its public half. */
  restoreOfficer(input: { backup: string; password: string }) {
    return this.#serialKeychain(() => this.keychain.importBackup(input.backup, input.password));
  }

  /** What each chart `custodian` holds lacks to be under the pinned authority (nothing opened). */
  async migrationGaps(custodian: string) {
    const { authority } = await this.pinned();
    return migrationGaps(this.ledger, authority, custodian);
  }

  /** An officer of this machine seals their recovery share to a coordinator's session key: the share file's text. */
  sealShare(input: { sessionKey: string } & OfficerPick): Promise<{ text: string; officer: string }> {
    return this.withOfficer(input, async (officer, { authority }) => ({
      text: await sealShareFile(authority, officer, input.sessionKey),
      officer: officer.signKey,
    }));
  }

  /**
   * The coordinator's recovery with share files from officers on other machines: the recovery key rebuilt in memory
   * from the shares sealed to this machine's session, one chart's custody move built, and signed by the coordinating
   * officer of this machine (posted when that is enough, else the partially signed file for the others).
   */
  async recoverWithShares(
    sessions: RecoverySessions,
    input: { sessionKey: string; shares: readonly string[]; chartId: string; to: string; reason: string } & OfficerPick,
  ): Promise<{ act: QuorumActResult; sharesFrom: string[] }> {
    const { authority, registry } = await this.pinned();
    const to = custodianOf(registry, input.to);
    const members = new Set(authority.data.officers.map((o) => o.signKey));
    const here = (await this.#officerKeys()).filter((k) => members.has(k));
    if (input.officer && !here.includes(input.officer))
      throw new InvalidInputError(
        'officer',
        `${input.officer} is not an officer key of ${authority.data.name} on this computer`,
      );
    if (!input.officer && here.length !== 1)
      throw new InvalidInputError(
        'officer',
        here.length === 0
          ? `No officer key of ${authority.data.name} is on this computer: the coordinator is one of its officers`
          : 'Several officer keys are on this computer: choose which one coordinates',
      );
    const coordinator = input.officer ?? here[0]!;
    const reason = input.reason || 'Recovered by the hospital authority';
    if (this.v3 && (await this.v3.isV3(input.chartId)))
      return this.#recoverV3(sessions, authority, { ...input, to, coordinator, reason });
    const head = await readChartHead(this.ledger, input.chartId);
    const { secret, officers } = await sessions.rebuild(authority, input.sessionKey, input.shares);
    let partial: PartialTransaction;
    try {
      const payload = await openWithRecoveryKey(authority, head, secret);
      partial = prepareCustodyMove({
        authority,
        head,
        payload,
        to,
        coordinator,
        reason,
      });
    } finally {
      wipe(secret);
    }
    const act = await this.#signAndPost(
      partial,
      { password: input.password, officer: coordinator },
      authority.data.name,
    );
    return { act, sharesFrom: officers };
  }

  /**
   * An envelope v3 chart (docs/UNLINKABLE.md §9): the coordinator, unlocked for this act only, opens the head with the
   * rebuilt recovery key and writes the move's file (a sealed box per officer of the quorum holding its tweak), signed
   * at once with its tweaked key; the others sign it with "Sign a partially signed file" (#signSlot).
   */
  async #recoverV3(
    sessions: RecoverySessions,
    authority: VerifiedAuthority,
    input: { sessionKey: string; shares: readonly string[]; chartId: string; password: string } & {
      to: PractitionerEntry;
      coordinator: string;
      reason: string;
    },
  ): Promise<{ act: QuorumActResult; sharesFrom: string[] }> {
    const prepareFile = this.v3?.prepareFile?.bind(this.v3);
    if (!prepareFile)
      throw new AuthorityInputError(`Chart ${input.chartId} is written in envelope v3: this desk cannot move it`);
    const { secret, officers } = await sessions.rebuild(authority, input.sessionKey, input.shares);
    let partial: PartialTransaction;
    try {
      const holder = await this.#serialKeychain(() => this.keychain.unlock(input.coordinator, input.password));
      try {
        partial = await prepareFile({
          chartId: input.chartId,
          authority,
          recoverySecret: secret,
          to: input.to,
          reason: input.reason,
          coordinator: holder,
        });
      } finally {
        holder.lock();
      }
    } finally {
      wipe(secret);
    }
    // The file comes back signed by the coordinator alone, with its tweaked key for the head.
    const signed = signedBy(partial);
    const tweaked = new Map(signed.length === 1 ? [[signed[0]!, input.coordinator]] : []);
    return { act: await this.#settle(partial, describePartial(partial), tweaked), sharesFrom: officers };
  }

  /**
   * An officer of the pinned authority signs its slot of an envelope v3 move file with its tweaked key, after the
   * CLI's `hospital sign` checks (quorum-move-slots.ts openSlot: its box opens, the file is unaltered, the tweaks fit
   * the head, the coordinator proved to be an officer of the chart's quorum) and one more: that coordinator is an
   * officer of this hospital. The file names no officer, so the signer is the one chosen or the only one here.
   */
  async #signSlot(partial: PartialTransaction, pick: OfficerPick): Promise<QuorumActResult> {
    const { authority } = await this.pinned();
    const members = new Set(authority.data.officers.map((o) => o.signKey));
    const here = (await this.#officerKeys()).filter((k) => members.has(k));
    if (pick.officer && !here.includes(pick.officer))
      throw new InvalidInputError(
        'officer',
        `${pick.officer} is not an officer key of ${authority.data.name} on this computer`,
      );
    if (!pick.officer && here.length !== 1)
      throw new InvalidInputError(
        'officer',
        here.length === 0
          ? `No officer key of ${authority.data.name} is on this computer: an officer signs on their own machine`
          : 'Several officer keys are on this computer: choose which one signs',
      );
    const holder = await this.#serialKeychain(() => this.keychain.unlock(pick.officer ?? here[0]!, pick.password));
    let signed: Awaited<ReturnType<typeof signSlot>>;
    try {
      const { coordinator } = await openSlot(partial, holder);
      if (!members.has(coordinator))
        throw new AuthorityInputError(
          `This move was prepared by ${coordinator}, not an officer of ${authority.data.name}: not signed`,
        );
      signed = await signSlot(partial, holder);
    } finally {
      holder.lock();
    }
    return this.#settle(signed.partial, signed.purpose, signed.signers);
  }

  async #officerKey(partial: PartialTransaction, whose: string, chosen?: string): Promise<string> {
    const required = requiredKeys(partial);
    const wanted = (await this.#officerKeys()).filter((k) => required.has(k));
    if (chosen) {
      if (!wanted.includes(chosen))
        throw new InvalidInputError('officer', `${chosen} is not an officer key on this computer that can sign this`);
      return chosen;
    }
    if (wanted.length === 0)
      throw new InvalidInputError(
        'officer',
        `No officer key of ${whose} is on this computer: an officer signs on their own machine`,
      );
    if (wanted.length > 1)
      throw new InvalidInputError('officer', 'Several officer keys are on this computer: choose which one signs');
    return wanted[0]!;
  }

  async #signAndPost(partial: PartialTransaction, pick: OfficerPick, whose: string): Promise<QuorumActResult> {
    const officer = await this.#officerKey(partial, whose, pick.officer);
    const holder = await this.#serialKeychain(() => this.keychain.unlock(officer, pick.password));
    let signed: PartialTransaction;
    try {
      signed = await signPartial(partial, holder);
    } finally {
      holder.lock();
    }
    return this.#settle(signed, describePartial(signed));
  }

  /**
   * The file for the next officer while signatures are missing; posted (and the trust re-read) once enough. `tweaked`
   * maps the v3 move's tweaked keys this desk knows to their officers' directory keys.
   */
  async #settle(
    signed: PartialTransaction,
    describes: string,
    tweaked: ReadonlyMap<string, string> = new Map(),
  ): Promise<QuorumActResult> {
    const needed = neededOf(signed);
    const who = signedBy(signed);
    const names = await this.#officerNames(signed);
    const signers = who.map((key) => names.get(tweaked.get(key) ?? key) ?? null);
    if (who.length < needed)
      return {
        posted: null,
        partial: JSON.stringify(signed, null, 2),
        describes,
        signedBy: who,
        signers,
        needed,
        queued: false,
      };
    const { tx, outcome } = await postPartial(this.poster, signed);
    this.trust.invalidate();
    return { posted: tx.id, partial: null, describes, signedBy: who, signers, needed, queued: outcome === 'queued' };
  }

  /** Officers' names by directory key: the ceremony file's own list, else the pinned authority's (none if unpinned). */
  async #officerNames(partial: PartialTransaction): Promise<Map<string, string>> {
    const own = ceremonyOfficers(partial);
    if (own !== null) return officerNameMap(own);
    // Names are a courtesy: a trust that cannot be read now (no node answers, the act goes to the outbox) gives none.
    const state = await this.trust.state().catch(() => null);
    return officerNameMap(state?.kind === 'pinned' ? state.authority.data.officers : []);
  }
}

/** A credential (any status) by signKey or credential id; a field error naming why not. */
function credentialOf(view: CredentialRegistryView, who: string, field: string): PractitionerEntry {
  const entry = view.practitioners(new Date()).find((p) => p.signKey === who || p.credentialId === who);
  if (!entry) throw new InvalidInputError(field, `${who} holds no credential of ${view.authority.data.name}`);
  return entry;
}

/** The new custodian: a credential valid now. */
function custodianOf(view: CredentialRegistryView, who: string): PractitionerEntry {
  try {
    return validPractitioner(view, who);
  } catch (error) {
    if (error instanceof AuthorityInputError) throw new InvalidInputError('to', error.message);
    throw error;
  }
}

const named = (p: PractitionerEntry) => ({ name: p.name, signKey: p.signKey });
