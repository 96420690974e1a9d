// The kiosk's path to an envelope v3 chart (docs/UNLINKABLE.md §8). Under v3 the patient's box key is on no ledger
// version, so the card is found by its card tag instead: HKDF of the card identity's box secret, which the issuing
// workstation writes into the version that introduces the card (create, re-issue: `cardTagOf`) and the kiosk
// recomputes from the card and PIN. Then:
//   - the chart is the one in which the tag FIRST appears (lowest block height) and the one the card names (its chart
//     tag), both checked in discovery/kiosk-search.ts: a tag is public once committed, so a copy comes later;
//   - every version is verified and the card's slot opened (version-opener-v3.ts); a tampered chain, a chart the card
//     has no slot in, or a card removed by a re-issue (its successor holds the slot) opens nothing, with the reason;
//   - the head must still be unspent (one `outputs` request for its tweaked owner key): a node holding back the newest
//     versions is caught, after one more read;
//   - with an authority pinned, every opened version's author held a credential at its height (#12), else nothing.
// A card whose tag is on no committed version is `absent`: its chart is envelope v1 (card-chart.ts's path). When that
// v1 chart was moved by `charts upgrade-v3` (§10), its verified tombstone names the v3 copy, which holds the card's
// box key in a slot but no card tag: `openMovedChartV3` reads it by that id, with every check above. One hop only.
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import type { CryptoProvider } from '../../src-shared/ledger';
import type { LedgerNodeClient } from '../ledger/node-client';
import type { ChartAuthorship } from './chart-authorship';
import { chartStateV3 } from './chart-state-v3';
import type { NameOf } from './chart-views';
import { findCardChart } from './discovery/kiosk-search';
import type { DiscoveryClient } from './discovery/tag-search';
import { findGrantsV3, type FoundGrantV3 } from './emergency-grants-v3';
import { ChartServiceError } from './errors';
import type { ChartState } from './model';
import { authoredVersions, headIsCurrent, openChartV3, type V3Chain } from './version-opener-v3';

export type CardChartV3 =
  | { readonly kind: 'absent' }
  | { readonly kind: 'chart'; readonly state: ChartState }
  | { readonly kind: 'refused'; readonly problem: string };

export interface CardChartV3Parts {
  client: DiscoveryClient & Pick<LedgerNodeClient, 'listOutputs'>;
  crypto: CryptoProvider;
  authors: Pick<ChartAuthorship, 'check'>;
  nameOf: NameOf;
  /** The kiosk's clock (ms), for refusing a version dated beyond it + 5 minutes. */
  now?: () => number;
}

const ASK_AT_DESK = 'Please ask at the desk for a new card.';
/** What a chart read by its id answers: there is no `absent` once the id is known. */
type OpenedOrRefused = Exclude<CardChartV3, { kind: 'absent' }>;
const refused = (problem: string): OpenedOrRefused => ({ kind: 'refused', problem });

/**
 * The card tag the issuing workstation gives `buildCreateV3` / `buildVersionV3` (`cardTag`) for the version that
 * introduces a card, computed while it holds the card's identity (before locking it).
 */
export function cardTagOf(card: KeyHolder): string {
  if (!card.cardTag) throw new ChartServiceError('InvalidRequest', 'This card identity cannot give its card tag');
  return card.cardTag();
}

/** The v3 chart of `card` (signed in with its PIN), verified and opened; `chartTag` as the card's code names it. */
export async function openCardChartV3(
  parts: CardChartV3Parts,
  card: KeyHolder,
  chartTag: string | null,
): Promise<CardChartV3> {
  if (!card.cardTag) return { kind: 'absent' };
  const found = await findCardChart(parts.client, parts.crypto, { cardTag: card.cardTag(), chartTag });
  if (found.chartId === null) return found.absent ? { kind: 'absent' } : refused(found.problem);
  return checkedCardChart(parts, card, found.chartId, found, '');
}

/**
 * The v3 copy `chartId` that the card's v1 chart was moved to (its verified head a "moved" tombstone, card-chart.ts
 * `movedChartOf`): the copy carries the card's box key in a slot but no card tag, so it is read by its id, with every
 * check of the card-tag path. A copy that does not open for this card, or fails a check, is refused, never replaced
 * by the old chart.
 */
export async function openMovedChartV3(
  parts: CardChartV3Parts,
  card: KeyHolder,
  chartId: string,
): Promise<OpenedOrRefused> {
  const { value: transactions, nodeUrl } = await parts.client.listTransactions(chartId);
  if (transactions.length === 0)
    return refused(`The record on this card was moved to ${chartId}, which is not on the ledger. ${ASK_AT_DESK}`);
  return checkedCardChart(parts, card, chartId, { transactions, nodeUrl }, ` (moved to ${chartId})`);
}

/** The checks both paths share: verified chain, the card's slot, the head unspent, the authors credentialed. */
async function checkedCardChart(
  parts: CardChartV3Parts,
  card: KeyHolder,
  chartId: string,
  first: { transactions: readonly unknown[]; nodeUrl: string },
  where: string,
): Promise<OpenedOrRefused> {
  const open = (raw: readonly unknown[]) => openChartV3(chartId, raw, card, { crypto: parts.crypto, now: parts.now });
  const current = async (chain: V3Chain) => {
    const head = chain.versions.at(-1);
    return chain.tampered !== null || chain.closedAt !== null || !head || headIsCurrent(parts.client, head);
  };
  let chain = await open(first.transactions);
  let nodeUrl = first.nodeUrl;
  if (!(await current(chain))) {
    // A version may have been committed since the first read; a node that still withholds it is not believed.
    const again = await parts.client.listTransactions(chartId);
    [chain, nodeUrl] = [await open(again.value), again.nodeUrl];
    if (!(await current(chain)))
      return refused(`The ledger did not return the latest version of the record on this card${where}. ${ASK_AT_DESK}`);
  }
  if (chain.tampered)
    return refused(
      `The record this card was issued for${where} could not be verified (${chain.tampered.reason}). ${ASK_AT_DESK}`,
    );
  if (chain.openedFrom === null)
    return refused(`The record on this card${where} cannot be read with it. ${ASK_AT_DESK}`);
  if (chain.closedAt !== null)
    return refused(
      'This card was replaced by a newer card for the same record. Please use the newer card, or ask at the desk.',
    );
  const authorship = await parts.authors.check(authoredVersions(chain));
  if (authorship?.failure)
    return refused(
      `The record this card was issued for${where} was not written by a credentialed practitioner (${authorship.failure.reason}). ${ASK_AT_DESK}`,
    );
  return { kind: 'chart', state: chartStateV3(chain, nodeUrl, card, parts.nameOf, authorship) };
}

/**
 * The kiosk sessions whose card opened a v3 chart (by the card identity's box key), so the session's later reads of
 * that chart take this path again rather than the v1 loader's. Nothing decrypted is kept between reads.
 */
export class CardChartsV3 {
  /** Per card: the chart, and whether it was reached from a moved v1 chart (then read by its id, not the card tag). */
  readonly #sessions = new Map<string, { chartId: string; moved: boolean }>();

  constructor(private readonly parts: CardChartV3Parts) {}

  /** At sign-in: the card's v3 chart, remembered for the session; `absent` when the card has none. */
  async signIn(card: KeyHolder, chartTag: string | null): Promise<CardChartV3> {
    this.#sessions.delete(card.boxKey);
    const found = await openCardChartV3(this.parts, card, chartTag);
    if (found.kind === 'chart') this.#sessions.set(card.boxKey, { chartId: found.state.chartId, moved: false });
    return found;
  }

  /** At sign-in, when the card's v1 chart was moved to the v3 chart `chartId`: that chart, remembered likewise. */
  async signInMoved(card: KeyHolder, chartId: string): Promise<OpenedOrRefused> {
    this.#sessions.delete(card.boxKey);
    const found = await openMovedChartV3(this.parts, card, chartId);
    if (found.kind === 'chart') this.#sessions.set(card.boxKey, { chartId, moved: true });
    return found;
  }

  /** Whether this card's session opened `chartId` as a v3 chart. */
  has(card: Pick<KeyHolder, 'boxKey'>, chartId: string): boolean {
    return this.#sessions.get(card.boxKey)?.chartId === chartId;
  }

  /**
   * Every emergency grant of the session's chart (docs/UNLINKABLE.md §9), found by the grant tags of the versions the
   * card opens; none for a chart this session did not open as v3.
   */
  async grants(card: KeyHolder, chartId: string): Promise<FoundGrantV3[]> {
    if (!this.has(card, chartId)) return [];
    const { value: raw } = await this.parts.client.listTransactions(chartId);
    const chain = await openChartV3(chartId, raw, card, { crypto: this.parts.crypto, now: this.parts.now });
    return findGrantsV3(this.parts.client, chain.versions);
  }

  /** The session's chart read again (every check again: a new version, a replaced card, a rollback). */
  async read(card: KeyHolder, chartId: string): Promise<ChartState> {
    const found = this.#sessions.get(card.boxKey)?.moved
      ? await openMovedChartV3(this.parts, card, chartId)
      : await openCardChartV3(this.parts, card, chartId.slice(0, 32));
    if (found.kind === 'chart' && found.state.chartId === chartId) return found.state;
    throw new ChartServiceError(
      'ChartNotFound',
      found.kind === 'refused' ? found.problem : `The record on this card is no longer on the ledger. ${ASK_AT_DESK}`,
    );
  }

  forget(boxKey?: string): void {
    if (boxKey === undefined) this.#sessions.clear();
    else this.#sessions.delete(boxKey);
  }
}
