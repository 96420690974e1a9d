// The service's index of the envelope v3 charts it can open, for requests by patient identifiers (docs/EMERGENCY.md,
// "Requests by patient identifiers"; docs/UNLINKABLE.md §9). v1's index (chart-index.ts) finds its charts by a
// metadata search for the emergency boxKey; a v3 version names no reader, and the emergency key's slot carries no tag
// it could search for. But the emergency key is a reader of every chart under its authority, so there is nothing to
// single out: the index tries every chart the node lists (`assets?search=hc.chart/1`, the asset documents only) by
// its head, then reads, verifies and keeps those the key opens. After that a known chart is read again only when its
// next version tag (from the head's chart secret, as a reader's catch-up finds its charts' new versions:
// next-versions.ts) is on the ledger; a chart the key did not open then is not tried again (one brought under the
// authority later is found after a service restart; a request naming it by card works meanwhile).
//
// A chart counts only when the author of the first version the key opens (the CREATE, or the version that brought
// the chart under the authority) is a key the authority credentialed (ever), proven by the tweaked signature
// openChartV3 checks: a chart posted by anyone with a made-up patient can neither capture a request nor make it
// "ambiguous". Nothing is written anywhere: names, dates of birth and chart secrets stay in this process's memory.
import type { CredentialRegistryView } from '../../src-shared/authority';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import { wipe } from '../../src-shared/crypto/bytes';
import { matchesQuery, v3DataKey, type PatientIdentity, type PatientQuery } from '../../src-shared/emergency';
import { isV3Metadata, parseV3Metadata } from '../../src-shared/unlinkable/envelope-v3';
import { CHART_ASSET_TYPE } from '../ledger/chain';
import type { Answer } from '../ledger/node-client';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { findNextVersions, type KnownHead } from '../records/discovery/next-versions';
import type { DiscoveryClient } from '../records/discovery/tag-search';
import { openChartV3 } from '../records/version-opener-v3';

export interface ChartIndexV3Ledger extends Pick<DiscoveryClient, 'nodeUrls' | 'searchMetadata' | 'searchAssets'> {
  listTransactions(assetId: string): Promise<Answer<unknown[]>>;
  lastTransaction(assetId: string): Promise<Answer<unknown[]>>;
}

export interface ChartIndexV3Options {
  now?: () => number;
  /**
   * A chart not seen before is first tried by its head alone (one `lastTransaction`, ≤ 8 sealed-box trials): one whose
   * head has no slot for the key is skipped without reading or verifying its chain. Default on; off only to measure.
   */
  headFirst?: boolean;
}

interface Indexed {
  head: KnownHead;
  patient: PatientIdentity;
  /** The emergency key has no slot in the versions after the head (it was removed): nothing more to follow. */
  closed: boolean;
}

const LIST_TAG = /^[0-9a-f]{32}$/;
/** Charts read at once on a refresh (the first one reads every v3 chart on the ledger). */
const PARALLEL = 4;

export class ChartIndexV3 {
  readonly #charts = new Map<string, Indexed>();
  /** Charts read and settled (indexed, or not this key's, or tampered): the asset listing skips them. */
  readonly #seen = new Set<string>();

  readonly #now: () => number;
  readonly #headFirst: boolean;

  constructor(
    private readonly ledger: ChartIndexV3Ledger,
    private readonly key: KeyHolder,
    { now = Date.now, headFirst = true }: ChartIndexV3Options = {},
  ) {
    this.#now = now;
    this.#headFirst = headFirst;
  }

  get size(): number {
    return this.#charts.size;
  }

  /** Reads the charts not seen yet and those whose head has a next version on the ledger. */
  async refresh(registry: CredentialRegistryView): Promise<void> {
    const { value: assets } = await this.ledger.searchAssets(CHART_ASSET_TYPE);
    const fresh = assets
      .filter((a) => {
        const data = a.data as { type?: unknown; chart?: unknown } | null;
        return data?.type === CHART_ASSET_TYPE && typeof data.chart === 'string' && LIST_TAG.test(data.chart);
      })
      .map((a) => a.id)
      .filter((id) => !this.#seen.has(id));
    const heads = [...this.#charts.values()].filter((c) => !c.closed).map((c) => c.head);
    const moved = (await findNextVersions(this.ledger, heads)).map((m) => m.chartId);
    const freshSet = new Set(fresh);
    await inParallel([...new Set([...fresh, ...moved])], async (chartId) => {
      if (freshSet.has(chartId) && this.#headFirst && !(await this.#headOpens(chartId))) return;
      await this.#read(chartId, registry);
    });
  }

  /**
   * Does the chart's head have a slot for the key? Most charts a node lists are not this key's (another authority's,
   * none at all, v1): skipped on their head alone. A head without the slot could not be granted either (a grant
   * wraps the head's data key). Only a skip is decided here: a chart that passes is read and verified in full.
   */
  async #headOpens(chartId: string): Promise<boolean> {
    const { value } = await this.ledger.lastTransaction(chartId);
    const head = value[0] as { metadata?: unknown } | undefined;
    if (!head) return false; // not on this node yet: tried again next time
    let opens = false;
    try {
      if (isV3Metadata(head.metadata)) {
        wipe(await v3DataKey(parseV3Metadata(head.metadata), this.key));
        opens = true;
      }
    } catch {
      // No slot for the key, or a head that is no v3 version: nothing the service could grant.
    }
    if (!opens) this.#seen.add(chartId);
    return opens;
  }

  async #read(chartId: string, registry: CredentialRegistryView): Promise<void> {
    const { value: raw } = await this.ledger.listTransactions(chartId);
    const create = raw.find((t) => (t as { id?: unknown }).id === chartId) as { metadata?: unknown } | undefined;
    if (!create || !isV3Metadata(create.metadata)) {
      this.#seen.add(chartId); // a v1 chart: v1's index serves it
      return;
    }
    const chain = await openChartV3(chartId, raw, this.key, { crypto: nativeLedgerCrypto, now: this.#now });
    const head = chain.versions.at(-1);
    if (chain.tampered || !head) {
      // Not this key's chart, or one that does not verify: left out (a tampered one is also dropped if it was in).
      this.#seen.add(chartId);
      this.#charts.delete(chartId);
      return;
    }
    // Not vouched for (yet): read again next time, its author's credential may come later.
    if (registry.everCredentialed(chain.versions[0]!.inner.author).status !== 'valid') return;
    this.#seen.add(chartId);
    const p = head.inner.payload.chart.patient;
    this.#charts.set(chartId, {
      head: { chartId, seq: head.seq, secret: head.secret },
      patient: { family: p.family, given: p.given, name: p.name, birthDate: p.birthDate },
      closed: chain.closedAt !== null,
    });
  }

  /** The charts whose patient matches (as of the newest version the key opens). */
  match(query: PatientQuery): string[] {
    return [...this.#charts].filter(([, c]) => matchesQuery(c.patient, query)).map(([chart]) => chart);
  }
}

async function inParallel<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, items.length) }, async () => {
      while (next < items.length) await run(items[next++] as T);
    }),
  );
}
