// The authority's quorum moving a chart written in envelope v3 (docs/UNLINKABLE.md §5, §9), for custody-acts'
// recover, off-board and re-key: the head is opened with the hospital's rebuilt recovery key, which has a slot in
// every version (it is a reader like the others, without a tag: it tries every slot), so the officers learn the head's
// secret and sign the input with their directory keys tweaked for it. The new version is a "custody" version by the
// first officer, sealed for the new custodian, the patient, the shared doctors, the recovery and emergency keys.
// It carries the quorum's recovery tag for the new custodian (§13), so a later off-boarding of that doctor finds it;
// `heldBy` is that search: the charts whose head, opened with the recovery key, names the doctor custodian.
import { AuthorityInputError, custodyPolicyOf, type OfficerSigner } from '../../src-shared/authority';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import { canonicalJson, type CryptoProvider } from '../../src-shared/ledger';
import type { ChartPayload } from '../../src-shared/records/payload';
import { isV3Metadata } from '../../src-shared/unlinkable/envelope-v3';
import type { V3ChartMover, V3HeldByInput, V3MoveInput } from '../authority/custody-acts';
import type { LedgerPoster } from '../authority/hospital';
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
import { buildQuorumMoveV3 } from './version-builder-v3';
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
  // The quorum's next recovery-tag counter per new custodian, past what the ledger shows: moves planned before any is
  // posted take distinct counters.
  const quorumNext = new Map<string, number>();
  // Likewise the author officer's next intro counter with each new custodian (a fresh counter per move would put one
  // intro tag in every chart the officer moves to that doctor, and so link them).
  const introNext = new Map<string, number>();
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

  async function prepare({ chartId, authority, recoverySecret, to, officers, reason }: V3MoveInput) {
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
    const first = officers[0];
    if (!first || !authority.data.officers.some((o) => o.signKey === first.signKey))
      throw new AuthorityInputError(`${first?.signKey ?? 'No officer'} is not an officer of this authority`);
    const next: ChartPayload = {
      ...payload,
      custodian: { signKey: to.signKey, boxKey: to.boxKey, name: to.name },
      doctors: payload.doctors.filter((d) => d.boxKey !== to.boxKey && d.signKey !== custodian),
      note: reason.slice(0, 500),
      recovery: { authority: authority.id, boxKey: authority.data.recoveryKey },
    };
    delete next.emergency;
    if (policy.emergencyKey) next.emergency = { authority: authority.id, boxKey: policy.emergencyKey };
    const laneKey = `${authority.data.recoveryKey}>${to.boxKey}`;
    const onLedger = canSearch
      ? await quorumLaneNext(search(), {
          recoverySecret,
          recoveryKey: authority.data.recoveryKey,
          custodianBoxKey: to.boxKey,
        })
      : 0;
    const i = Math.max(onLedger, quorumNext.get(laneKey) ?? 0);
    quorumNext.set(laneKey, i + 1);
    const movedTag = quorumRecoveryTag(recoverySecret, authority.data.recoveryKey, to.boxKey, i);
    const holders = officers.map(tweakingOfficer);
    const author = holders[0]!;
    const introKey = `${author.boxKey}>${to.boxKey}`;
    const pair = author.pairKey!(author.boxKey, to.boxKey);
    let introFrom: number;
    try {
      introFrom = canSearch ? await tagLaneNext(search(), (n) => introTag(pair, n)) : 0;
    } finally {
      pair.fill(0);
    }
    const counters = new V3Counters({
      list: {},
      intro: { [introKey]: Math.max(introFrom, introNext.get(introKey) ?? 0) },
    });
    const written = await buildQuorumMoveV3(
      holders,
      { tx: head.tx, seq: head.seq, secret: head.secret, readers: readersOf(payload, null) },
      quorum,
      chartId,
      next,
      { crypto, counters, custody: policy, recoveryTag: movedTag },
    );
    introNext.set(introKey, counters.toJSON().intro[introKey] ?? 0);
    return written.tx;
  }
}
