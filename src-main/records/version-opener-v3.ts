// Opens and verifies a chart written in envelope v3 (docs/UNLINKABLE.md §3), trusting nothing in the node's answer.
// Per version, in chain order: the transaction core's validation (id, schema, signatures against the spent output);
// the chain (one CREATE of an `hc.chart/1` asset, each version spending the previous one's only output); the reader's
// slot (by its slot tag — in a CREATE the creator's, when the caller can derive it — else every slot); then what binds the box to the ledger:
//   - place: the box's `chart` and `seq` are this version's (a box copied from another chart or position fails);
//   - author: the key that signed the input is the box's `author` tweaked for the spent output (the CREATE: seq 0 of
//     its own secret), so only that directory practitioner can have written it; a quorum's spend names officers of
//     the previous version's quorum, the author among them;
//   - output: recomputed from the box's custodian, quorum and secret, equal to the transaction's byte for byte — for
//     the last version opened, and for one the quorum spent; a version the next one spent by its custodian's key is
//     proven by that spend instead (the custody rule below, docs/UNLINKABLE.md §5 "Spent outputs").
// A reader with no slot in a version (removed by unshare, custody, card re-issue) sees the chart up to it: the
// version itself is not tampering, only closed to it. The #12 credential check runs on the result (authoredVersions).
import { chartOwnership, inputSigners } from '../../src-shared/authority/custody';
import { bytesEqual, decodeKey32 } from '../../src-shared/crypto/bytes';
import { EnvelopeError, type EnvelopeReaderKey, type Envelope } from '../../src-shared/crypto/envelope';
import {
  canonicalJson,
  contextFromTransactions,
  validateTransaction,
  type CryptoProvider,
  type LedgerValidationError,
  type Transaction,
} from '../../src-shared/ledger';
import { decodeInnerV3, type InnerV3, type Quorum } from '../../src-shared/unlinkable/inner-envelope';
import { openV3, parseV3Metadata, type V3Metadata } from '../../src-shared/unlinkable/envelope-v3';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { slotTagNative } from '../crypto/unlinkable-keys';
import { openKeyedSlotNative } from '../crypto/keyed-slot';
import { readerSlotKeys } from './v3-slot-keys';
import { secretboxOpen } from '../crypto/secretbox';
import { CHART_ASSET_TYPE, FUTURE_SKEW_MS } from '../ledger/chain';
import type { LedgerNodeClient } from '../ledger/node-client';
import { ownerKey, outputV3 } from './v3-outputs';

const LIST_TAG = /^[0-9a-f]{32}$/;

export interface OpenedV3Version {
  seq: number;
  txId: string;
  tx: Transaction;
  inner: InnerV3;
  secret: Uint8Array;
  /** The custodian's tweaked key owning this version's output: what a freshness check asks the node about. */
  ownerKey: string;
  /** For a spend by the authority's quorum, the directory keys of the officers who signed (null: the custodian). */
  officers: string[] | null;
  /**
   * How the output was proven the box's: recomputed whole (the last version opened, one the quorum spent), or spent
   * by the next version, signed by the custodian this box names (its other branches were never used, and cannot be).
   */
  output: 'recomputed' | 'spent-by-custodian';
}

export interface V3Chain {
  assetId: string;
  /** Opened and verified versions, oldest first, up to the first failure or closed version. */
  versions: OpenedV3Version[];
  /**
   * The first version this reader opens (a doctor shared in later has no slot in the versions before: they are
   * checked as transactions and chain links only); null when it opens none.
   */
  openedFrom: number | null;
  /** The first version after openedFrom with no slot for this reader (it was removed): what follows is not its. */
  closedAt: number | null;
  tampered: { seq: number; txId: string | null; reason: string } | null;
}

export interface OpenV3Options {
  crypto?: CryptoProvider;
  /** The reader's clock (ms), for refusing an `at` beyond it + 5 minutes. */
  now?: () => number;
  /**
   * Opens a version's box in place of the reader's slot (an emergency grant's wrap opens one version: emergency-desk-v3.ts);
   * an EnvelopeError 'not-a-reader' for a version it does not open, as openV3 does.
   */
  openBox?: (tx: Transaction, metadata: V3Metadata, tag: Uint8Array | null) => Promise<Uint8Array>;
  /**
   * Validates the chain's transactions (id, schema, signatures against the spent output) elsewhere, e.g. in the
   * verification workers (the loader's AnswerValidator): one verdict per link, null when valid. Without it each is
   * validated here, on the calling thread. Either way every link is validated before its box is trusted.
   */
  validateLinks?: (links: readonly Transaction[]) => Promise<(LedgerValidationError | null)[]>;
  /**
   * The reader's own slot tag in a CREATE of this list tag, were it the creator (creatorSlotTagNative with its list
   * key): its one slot is opened first. A wrong or absent tag costs nothing but the trial of every slot.
   */
  creatorSlotTag?: (listTag: string) => Uint8Array | null;
}

/** The node's transactions of one asset (any order) in chain order; a fork or a stranger is named. */
export function linkChain(assetId: string, raw: readonly unknown[]): { links: Transaction[]; problem: string | null } {
  const txs = raw as Transaction[];
  const create = txs.find((t) => t?.id === assetId);
  if (!create) return { links: [], problem: `The chart's CREATE transaction ${assetId} is missing from the answer` };
  const spenders = new Map<string, Transaction[]>();
  for (const tx of txs) {
    const f = tx?.inputs?.[0]?.fulfills;
    if (!f) continue;
    const key = `${f.transaction_id}:${f.output_index}`;
    spenders.set(key, [...(spenders.get(key) ?? []), tx]);
  }
  const links = [create];
  for (;;) {
    const next = spenders.get(`${links.at(-1)!.id}:0`) ?? [];
    if (next.length > 1) return { links, problem: `${next.length} transactions spend version ${links.length}` };
    if (next.length === 0 || links.length >= txs.length) break;
    links.push(next[0]!);
  }
  const problem =
    links.length === txs.length
      ? null
      : `${txs.length - links.length} transaction(s) of the answer are not in the chain`;
  return { links, problem };
}

/**
 * Why the input's signers do not prove the box's author (null when they do), and for a quorum's spend the officers'
 * directory keys that signed.
 */
function authorCheck(
  tx: Transaction,
  inner: InnerV3,
  secret: Uint8Array,
  spent: { secret: Uint8Array; quorum: Quorum | null } | null,
): { problem: string | null; officers: string[] | null } {
  const signers = inputSigners(tx.inputs[0]);
  const byKey = (problem: string | null) => ({ problem, officers: null });
  if (!spent) {
    return byKey(
      signers.by === 'key' && signers.key === ownerKey(inner.author, secret, 0)
        ? null
        : `version 1 was not signed by ${inner.author}, the author its box names`,
    );
  }
  const seq = inner.seq - 1;
  if (signers.by === 'key') {
    return byKey(
      signers.key === ownerKey(inner.author, spent.secret, seq)
        ? null
        : `version ${inner.seq} was not signed by ${inner.author}, the author its box names`,
    );
  }
  if (signers.by === 'quorum') {
    const quorum = spent.quorum;
    if (!quorum || inner.action !== 'custody')
      return byKey(`version ${inner.seq} was spent by a quorum that was not given the chart`);
    const officerOf = new Map(quorum.officers.map((o, i) => [ownerKey(o, spent.secret, seq, 1 + i), o]));
    const officers = signers.officers.map((k) => officerOf.get(k));
    if (officers.some((o) => o === undefined) || new Set(officers).size < quorum.threshold)
      return byKey(`version ${inner.seq} was signed by keys that are not the quorum's`);
    if (!officers.includes(inner.author))
      return byKey(`version ${inner.seq}'s author is not among its signing officers`);
    return { problem: null, officers: officers as string[] };
  }
  return byKey(`version ${inner.seq}'s input is signed in no shape a chart allows`);
}

export async function openChartV3(
  assetId: string,
  raw: readonly unknown[],
  reader: EnvelopeReaderKey,
  { crypto = nativeLedgerCrypto, now = Date.now, openBox, validateLinks, creatorSlotTag }: OpenV3Options = {},
): Promise<V3Chain> {
  const chain: V3Chain = { assetId, versions: [], openedFrom: null, closedAt: null, tampered: null };
  const { links, problem } = linkChain(assetId, raw);
  const verdicts = validateLinks && links.length > 0 ? await validateLinks(links) : null;
  const myKey = decodeKey32(reader.boxKey);
  if (!myKey) throw new TypeError('The reader has no 32-byte box key');
  const latest = now() + FUTURE_SKEW_MS;
  // The last version opened, its output not yet proven: the next version's spend proves it (custody rule), else it is
  // recomputed before the chart is returned or judged further, so a failure is named at the version it is in, as when
  // every output was recomputed on the spot.
  let unproven: OpenedV3Version | null = null;
  const settle = (): boolean => {
    const v = unproven;
    unproven = null;
    if (!v) return true;
    const expected = outputV3(v.inner.payload.custodian.signKey, v.inner.quorum, v.secret, v.seq);
    if (canonicalJson(v.tx.outputs[0]) === canonicalJson(expected)) return true;
    chain.versions.pop();
    if (chain.versions.length === 0) chain.openedFrom = null;
    chain.tampered = {
      seq: v.seq,
      txId: v.txId,
      reason: `version ${v.seq}'s output is not owned by the custodian and quorum its box names`,
    };
    return false;
  };
  for (let i = 0; i < links.length; i++) {
    const tx = links[i]!;
    const seq = i + 1;
    const last = chain.versions.at(-1) ?? null;
    const previous = last && last.seq === seq - 1 ? last : null;
    const fail = (reason: string) => {
      if (settle()) chain.tampered = { seq, txId: typeof tx.id === 'string' ? tx.id : null, reason };
      return chain;
    };
    const error = verdicts
      ? (verdicts[i] ?? null)
      : ((v) => (v.ok ? null : v.error))(validateTransaction(tx, contextFromTransactions(links.slice(0, i)), crypto));
    if (error) return fail(`version ${seq} is not a valid transaction (${error.message})`);
    const asset = tx.asset as { data?: { type?: unknown; chart?: unknown }; id?: unknown };
    if (i === 0) {
      if (
        tx.operation !== 'CREATE' ||
        asset.data?.type !== CHART_ASSET_TYPE ||
        !LIST_TAG.test(String(asset.data?.chart))
      )
        return fail('the chart does not start with a v3 chart CREATE');
    } else if (tx.operation !== 'TRANSFER' || asset.id !== assetId || tx.inputs.length !== 1) {
      return fail(`version ${seq} is not a transfer of this chart`);
    }
    if (tx.outputs.length !== 1 || !chartOwnership(tx.outputs[0])) return fail(`version ${seq} has no chart output`);

    let inner: ReturnType<typeof decodeInnerV3>;
    try {
      const metadata = parseV3Metadata(tx.metadata);
      const tag = previous
        ? slotTagNative(previous.secret, seq, myKey)
        : i === 0 && creatorSlotTag
          ? creatorSlotTag(asset.data!.chart as string)
          : null;
      // libsodium's secretbox (as the v1 loader's), not openV3's pure-JS default: the box is most of a version's bytes.
      inner = decodeInnerV3(
        await (openBox
          ? openBox(tx, metadata, tag)
          : openV3(metadata, reader, tag, {
              secretboxOpen,
              openKeyed: openKeyedSlotNative,
              slotKeys: readerSlotKeys(
                reader,
                seq,
                i === 0 ? (asset.data!.chart as string) : null,
                previous && { secret: previous.secret, custodianBoxKey: previous.inner.payload.custodian.boxKey },
              ),
            })),
      );
    } catch (error) {
      if (error instanceof EnvelopeError && error.problem === 'not-a-reader') {
        if (chain.versions.length === 0) continue; // not shared with this reader yet
        if (settle()) chain.closedAt = seq;
        return chain;
      }
      return fail(`version ${seq}: ${(error as Error).message}`);
    }
    const place = i === 0 ? (asset.data!.chart as string) : assetId;
    if (inner.chart !== place || inner.seq !== seq)
      return fail(
        `version ${seq}'s box belongs to ${inner.chart === place ? 'this chart' : `chart ${inner.chart}`} at version ${inner.seq}: it was copied`,
      );
    if ((inner.action === 'create') !== (i === 0)) return fail(`version ${seq}'s box says "${inner.action}"`);
    if ((inner.authority === null) !== (inner.quorum === null))
      return fail(`version ${seq}'s box names an authority without its quorum`);
    const at = Date.parse(inner.at);
    // Today's rule (docs/UNLINKABLE.md §7): not beyond this clock + 5 min; two workstations' clocks may disagree a
    // little, so no order between versions is required.
    if (at > latest) return fail(`version ${seq} is dated ${inner.at}, in the future`);
    // The spent output's secret: the previous version's, which the box repeats for a reader who could not open it.
    if (previous && !bytesEqual(inner.previousSecretBytes ?? new Uint8Array(0), previous.secret))
      return fail(`version ${seq}'s box does not follow version ${previous.seq}`);
    const spent =
      i === 0
        ? null
        : {
            secret: inner.previousSecretBytes!,
            // A quorum's spend is checked against the quorum of the spent output where the reader opened it (else the
            // box's own, the same while the authority is).
            quorum: previous ? previous.inner.quorum : inner.quorum,
          };
    if (i > 0 && !inner.previousSecretBytes) return fail(`version ${seq}'s box names no previous version`);
    const signed = authorCheck(tx, inner, inner.secretBytes, spent);
    if (signed.problem) return fail(signed.problem);
    // The custody rule (v1's ownershipProblem, docs/AUTHORITY.md "Custody"): a version signed by one key is by the
    // custodian the spent version's box names. The link's validation proved that key fulfils the spent output, so
    // that output is the named custodian's, who spent it: what else it allowed was never used and never can be (it
    // is spent), and its recomputation adds nothing a reader relies on. A quorum's spend recomputes it whole.
    if (unproven && signed.officers === null && inner.author === unproven.inner.payload.custodian.signKey) {
      unproven.output = 'spent-by-custodian';
      unproven = null;
    } else if (!settle()) return chain;
    const { secretBytes, previousSecretBytes: _previous, ...rest } = inner;
    chain.openedFrom ??= seq;
    const opened: OpenedV3Version = {
      seq,
      txId: tx.id,
      tx,
      inner: rest,
      secret: secretBytes,
      ownerKey: ownerKey(inner.payload.custodian.signKey, secretBytes, seq),
      officers: signed.officers,
      output: 'recomputed',
    };
    chain.versions.push(opened);
    unproven = opened;
  }
  if (!settle()) return chain;
  if (problem && !chain.tampered && chain.closedAt === null)
    chain.tampered = { seq: links.length + 1, txId: null, reason: problem };
  return chain;
}

/**
 * The versions as the #12 credential check reads them (ChartAuthorship.check): `author` is the box's, proven by the
 * tweaked signature above, and judged at the version's block height exactly as a v1 envelope's.
 */
export function authoredVersions(chain: V3Chain): {
  seq: number;
  txId: string;
  tx: Transaction;
  author: string;
  envelope: Pick<Envelope, 'action'>;
  officers: string[] | null;
}[] {
  return chain.versions.map((v) => ({
    seq: v.seq,
    txId: v.txId,
    tx: v.tx,
    author: v.inner.author,
    envelope: { action: v.inner.action },
    officers: v.officers,
  }));
}

/**
 * Is the chart's last opened version still its head? One `outputs?public_key=<its tweaked owner key>&spent=false`
 * (docs/UNLINKABLE.md §4, "Freshness"): under v3 no output names a custodian, so the check is per chart.
 */
export async function headIsCurrent(
  client: Pick<LedgerNodeClient, 'listOutputs'>,
  version: Pick<OpenedV3Version, 'ownerKey' | 'txId'>,
): Promise<boolean> {
  const { value } = await client.listOutputs(version.ownerKey, { spent: false });
  return value.some((o) => o.transaction_id === version.txId && o.output_index === 0);
}
