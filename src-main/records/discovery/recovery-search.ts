// (d) The charts a doctor was made custodian of, found by the authority's quorum (docs/UNLINKABLE.md §13): every
// version that makes doctor C custodian carries a recovery tag of C, from the writer W's pair with the hospital's
// recovery key (K(W→Rec): C's own CREATE, another doctor's handover to C) or from the recovery key's pair with C
// (K(Rec→C): the quorum's move). Holding the rebuilt recovery secret, the quorum computes every such pair from the
// directory's box keys and walks each lane's counter i = 0, 1, … a batch at a time, like the list walk (own-charts.ts):
// a lane stops after a batch with no hit, so a gap shorter than its batch (an outbox's take) is stepped over.
//
// A tag found says C was custodian at that version, not that C still is: the caller opens each chart's head.
import { decodeKey32 } from '../../../src-shared/crypto/bytes';
import { pairKey, recoveryTag } from '../../../src-shared/unlinkable/rendezvous';
import { searchMetadataTags, type DiscoveryClient } from './tag-search';
import { TAGS_PER_SEARCH } from './tag-batches';

export type RecoveryClient = Pick<DiscoveryClient, 'nodeUrls' | 'searchMetadata' | 'getTransaction'>;

/** Tags a lane searches at once: the custodian's own and the quorum's lanes are long, a handover lane is short. */
export const OWN_LANE_BATCH = TAGS_PER_SEARCH;
export const HANDOVER_LANE_BATCH = 16;

interface Lane {
  pair: Uint8Array;
  /** The lane's i-th tag (its recovery tag for the custodian unless set). */
  tagOf?: (i: number) => string;
  batch: number;
  from: number;
  /** One past the highest counter found. */
  next: number;
  txIds: string[];
}

export interface RecoveryFound {
  /** The charts (their CREATE's id) with a version that made the custodian custodian, in no particular order. */
  readonly chartIds: string[];
  /** One past the highest counter of the quorum's lane K(Rec→C): where the quorum's next move to C counts from. */
  readonly quorumNext: number;
  readonly requests: number;
}

function boxKey(text: string, what: string): Uint8Array {
  const key = decodeKey32(text);
  if (!key) throw new RangeError(`${what} "${text}" is not a base58 box key`);
  return key;
}

async function walk(client: RecoveryClient, lanes: Lane[], custodian: Uint8Array): Promise<number> {
  let requests = 0;
  let active = lanes;
  while (active.length > 0) {
    const owner = new Map<string, { lane: Lane; i: number }>();
    for (const lane of active)
      for (let i = lane.from; i < lane.from + lane.batch; i++)
        owner.set(lane.tagOf ? lane.tagOf(i) : recoveryTag(lane.pair, custodian, i), { lane, i });
    const found = await searchMetadataTags(client, [...owner.keys()]);
    requests += Math.ceil(owner.size / TAGS_PER_SEARCH);
    const hit = new Set<Lane>();
    for (const [tag, hits] of found) {
      const { lane, i } = owner.get(tag)!;
      hit.add(lane);
      lane.next = Math.max(lane.next, i + 1);
      for (const h of hits) lane.txIds.push(h.id);
    }
    for (const lane of active) lane.from += lane.batch;
    active = active.filter((lane) => hit.has(lane));
  }
  return requests;
}

async function chartIdOf(client: RecoveryClient, txId: string): Promise<string | null> {
  const { value } = await client.getTransaction(txId);
  const tx = value as { id?: unknown; operation?: unknown; asset?: { id?: unknown } } | null;
  if (tx?.operation === 'CREATE' && typeof tx.id === 'string') return tx.id;
  if (tx?.operation === 'TRANSFER' && typeof tx.asset?.id === 'string') return tx.asset.id;
  return null;
}

/**
 * Every chart with a version that made `custodianBoxKey` custodian, as the holder of the recovery secret finds them:
 * `writers` are the box keys that may have written such a version (every practitioner of the directory, past ones
 * too; the custodian itself is always walked). Wipes the pair keys it made.
 */
export async function findMadeCustodian(
  client: RecoveryClient,
  input: { recoverySecret: Uint8Array; recoveryKey: string; custodianBoxKey: string; writers: readonly string[] },
): Promise<RecoveryFound> {
  const rec = boxKey(input.recoveryKey, 'The recovery key');
  const custodian = boxKey(input.custodianBoxKey, 'The custodian box key');
  const lane = (pair: Uint8Array, batch: number): Lane => ({ pair, batch, from: 0, next: 0, txIds: [] });
  const quorum = lane(pairKey(input.recoverySecret, custodian, rec, custodian), OWN_LANE_BATCH);
  const lanes = [quorum, lane(pairKey(input.recoverySecret, custodian, custodian, rec), OWN_LANE_BATCH)];
  for (const writer of new Set(input.writers)) {
    if (writer === input.custodianBoxKey) continue;
    const key = decodeKey32(writer);
    try {
      if (key) lanes.push(lane(pairKey(input.recoverySecret, key, key, rec), HANDOVER_LANE_BATCH));
    } catch {
      // a directory key of low order shares no secret: it wrote no tag anyone can find
    }
  }
  try {
    const requests = await walk(client, lanes, custodian);
    const chartIds = new Set<string>();
    for (const txId of new Set(lanes.flatMap((l) => l.txIds))) {
      const chartId = await chartIdOf(client, txId);
      if (chartId) chartIds.add(chartId);
    }
    return { chartIds: [...chartIds], quorumNext: quorum.next, requests };
  } finally {
    for (const l of lanes) l.pair.fill(0);
  }
}

/** One past the highest counter of the quorum's lane K(Rec→C) on the ledger: the next quorum move to C counts from it. */
export async function quorumLaneNext(
  client: RecoveryClient,
  input: { recoverySecret: Uint8Array; recoveryKey: string; custodianBoxKey: string },
): Promise<number> {
  const rec = boxKey(input.recoveryKey, 'The recovery key');
  const custodian = boxKey(input.custodianBoxKey, 'The custodian box key');
  const quorum: Lane = {
    pair: pairKey(input.recoverySecret, custodian, rec, custodian),
    batch: OWN_LANE_BATCH,
    from: 0,
    next: 0,
    txIds: [],
  };
  try {
    await walk(client, [quorum], custodian);
    return quorum.next;
  } finally {
    quorum.pair.fill(0);
  }
}

/**
 * One past the highest counter of any tag lane `tagOf` (i = 0, 1, …) found in versions' tags: the quorum's move takes
 * its author's next intro counter with the new custodian from it, so two moves never carry one intro tag.
 */
export async function tagLaneNext(client: RecoveryClient, tagOf: (i: number) => string): Promise<number> {
  const lane: Lane = { pair: new Uint8Array(32), tagOf, batch: OWN_LANE_BATCH, from: 0, next: 0, txIds: [] };
  await walk(client, [lane], new Uint8Array(32));
  return lane.next;
}

/** The quorum's recovery tag for its `i`-th move to custodian C (K(Rec→C)). */
export function quorumRecoveryTag(recoverySecret: Uint8Array, recoveryKey: string, custodianBoxKey: string, i: number) {
  const rec = boxKey(recoveryKey, 'The recovery key');
  const custodian = boxKey(custodianBoxKey, 'The custodian box key');
  const pair = pairKey(recoverySecret, custodian, rec, custodian);
  try {
    return recoveryTag(pair, custodian, i);
  } finally {
    pair.fill(0);
  }
}
