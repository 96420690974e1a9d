// The envelope v3 charts under running grants, verified once per exact chain (docs/UNLINKABLE.md §9): the service's
// later-versions pass re-reads each granted chart on every poll (500 ms), and opening it in full — every version's
// signatures, tweaked keys and box — is what that pass costs, for the same answer every time until the chart changes.
// Kept per chart, keyed by a SHA-256 of the node's answer (chain-digest.ts): any change (a new version, a revoke, an altered byte) is
// another key, opened and checked in full, and replaces the entry; a tampered chain is never kept. The grant's expiry
// is the caller's to check on every poll, whatever this holds.
import { chainDigest } from '../records/chain-digest';
import type { V3Chain } from '../records/version-opener-v3';

export type OpenV3 = (chartId: string, raw: readonly unknown[]) => Promise<V3Chain>;

export class VerifiedV3Charts {
  readonly #byChart = new Map<string, { digest: string; chain: V3Chain }>();

  constructor(private readonly open: OpenV3) {}

  /** The chart opened and verified from `raw` (the node's answer for it), or the chain these same bytes gave before. */
  async chain(chartId: string, raw: readonly unknown[]): Promise<V3Chain> {
    const digest = chainDigest([chartId], raw);
    const kept = this.#byChart.get(chartId);
    if (kept?.digest === digest) return kept.chain;
    const chain = await this.open(chartId, raw);
    if (chain.tampered) this.#byChart.delete(chartId);
    else this.#byChart.set(chartId, { digest, chain });
    return chain;
  }

  /** Drops every chart but these (the charts of the grants still running). */
  keepOnly(chartIds: ReadonlySet<string>): void {
    for (const chartId of this.#byChart.keys()) if (!chartIds.has(chartId)) this.#byChart.delete(chartId);
  }

  get size(): number {
    return this.#byChart.size;
  }
}
