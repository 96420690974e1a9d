// The clinician's desk for an envelope v3 chart (docs/UNLINKABLE.md §9): the request names the chart only inside a
// box sealed to the emergency key, and its issuer is the doctor's key tweaked by a random scalar, so nothing on the
// ledger ties it to this doctor or chart. The desk therefore remembers the requests it posted (the ledger cannot
// tell it which are its own): their answers are read by request id, a grant's wrap opened with the doctor's box key,
// and the granted version read through `openChartV3` with that wrap in place of a slot, so every check a reader's
// read makes (chain, place, author, output, credential) applies to it too.
import { EnvelopeError } from '../../src-shared/crypto/envelope';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import {
  buildEmergencyRequestV3,
  EmergencyInputError,
  findLaterV3,
  openLaterWrapV3,
  isRequestV3,
  openGrantedBoxV3,
  openGrantWrapV3,
  verifyAnswer,
  verifyGrantV3,
  type GrantWrapV3,
  type PatientQuery,
  type ReasonCode,
} from '../../src-shared/emergency';
import type { EmergencyCase } from '../../src-shared/access/access-history';
import type { EmergencyBanner, EmergencyRequestState } from '../../src-shared/ipc/access';
import type { ChartView } from '../../src-shared/ipc/data';
import type { Transaction } from '../../src-shared/ledger';
import { isV3Metadata } from '../../src-shared/unlinkable/envelope-v3';
import type { ChartParts, EmergencyKeyRef } from './chart-parts';
import { chartStateV3 } from './chart-state-v3';
import type { NameOf } from './chart-views';
import { viewOf } from './contract-views';
import { loadRequestsV3, saveRequestsV3 } from './emergency-requests-v3';
import { ChartServiceError } from './errors';
import { authoredVersions, openChartV3 } from './version-opener-v3';

const SERVICE_NAME = 'Emergency access service';

/** A version a grant opens: the granted one (its wrap) or a later one the service passed on (docs/EMERGENCY.md). */
interface OpenedBy {
  version: string;
  dataKey: Uint8Array;
}

/** A request this desk posted, and its grant's wrap once read (a committed grant never changes). */
interface Posted {
  requester: string;
  /** Null for a request by patient identifiers until its grant names the chart the service matched. */
  chart: string | null;
  reason: ReasonCode;
  at: string;
  grant: { txId: string; wrap: GrantWrapV3; seenAt: string } | null;
}

/** Is `chartId`'s CREATE an envelope v3 version? (Then requests about it go as v3.) */
export function isV3Create(transactions: readonly unknown[], chartId: string): boolean {
  const create = transactions.find((t) => (t as { id?: unknown }).id === chartId) as
    { operation?: unknown; metadata?: unknown } | undefined;
  return create?.operation === 'CREATE' && isV3Metadata(create.metadata);
}

export class EmergencyDeskV3 {
  /**
   * Requests posted from this app, by id. With a cache folder they are also kept there, sealed per identity
   * (emergency-requests-v3.ts), so a restarted desk finds them; their grants are read from the ledger again.
   */
  readonly #posted = new Map<string, Posted>();
  /** Identities (sign keys) whose kept requests were read this run, and why a kept state was refused, if it was. */
  readonly #restored = new Map<string, string | null>();

  constructor(
    private readonly parts: ChartParts,
    private readonly nameOf: NameOf,
  ) {}

  async has(holder: KeyHolder, requestId: string): Promise<boolean> {
    await this.#restore(holder);
    return this.#posted.has(requestId);
  }

  /** Why this identity's kept requests were refused at restart (altered, damaged), or null. */
  async restoreProblem(holder: KeyHolder): Promise<string | null> {
    await this.#restore(holder);
    return this.#restored.get(holder.signKey) ?? null;
  }

  async #restore(holder: KeyHolder): Promise<void> {
    const dir = this.parts.options.cacheDir;
    if (!dir || this.#restored.has(holder.signKey)) return;
    const loaded = await loadRequestsV3(dir, holder);
    this.#restored.set(holder.signKey, loaded.problem);
    for (const r of loaded.requests)
      if (r.requester === holder.signKey && !this.#posted.has(r.id))
        this.#posted.set(r.id, { requester: r.requester, chart: r.chart, reason: r.reason, at: r.at, grant: null });
  }

  async #keep(holder: KeyHolder): Promise<void> {
    const dir = this.parts.options.cacheDir;
    if (!dir) return;
    const mine = [...this.#posted].filter(([, p]) => p.requester === holder.signKey);
    await saveRequestsV3(
      dir,
      holder,
      mine.map(([id, p]) => ({ id, requester: p.requester, chart: p.chart, reason: p.reason, at: p.at })),
    );
  }

  async request(
    holder: KeyHolder,
    input: { target: { chart: string } | { query: PatientQuery } } & {
      reason: ReasonCode;
      note: string;
      authority: string;
      key: EmergencyKeyRef;
    },
  ): Promise<EmergencyRequestState> {
    if (!holder.signTweaked)
      throw new ChartServiceError('InvalidRequest', 'This identity cannot sign an emergency request for this chart.');
    const at = new Date().toISOString();
    const tx = await buildEmergencyRequestV3(
      holder,
      {
        authority: input.authority,
        // The patient's identifiers go in the box sealed to the emergency key, as the chart would: nothing in clear.
        ...input.target,
        reason: input.reason,
        note: input.note,
        service: { signKey: input.key.signKey, boxKey: input.key.boxKey },
        at,
      },
      this.parts.crypto,
    );
    await this.#restore(holder);
    const chart = 'chart' in input.target ? input.target.chart : null;
    this.#posted.set(tx.id, { requester: holder.signKey, chart, reason: input.reason, at, grant: null });
    // Kept before it is posted: a request on the ledger this desk forgot could never be read back.
    await this.#keep(holder);
    await this.parts.client.post(tx, 'commit');
    return this.requestState(holder, tx.id, input.key);
  }

  /** Where a request this desk posted stands; its answer is checked as spending the request's output. */
  async requestState(holder: KeyHolder, requestId: string, key: EmergencyKeyRef): Promise<EmergencyRequestState> {
    await this.#restore(holder);
    const posted = this.#posted.get(requestId);
    if (!posted || posted.requester !== holder.signKey)
      throw new ChartServiceError('InvalidRequest', 'No emergency request of yours has this id.');
    const base = { requestId, chartId: posted.chart, reason: posted.reason, requestedAt: posted.at };
    const { value: txs } = await this.parts.client.listTransactions(requestId);
    const request = txs.find((t) => (t as { id?: unknown }).id === requestId);
    if (!request || !isRequestV3(request)) return { ...base, state: 'waiting', grant: null, refusal: null };
    for (const t of txs) {
      if (t === request) continue;
      const grant = await this.#grantOf(holder, posted, t, request as Transaction);
      if (grant)
        return {
          ...base,
          chartId: grant.wrap.chart,
          state: 'granted',
          grant: {
            grantedBy: { signKey: key.signKey, name: SERVICE_NAME },
            // A v3 grant shows no time on the ledger (it is in the box for the chart's readers): when this desk saw it.
            at: grant.seenAt,
            expiresAt: grant.wrap.expiresAt,
            versionTxId: grant.wrap.version,
          },
          refusal: null,
        };
      const answer = verifyAnswer(t, request as Transaction, this.parts.crypto);
      if (answer.ok && answer.value.kind === 'refusal') {
        const { reason, detail, at } = answer.value.refusal;
        return { ...base, state: 'refused', grant: null, refusal: { reason, detail, at } };
      }
    }
    return { ...base, state: 'waiting', grant: null, refusal: null };
  }

  /** A grant answering the request, its wrap sealed to this doctor and naming the chart and doctor asked about. */
  async #grantOf(holder: KeyHolder, posted: Posted, raw: unknown, request: Transaction) {
    if (posted.grant) return posted.grant;
    const grant = verifyGrantV3(raw, request, this.parts.crypto);
    if (!grant) return null;
    const wrap = await openGrantWrapV3(grant.meta, holder).catch(() => null);
    if (!wrap || wrap.requester !== holder.signKey) return null;
    if (posted.chart !== null && wrap.chart !== posted.chart) return null;
    posted.grant = { txId: grant.tx.id, wrap, seenAt: new Date().toISOString() };
    if (posted.chart === null) {
      // A request by patient identifiers: the chart is the one the service matched, kept for the next run.
      posted.chart = wrap.chart;
      await this.#keep(holder);
    }
    return posted.grant;
  }

  /**
   * The chart as this doctor's running v3 grant opens it (newest request first): the granted version, verified as a
   * reader's read is; null when this desk holds no running grant on the chart.
   */
  async openByGrant(
    holder: KeyHolder,
    chartId: string,
    key: EmergencyKeyRef,
    now: Date,
  ): Promise<(ChartView & { emergency: EmergencyBanner }) | null> {
    const running = await this.stateByGrant(holder, chartId, key, now);
    if (!running) return null;
    const { state, requestId, posted, grant } = running;
    return {
      ...viewOf(state, holder.signKey),
      emergency: {
        grantedBy: { signKey: key.signKey, name: SERVICE_NAME },
        reason: posted.reason,
        grantedAt: grant.seenAt,
        expiresAt: grant.wrap.expiresAt,
        requestId,
      },
    };
  }

  /** The verified chart state a running grant of this desk opens (the granted version and those before it). */
  async stateByGrant(holder: KeyHolder, chartId: string, key: EmergencyKeyRef, now: Date) {
    await this.#restore(holder);
    const mine = [...this.#posted.entries()]
      .filter(([, p]) => p.requester === holder.signKey && p.chart === chartId)
      .reverse();
    for (const [requestId, posted] of mine) {
      if (!posted.grant) await this.requestState(holder, requestId, key);
      const grant = posted.grant;
      if (!grant || Date.parse(grant.wrap.expiresAt) <= now.getTime()) continue;
      const opens = [
        { version: grant.wrap.version, dataKey: grant.wrap.dataKey },
        ...(await laterOf(this.parts, holder, grant, key)),
      ];
      const { value: raw, nodeUrl } = await this.parts.client.listTransactions(chartId);
      const chain = await openChartV3(chartId, raw, holder, {
        crypto: this.parts.crypto,
        now: () => now.getTime(),
        openBox: async (tx) => openWithWrap(tx, grant.wrap, opens),
      });
      if (chain.tampered)
        throw new ChartServiceError('ChartTampered', `The chart failed verification: ${chain.tampered.reason}`);
      if (!chain.versions.some((v) => v.txId === grant.wrap.version))
        throw new ChartServiceError('ChartNotFound', 'The granted version is not in this chart.');
      const authorship = await this.parts.authors.check(authoredVersions(chain));
      if (authorship?.failure)
        throw new ChartServiceError(
          'ChartTampered',
          `The granted version was not written by a credentialed practitioner (${authorship.failure.reason})`,
        );
      const state = chartStateV3(chain, nodeUrl, holder, this.nameOf, authorship);
      return { state, requestId, posted, grant };
    }
    return null;
  }

  /**
   * This doctor's own v3 requests about the chart posted from this desk, as the access history lists them (the
   * chart's readers find the grants by tag; the requester cannot, and knows its own).
   */
  async cases(holder: KeyHolder, chartId: string, key: EmergencyKeyRef): Promise<EmergencyCase[]> {
    await this.#restore(holder);
    const mine = [...this.#posted.entries()].filter(([, p]) => p.requester === holder.signKey && p.chart === chartId);
    return Promise.all(
      mine.map(async ([requestId, posted]) => {
        const state = await this.requestState(holder, requestId, key);
        const answer: EmergencyCase['answer'] = state.grant
          ? {
              kind: 'grant',
              txId: posted.grant!.txId,
              at: state.grant.at,
              expiresAt: state.grant.expiresAt,
              versionTxId: state.grant.versionTxId,
            }
          : null;
        return {
          requestId,
          at: posted.at,
          requester: { signKey: holder.signKey, name: this.nameOf(holder.signKey) },
          reason: posted.reason,
          note: null,
          answer,
        };
      }),
    );
  }
}

/**
 * The later versions the service passed on under the grant (src-shared/emergency/v3-later.ts), found by their tags
 * and kept only when their wrap names this grant, chart and doctor and the grant's own expiry.
 */
async function laterOf(
  parts: ChartParts,
  holder: KeyHolder,
  grant: { txId: string; wrap: GrantWrapV3 },
  key: EmergencyKeyRef,
): Promise<OpenedBy[]> {
  const { found } = await findLaterV3(parts.client, grant.wrap.dataKey, grant.txId, key.signKey, parts.crypto);
  const opens: OpenedBy[] = [];
  for (const { asset } of found) {
    const wrap = await openLaterWrapV3(asset, grant.txId, holder).catch(() => null);
    if (!wrap || wrap.chart !== grant.wrap.chart || wrap.requester !== holder.signKey) continue;
    if (wrap.expiresAt !== grant.wrap.expiresAt) continue;
    opens.push({ version: wrap.version, dataKey: wrap.dataKey });
  }
  return opens;
}

/** A version's box, opened with the data key the grant or a later wrap gave for it; any other is not the grant's. */
function openWithWrap(tx: Transaction, wrap: GrantWrapV3, opens: readonly OpenedBy[]): Uint8Array {
  const by = opens.find((o) => o.version === tx.id);
  if (!by) throw new EnvelopeError('not-a-reader', 'The emergency grant does not cover this version');
  try {
    return openGrantedBoxV3(tx, { ...wrap, version: by.version, dataKey: by.dataKey });
  } catch (error) {
    if (error instanceof EmergencyInputError) throw new EnvelopeError('box', error.message);
    throw error;
  }
}
