// With a hospital authority pinned, every version of a chart must be signed by a practitioner whose credential
// counted at that version's ledger position (its block height: docs/AUTHORITY.md §"Chart verification"). A version
// that was not is "unknown author" (or its author's credential was revoked / expired / not yet valid): never Verified,
// never the patient's record, and distinct from tampering (every signature is good; the signer is not vouched for).
// With no authority pinned nothing is checked here. Heights of committed transactions never change, so each is asked
// of the node once: kept in memory for the session and in the identity's verified cache across sessions. A list places
// its charts' versions through one BlockSweep (block-sweep.ts) instead of asking each chart's heights, and falls back
// to asking them wherever the sweep cannot answer.
import {
  authorsAtHeights,
  inputSigners,
  type AuthorAtHeight,
  type AuthorRegistry,
  type CredentialRegistryView,
  type VerifiedAuthority,
} from '../../src-shared/authority';
import { BlockSweep, type Where } from './block-sweep';
import type { AuthorityTrust } from '../authority/trust';
import type { Envelope } from '../../src-shared/crypto/envelope';
import type { VerifiedVersion } from '../ledger/chain';
import type { LedgerNodeClient } from '../ledger/node-client';
import type { IdentityCache } from '../ledger/verified-cache';

/**
 * What the check reads of a version: a v1 VerifiedVersion, or an opened envelope v3 version
 * (version-opener-v3.ts's authoredVersions), whose author was proven from its box and whose quorum spend names the
 * officers' directory keys (its input shows only their per-version keys).
 */
export type AuthoredVersion = Pick<VerifiedVersion, 'seq' | 'txId' | 'tx' | 'author'> & {
  envelope: Pick<Envelope, 'action'>;
  officers?: string[] | null;
};

/** The first version whose author did not hold a valid credential at its position, and why. */
export interface AuthorshipFailure {
  seq: number;
  txId: string;
  reason: string;
}

export interface Authorship {
  /** One answer per version (oldest first). */
  authors: AuthorAtHeight[];
  /** Per version: why it fails the check (null: it passes). */
  reasons: (string | null)[];
  failure: AuthorshipFailure | null;
}

/** A registry read longer ago than this is read again when a chart names an author it does not know. */
const REFRESH_ON_MISS_MS = 10_000;

export class ChartAuthorship {
  readonly #heights = new Map<string, number>();
  readonly #positions = new WeakMap<CredentialRegistryView, { txId: string; height: number }[]>();

  constructor(
    private readonly trust: AuthorityTrust,
    private readonly client: Pick<LedgerNodeClient, 'blockHeights' | 'blockTransactionIds'>,
  ) {}

  /** Is an authority pinned (then charts are checked against it, and heads asked to be fresh)? */
  active(): boolean {
    return Boolean(this.trust.pinned());
  }

  /** A height seen elsewhere (the node's stream announces each committed transaction with its height). */
  noteHeight(txId: string, height: number): void {
    this.#heights.set(txId, height);
  }

  /**
   * A sweep for a list of `charts` charts checked `concurrency` at a time: it may read up to `charts` blocks (one
   * height request a chart).
   */
  sweep(charts: number, concurrency = 1): BlockSweep {
    return new BlockSweep(this.client, charts, Math.max(1, Math.floor(concurrency / 2)));
  }

  /**
   * Null when no authority is pinned (nothing to check: the chart verifies as before the authority existed).
   * `placed`: the list's sweep, and the node that answered the versions (they were fetched before this call).
   */
  async check(
    versions: readonly AuthoredVersion[],
    cache: IdentityCache | null = null,
    placed: Placed | null = null,
  ): Promise<Authorship | null> {
    if (!this.trust.pinned() || versions.length === 0) return null;
    let result = await this.#check(versions, cache, placed);
    // A practitioner credentialed since the registry was read would show as unknown until the next refresh.
    if (result?.authors.some((a) => a.status === 'unknown') && this.trust.refreshIfOlderThan(REFRESH_ON_MISS_MS))
      result = await this.#check(versions, cache, placed);
    return result;
  }

  async #check(
    versions: readonly AuthoredVersion[],
    cache: IdentityCache | null,
    placed: Placed | null,
  ): Promise<Authorship | null> {
    const state = await this.trust.state();
    if (state.kind === 'none') return null;
    if (state.kind === 'unverified') {
      const reason = `${state.reason}. No chart can be verified until it can.`;
      return {
        authors: versions.map(() => ({ status: 'unknown', height: null })),
        reasons: versions.map(() => reason),
        failure: { seq: versions[0]!.seq, txId: versions[0]!.txId, reason },
      };
    }
    const keys = versions.map((v) => (isQuorumMove(v, state.authority) ? quorumAuthor(v.author) : v.author));
    const rule = positionRule(state.registry, state.authority.height);
    const authors =
      (placed && (await this.#swept(versions, keys, rule, state.registry, cache, placed))) ??
      (await authorsAtHeights(keys, (i) => this.#height(versions[i]!.txId, cache), rule));
    const reasons = authors.map((a, i) => reasonOf(versions[i]!, a));
    const first = reasons.findIndex((r) => r !== null);
    return {
      authors,
      reasons,
      failure: first < 0 ? null : { seq: versions[first]!.seq, txId: versions[first]!.txId, reason: reasons[first]! },
    };
  }

  /**
   * The versions' authors as the sweep places them: a version at a height the reader knows or found in a bad block
   * is judged at that height; one in no bad block of its author counts. Null where the sweep cannot answer, or when
   * nothing is left to place (the per-version path then asks nothing).
   */
  async #swept(
    versions: readonly AuthoredVersion[],
    keys: readonly string[],
    rule: PositionRule,
    registry: CredentialRegistryView,
    cache: IdentityCache | null,
    { sweep, nodeUrl }: Placed,
  ): Promise<AuthorAtHeight[] | null> {
    const known = versions.map((v) => this.#heights.get(v.txId) ?? cache?.height(v.txId) ?? null);
    if (known.every((h) => h !== null)) return null;
    const unplaced = [...new Set(keys.filter((_, i) => known[i] === null))];
    const where: Where | null = await sweep.place(
      registry,
      unplaced.map((key) => ({
        key,
        statusAt: (h: number) => rule.statusAt(key, h).status,
        changes: () => rule.changeHeights(key),
      })),
      versions.flatMap((v, i) => (known[i] === null ? [] : [{ txId: v.txId, height: known[i]! }])),
      nodeUrl,
      () => this.#positionsOf(registry),
    );
    if (!where) return null;
    const heights = versions.map((v, i) => known[i] ?? where(v.txId) ?? null);
    // Heights along a chart never decrease: answers out of order go the per-version way, which names them.
    let floor = 0;
    for (const h of heights) {
      if (h === null) continue;
      if (h < floor) return null;
      floor = h;
    }
    return heights.map((h, i) => {
      if (h === null) return { status: 'valid', height: null };
      if (known[i] === null) {
        this.#heights.set(versions[i]!.txId, h);
        cache?.rememberHeight(versions[i]!.txId, h);
      }
      const answer = rule.statusAt(keys[i]!, h);
      return { status: answer.status, height: h, ...(answer.name ? { name: answer.name } : {}) };
    });
  }

  /** The registry's own transactions and their heights (one list per registry read). */
  #positionsOf(registry: CredentialRegistryView): { txId: string; height: number }[] {
    let positions = this.#positions.get(registry);
    if (!positions) this.#positions.set(registry, (positions = registry.knownPositions()));
    return positions;
  }

  async #height(txId: string, cache: IdentityCache | null): Promise<number | null> {
    const known = this.#heights.get(txId) ?? cache?.height(txId) ?? null;
    if (known !== null) return known;
    const { value } = await this.client.blockHeights(txId);
    if (value.length === 0) return null; // in no block: not committed as far as this node says
    const height = Math.min(...value);
    this.#heights.set(txId, height);
    cache?.rememberHeight(txId, height);
    return height;
  }
}

// A custody move by the authority's quorum (recovery, off-boarding: docs/AUTHORITY.md §"Custody") is written by an
// officer, who holds no practitioner credential: the quorum vouches for it. It counts when at least `threshold` distinct
// officers of the pinned authority signed it, the envelope's author among them (ownership.ts already checked that the
// spent output gave a quorum that right and that the act is "custody").
const QUORUM = 'quorum:';
const quorumAuthor = (officer: string): string => `${QUORUM}${officer}`;

export function isQuorumMove(v: AuthoredVersion, authority: VerifiedAuthority): boolean {
  // The action first: reading the signers parses the fulfillment, and a list asks this of every version. (A check of
  // heights alone passes versions with no envelope.)
  if (v.envelope?.action !== 'custody') return false;
  const signers = v.officers ? { by: 'quorum' as const, officers: v.officers } : inputSigners(v.tx?.inputs[0]);
  if (signers.by !== 'quorum') return false;
  const officers = new Set(authority.data.officers.map((o) => o.signKey));
  const signed = new Set(signers.officers);
  return (
    signed.size === signers.officers.length &&
    signed.size >= authority.data.threshold &&
    [...signed].every((k) => officers.has(k)) &&
    signed.has(v.author)
  );
}

// Below the authority's own height no credential could count yet: a version placed there is vouched for by any
// credential its author was ever given (the migration rule: a hospital that credentials its existing doctors vouches
// for what they wrote before the authority existed). From the authority's height on, the ledger-position rule holds.
interface PositionRule extends AuthorRegistry {
  /** Heights where statusAt can change for this key (constant from one to the next). */
  changeHeights(key: string): number[];
}

/** A list's sweep, and the node whose answer the versions came from. */
export interface Placed {
  sweep: BlockSweep;
  nodeUrl: string;
}

function positionRule(registry: CredentialRegistryView, authorityHeight: number): PositionRule {
  return {
    changeHeights: (key) => (key.startsWith(QUORUM) ? [] : [authorityHeight, ...registry.changeHeights(key)]),
    statusAt: (key, height) =>
      key.startsWith(QUORUM)
        ? { status: 'valid' }
        : height < authorityHeight
          ? registry.everCredentialed(key)
          : registry.statusAt(key, height),
    validThroughout: (key, from, to) =>
      key.startsWith(QUORUM)
        ? true
        : to < authorityHeight
          ? registry.everCredentialed(key).status === 'valid'
          : from >= authorityHeight && registry.validThroughout(key, from, to),
  };
}

/** Why version `v` fails the authority check, in words a clinician reads; null when its author was credentialed. */
export function reasonOf(v: Pick<VerifiedVersion, 'seq' | 'author'>, a: AuthorAtHeight): string | null {
  const who = a.name ? `${a.name} (${v.author})` : v.author;
  const where = a.height === null ? '' : ` at block ${a.height}`;
  switch (a.status) {
    case 'valid':
      return null;
    case 'unknown':
      return `Unknown author: version ${v.seq} was signed by ${v.author}, who holds no credential of this hospital`;
    case 'revoked':
      return `Unknown author: version ${v.seq} was signed by ${who}${where}, after their credential was revoked`;
    case 'expired':
      return `Unknown author: version ${v.seq} was signed by ${who}${where}, after their credential expired`;
    case 'not-yet':
      return `Unknown author: version ${v.seq} was signed by ${who}${where}, before their credential was valid`;
    case 'unplaced':
      return `Unknown author: the node places version ${v.seq} in no block or out of order, so its author's credential cannot be checked`;
  }
}
