// Builds and signs envelope v3 versions (docs/UNLINKABLE.md §2–§7). A version shows the ledger fresh owner keys, sorted
// tags and slots and a padded box; everything else — action, time, author, readers, the chart — is in the inner
// envelope. Each version gets a fresh chart secret; its output is owned by keys tweaked with it (v3-outputs.ts), and its
// input is signed by the custodian's key tweaked with the previous version's secret (KeyHolder.signTweaked).
//
// Tags (§4): a CREATE's asset carries the creator's list tag j; a later version carries the version tag (from the
// previous secret: every reader of that version can find it), an intro tag for every doctor newly added to the chart
// (custodian, shared doctor) from the author's pair key with that doctor, and the patient's card tag when the caller
// gives one. Continuing readers' slots carry their slot tag; a newcomer's slot the first 8 bytes of its intro tag; the
// creator's slot in its CREATE the creator slot tag (from its list key and the chart's list tag); readers without a
// tag (patient card, recovery and emergency keys, other readers of a CREATE) a random one: they try every slot.
// Under an authority, a version that makes a doctor custodian (a CREATE, a custody handover, the quorum's move, the
// migration that brings the chart under the authority) also carries a recovery tag for that doctor, so the quorum finds the doctor's charts when off-boarding or re-keying (§13).
// A CREATE's skeleton (tag, creator's slot, secret, output, issuer) is createV3, which the list checkpoint's chunks
// share (§14), so the two are one kind of CREATE on the ledger.
import { hexToBytes } from '@noble/hashes/utils.js';
import { randomBytes } from '../../src-shared/crypto/bytes';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import type { EnvelopeAction } from '../../src-shared/crypto/envelope';
import type { CustodyPolicy } from '../../src-shared/authority/custody';
import {
  ed25519Details,
  makeCreateBy,
  makeTransfer,
  signTransaction,
  type CryptoProvider,
  type JsonObject,
  type Signer,
  type Transaction,
  type UnsignedTransaction,
} from '../../src-shared/ledger';
import type { ChartPayload } from '../../src-shared/records/payload';
import { encodeInnerV3, type InnerV3Input, type Quorum } from '../../src-shared/unlinkable/inner-envelope';
import { sealV3, type SlotRecipient } from '../../src-shared/unlinkable/envelope-v3';
import { CHART_SECRET_LENGTH } from '../../src-shared/unlinkable/owner-keys';
import {
  SLOT_TAG_LENGTH,
  TAG_PATTERN,
  introTag,
  creatorSlotTag,
  listKey,
  listTag,
  recoveryTag,
  slotTag,
  versionTag,
} from '../../src-shared/unlinkable/rendezvous';
import { decodeKey32 } from '../../src-shared/crypto/bytes';
import { CHART_ASSET_TYPE } from '../ledger/chain';
import { sealTo } from '../crypto/sealed-box';
import { sealKeyedSlotNative } from '../crypto/keyed-slot';
import { creatorSlotKeyNative, slotKeyNative } from '../crypto/unlinkable-keys';
import { ChartServiceError } from './errors';
import { ownerKey, ownerTweakFor, outputV3, quorumOf } from './v3-outputs';
import type { V3Counters } from './v3-counters';
import { readersOf } from './version-builder';

/** What a writer keeps of the version it spends: the transaction, its place, its secret and who could read it. */
export interface V3Head {
  tx: Transaction;
  seq: number;
  secret: Uint8Array;
  /** Box keys of the version's readers (its slots). */
  readers: readonly string[];
  /**
   * The box key of the custodian the version's box names: the W of its continuing readers' keyed slots in the next
   * version (docs/UNLINKABLE.md §4). Unknown: the next version seals every slot as a sealed box.
   */
  custodianBoxKey?: string;
}

export interface V3Written {
  tx: Transaction;
  inner: InnerV3Input;
  /** The head for the next version. */
  head: V3Head;
  /** The rendezvous tags this version carries (version, intro, card tags), for the caller's own bookkeeping. */
  tags: string[];
}

export interface V3WriteOptions {
  crypto: CryptoProvider;
  counters: V3Counters;
  custody?: CustodyPolicy | null;
  /** The recovery tag of the quorum's move (§13), which the caller holding the recovery secret derived. */
  recoveryTag?: string | null;
  /** The patient's card tag (§8), when this version introduces the patient (create, card re-issue). */
  cardTag?: string | null;
  at?: Date;
}

function v3Holder(holder: KeyHolder): Required<Pick<KeyHolder, 'signTweaked' | 'pairKey'>> {
  if (!holder.signTweaked || !holder.pairKey)
    throw new ChartServiceError('InvalidRequest', 'This identity cannot write envelope v3 versions');
  return {
    signTweaked: holder.signTweaked.bind(holder),
    pairKey: holder.pairKey.bind(holder),
  };
}

/** Signs for exactly one tweaked key: a mixed-up input is refused, not signed with the wrong tweak. */
function tweakedSignerFor(holder: KeyHolder, key: string, tweak: Uint8Array): Signer {
  const { signTweaked } = v3Holder(holder);
  return async (publicKey, message) => {
    if (publicKey !== key) throw new Error(`this version's signer (${key}) cannot sign for ${publicKey}`);
    return signTweaked(tweak, message);
  };
}

/** The doctors of a payload (custodian and shared doctors): the readers introduced by an intro tag. */
const doctorsOf = (payload: ChartPayload) =>
  new Set([payload.custodian.boxKey, ...payload.doctors.map((d) => d.boxKey)]);

function checkCardTag(cardTag: string | null | undefined): string[] {
  if (cardTag == null) return [];
  if (!TAG_PATTERN.test(cardTag))
    throw new ChartServiceError('InvalidRequest', 'A card tag is 32 lower-case hex digits');
  return [cardTag];
}

/**
 * The recovery tag (§13) of a version `writer` writes making `custodianBoxKey` custodian: from the writer's pair with
 * the hospital's recovery key and the writer's counter for that custodian. None without an authority.
 */
function recoveryTagsOf(
  writer: KeyHolder,
  custodianBoxKey: string,
  custody: CustodyPolicy | null,
  counters: V3Counters,
): string[] {
  if (!custody || !writer.pairKey) return [];
  const custodian = decodeKey32(custodianBoxKey);
  if (!custodian) throw new ChartServiceError('InvalidRequest', `"${custodianBoxKey}" is not a base58 box key`);
  const pair = writer.pairKey(writer.boxKey, custody.recoveryKey);
  try {
    return [recoveryTag(pair, custodian, counters.takeRecovery(writer.boxKey, custodianBoxKey))];
  } finally {
    pair.fill(0);
  }
}

/**
 * The key of a continuing reader's keyed slot (keyed-slot.ts), when it gets one: the writer must be the custodian
 * the head's box names (the W the reader derives K(W→R) for), and the reader a doctor or the patient, who read
 * through their key holders' pair keys. The recovery and emergency keys, read by the quorum and the emergency
 * service, keep sealed boxes, as do the slots of a quorum's move (its author is no custodian).
 */
function keyedSlotKey(
  writer: KeyHolder,
  head: V3Head,
  seq: number,
  keyed: boolean,
  boxKey: string,
  payload: ChartPayload,
): Uint8Array | undefined {
  if (!keyed || !writer.pairKey || head.custodianBoxKey !== writer.boxKey) return undefined;
  if (!doctorsOf(payload).has(boxKey) && payload.patient?.boxKey !== boxKey) return undefined;
  const pair = writer.pairKey(writer.boxKey, boxKey);
  try {
    return slotKeyNative(pair, head.secret, seq);
  } finally {
    pair.fill(0);
  }
}

/**
 * The slots of a later version and the intro tags it carries: continuing readers get their slot tag (and, written by
 * the head's custodian, a keyed slot), doctors new to the chart an intro tag of the writer's pair with them (its first
 * 8 bytes mark their slot), other newcomers none.
 */
function recipientsFor(
  writer: KeyHolder,
  head: V3Head,
  seq: number,
  payload: ChartPayload,
  readers: readonly string[],
  counters: V3Counters,
  keyed: boolean,
): { slots: SlotRecipient[]; tags: string[] } {
  const previous = new Set(head.readers);
  const doctors = doctorsOf(payload);
  const tags: string[] = [];
  const slots = readers.map((boxKey): SlotRecipient => {
    const key = decodeKey32(boxKey);
    if (!key) throw new ChartServiceError('InvalidRequest', `"${boxKey}" is not a base58 box key`);
    if (previous.has(boxKey)) {
      const slotKey = keyedSlotKey(writer, head, seq, keyed, boxKey, payload);
      return { boxKey, slotTag: slotTag(head.secret, seq, key), ...(slotKey && { slotKey }) };
    }
    if (!doctors.has(boxKey) || !writer.pairKey) return { boxKey, slotTag: randomBytes(SLOT_TAG_LENGTH) };
    const pair = writer.pairKey(writer.boxKey, boxKey);
    const tag = introTag(pair, counters.takeIntro(writer.boxKey, boxKey));
    pair.fill(0);
    tags.push(tag);
    return { boxKey, slotTag: hexToBytes(tag).subarray(0, SLOT_TAG_LENGTH) };
  });
  return { slots, tags };
}

/** What a v3 CREATE carries in its skeleton (createV3): a chart's first version, or a chunk of the list checkpoint. */
export interface CreateV3Content {
  /** The asset's `chart` from the creator's list key: a list tag (a chart), a checkpoint tag (a checkpoint chunk). */
  tagOf(list: Uint8Array): string;
  /** The box's plaintext, for the asset's tag and the CREATE's fresh chart secret. */
  plaintext(chart: string, secret: Uint8Array): Uint8Array;
  /** The readers' box keys, the creator's among them. */
  readers: readonly string[];
  /** The rendezvous tags the metadata carries (the rest are random). */
  tags: readonly string[];
  /** The signKey of the custodian owning the output (with `quorum`, as outputV3 builds it). */
  custodian: string;
  quorum: Quorum | null;
}

/**
 * A signed v3 CREATE: asset `{ type: CHART_ASSET_TYPE, chart: tag }`, the box sealed to every reader — the creator's
 * slot keyed under its list key and tagged from the asset's tag, the others' tagged at random (they try every slot) —
 * one output for the custodian and quorum under a fresh chart secret, issued by the creator's key tweaked for seq 0.
 * Charts and the list checkpoint's chunks share it, so to an observer the two are the same kind of CREATE.
 */
export async function createV3(
  holder: KeyHolder,
  content: CreateV3Content,
  crypto: CryptoProvider,
): Promise<{ tx: Transaction; chart: string; secret: Uint8Array }> {
  const { pairKey } = v3Holder(holder);
  const self = pairKey(holder.boxKey, holder.boxKey);
  const list = listKey(self);
  self.fill(0);
  const chart = content.tagOf(list);
  // The creator finds this CREATE by its asset's tag, so its slot tag can be derived from it (no trial of every slot),
  // and its slot keyed under its list key (no X25519 to open it).
  const mine = creatorSlotTag(list, chart);
  const mineKey = creatorSlotKeyNative(list, chart);
  list.fill(0);
  const secret = randomBytes(CHART_SECRET_LENGTH);
  const recipients = content.readers.map((boxKey): SlotRecipient =>
    boxKey === holder.boxKey
      ? { boxKey, slotTag: mine, slotKey: mineKey }
      : { boxKey, slotTag: randomBytes(SLOT_TAG_LENGTH) },
  );
  const metadata = sealV3(content.plaintext(chart, secret), recipients, content.tags, sealTo, sealKeyedSlotNative);
  mineKey.fill(0);
  // The CREATE's issuer is the creator's key tweaked for seq 0 of this version's secret: never the directory key.
  const issuer = ownerKey(holder.signKey, secret, 0);
  const unsigned = makeCreateBy(
    { type: CHART_ASSET_TYPE, chart },
    metadata as unknown as JsonObject,
    [outputV3(content.custodian, content.quorum, secret, 1)],
    ed25519Details(issuer),
  );
  const tx = await signTransaction(
    unsigned,
    tweakedSignerFor(holder, issuer, ownerTweakFor(holder.signKey, secret, 0)),
    {
      crypto,
      checkSignatures: false,
    },
  );
  return { tx, chart, secret };
}

export async function buildCreateV3(
  holder: KeyHolder,
  payload: ChartPayload,
  { crypto, counters, custody = null, cardTag = null, at = new Date() }: V3WriteOptions,
): Promise<V3Written> {
  v3Holder(holder);
  const quorum = quorumOf(custody);
  const readers = readersOf(payload, holder.boxKey);
  const tags = [...checkCardTag(cardTag), ...recoveryTagsOf(holder, payload.custodian.boxKey, custody, counters)];
  const innerOf = (chart: string, secret: Uint8Array): InnerV3Input => ({
    chart,
    seq: 1,
    action: 'create',
    at: at.toISOString(),
    author: holder.signKey,
    secret,
    previousSecret: null,
    authority: custody?.authorityId ?? null,
    quorum,
    payload,
  });
  const { tx, chart, secret } = await createV3(
    holder,
    {
      tagOf: (list) => listTag(list, counters.takeList(holder.boxKey)),
      plaintext: (chart, secret) => encodeInnerV3(innerOf(chart, secret)),
      readers,
      tags,
      custodian: payload.custodian.signKey,
      quorum,
    },
    crypto,
  );
  return {
    tx,
    inner: innerOf(chart, secret),
    tags,
    head: { tx, seq: 1, secret, readers, custodianBoxKey: payload.custodian.boxKey },
  };
}

export async function buildVersionV3(
  holder: KeyHolder,
  head: V3Head,
  chartId: string,
  action: Exclude<EnvelopeAction, 'create'>,
  payload: ChartPayload,
  { crypto, counters, custody = null, cardTag = null, at = new Date() }: V3WriteOptions,
): Promise<V3Written> {
  v3Holder(holder);
  const seq = head.seq + 1;
  // The custodian's branch of the head's output: this holder's key tweaked with the head's secret and place.
  const inputKey = ownerKey(holder.signKey, head.secret, head.seq);
  const spent = head.tx.outputs[0]?.condition.details;
  const owners = spent?.type === 'threshold-sha-256' ? spent.subconditions[0] : spent;
  if (owners?.type !== 'ed25519-sha-256' || owners.public_key !== inputKey)
    throw new ChartServiceError('NotCustodian', 'Only the chart’s custodian can write its next version');

  const secret = randomBytes(CHART_SECRET_LENGTH);
  const quorum = quorumOf(custody);
  const inner: InnerV3Input = {
    chart: chartId,
    seq,
    action,
    at: at.toISOString(),
    author: holder.signKey,
    secret,
    previousSecret: head.secret,
    authority: custody?.authorityId ?? null,
    quorum,
    payload,
  };
  const readers = readersOf(payload, holder.boxKey);
  const { slots, tags } = recipientsFor(holder, head, seq, payload, readers, counters, true);
  tags.unshift(versionTag(head.secret, seq), ...checkCardTag(cardTag));
  // A handover (the writer is the custodian of the head, so a new custodian is another doctor), or the chart coming
  // under this authority (its recovery key a new reader: the migration) makes the custodian findable by the quorum.
  if (payload.custodian.signKey !== holder.signKey || (custody && !head.readers.includes(custody.recoveryKey)))
    tags.push(...recoveryTagsOf(holder, payload.custodian.boxKey, custody, counters));
  const metadata = sealV3(encodeInnerV3(inner), slots, tags, sealTo, sealKeyedSlotNative);
  for (const slot of slots) slot.slotKey?.fill(0);
  const unsigned = makeTransfer(
    [{ tx: head.tx, outputIndex: 0 }],
    [outputV3(payload.custodian.signKey, quorum, secret, seq)],
    metadata as unknown as JsonObject,
  );
  const tx = await signTransaction(
    unsigned,
    tweakedSignerFor(holder, inputKey, ownerTweakFor(holder.signKey, head.secret, head.seq)),
    { crypto, checkSignatures: false, keys: [inputKey] },
  );
  return { tx, inner, tags, head: { tx, seq, secret, readers, custodianBoxKey: payload.custodian.boxKey } };
}

/**
 * A custody move by the authority's quorum (recovery, off-boarding: docs/UNLINKABLE.md §5, §9): `officers` (at least
 * the threshold, of the spent output's quorum) sign the input with their keys tweaked for the head, which whoever
 * opened the head with the recovery key hands them (its secret is in `head`). The first officer is the author; no
 * officer is a reader (the recovery key reads for them).
 */
export async function buildQuorumMoveV3(
  officers: readonly KeyHolder[],
  head: V3Head,
  headQuorum: Quorum,
  chartId: string,
  payload: ChartPayload,
  options: V3WriteOptions,
): Promise<V3Written> {
  if (officers.length < headQuorum.threshold)
    throw new ChartServiceError('InvalidRequest', `A quorum move needs ${headQuorum.threshold} officers`);
  const signers = new Map<string, { holder: KeyHolder; tweak: Uint8Array }>();
  const slots = quorumSlotsV3(head, headQuorum);
  for (const officer of officers) {
    const slot = slots.find((s) => s.officer === officer.signKey);
    if (!slot) throw new ChartServiceError('InvalidRequest', `${officer.signKey} is no officer of this chart's quorum`);
    v3Holder(officer);
    signers.set(slot.key, { holder: officer, tweak: slot.tweak });
  }
  const prepared = prepareQuorumMoveV3(officers[0]!, head, chartId, payload, options);
  const sign: Signer = async (publicKey, message) => {
    const signer = signers.get(publicKey);
    if (!signer) throw new Error(`no officer here signs for ${publicKey}`);
    return signer.holder.signTweaked!(signer.tweak, message);
  };
  const tx = await signTransaction(prepared.unsigned, sign, {
    crypto: options.crypto,
    checkSignatures: false,
    keys: [...signers.keys()],
  });
  return { tx, inner: prepared.inner, tags: prepared.tags, head: { ...prepared.head, tx } };
}

/** Each officer's slot in the head's quorum: its directory key, its tweaked key on the ledger and the tweak. */
export function quorumSlotsV3(
  head: Pick<V3Head, 'secret' | 'seq'>,
  headQuorum: Quorum,
): { officer: string; key: string; tweak: Uint8Array }[] {
  return headQuorum.officers.map((officer, i) => ({
    officer,
    key: ownerKey(officer, head.secret, head.seq, 1 + i),
    tweak: ownerTweakFor(officer, head.secret, head.seq, 1 + i),
  }));
}

/**
 * The quorum move's transaction before any officer signs (the file-based path signs it on several machines): the
 * author's pair key introduces the new custodian, so the author must be unlocked here; no signature is made.
 */
export function prepareQuorumMoveV3(
  author: KeyHolder,
  head: V3Head,
  chartId: string,
  payload: ChartPayload,
  { counters, custody = null, recoveryTag: movedTag = null, at = new Date() }: V3WriteOptions,
): Omit<V3Written, 'tx' | 'head'> & { unsigned: UnsignedTransaction; head: Omit<V3Head, 'tx'> } {
  v3Holder(author);
  const seq = head.seq + 1;
  const secret = randomBytes(CHART_SECRET_LENGTH);
  const quorum = quorumOf(custody);
  const inner: InnerV3Input = {
    chart: chartId,
    seq,
    action: 'custody',
    at: at.toISOString(),
    author: author.signKey,
    secret,
    previousSecret: head.secret,
    authority: custody?.authorityId ?? null,
    quorum,
    payload,
  };
  const readers = readersOf(payload, null);
  const recipients = recipientsFor(author, head, seq, payload, readers, counters, false);
  const tags = [versionTag(head.secret, seq), ...recipients.tags, ...checkCardTag(movedTag)];
  const metadata = sealV3(encodeInnerV3(inner), recipients.slots, tags, sealTo);
  const unsigned = makeTransfer(
    [{ tx: head.tx, outputIndex: 0 }],
    [outputV3(payload.custodian.signKey, quorum, secret, seq)],
    metadata as unknown as JsonObject,
  );
  return { unsigned, inner, tags, head: { seq, secret, readers, custodianBoxKey: payload.custodian.boxKey } };
}
