// The practitioner directory: each doctor publishes one public CREATE (asset `hc.practitioner/1`: name, specialty,
// signKey, boxKey; no patient data) so colleagues can share charts with them and history can show names. Entries
// read from a node are verified like everything else: valid signed CREATE, issued and owned by the key it names.
//
// With a hospital authority pinned (docs/AUTHORITY.md) a self-published entry names nobody: the directory is the
// authority's credentials, those valid now only (`registry.practitioners(now)`, status 'valid'), with the licence and
// specialty from the credential. Anyone can post an `hc.practitioner/1` entry called "Dr Ada Okafor" (issue #12); it is
// then never listed, found or named. A pinned authority that cannot be verified gives an empty directory and the
// reason (fail closed). With no authority pinned the directory is exactly the self-published entries, as before.
import { z } from 'zod';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import { signerFor } from '../../src-shared/crypto/keyholder';
import {
  ed25519Output,
  fromBase64Url,
  makeCreate,
  parseFulfillment,
  signTransaction,
  toBase58,
  validateTransaction,
  type CryptoProvider,
  type Transaction,
} from '../../src-shared/ledger';
import type { DirectoryEntry } from './model';
import type { LedgerNodeClient } from '../ledger/node-client';
import type { AuthorityTrust } from '../authority/trust';
import { BASE58_KEY } from '../../src-shared/ledger/patterns';

export const PRACTITIONER_ASSET_TYPE = 'hc.practitioner/1';

export const practitionerDataSchema = z.strictObject({
  type: z.literal(PRACTITIONER_ASSET_TYPE),
  name: z
    .string()
    .trim()
    .min(1, { error: 'Name is required' })
    .max(200, { error: 'Name must be at most 200 characters' }),
  specialty: z.string().trim().max(200, { error: 'Specialty must be at most 200 characters' }),
  signKey: z.string().regex(BASE58_KEY),
  boxKey: z.string().regex(BASE58_KEY),
});

export type PractitionerData = z.infer<typeof practitionerDataSchema>;

/** Where the directory's doctors come from now. */
export type DirectorySource =
  | { kind: 'self-published' }
  | { kind: 'credentials'; authorityId: string; bySignKey: ReadonlyMap<string, DirectoryEntry> }
  | { kind: 'unverified'; authorityId: string; reason: string };

/** A directory search, and why it is empty when the pinned authority cannot be verified. */
export interface DirectoryAnswer {
  entries: DirectoryEntry[];
  /** Null unless the pinned authority cannot be verified. */
  unavailable: string | null;
}

export class PractitionerDirectory {
  private readonly bySignKey = new Map<string, DirectoryEntry>();
  private readonly checked = new Set<string>();
  /** Lookups in flight, so concurrent writes by one doctor (a bulk import) share one search. */
  private readonly finding = new Map<string, Promise<DirectoryEntry | null>>();
  /** Keys the ledger had no entry for, and when: a doctor without one is not searched again on every write. */
  private readonly missingAt = new Map<string, number>();
  /** The last credential directory read, for nameOf (which cannot wait). */
  private credentialed: Extract<DirectorySource, { kind: 'credentials' }> | null = null;

  constructor(
    private readonly client: LedgerNodeClient,
    private readonly crypto: CryptoProvider,
    /** The pinned hospital authority; absent: self-published entries only (tests of the directory alone). */
    private readonly trust?: AuthorityTrust,
  ) {}

  /** The doctors' source now: the pinned authority's valid credentials, or the self-published entries. */
  async source(now = new Date()): Promise<DirectorySource> {
    if (!this.trust?.pinned()) return { kind: 'self-published' };
    const state = await this.trust.state();
    if (state.kind === 'none') return { kind: 'self-published' };
    if (state.kind === 'unverified')
      return { kind: 'unverified', authorityId: state.authorityId, reason: state.reason };
    const bySignKey = new Map<string, DirectoryEntry>();
    for (const p of state.registry.practitioners(now)) {
      if (p.status !== 'valid' || bySignKey.has(p.signKey)) continue;
      bySignKey.set(p.signKey, {
        name: p.name,
        specialty: p.specialty,
        signKey: p.signKey,
        boxKey: p.boxKey,
        txId: p.credentialId,
        licence: p.licence,
      });
    }
    this.credentialed = { kind: 'credentials', authorityId: state.authorityId, bySignKey };
    return this.credentialed;
  }

  /** Builds and signs the directory entry for `holder` (the caller posts it through the outbox). */
  async buildEntry(holder: KeyHolder, profile: { name: string; specialty: string }): Promise<Transaction> {
    const data = practitionerDataSchema.parse({
      type: PRACTITIONER_ASSET_TYPE,
      name: profile.name,
      specialty: profile.specialty,
      signKey: holder.signKey,
      boxKey: holder.boxKey,
    });
    const unsigned = makeCreate(data, null, [ed25519Output(holder.signKey)], [holder.signKey]);
    return signTransaction(unsigned, signerFor(holder), { crypto: this.crypto });
  }

  /** Remembers an entry this app just published (it may still wait in the outbox). */
  remember(entry: DirectoryEntry): void {
    this.bySignKey.set(entry.signKey, entry);
    this.missingAt.delete(entry.signKey);
  }

  /**
   * The doctor with this signKey as the directory names them now: with an authority pinned, only a valid
   * credential's holder; otherwise the key's self-published entry. Null when the key is no such doctor.
   * `trustMissForMs`: see findPublished.
   */
  async find(signKey: string, trustMissForMs = 0): Promise<DirectoryEntry | null> {
    const source = await this.source();
    if (source.kind === 'credentials') return source.bySignKey.get(signKey) ?? null;
    if (source.kind === 'unverified') return null;
    return this.findPublished(signKey, trustMissForMs);
  }

  /**
   * The key's own verified `hc.practitioner/1` entry, from cache or the ledger; null when that key published none.
   * `trustMissForMs`: a "no entry" answer at most this old is believed without asking again (the author's own key
   * on every write of a bulk import); 0 (default) always asks.
   */
  async findPublished(signKey: string, trustMissForMs = 0): Promise<DirectoryEntry | null> {
    const known = this.bySignKey.get(signKey);
    if (known) return known;
    if (!BASE58_KEY.test(signKey)) return null;
    const missing = this.missingAt.get(signKey);
    if (missing !== undefined && Date.now() - missing < trustMissForMs) return null;
    let running = this.finding.get(signKey);
    if (!running) {
      running = (async () => {
        await this.ingest((await this.client.searchAssets(signKey, 0)).value);
        const found = this.bySignKey.get(signKey) ?? null;
        if (!found) this.missingAt.set(signKey, Date.now());
        return found;
      })().finally(() => this.finding.delete(signKey));
      this.finding.set(signKey, running);
    }
    return running;
  }

  /**
   * Name from memory only (no network): for labelling history quickly. With an authority pinned, only a credential
   * names a key (the last directory read; the first call starts that read, so the next view has the names).
   */
  nameOf(signKey: string): string | null {
    const pinned = this.trust?.pinned();
    if (!pinned) return this.bySignKey.get(signKey)?.name ?? null;
    if (this.credentialed?.authorityId !== pinned) {
      void this.source().catch(() => undefined);
      return null;
    }
    return this.credentialed.bySignKey.get(signKey)?.name ?? null;
  }

  /** Every practitioner matching `query` (name, licence, specialty or key); all of them for an empty query. */
  async search(query: string): Promise<DirectoryEntry[]> {
    return (await this.searchWithReason(query)).entries;
  }

  /** As search, and the reason when the pinned authority cannot be verified (the directory is then empty). */
  async searchWithReason(query: string): Promise<DirectoryAnswer> {
    const source = await this.source();
    if (source.kind === 'unverified')
      return {
        entries: [],
        unavailable: `No practitioner is listed: the hospital authority pinned on this computer cannot be verified (${source.reason}).`,
      };
    if (source.kind === 'credentials')
      return { entries: matching([...source.bySignKey.values()], query), unavailable: null };
    return { entries: await this.searchPublished(query), unavailable: null };
  }

  private async searchPublished(query: string): Promise<DirectoryEntry[]> {
    const text = query.trim() || 'practitioner';
    await this.ingest((await this.client.searchAssets(text, 0)).value);
    return matching([...this.bySignKey.values()], query);
  }

  private async ingest(hits: { id: string; data: unknown }[]): Promise<void> {
    for (const hit of hits) {
      if ((hit.data as { type?: unknown } | null)?.type !== PRACTITIONER_ASSET_TYPE || this.checked.has(hit.id))
        continue;
      this.checked.add(hit.id);
      const { value: tx } = await this.client.getTransaction(hit.id);
      const entry = tx ? this.verifyEntry(tx) : null;
      if (entry && !this.bySignKey.has(entry.signKey)) this.bySignKey.set(entry.signKey, entry);
    }
  }

  /** A directory entry only counts when its CREATE verifies and was signed by, and paid to, the key it names. */
  verifyEntry(raw: unknown): DirectoryEntry | null {
    const result = validateTransaction(raw, { getTransaction: () => null, spentBy: () => null }, this.crypto);
    if (!result.ok || result.tx.operation !== 'CREATE') return null;
    const tx = result.tx;
    const data = practitionerDataSchema.safeParse((tx.asset as { data: unknown }).data);
    if (!data.success) return null;
    const fulfillment = fromBase64Url(tx.inputs[0]?.fulfillment ?? '');
    let signer: string | null = null;
    try {
      const parsed = fulfillment ? parseFulfillment(fulfillment) : null;
      signer = parsed?.type === 'ed25519-sha-256' ? toBase58(parsed.publicKey) : null;
    } catch {
      signer = null;
    }
    if (signer !== data.data.signKey) return null;
    const { name, specialty, signKey, boxKey } = data.data;
    return { name, specialty, signKey, boxKey, txId: tx.id };
  }
}

function matching(entries: DirectoryEntry[], query: string): DirectoryEntry[] {
  const needle = query.trim().toLowerCase();
  return entries
    .filter(
      (p) =>
        !needle ||
        `${p.name} ${p.specialty} ${p.licence ?? ''} ${p.signKey} ${p.boxKey}`.toLowerCase().includes(needle),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
}
