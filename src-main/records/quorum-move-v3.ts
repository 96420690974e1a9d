// The authority's quorum moving a chart written in envelope v3 (docs/UNLINKABLE.md §5, §9), for custody-acts'
// recover, off-board and re-key: the head is opened with the hospital's rebuilt recovery key, which has a slot in
// every version (it is a reader like the others, without a tag: it tries every slot), so the officers learn the head's
// secret and sign the input with their directory keys tweaked for it. The new version is a "custody" version by the
// first officer, sealed for the new custodian, the patient, the shared doctors, the recovery and emergency keys.
// With officers on separate machines (prepareV3MoveFile), only the coordinator learns the head's secret: the others
// get their own tweak, sealed to them in the move's file.
// A move carries the quorum's recovery tag for the new custodian (§13), so a later off-boarding of that doctor finds
// it; `heldBy` is that search: the charts whose head, opened with the recovery key, names the doctor custodian.
import {
  AuthorityInputError,
  custodyPolicyOf,
  type OfficerSigner,
  type PartialTransaction,
} from '../../src-shared/authority';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import { canonicalJson, type CryptoProvider } from '../../src-shared/ledger';
import type { ChartPayload } from '../../src-shared/records/payload';
import { isV3Metadata } from '../../src-shared/unlinkable/envelope-v3';
import type { V3ChartMover, V3HeldByInput, V3MoveInput } from '../authority/custody-acts';
import type { LedgerPoster } from '../authority/hospital';
import { startSlotMove, type SlotOfficer } from '../authority/quorum-move-slots';
import type { ChartLedger } from '../authority/recovery-flows';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { openSealed } from '../crypto/sealed-box';
import { introTag } from '../../src-shared/unlinkable/rendezvous';
import {
  findMadeCustodian,
  quorumLaneNext,
  quorumRecoveryTag,
  tagLaneNext,
  type RecoveryClient,
} from './discovery/recovery-search';
import { V3Counters } from './v3-counters';
import { quorumOf } from './v3-outputs';
import { buildQuorumMoveV3, prepareQuorumMoveV3, quorumSlotsV3 } from './version-builder-v3';
import { readersOf } from './version-builder';
import { openChartV3 } from './version-opener-v3';

/** An officer who can sign with a tweaked key (a SeedKeyHolder from the officer keychain). */
function tweakingOfficer(officer: OfficerSigner): KeyHolder {
  const holder = officer as Partial<KeyHolder>;
  if (!holder.signTweaked || !holder.pairKey || !holder.boxKey)
    throw new AuthorityInputError(`Officer ${officer.signKey} cannot sign an envelope v3 chart's move on this machine`);
  return holder as KeyHolder;
}

export function v3QuorumMover(
  ledger: ChartLedger & Partial<LedgerPoster> & Partial<RecoveryClient>,
  crypto: CryptoProvider = nativeLedgerCrypto,
): V3ChartMover {
  const memory: MoveMemory = { quorumNext: new Map(), introNext: new Map() };
  const search = (): RecoveryClient => {
    if (!ledger.searchMetadata || !ledger.nodeUrls)
      throw new AuthorityInputError('This ledger view cannot search: envelope v3 charts cannot be found');
    return ledger as RecoveryClient;
  };
  // A view that cannot search (a bare reader) still moves: its counters then start from this mover's memory alone.
  const canSearch = Boolean(ledger.searchMetadata && ledger.nodeUrls);
  return {
    async isV3(chartId) {
      const { value } = await ledger.getTransaction(chartId);
      return isV3Metadata((value as { metadata?: unknown } | null)?.metadata);
    },

    async move(input) {
      const tx = await prepare(input);
      if (!ledger.post) throw new AuthorityInputError('This ledger view cannot post');
      await ledger.post(tx, 'commit');
      return tx.id;
    },

    prepare: (input) => prepare(input),

    heldBy: (input) => heldBy(input),
    prepareFile: (input) => prepareV3MoveFile(ledger, input, crypto, memory),
  };

  async function heldBy({ authority, recoverySecret, doctor, writers }: V3HeldByInput): Promise<string[]> {
    const found = await findMadeCustodian(search(), {
      recoverySecret,
      recoveryKey: authority.data.recoveryKey,
      custodianBoxKey: doctor.boxKey,
      writers,
    });
    const recovery = {
      boxKey: authority.data.recoveryKey,
      openSealed: async (sealed: Uint8Array) => openSealed(recoverySecret, sealed),
    };
    const held: string[] = [];
    for (const chartId of found.chartIds) {
      const { value } = await ledger.listTransactions(chartId);
      const chain = await openChartV3(chartId, value, recovery, { crypto });
      const head = chain.versions.at(-1);
      // A chart whose head this key cannot read or check stays listed: its move then says why it cannot move.
      if (!chain.tampered && head && chain.closedAt === null && head.inner.payload.custodian.signKey !== doctor.signKey)
        continue;
      held.push(chartId);
    }
    return held;
  }

  async function prepare(input: V3MoveInput) {
    const { officers, authority, recoverySecret, to } = input;
    const { head, quorum, policy, next } = await openMove(ledger, input, crypto);
    const first = officers[0];
    if (!first || !authority.data.officers.some((o) => o.signKey === first.signKey))
      throw new AuthorityInputError(`${first?.signKey ?? 'No officer'} is not an officer of this authority`);
    const holders = officers.map(tweakingOfficer);
    const tags = await moveTags(
      canSearch ? search() : null,
      holders[0]!,
      recoverySecret,
      authority.data.recoveryKey,
      to,
      memory,
    );
    const written = await buildQuorumMoveV3(
      holders,
      { tx: head.tx, seq: head.seq, secret: head.secret, readers: readersOf(head.inner.payload, null) },
      quorum,
      input.chartId,
      next,
      { crypto, counters: tags.counters, custody: policy, recoveryTag: tags.movedTag },
    );
    tags.taken();
    return written.tx;
  }
}

/** The counters past which this process's moves go, per lane: moves planned before any is posted take distinct ones. */
interface MoveMemory {
  /** The quorum's next recovery-tag counter per new custodian. */
  readonly quorumNext: Map<string, number>;
  /**
   * The author officer's next intro counter with each new custodian (a fresh counter per move would put one intro tag
   * in every chart the officer moves to that doctor, and so link them).
   */
  readonly introNext: Map<string, number>;
}

/**
 * The recovery tag and the author's intro counter of a move to `to`: past what the ledger shows (when `search` can
 * ask it) and what this process already took. `taken()` records them once the move is built.
 */
async function moveTags(
  search: RecoveryClient | null,
  author: KeyHolder,
  recoverySecret: Uint8Array,
  recoveryKey: string,
  to: { boxKey: string },
  memory: MoveMemory = { quorumNext: new Map(), introNext: new Map() },
) {
  const laneKey = `${recoveryKey}>${to.boxKey}`;
  const onLedger = search
    ? await quorumLaneNext(search, { recoverySecret, recoveryKey, custodianBoxKey: to.boxKey })
    : 0;
  const i = Math.max(onLedger, memory.quorumNext.get(laneKey) ?? 0);
  const movedTag = quorumRecoveryTag(recoverySecret, recoveryKey, to.boxKey, i);
  const introKey = `${author.boxKey}>${to.boxKey}`;
  const pair = author.pairKey!(author.boxKey, to.boxKey);
  let introFrom: number;
  try {
    introFrom = search ? await tagLaneNext(search, (n) => introTag(pair, n)) : 0;
  } finally {
    pair.fill(0);
  }
  const counters = new V3Counters({
    list: {},
    intro: { [introKey]: Math.max(introFrom, memory.introNext.get(introKey) ?? 0) },
  });
  return {
    counters,
    movedTag,
    taken() {
      memory.quorumNext.set(laneKey, i + 1);
      memory.introNext.set(introKey, counters.toJSON().intro[introKey] ?? 0);
    },
  };
}

/**
 * The chart's head opened with the rebuilt recovery key and checked spendable by this authority's quorum, and the
 * custody version's payload for `to`.
 */
async function openMove(
  ledger: ChartLedger,
  { chartId, authority, recoverySecret, to, reason }: Omit<V3MoveInput, 'officers'>,
  crypto: CryptoProvider,
) {
  const { value } = await ledger.listTransactions(chartId);
  const recovery = {
    boxKey: authority.data.recoveryKey,
    openSealed: async (sealed: Uint8Array) => openSealed(recoverySecret, sealed),
  };
  const chain = await openChartV3(chartId, value, recovery, { crypto });
  if (chain.tampered) throw new AuthorityInputError(`Chart ${chartId} does not verify: ${chain.tampered.reason}`);
  const head = chain.versions.at(-1);
  if (!head || chain.closedAt !== null)
    throw new AuthorityInputError(
      `The newest version of chart ${chartId} is not sealed to the hospital's recovery key (written before the authority: its custodian must run "hospital migrate" first)`,
    );
  const policy = custodyPolicyOf(authority.id, authority.data, authority.emergencyKey?.boxKey ?? null);
  const quorum = head.inner.quorum;
  if (!quorum || head.inner.authority !== authority.id || canonicalJson(quorum) !== canonicalJson(quorumOf(policy)))
    throw new AuthorityInputError(
      `Chart ${chartId} is not spendable by this authority's quorum (written before the authority, or under another): its custodian must run "hospital migrate" first`,
    );
  const payload = head.inner.payload;
  const custodian = payload.custodian.signKey;
  if (to.signKey === custodian) throw new AuthorityInputError(`${to.name} already holds chart ${chartId}`);
  const next: ChartPayload = {
    ...payload,
    custodian: { signKey: to.signKey, boxKey: to.boxKey, name: to.name },
    doctors: payload.doctors.filter((d) => d.boxKey !== to.boxKey && d.signKey !== custodian),
    note: reason.slice(0, 500),
    recovery: { authority: authority.id, boxKey: authority.data.recoveryKey },
  };
  delete next.emergency;
  if (policy.emergencyKey) next.emergency = { authority: authority.id, boxKey: policy.emergencyKey };
  return { head, quorum, policy, next, custodian: payload.custodian };
}

/**
 * The file-based path (officers on separate machines, docs/AUTHORITY.md): the coordinator, who rebuilt the recovery
 * key from the officers' share files, opens the head and writes the move as a partially signed file with a sealed box
 * per officer of the quorum holding its tweak for the head (quorum-move-slots.ts), signed at once by the coordinator
 * (its officer key unlocked here: its pair key introduces the new custodian). The others add theirs with "hospital
 * sign"; the recovery key and the head's secret never leave this process.
 */
export async function prepareV3MoveFile(
  ledger: ChartLedger & Partial<RecoveryClient>,
  input: Omit<V3MoveInput, 'officers'> & { coordinator: KeyHolder },
  crypto: CryptoProvider = nativeLedgerCrypto,
  memory?: MoveMemory,
): Promise<PartialTransaction> {
  const { authority, chartId, to, coordinator } = input;
  if (!authority.data.officers.some((o) => o.signKey === coordinator.signKey))
    throw new AuthorityInputError(`${coordinator.signKey} is not an officer of this authority`);
  const { head, quorum, policy, next, custodian } = await openMove(ledger, input, crypto);
  const boxKeys = new Map(authority.data.officers.map((o) => [o.signKey, o.boxKey]));
  const slots = quorumSlotsV3(head, quorum).map((slot) => {
    const boxKey = boxKeys.get(slot.officer);
    if (!boxKey) throw new AuthorityInputError(`Officer ${slot.officer} of chart ${chartId}'s quorum has no box key`);
    return { officer: slot.officer, boxKey, tweak: slot.tweak };
  });
  const author = tweakingOfficer(coordinator);
  const canSearch = Boolean(ledger.searchMetadata && ledger.nodeUrls);
  const tags = await moveTags(
    canSearch ? (ledger as RecoveryClient) : null,
    author,
    input.recoverySecret,
    authority.data.recoveryKey,
    to,
    memory,
  );
  const prepared = prepareQuorumMoveV3(
    author,
    { tx: head.tx, seq: head.seq, secret: head.secret, readers: readersOf(head.inner.payload, null) },
    chartId,
    next,
    { crypto, counters: tags.counters, custody: policy, recoveryTag: tags.movedTag },
  );
  tags.taken();
  try {
    return await startSlotMove(
      prepared.unsigned,
      `Move custody of chart ${chartId} (envelope v3, version ${head.seq}) from ${custodian.name} (${custodian.signKey}) to ${to.name} (${to.signKey}): ${input.reason}`.slice(
        0,
        500,
      ),
      coordinator as SlotOfficer,
      slots,
    );
  } finally {
    for (const slot of slots) slot.tweak.fill(0);
  }
}
