// The pinned hospital authority as the chart service sees it: which authority is pinned (the `hospitalAuthority`
// setting, read at every call so a managed change applies at once) and its credential registry, read and verified
// from the ledger (credential-registry.ts) and kept in memory until something says it may have changed.
//
// Three answers, never a guess: no authority pinned (the machine behaves as before the authority existed), the
// pinned authority and its registry, or the pinned authority cannot be verified (nothing it vouches for counts: fail
// closed, with the reason to show).
import type { CredentialRegistryView, VerifiedAuthority, VerifiedCredential } from '../../src-shared/authority';
import type { CryptoProvider } from '../../src-shared/ledger';
import type { AnswerValidator } from '../ledger/answer-validation';
import type { AuthorityLedger } from './credential-registry';

export type TrustState =
  | { kind: 'none' }
  | { kind: 'pinned'; authorityId: string; authority: VerifiedAuthority; registry: CredentialRegistryView }
  | { kind: 'unverified'; authorityId: string; reason: string };

/** A second opinion on a credential's newest act (LedgerNodeClient has it): configured nodes and a read on one. */
export interface SecondOpinion {
  readonly nodeUrls: readonly string[];
  readonly currentNodeUrl: string | null;
  lastTransactionOn(base: string, assetId: string): Promise<unknown[]>;
}

export interface AuthorityTrustOptions {
  /** The pinned authority id, '' for none (read at every call). */
  authorityId: () => string;
  crypto?: CryptoProvider;
  /** How long a loaded registry is used before it is read again (default 5 minutes); invalidate() ends it at once. */
  maxAgeMs?: number;
  now?: () => number;
  /** With several nodes configured, each credential's newest act must be one a second node agrees with. */
  secondOpinion?: SecondOpinion;
  /** Validates the credentials' transactions (the chart service's verification workers); else the main thread. */
  validator?: Pick<AnswerValidator, 'validate'>;
}

export class AuthorityTrust {
  #loaded: { authorityId: string; at: number; state: Promise<TrustState> } | null = null;
  /** Per credential, the most transactions of its chain seen this session (issue, renewals, revocation). */
  readonly #highestActs = new Map<string, { count: number; latest: string }>();
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(
    private readonly ledger: AuthorityLedger,
    private readonly options: AuthorityTrustOptions,
  ) {
    this.#maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** The pinned authority id now ('' for none). */
  pinned(): string {
    return this.options.authorityId();
  }

  /** The trust state, loaded once and shared by concurrent callers; reloaded when the pin changes or it is old. */
  state(): Promise<TrustState> {
    const authorityId = this.pinned();
    if (!authorityId) return Promise.resolve({ kind: 'none' });
    const loaded = this.#loaded;
    if (loaded && loaded.authorityId === authorityId && this.#now() - loaded.at < this.#maxAgeMs) return loaded.state;
    const state = this.#load(authorityId);
    this.#loaded = { authorityId, at: this.#now(), state };
    return state;
  }

  /** Invalidates a registry loaded more than `ms` ago (true), or does nothing (false): for a refresh on a miss. */
  refreshIfOlderThan(ms: number): boolean {
    if (!this.#loaded || this.#now() - this.#loaded.at <= ms) return false;
    this.#loaded = null;
    return true;
  }

  /** Is `assetId` the pinned authority or one of its credentials (as last loaded)? Such a transaction changes trust. */
  async concerns(assetId: string): Promise<boolean> {
    if (!this.pinned()) return false;
    if (assetId === this.pinned()) return true;
    const state = await this.#loaded?.state.catch(() => null);
    return state?.kind === 'pinned' && state.registry.credential(assetId) !== undefined;
  }

  /** A credential act or authority change was seen (or the user asked to refresh): read everything again next time. */
  invalidate(): void {
    this.#loaded = null;
  }

  /**
   * Fresh credential chains (docs/AUTHORITY.md §"Fresh heads"): a node that leaves out a revocation seen before, or
   * whose newest act a second node does not know, is not believed about that credential.
   */
  async #doubt(credential: VerifiedCredential): Promise<string | null> {
    const count = 1 + credential.acts.length;
    const chain = new Set([credential.issued.txId, ...credential.acts.map((a) => a.txId)]);
    const seen = this.#highestActs.get(credential.id);
    if (seen && (seen.count > count || !chain.has(seen.latest)))
      return `the node withheld act ${seen.count} of this credential, seen before (it returned ${count})`;
    const second = this.options.secondOpinion;
    const other = second?.nodeUrls.find((url) => url !== second.currentNodeUrl);
    if (second && other) {
      const newest = await second
        .lastTransactionOn(other, credential.id)
        .then((txs) => (txs[0] as { id?: unknown } | undefined)?.id)
        .catch(() => undefined); // a second node that cannot be reached confirms nothing and refuses nothing
      if (typeof newest === 'string' && !chain.has(newest))
        return `nodes disagree on its newest act: ${other} has transaction ${newest}, which the node answering did not return`;
    }
    if (!seen || seen.count < count) this.#highestActs.set(credential.id, { count, latest: credential.latest.id });
    return null;
  }

  async #load(authorityId: string): Promise<TrustState> {
    try {
      // Loaded once an authority is pinned: its schemas (zod, built at module load) would cost every start-up.
      const { CredentialRegistry } = await import('./credential-registry');
      const registry = new CredentialRegistry(this.ledger, authorityId, this.options.crypto, this.options.validator);
      const view = await registry.load((credential) => this.#doubt(credential));
      return { kind: 'pinned', authorityId, authority: view.authority, registry: view };
    } catch (error) {
      // A node that cannot be reached is not "unverified": the caller's request fails like any other read, and the
      // next call tries again.
      if ((error as Error).name !== 'AuthorityUnverified') {
        if (this.#loaded?.authorityId === authorityId) this.#loaded = null;
        throw error;
      }
      return { kind: 'unverified', authorityId, reason: (error as Error).message };
    }
  }
}
