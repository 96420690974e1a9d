// The authority's quorum moving a chart written in envelope v3 (docs/UNLINKABLE.md §5, §9), for custody-acts'
// recover, off-board and re-key: the head is opened with the hospital's rebuilt recovery key, which has a slot in
// every version (it is a reader like the others, without a tag: it tries every slot), so the officers learn the head's
// secret and sign the input with their directory keys tweaked for it. The new version is a "custody" version by the
// first officer, sealed for the new custodian, the patient, the shared doctors, the recovery and emergency keys.
// With officers on separate machines (prepareV3MoveFile), only the coordinator learns the head's secret: the others
// get their own tweak, sealed to them in the move's file.
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
import type { V3ChartMover, V3MoveInput } from '../authority/custody-acts';
import type { LedgerPoster } from '../authority/hospital';
import { startSlotMove, type SlotOfficer } from '../authority/quorum-move-slots';
import type { ChartLedger } from '../authority/recovery-flows';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { openSealed } from '../crypto/sealed-box';
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
  ledger: ChartLedger & Partial<LedgerPoster>,
  crypto: CryptoProvider = nativeLedgerCrypto,
): V3ChartMover {
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

    prepareFile: (input) => prepareV3MoveFile(ledger, input, crypto),
  };

  async function prepare(input: V3MoveInput) {
    const { officers } = input;
    const { head, quorum, policy, next } = await openMove(ledger, input, crypto);
    const first = officers[0];
    if (!first || !input.authority.data.officers.some((o) => o.signKey === first.signKey))
      throw new AuthorityInputError(`${first?.signKey ?? 'No officer'} is not an officer of this authority`);
    const written = await buildQuorumMoveV3(
      officers.map(tweakingOfficer),
      { tx: head.tx, seq: head.seq, secret: head.secret, readers: readersOf(head.inner.payload, null) },
      quorum,
      input.chartId,
      next,
      // The officers' intro counters with the new custodian are not kept: a reused intro tag is found all the same.
      { crypto, counters: new V3Counters(), custody: policy },
    );
    return written.tx;
  }
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
  ledger: ChartLedger,
  input: Omit<V3MoveInput, 'officers'> & { coordinator: KeyHolder },
  crypto: CryptoProvider = nativeLedgerCrypto,
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
  const prepared = prepareQuorumMoveV3(
    tweakingOfficer(coordinator),
    { tx: head.tx, seq: head.seq, secret: head.secret, readers: readersOf(head.inner.payload, null) },
    chartId,
    next,
    { crypto, counters: new V3Counters(), custody: policy },
  );
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
