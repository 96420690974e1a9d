// (d) The kiosk (docs/UNLINKABLE.md §8): the version that introduces a patient card carries the card's tag, which
// the kiosk computes from the card's seed. One metadata search finds it; the chart is then read by its asset id.
// A card tag is public once committed, so a copy can only come later on the ledger: the chart is the one in which
// the tag first appears (lowest block height), and it must be the chart the card names (its id starts with the
// card's chart tag, src-shared/crypto/card-code.ts) — else nothing is opened. An older form of the same card (code
// version 1 or 2, no chart tag) has the first appearance alone. Each transaction the search names is
// fetched and its id recomputed, so a node cannot move a version to another chart.
import { transactionId, type CryptoProvider } from '../../../src-shared/ledger';
import { searchMetadataTags, type DiscoveryClient } from './tag-search';

/**
 * `absent`: no committed version carries the card tag (a card whose chart is envelope v1, or not yet committed): the
 * caller may read the card another way; any other problem is a refusal.
 */
export type CardChartFound =
  | { readonly chartId: string; readonly transactions: unknown[]; readonly problem: null; readonly nodeUrl: string }
  | { readonly chartId: null; readonly transactions: null; readonly problem: string; readonly absent: boolean };

const ASK_AT_DESK = 'Please ask at the desk for a new card.';

export async function findCardChart(
  client: DiscoveryClient,
  crypto: CryptoProvider,
  card: { readonly cardTag: string; readonly chartTag: string | null },
): Promise<CardChartFound> {
  const hits = (await searchMetadataTags(client, [card.cardTag])).get(card.cardTag) ?? [];
  const placed = (
    await Promise.all(
      hits.map(async (hit) => {
        const { value } = await client.getTransaction(hit.id);
        const tx = value as { id?: unknown; operation?: unknown; asset?: { id?: unknown } } | null;
        if (!tx || tx.id !== hit.id || !hashesTo(tx, hit.id, crypto)) return null;
        const chartId = tx.operation === 'CREATE' ? hit.id : tx.asset?.id;
        if (typeof chartId !== 'string') return null;
        const { value: heights } = await client.blockHeights(hit.id);
        // Not in a block: not committed, it does not count.
        return heights.length > 0 ? { chartId, height: Math.min(...heights) } : null;
      }),
    )
  )
    .filter((a) => a !== null)
    .sort((a, b) => a.height - b.height);
  const first = placed[0];
  if (!first) return notFound(`No record on the ledger carries this card yet. ${ASK_AT_DESK}`, true);
  if (placed.some((a) => a.height === first.height && a.chartId !== first.chartId))
    return notFound(`This card appears in two records at once, so neither is shown. ${ASK_AT_DESK}`);
  // An older form of the card (no chart tag) has the first appearance alone, as the v1 rule (card-chart.ts).
  if (card.chartTag !== null && !first.chartId.startsWith(card.chartTag.toLowerCase()))
    return notFound(`The record this card first appears in is not the one it names. ${ASK_AT_DESK}`);
  const { value: transactions, nodeUrl } = await client.listTransactions(first.chartId);
  if (transactions.length === 0) return notFound(`The card's record could not be read. ${ASK_AT_DESK}`);
  return { chartId: first.chartId, transactions, problem: null, nodeUrl };
}

const notFound = (problem: string, absent = false): CardChartFound => ({
  chartId: null,
  transactions: null,
  problem,
  absent,
});

function hashesTo(tx: object, id: string, crypto: CryptoProvider): boolean {
  try {
    return transactionId(tx, crypto) === id;
  } catch {
    return false;
  }
}
