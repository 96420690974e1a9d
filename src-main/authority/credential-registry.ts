// Reads a pinned authority and its practitioner credentials from a node and verifies all of it (src-shared/authority
// verify.ts) before answering anything: a credential not issued by the pinned quorum is never returned. Block
// heights come from `GET /api/v1/blocks?transaction_id=` (BigchainDB and the embedded node); a transaction the node
// places in no block is treated as not committed.
import {
  CREDENTIAL_TYPE,
  CredentialRegistryView,
  verifyAuthority,
  verifyCredential,
  withAuthorityActs,
  type Positioned,
  type RegistryProblem,
  type VerifiedAuthority,
  type VerifiedCredential,
} from '../../src-shared/authority';
import type { CryptoProvider } from '../../src-shared/ledger';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import type { AnswerValidator } from '../ledger/answer-validation';
import type { Answer } from '../ledger/node-client';

/** The reads the registry needs (LedgerNodeClient has them). */
export interface AuthorityLedger {
  getTransaction(id: string): Promise<Answer<unknown | null>>;
  listTransactions(assetId: string): Promise<Answer<unknown[]>>;
  searchAssets(text: string, limit?: number): Promise<Answer<{ id: string; data: unknown }[]>>;
  blockHeights(txId: string): Promise<Answer<number[]>>;
}

/** The pinned authority cannot be trusted as read: nothing it would vouch for is usable. */
export class AuthorityUnverifiedError extends Error {
  override name = 'AuthorityUnverified';
  constructor(
    readonly authorityId: string,
    reason: string,
  ) {
    super(`The hospital authority ${authorityId} cannot be verified: ${reason}`);
  }
}

const CONCURRENCY = 8;

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}

export class CredentialRegistry {
  /**
   * `validator`: where each credential's transactions are validated (id, schema, signatures, against the others of
   * its answer), e.g. the chart service's verification workers, so a registry of hundreds of credentials is not
   * validated on the main thread one after the other; without it, here. Every other check runs here either way.
   */
  constructor(
    private readonly ledger: AuthorityLedger,
    readonly authorityId: string,
    private readonly crypto: CryptoProvider = nativeLedgerCrypto,
    private readonly validator?: Pick<AnswerValidator, 'validate'>,
  ) {}

  async #height(txId: string): Promise<number | null> {
    const { value } = await this.ledger.blockHeights(txId);
    return value.length > 0 ? Math.min(...value) : null;
  }

  /** The pinned authority, verified; throws AuthorityUnverifiedError. */
  async authority(): Promise<VerifiedAuthority> {
    const { value: tx } = await this.ledger.getTransaction(this.authorityId);
    if (tx === null) throw new AuthorityUnverifiedError(this.authorityId, 'the node does not have it');
    const height = await this.#height(this.authorityId);
    if (height === null) throw new AuthorityUnverifiedError(this.authorityId, 'the node places it in no block');
    const checked = verifyAuthority(this.authorityId, { tx, height }, this.crypto);
    if (!checked.ok) throw new AuthorityUnverifiedError(this.authorityId, checked.reason);
    return withAuthorityActs(checked.value, await this.#positioned(this.authorityId), this.crypto);
  }

  /** The asset's transactions the node places in a block, with their heights. */
  async #positioned(assetId: string): Promise<Positioned[]> {
    const { value: txs } = await this.ledger.listTransactions(assetId);
    const positioned: Positioned[] = [];
    for (const tx of txs) {
      const txId = (tx as { id?: unknown } | null)?.id;
      if (typeof txId !== 'string' || !/^[0-9a-f]{64}$/.test(txId)) continue; // no transaction id: it cannot be a link of the chain
      const height = await this.#height(txId);
      if (height !== null) positioned.push({ tx, height });
    }
    return positioned;
  }

  /**
   * Everything, read and verified now: the answer to statusAt / practitioners until the next load. `doubt`: a reason
   * not to use a credential that verified (e.g. the node withheld an act seen before): it is then left out and
   * reported, so its holder counts as uncredentialed (fail closed).
   */
  async load(doubt?: (credential: VerifiedCredential) => Promise<string | null>): Promise<CredentialRegistryView> {
    const authority = await this.authority();
    const { value: hits } = await this.ledger.searchAssets(this.authorityId);
    const ids = [
      ...new Set(
        hits
          .filter((h) => {
            const data = h?.data as { type?: unknown; authority?: unknown } | null;
            return typeof h?.id === 'string' && data?.type === CREDENTIAL_TYPE && data.authority === this.authorityId;
          })
          .map((h) => h.id),
      ),
    ];
    const problems: RegistryProblem[] = [];
    const credentials: VerifiedCredential[] = [];
    const read = await mapLimited(ids, CONCURRENCY, async (id) => this.#readCredential(authority, id));
    const doubts = await mapLimited(read, CONCURRENCY, async (r) => (r.ok && doubt ? doubt(r.value) : null));
    read.forEach((r, i) => {
      if (!r.ok) problems.push({ id: r.id, reason: `not a credential of this authority: ${r.reason}` });
      else if (doubts[i]) problems.push({ id: r.value.id, reason: `not used: ${doubts[i]}` });
      else credentials.push(r.value);
    });
    return new CredentialRegistryView(authority, credentials, problems);
  }

  async #readCredential(
    authority: VerifiedAuthority,
    id: string,
  ): Promise<{ ok: true; value: VerifiedCredential } | { ok: false; id: string; reason: string }> {
    const positioned = await this.#positioned(id);
    const txs = positioned.map((p) => p.tx);
    const verdicts = this.validator
      ? await this.validator.validate(
          { json: JSON.stringify(txs), txs },
          txs.map((_, i) => i),
        )
      : undefined;
    const checked = verifyCredential(authority, id, positioned, this.crypto, verdicts);
    return checked.ok ? checked : { ok: false, id, reason: checked.reason };
  }
}
