// Which chart an access card opens at the kiosk (issue #12). Anyone can post a chart sealed to a patient's box key
// (it is public in the patient's own chart) and date it as they like, so the kiosk never chooses among the charts a
// card can read by anything the author wrote.
//
//   - Version 3 cards name their chart (the chart tag, src-shared/crypto/card-code.ts): the kiosk opens exactly the
//     chart whose id starts with that tag, or nothing.
//   - Older cards (versions 1 and 2) name none. Rule: the card opens the chart in which its key **first appeared on
//     the ledger** (the lowest block height among the transactions listing it as a reader), and only when that chart
//     is fully verified and, with a hospital authority pinned, the author of that transaction held a valid credential
//     at that height. Why this is the card's own chart: the patient keys come from the card, the PIN and the hospital
//     card key, so nobody can seal a chart to them before the workstation published them in the chart the card was
//     issued for; a forgery sealed to them can only come later on the ledger. Equal lowest heights in two charts, or
//     an unverified first chart, open nothing (ask at the desk for a new card), never a guess.
// Block heights are what the node says (docs/AUTHORITY.md, "Block heights are what the node says"); each transaction
// the search names is fetched and its id recomputed, so the node cannot move a version to another chart.
// A chart `charts upgrade-v3` moved (docs/UNLINKABLE.md §10) ends in a "moved" tombstone naming its v3 copy, which
// carries no card tag: `movedChartOf` reads that name from the verified head, for card-chart-v3.ts to follow.
import { isEnvelope, isReader } from '../../src-shared/crypto/envelope';
import { transactionId, type CryptoProvider } from '../../src-shared/ledger';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import type { ChartSummary } from '../../src-shared/ipc/data';
import type { AuthorityTrust } from '../authority/trust';
import type { LedgerNodeClient } from '../ledger/node-client';
import type { ChartStates } from './chart-states';

/** `problem` null with no chart: the card reads no chart at all (a wrong PIN where no recogniser could tell). */
export type CardChart = { chart: ChartSummary; problem: null } | { chart: null; problem: string | null };

const ASK_AT_DESK = 'Please ask at the desk for a new card.';

/** The card's chart among `listed` (the charts the card can read, as the reader verified them). */
export async function chartOfCard(
  client: LedgerNodeClient,
  crypto: CryptoProvider,
  authority: AuthorityTrust,
  holder: KeyHolder,
  listed: ChartSummary[],
  chartTag: string | null,
): Promise<CardChart> {
  if (listed.length === 0) return { chart: null, problem: null };
  if (chartTag !== null) {
    const chart = listed.find((c) => c.chartId.startsWith(chartTag));
    return chart
      ? { chart, problem: null }
      : { chart: null, problem: `The record on this card cannot be read with it. ${ASK_AT_DESK}` };
  }
  return firstChartOf(client, crypto, authority, holder, listed);
}

async function firstChartOf(
  client: LedgerNodeClient,
  crypto: CryptoProvider,
  authority: AuthorityTrust,
  holder: KeyHolder,
  listed: ChartSummary[],
): Promise<CardChart> {
  const { value: hits } = await client.searchMetadata(holder.boxKey, 0);
  const appearances = await Promise.all(
    hits.map(async (hit) => {
      const { value: tx } = await client.getTransaction(hit.id);
      const found = tx as { id?: unknown; operation?: unknown; asset?: { id?: unknown }; metadata?: unknown } | null;
      if (!found || found.id !== hit.id || !hashesTo(found, hit.id, crypto)) return null;
      const envelope = found.metadata;
      if (!isEnvelope(envelope) || !isReader(envelope, holder.boxKey)) return null;
      const chartId = found.operation === 'CREATE' ? hit.id : found.asset?.id;
      if (typeof chartId !== 'string') return null;
      const { value: heights } = await client.blockHeights(hit.id);
      // A transaction in no block is not committed (still in a mempool, or claimed by a node): it does not count.
      return heights.length ? { chartId, author: envelope.author, height: Math.min(...heights) } : null;
    }),
  );
  const placed = appearances.filter((a) => a !== null).sort((a, b) => a.height - b.height);
  const first = placed[0];
  if (!first) return { chart: null, problem: `No record on the ledger lists this card yet. ${ASK_AT_DESK}` };
  if (placed.some((a) => a.height === first.height && a.chartId !== first.chartId))
    return { chart: null, problem: `This card appears in two records at once, so neither is shown. ${ASK_AT_DESK}` };
  const chart = listed.find((c) => c.chartId === first.chartId);
  if (!chart || chart.integrity !== 'verified')
    return {
      chart: null,
      problem: `The record this card was issued for could not be verified${chart?.tamperReason ? ` (${chart.tamperReason})` : ''}. ${ASK_AT_DESK}`,
    };
  const trust = await authority.state();
  if (trust.kind === 'unverified')
    return { chart: null, problem: `The hospital authority cannot be verified (${trust.reason}). ${ASK_AT_DESK}` };
  if (trust.kind === 'pinned' && trust.registry.statusAt(first.author, first.height).status !== 'valid')
    return {
      chart: null,
      problem: `The record this card was issued for was not written by a credentialed practitioner. ${ASK_AT_DESK}`,
    };
  return { chart, problem: null };
}

/** `movedTo` null with no problem: the chart was not moved (shown as it is). */
export type MovedChart = { movedTo: string; problem: null } | { movedTo: null; problem: string | null };

/**
 * Where the card's v1 chart was moved to: the id its head names when that head is a committed `revoke` whose sealed
 * payload has `movedTo`. The head must verify: signed by the chart's custodian (or its quorum) on an intact chain and,
 * with an authority pinned, by a credentialed author; a moved chart that fails either opens nothing (it is closed,
 * so it is never shown as the patient's current record).
 */
export async function movedChartOf(
  states: Pick<ChartStates, 'loadForWork'>,
  holder: KeyHolder,
  chart: ChartSummary,
): Promise<MovedChart> {
  if (chart.status !== 'revoked') return { movedTo: null, problem: null };
  const loaded = await states.loadForWork(holder, chart.chartId, 'head');
  const head = loaded?.versions.at(-1);
  const movedTo = head?.version.envelope.action === 'revoke' ? (head.payload?.movedTo ?? null) : null;
  if (!loaded || !movedTo) return { movedTo: null, problem: null };
  if (loaded.tampered)
    return {
      movedTo: null,
      problem: `The record on this card was moved, but its old record could not be verified (${loaded.tampered.reason}). ${ASK_AT_DESK}`,
    };
  if (loaded.authorship || head?.authorReason)
    return {
      movedTo: null,
      problem: `The record on this card was moved by a practitioner without a valid credential (${loaded.authorship?.reason ?? head?.authorReason}). ${ASK_AT_DESK}`,
    };
  return { movedTo, problem: null };
}

/** Whether a node's answer is the transaction with this id (a malformed answer is not). */
function hashesTo(tx: object, id: string, crypto: CryptoProvider): boolean {
  try {
    return transactionId(tx, crypto) === id;
  } catch {
    return false;
  }
}
