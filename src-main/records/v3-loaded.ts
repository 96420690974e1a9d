// An envelope v3 chart (docs/UNLINKABLE.md §2–§7) as the loader shows every chart: openChartV3 verifies and opens it,
// and its versions are put in the loader's shapes (VerifiedVersion, OpenedVersion) from inside the box — action,
// time, author, custodian and readers are the box's, proven there (the author by the tweaked signature, the custodian
// by the recomputed output) — so the list, the chart view, the history and the Verify panel read it as a v1 chart.
// The #12 credential check runs on authoredVersions; freshness asks about the version's tweaked output key.
//
// What differs from v1, because the reader learns only what its slots open:
//  - a doctor shared in later sees the versions from the one that introduced it (the earlier ones are checked as
//    transactions and chain links, not shown);
//  - a reader removed sees the versions it was given and then the removing version, shown unreadable as an
//    "unshare" with no author (it cannot open it: it may be an unshare, a custody move or a card re-issue), dated as
//    the last version it read, the latest time it knows (the contract's views need one).
import { ENVELOPE_TYPE, type Envelope } from '../../src-shared/crypto/envelope';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import type { CryptoProvider, Transaction } from '../../src-shared/ledger';
import { creatorSlotTagNative, listKeyNative } from '../crypto/unlinkable-keys';
import type { ChartPayload } from '../../src-shared/records/payload';
import { isV3Metadata } from '../../src-shared/unlinkable/envelope-v3';
import type { ChainVerification, CheckResult, VerifiedVersion } from '../ledger/chain';
import type { AnswerValidator } from '../ledger/answer-validation';
import type { IdentityCache } from '../ledger/verified-cache';
import type { BlockSweep } from './block-sweep';
import { chainDigest } from './chain-digest';
import type { AuthorshipFailure, ChartAuthorship } from './chart-authorship';
import type { OpenedVersion, Tampering } from './chart-loader';
import type { KnownHead } from './discovery/next-versions';
import { readersOf } from './version-builder';
import { openChartV3Split } from './v3-open-split';
import { authoredVersions, linkChain, openChartV3, type OpenedV3Version, type V3Chain } from './version-opener-v3';

/** Is this chart (its CREATE, among the node's answer or a cached chain) written in envelope v3? */
export function isV3Chart(chartId: string, raw: readonly unknown[]): boolean {
  const create = raw.find((tx) => (tx as { id?: unknown } | null)?.id === chartId) as
    { metadata?: unknown } | undefined;
  return create !== undefined && isV3Metadata(create.metadata);
}

export interface V3Loaded {
  verification: ChainVerification;
  versions: OpenedVersion[];
  tampered: Tampering | null;
  authorship: AuthorshipFailure | null;
  /** Every chain link up to the last version shown (those before the reader's first slot too): what the cache keeps. */
  chainTxs: Transaction[];
  /** The chart's head as the catch-up follows it (null: tampered, or this reader was removed). */
  head: KnownHead | null;
}

/**
 * The chains a loader verified and opened this session, per viewer, keyed by a SHA-256 of the exact transactions: a
 * list re-reads every chart it knows (from the verified cache or the node), and opening the same bytes for the same
 * reader gives the same chain, so it is done once. Any byte changed is another key, opened and checked in full; a
 * tampered chain is never kept. The credential check and the freshness check still run on every read.
 */
export class OpenedV3Chains {
  readonly #chains = new Map<string, { viewer: string; chain: V3Chain }>();
  readonly #creatorSlots = new Map<string, ((listTag: string) => Uint8Array) | null>();

  /** `json`: JSON.stringify(raw), when the caller has it already. */
  keyOf(viewerBoxKey: string, chartId: string, raw: readonly unknown[], json?: string): string {
    return chainDigest([viewerBoxKey, chartId], raw, json);
  }

  get(key: string): V3Chain | undefined {
    return this.#chains.get(key)?.chain;
  }

  set(key: string, viewerBoxKey: string, chain: V3Chain): void {
    if (!chain.tampered) this.#chains.set(key, { viewer: viewerBoxKey, chain });
  }

  /**
   * The viewer's creator slot tags (docs/UNLINKABLE.md §4), from its list key, derived once a session (one X25519):
   * null for a holder without pair keys or one that cannot derive it now (it then tries every slot of a CREATE).
   */
  creatorSlots(viewer: Pick<KeyHolder, 'boxKey' | 'pairKey'>): ((listTag: string) => Uint8Array) | null {
    let slots = this.#creatorSlots.get(viewer.boxKey);
    if (slots === undefined) {
      slots = null;
      try {
        const self = viewer.pairKey?.(viewer.boxKey, viewer.boxKey);
        if (self) {
          const listKey = listKeyNative(self);
          self.fill(0);
          slots = (listTag) => creatorSlotTagNative(listKey, listTag);
        }
      } catch {
        // a locked holder: this read tries every slot, the next derives it again
        return null;
      }
      this.#creatorSlots.set(viewer.boxKey, slots);
    }
    return slots;
  }

  /** Drops a viewer's chains and list key (lock, sign-out), or everyone's. */
  forget(viewerBoxKey?: string): void {
    for (const [key, { viewer }] of this.#chains)
      if (!viewerBoxKey || viewer === viewerBoxKey) this.#chains.delete(key);
    if (viewerBoxKey) this.#creatorSlots.delete(viewerBoxKey);
    else this.#creatorSlots.clear();
  }
}

export interface V3LoadOptions {
  crypto: CryptoProvider;
  /** The loader's validator (the verification workers): each link's id, schema and signatures are checked there. */
  validator?: AnswerValidator;
  /** The loader's chains opened this session. */
  opened?: OpenedV3Chains;
  authors?: ChartAuthorship | null;
  identity: IdentityCache | null;
  placed: { sweep: BlockSweep; nodeUrl: string } | null;
}

/**
 * Workers from which a v3 chain's checks run in them (v3-open-split.ts) rather than beside the main thread's opening.
 * Measured on two cores (one worker; docs/BENCHMARKS.md, helper v3list15d): the split cut the list's main-thread CPU
 * by about a quarter but added ~15 % to the process's, and the one worker became as busy as the main thread, so the
 * list was no faster; with two or more workers the checks spread over them.
 */
export const SPLIT_MIN_WORKERS = 2;

const passed = (check: CheckResult['check'], detail: string): CheckResult => ({ check, ok: true, detail });

function linkChecks(seq: number): CheckResult[] {
  return [
    passed('id', 'The id is the SHA3-256 of the transaction body'),
    passed('signatures', 'Every signature verifies'),
    passed('schema', 'The transaction is well formed'),
    passed('chain', seq === 1 ? 'Creates the chart' : `Spends version ${seq - 1}`),
  ];
}

/** The readers of a version as its box names them (its slots are not on the ledger in clear). */
function readersOfVersion(payload: ChartPayload, author: string, viewerBoxKey: string): string[] {
  const people = [payload.custodian, ...payload.doctors, ...(payload.patient ? [payload.patient] : [])];
  const authorBox = people.find((p) => p.signKey === author)?.boxKey ?? null;
  // The viewer opened a slot of this version, so it is one of its readers whatever the payload lists.
  return [...new Set([...readersOf(payload, authorBox), viewerBoxKey])];
}

function verifiedOf(chartId: string, v: OpenedV3Version, viewerBoxKey: string): VerifiedVersion {
  const { inner } = v;
  const envelope = {
    type: ENVELOPE_TYPE,
    action: inner.action,
    seq: v.seq,
    at: inner.at,
    author: inner.author,
    ...(v.seq === 1 ? {} : { chart: chartId }),
    // No wrap here: a v3 version's data key is in its slots, and its payload is opened already (the loader is primed).
    readers: readersOfVersion(inner.payload, inner.author, viewerBoxKey).map((key) => ({ key, wrap: '' })),
    nonce: '',
    box: '',
  } satisfies Envelope;
  return {
    seq: v.seq,
    txId: v.txId,
    tx: v.tx,
    envelope,
    author: inner.author,
    owner: inner.payload.custodian.signKey,
    outputKey: v.ownerKey,
    checks: [
      ...linkChecks(v.seq),
      passed(
        'owner',
        v.output === 'spent-by-custodian'
          ? `The output was spent by version ${v.seq + 1}, signed by the custodian its box names, key tweaked for this version`
          : inner.quorum
            ? `The output is owned by the custodian or ${inner.quorum.threshold} of the quorum its box names, keys tweaked for this version`
            : 'The output is owned by the custodian its box names, its key tweaked for this version',
      ),
      passed(
        'envelope',
        'The sealed version opens for this reader, names this chart and position, and was signed by its author',
      ),
    ],
  };
}

/** The version that removed this reader: on the ledger, valid, linked, but closed to it. */
function closedOf(tx: Transaction, seq: number, at: string): VerifiedVersion {
  return {
    seq,
    txId: tx.id,
    tx,
    envelope: {
      type: ENVELOPE_TYPE,
      action: 'unshare',
      seq,
      at,
      author: '',
      readers: [],
      nonce: '',
      box: '',
    },
    author: '',
    owner: '',
    // Not this reader's to prove current: the chart goes on without it.
    outputKey: null,
    checks: [
      ...linkChecks(seq),
      passed('envelope', 'This reader has no slot in this version: it was removed from the chart here'),
    ],
  };
}

export async function openV3ForLoader(
  viewer: KeyHolder,
  chartId: string,
  raw: readonly unknown[],
  { crypto, validator, authors, identity, placed, opened }: V3LoadOptions,
): Promise<V3Loaded> {
  // One serialisation of the answer for the kept chain's key and the workers (the split opening sends it).
  const runTask = (validator?.workers ?? 0) >= SPLIT_MIN_WORKERS ? validator?.runTask?.bind(validator) : undefined;
  const json = runTask ? JSON.stringify(raw) : undefined;
  const key = opened?.keyOf(viewer.boxKey, chartId, raw, json);
  let chain = key === undefined ? undefined : opened!.get(key);
  if (!chain && runTask) {
    // The workers check the versions too: only the slots and boxes are opened here (v3-open-split.ts).
    const creatorSlotTag = opened?.creatorSlots(viewer) ?? undefined;
    chain = await openChartV3Split(chartId, raw, viewer, { runTask }, { creatorSlotTag, json });
    if (key !== undefined) opened!.set(key, viewer.boxKey, chain);
  }
  if (!chain) {
    const validateLinks = validator
      ? (links: readonly Transaction[]) =>
          validator.validate(
            { json: JSON.stringify(links), txs: links },
            links.map((_, i) => i),
          )
      : undefined;
    const creatorSlotTag = opened?.creatorSlots(viewer) ?? undefined;
    chain = await openChartV3(chartId, raw, viewer, { crypto, validateLinks, creatorSlotTag });
    if (key !== undefined) opened!.set(key, viewer.boxKey, chain);
  }
  const verified = chain.versions.map((v) => verifiedOf(chartId, v, viewer.boxKey));
  const authorship = chain.tampered ? null : await authors?.check(authoredVersions(chain), identity, placed);
  const versions: OpenedVersion[] = verified.map((version, i) => {
    const authorReason = authorship?.reasons[i] ?? null;
    if (authorship)
      version.checks.push({
        check: 'author',
        ok: authorReason === null,
        detail: authorReason ?? 'The author held a valid credential of this hospital at this ledger position',
      });
    return { version, payload: chain.versions[i]!.inner.payload, readable: true, authorReason };
  });
  const { links } = linkChain(chartId, raw);
  if (chain.closedAt !== null && !chain.tampered) {
    versions.push({
      version: closedOf(links[chain.closedAt - 1]!, chain.closedAt, chain.versions.at(-1)!.inner.at),
      payload: null,
      readable: false,
      authorReason: null,
    });
  }
  const shown = versions.at(-1)?.version.seq ?? 0;
  const tampered: Tampering | null = chain.tampered
    ? { seq: chain.tampered.seq, txId: chain.tampered.txId, reason: chain.tampered.reason }
    : null;
  const last = chain.versions.at(-1);
  return {
    verification: {
      assetId: chartId,
      versions: versions.map((v) => v.version),
      failure: tampered && {
        ...tampered,
        checks: [{ check: 'envelope', ok: false, detail: tampered.reason }],
      },
    },
    versions,
    tampered,
    authorship: authorship?.failure ?? null,
    chainTxs: links.slice(0, shown),
    head: !tampered && chain.closedAt === null && last ? { chartId, seq: last.seq, secret: last.secret } : null,
  };
}
