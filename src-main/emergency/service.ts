// The emergency-access service (docs/EMERGENCY.md): answers every request addressed to the emergency key, once.
// Pending requests are the emergency key's unspent outputs; a grant or refusal spends the request's output, so the
// ledger itself refuses a second answer, and a restarted service finds nothing left to do for an answered request.
import { CredentialRegistry, type AuthorityLedger } from '../authority/credential-registry';
import type { CredentialStatus } from '../../src-shared/authority';
import { isEnvelope, isReader, parseEnvelope, type Envelope } from '../../src-shared/crypto/envelope';
import { signerFor, type KeyHolder } from '../../src-shared/crypto/keyholder';
import { signTransaction, type Transaction, type UnsignedTransaction } from '../../src-shared/ledger';
import {
  issuerOf,
  makeGrant,
  makeRefusal,
  rewrapForRequester,
  verifyAnswer,
  verifyRequest,
  openQuery,
  LATER_TYPE,
  laterVersions,
  makeLaterGrant,
  type Grant,
  type RefusalReason,
  type RequestData,
  isRequestV3,
  makeGrantV3,
  openRequestV3,
  openServiceNoteV3,
  v3DataKey,
  verifyGrantV3,
  type OpenedRequestV3,
  type PatientQuery,
  findLaterV3,
  makeLaterV3,
  openLaterServiceNoteV3,
} from '../../src-shared/emergency';
import { grantTag } from '../../src-shared/unlinkable/rendezvous';
import { parseV3Metadata } from '../../src-shared/unlinkable/envelope-v3';
import { wipe } from '../../src-shared/crypto/bytes';
import { headIsCurrent, openChartV3 } from '../records/version-opener-v3';
import type { CredentialRegistryView } from '../../src-shared/authority';
import { ChartIndex, type ChartIndexLedger } from './chart-index';
import { ChartIndexV3, type ChartIndexV3Ledger } from './chart-index-v3';
import { VerifiedV3Charts } from './verified-charts-v3';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { NodeRejectedError } from '../ledger/errors';
import type { Answer, OutputRef, PostOutcome } from '../ledger/node-client';

export interface EmergencyLedger extends AuthorityLedger, ChartIndexLedger, ChartIndexV3Ledger {
  listOutputs(publicKey: string, options?: { spent?: boolean }): Promise<Answer<OutputRef[]>>;
  lastTransaction(assetId: string): Promise<Answer<unknown[]>>;
  post(tx: { id: string }, mode?: 'commit' | 'sync'): Promise<Answer<PostOutcome>>;
}

export type ServiceEvent =
  | { event: 'grant'; request: string; requester: string; chart: string; version: string; answer: string }
  | {
      event: 'refusal';
      request: string;
      requester: string | null;
      reason: RefusalReason;
      detail: string;
      answer: string;
    }
  | { event: 'already-answered'; request: string }
  | { event: 'later'; request: string; grant: string; chart: string; version: string; answer: string }
  | { event: 'skipped'; request: string; detail: string };

export interface EmergencyServiceOptions {
  ledger: EmergencyLedger;
  authorityId: string;
  key: KeyHolder;
  grantHours?: number;
  maxGrants?: number;
  rateWindowHours?: number;
  log?: (event: ServiceEvent) => void;
  now?: () => Date;
}

const REFUSAL_OF: Record<Exclude<CredentialStatus, 'valid'>, RefusalReason> = {
  unknown: 'no-credential',
  revoked: 'revoked',
  expired: 'expired',
  'not-yet': 'not-yet',
};

interface Answered {
  requester: string;
  nonce: string;
  grantAt: number | null;
  /** A grant's details, to serve later versions while it is valid. */
  grant?: ActiveGrant;
}

interface ActiveGrant {
  request: string;
  tx: string;
  chart: string;
  version: string;
  requester: string;
  requesterBox: string;
  expiresAt: string;
  /** A v3 grant: later versions go as `hc.emergency.later/3` (src-shared/emergency/v3-later.ts). */
  v3?: true;
}

class Refuse extends Error {
  constructor(
    readonly reason: RefusalReason,
    detail: string,
  ) {
    super(detail);
  }
}

export class EmergencyService {
  /** Requests already answered on the ledger (read once each): replay and rate-limit checks use them. */
  readonly #answered = new Map<string, Answered>();
  /** Requests this process could not answer at all (nothing to spend with): not retried every poll. */
  readonly #skipped = new Set<string>();
  readonly #grantMs: number;
  readonly #maxGrants: number;
  readonly #windowMs: number;
  readonly #now: () => Date;
  readonly #log: (event: ServiceEvent) => void;
  readonly #index: ChartIndex;
  /** The v3 charts the emergency key opens, by patient identifiers (a v3 request by `query`). */
  readonly #indexV3: ChartIndexV3;
  /** The running v3 grants' charts, opened and verified once per exact chain (the later-versions pass reads them). */
  readonly #v3Charts: VerifiedV3Charts;

  constructor(private readonly options: EmergencyServiceOptions) {
    this.#index = new ChartIndex(options.ledger, options.key);
    this.#indexV3 = new ChartIndexV3(options.ledger, options.key, { now: () => this.#now().getTime() });
    this.#v3Charts = new VerifiedV3Charts((chartId, raw) =>
      openChartV3(chartId, raw, options.key, { crypto: nativeLedgerCrypto, now: () => this.#now().getTime() }),
    );
    this.#grantMs = (options.grantHours ?? 24) * 3_600_000;
    this.#maxGrants = options.maxGrants ?? 5;
    this.#windowMs = (options.rateWindowHours ?? 24) * 3_600_000;
    this.#now = options.now ?? (() => new Date());
    this.#log = options.log ?? (() => {});
  }

  get signKey(): string {
    return this.options.key.signKey;
  }

  /** One pass: learns newly answered requests, then answers every pending one. Returns how many it answered. */
  async tick(): Promise<number> {
    const { ledger, key } = this.options;
    await this.#learnAnswered();
    const { value: pending } = await ledger.listOutputs(key.signKey, { spent: false });
    const ids = [...new Set(pending.filter((o) => o.output_index === 0).map((o) => o.transaction_id))].filter(
      (id) => !this.#skipped.has(id),
    );
    if (ids.length === 0) return 0;
    const registry = await new CredentialRegistry(ledger, this.options.authorityId, nativeLedgerCrypto).load();
    const ordered: { id: string; raw: unknown; height: number }[] = [];
    for (const id of ids) {
      const { value: raw } = await ledger.getTransaction(id);
      const heights = (await ledger.blockHeights(id)).value;
      if (raw === null || heights.length === 0) continue; // not committed yet: next pass
      ordered.push({ id, raw, height: Math.min(...heights) });
    }
    ordered.sort((a, b) => a.height - b.height || (a.id < b.id ? -1 : 1));
    let answered = 0;
    for (const r of ordered) if (await this.#answer(r.id, r.raw, r.height, registry)) answered++;
    return answered;
  }

  /** Later versions already wrapped for a grant (read from the ledger once per grant, then kept). */
  readonly #servedLater = new Map<string, Set<string>>();

  /**
   * For every grant still valid, each chart version committed after the granted one is wrapped to the requester
   * (`hc.emergency.later/1`), once: what is already on the ledger is read first, so a restart never repeats one.
   * After expiry nothing more is made.
   */
  async serveLaterVersions(): Promise<number> {
    const now = this.#now();
    let made = 0;
    const runningV3 = new Set<string>();
    // One read of a chart per pass, however many grants run on it.
    const reads = new Map<string, Promise<unknown[]>>();
    for (const a of this.#answered.values()) {
      const g = a.grant;
      // The expiry is checked here on every poll, whatever chain the v3 cache holds.
      if (!g || Date.parse(g.expiresAt) <= now.getTime()) continue;
      if (g.v3) runningV3.add(g.chart);
      made += g.v3 ? await this.#serveLaterV3(g, now, reads) : await this.#serveLater(g, now);
    }
    this.#v3Charts.keepOnly(runningV3);
    return made;
  }

  async #serveLater(g: ActiveGrant, now: Date): Promise<number> {
    const { ledger, key } = this.options;
    let served = this.#servedLater.get(g.tx);
    if (!served) {
      const { value: hits } = await ledger.searchAssets(g.tx);
      const raws = [];
      for (const hit of hits) {
        if ((hit?.data as { type?: unknown } | null)?.type !== LATER_TYPE) continue;
        raws.push((await ledger.getTransaction(hit.id)).value);
      }
      served = new Set(laterVersions(raws, g.tx, key.signKey, nativeLedgerCrypto).map((v) => v.version));
      this.#servedLater.set(g.tx, served);
    }
    const { value: txs } = await ledger.listTransactions(g.chart);
    const versions: { id: string; envelope: Envelope }[] = [];
    for (const raw of txs) {
      const tx = raw as { id?: unknown; metadata?: unknown };
      if (typeof tx.id !== 'string' || !isEnvelope(tx.metadata)) continue;
      versions.push({ id: tx.id, envelope: tx.metadata });
    }
    const granted = versions.find((v) => v.id === g.version);
    if (!granted) return 0;
    let made = 0;
    for (const v of versions.sort((a, b) => a.envelope.seq - b.envelope.seq)) {
      if (v.envelope.seq <= granted.envelope.seq || served.has(v.id)) continue;
      if (!isReader(v.envelope, key.boxKey)) continue; // not wrapped for the emergency key: nothing to pass on
      const wrap = await rewrapForRequester(v.envelope, key, g.requesterBox);
      const unsigned = makeLaterGrant(key.signKey, {
        request: g.request,
        grant: g.tx,
        chart: g.chart,
        version: v.id,
        requester: g.requester,
        wrap,
        expiresAt: g.expiresAt,
        at: now.toISOString(),
      });
      const signed = await signTransaction(unsigned, signerFor(key), { crypto: nativeLedgerCrypto });
      await ledger.post(signed, 'commit');
      served.add(v.id);
      made++;
      this.#log({ event: 'later', request: g.request, grant: g.tx, chart: g.chart, version: v.id, answer: signed.id });
    }
    return made;
  }

  /**
   * A v3 grant's later versions: the chart opened with the emergency key's slots (openChartV3, as for the grant), and
   * each version after the granted one passed on once, under the next free later tag of the grant. What was passed on
   * is read from the ledger once per grant (the service notes name the versions), so a restart never repeats one.
   * The chart is read every poll but opened and verified only when its transactions changed (VerifiedV3Charts).
   */
  async #serveLaterV3(g: ActiveGrant, now: Date, reads: Map<string, Promise<unknown[]>>): Promise<number> {
    const { ledger, key } = this.options;
    let read = reads.get(g.chart);
    if (!read) reads.set(g.chart, (read = ledger.listTransactions(g.chart).then((a) => a.value)));
    const raw = await read;
    const chain = await this.#v3Charts.chain(g.chart, raw);
    const granted = chain.versions.find((v) => v.txId === g.version);
    if (!granted) return 0;
    const known = this.#servedLater.get(g.tx);
    if (known && chain.versions.every((v) => v.seq <= granted.seq || known.has(v.txId))) return 0;
    const grantedKey = await v3DataKey(parseV3Metadata(granted.tx.metadata), key);
    let made = 0;
    try {
      let served = this.#servedLater.get(g.tx);
      let next = this.#nextLater.get(g.tx) ?? 0;
      if (!served) {
        const found = await findLaterV3(ledger, grantedKey, g.tx, key.signKey, nativeLedgerCrypto);
        served = new Set<string>();
        for (const { asset } of found.found) {
          const note = await openLaterServiceNoteV3(asset, key).catch(() => null);
          if (note?.grant === g.tx) served.add(note.version);
        }
        next = found.next;
        this.#servedLater.set(g.tx, served);
        this.#nextLater.set(g.tx, next);
      }
      for (const v of chain.versions) {
        if (v.seq <= granted.seq || served.has(v.txId)) continue;
        const dataKey = await v3DataKey(parseV3Metadata(v.tx.metadata), key);
        let unsigned: UnsignedTransaction;
        try {
          unsigned = makeLaterV3({
            serviceSignKey: key.signKey,
            serviceBoxKey: key.boxKey,
            requester: { signKey: g.requester, boxKey: g.requesterBox },
            grantTx: g.tx,
            grantedDataKey: grantedKey,
            j: next,
            chart: g.chart,
            version: v.txId,
            dataKey,
            expiresAt: g.expiresAt,
            at: now.toISOString(),
          });
        } finally {
          wipe(dataKey);
        }
        const signed = await signTransaction(unsigned, signerFor(key), { crypto: nativeLedgerCrypto });
        await ledger.post(signed, 'commit');
        served.add(v.txId);
        this.#nextLater.set(g.tx, ++next);
        made++;
        this.#log({
          event: 'later',
          request: g.request,
          grant: g.tx,
          chart: g.chart,
          version: v.txId,
          answer: signed.id,
        });
      }
    } finally {
      wipe(grantedKey);
    }
    return made;
  }

  /** Per v3 grant: the next free later tag index. */
  readonly #nextLater = new Map<string, number>();

  async #learnAnswered(): Promise<void> {
    const { ledger, key } = this.options;
    const { value: spent } = await ledger.listOutputs(key.signKey, { spent: true });
    for (const ref of spent) {
      if (ref.output_index !== 0 || this.#answered.has(ref.transaction_id)) continue;
      const known = await this.#readAnswer(ref.transaction_id);
      if (known) this.#answered.set(ref.transaction_id, known);
    }
  }

  /** The request and its verified answer as on the ledger; null when either is missing or not verifiable. */
  async #readAnswer(requestId: string): Promise<Answered | null> {
    const { value: txs } = await this.options.ledger.listTransactions(requestId);
    const request = txs.find((t) => (t as { id?: unknown }).id === requestId);
    if (!request) return null;
    if (isRequestV3(request)) return this.#readAnswerV3(request, txs);
    // A forged request is answered too (with a refusal): what matters here is whether an answer exists.
    const checked = verifyRequest(request, this.signKey, nativeLedgerCrypto);
    for (const tx of txs) {
      if (tx === request) continue;
      const answer = verifyAnswer(tx, request as Transaction, nativeLedgerCrypto);
      if (answer.ok) {
        const grant = answer.value.kind === 'grant' ? answer.value.grant : null;
        return {
          requester: checked.ok ? checked.value.data.requester.signKey : (issuerOf(request) ?? ''),
          nonce: checked.ok ? checked.value.data.nonce : '',
          grantAt: grant ? Date.parse(grant.at) : null,
          ...(grant && checked.ok
            ? {
                grant: {
                  request: requestId,
                  tx: answer.value.tx.id,
                  chart: grant.chart,
                  version: grant.version,
                  requester: grant.requester,
                  requesterBox: checked.value.data.requester.boxKey,
                  expiresAt: grant.expiresAt,
                },
              }
            : {}),
        };
      }
    }
    return null;
  }

  /**
   * A v3 request's answer: a refusal reads as v1's; a grant names its requester only inside the box, so the requester
   * and nonce come from the service's own sealed note (else from the request's box, which the service opens too).
   */
  async #readAnswerV3(request: unknown, txs: unknown[]): Promise<Answered | null> {
    const opened = await openRequestV3(request, this.options.key, this.signKey, nativeLedgerCrypto);
    for (const tx of txs) {
      if (tx === request) continue;
      const grant = verifyGrantV3(tx, request as Transaction, nativeLedgerCrypto);
      if (grant) {
        const note = await openServiceNoteV3(grant.meta, this.options.key).catch(() => null);
        const requester = note?.requester ?? (opened.ok ? opened.value.data.requester.signKey : '');
        // A request by patient identifiers names no chart: the service's note of its grant does.
        const chart = (opened.ok ? opened.value.data.chart : undefined) ?? note?.chart;
        return {
          requester,
          nonce: note?.nonce ?? (opened.ok ? opened.value.data.nonce : ''),
          grantAt: note ? Date.parse(note.at) : this.#now().getTime(),
          // Later versions need the granted version and expiry (in the service's note since v3-later) and the
          // requester's box key (in the request's box).
          ...(note?.version && note.expiresAt && chart && opened.ok && opened.value.data.requester.signKey === requester
            ? {
                grant: {
                  request: opened.value.tx.id,
                  tx: grant.tx.id,
                  chart,
                  version: note.version,
                  requester,
                  requesterBox: opened.value.data.requester.boxKey,
                  expiresAt: note.expiresAt,
                  v3: true as const,
                },
              }
            : {}),
        };
      }
      const answer = verifyAnswer(tx, request as Transaction, nativeLedgerCrypto);
      if (answer.ok)
        return {
          requester: opened.ok ? opened.value.data.requester.signKey : (issuerOf(request) ?? ''),
          nonce: opened.ok ? opened.value.data.nonce : '',
          grantAt: null,
        };
    }
    return null;
  }

  async #answer(id: string, raw: unknown, height: number, registry: CredentialRegistryView): Promise<boolean> {
    // Idempotence: an answer already on the ledger (posted by a killed run, or by a twin service) is never repeated.
    const existing = await this.#readAnswer(id);
    if (existing) {
      this.#answered.set(id, existing);
      this.#log({ event: 'already-answered', request: id });
      return false;
    }
    const v3 = isRequestV3(raw) ? await openRequestV3(raw, this.options.key, this.signKey, nativeLedgerCrypto) : null;
    const checked = v3 ?? verifyRequest(raw, this.signKey, nativeLedgerCrypto);
    const now = this.#now();
    let unsigned: UnsignedTransaction;
    let event: ServiceEvent;
    let grantedV3: ActiveGrant | null = null;
    // A v3 refusal goes to the request's issuer (the requester's tweaked key), never to its directory key.
    const requester = checked.ok && !v3 ? checked.value.data.requester.signKey : issuerOf(raw);
    try {
      if (!checked.ok) throw new Refuse('forged', checked.reason);
      const { tx, data } = checked.value;
      if (data.authority !== this.options.authorityId)
        throw new Refuse('wrong-authority', `the request names authority ${data.authority}`);
      const status = registry.statusAt(data.requester.signKey, height);
      if (status.status !== 'valid')
        throw new Refuse(
          REFUSAL_OF[status.status],
          `the requester's credential is ${status.status} at height ${height}`,
        );
      for (const [otherId, a] of this.#answered)
        if (a.requester === data.requester.signKey && a.nonce === data.nonce)
          throw new Refuse('replayed', `the request repeats request ${otherId}`);
      const since = now.getTime() - this.#windowMs;
      const recent = [...this.#answered.values()].filter(
        (a) => a.requester === data.requester.signKey && a.grantAt !== null && a.grantAt > since,
      ).length;
      if (recent >= this.#maxGrants)
        throw new Refuse('rate-limit', `${recent} emergency grants to this clinician within the rate window`);
      if (v3?.ok) {
        const grant = await this.#grantV3(v3.value, now, registry);
        unsigned = grant.unsigned;
        grantedV3 = {
          request: id,
          tx: '',
          ...grant.served,
          requester: data.requester.signKey,
          requesterBox: data.requester.boxKey,
          expiresAt: grant.expiresAt,
          v3: true,
        };
        event = { event: 'grant', request: id, requester: data.requester.signKey, ...grant.served, answer: '' };
      } else {
        const v1 = data as RequestData;
        const chart = await this.#chartOf(v1, registry);
        const version = await this.#currentVersion(chart);
        const wrap = await rewrapForRequester(version.envelope, this.options.key, data.requester.boxKey).catch(
          (error: unknown) => {
            throw new Refuse('no-emergency-wrap', (error as Error).message);
          },
        );
        unsigned = makeGrant(tx, {
          chart,
          version: version.id,
          wrap,
          expiresAt: new Date(now.getTime() + this.#grantMs).toISOString(),
          at: now.toISOString(),
        });
        event = {
          event: 'grant',
          request: id,
          requester: data.requester.signKey,
          chart,
          version: version.id,
          answer: '',
        };
      }
    } catch (error) {
      if (!(error instanceof Refuse)) throw error;
      if (!requester) {
        this.#skipped.add(id);
        this.#log({ event: 'skipped', request: id, detail: `no issuer to answer: ${error.message}` });
        return false;
      }
      try {
        unsigned = makeRefusal(raw as Transaction, requester, error.reason, error.message, now.toISOString());
      } catch (cause) {
        this.#skipped.add(id);
        this.#log({ event: 'skipped', request: id, detail: (cause as Error).message });
        return false;
      }
      event = { event: 'refusal', request: id, requester, reason: error.reason, detail: error.message, answer: '' };
    }
    const signed = await signTransaction(unsigned, signerFor(this.options.key), { crypto: nativeLedgerCrypto });
    try {
      await this.options.ledger.post(signed, 'commit');
    } catch (error) {
      // The node refuses a second spend of the request's output: someone answered it in between.
      if (error instanceof NodeRejectedError) {
        this.#log({ event: 'already-answered', request: id });
        return false;
      }
      throw error;
    }
    event.answer = signed.id;
    const granted = event.event === 'grant' && checked.ok && !v3 ? (unsigned.metadata as unknown as Grant) : null;
    this.#answered.set(id, {
      requester: (checked.ok ? checked.value.data.requester.signKey : requester) ?? '',
      nonce: checked.ok ? checked.value.data.nonce : '',
      grantAt: event.event === 'grant' ? now.getTime() : null,
      ...(granted && checked.ok
        ? {
            grant: {
              request: id,
              tx: signed.id,
              chart: granted.chart,
              version: granted.version,
              requester: granted.requester,
              requesterBox: checked.value.data.requester.boxKey,
              expiresAt: granted.expiresAt,
            },
          }
        : {}),
      ...(grantedV3 && event.event === 'grant' ? { grant: { ...grantedV3, tx: signed.id } } : {}),
    });
    this.#log(event);
    return true;
  }

  /**
   * The grant of a v3 request: the chart's head opened and verified with the emergency key's slot (openChartV3), still
   * the chart's head on the node, its data key wrapped to the requester, and the first grant tag of that version no
   * grant carries yet. Versions saved later are passed on by serveLaterVersions (#serveLaterV3) while it runs.
   */
  async #grantV3(
    request: OpenedRequestV3,
    now: Date,
    registry: CredentialRegistryView,
  ): Promise<{ unsigned: UnsignedTransaction; served: { chart: string; version: string }; expiresAt: string }> {
    const { ledger, key } = this.options;
    const chart = request.data.chart ?? (await this.#chartOfQueryV3(request.data.query!, registry));
    const { value: raw } = await ledger.listTransactions(chart);
    if (raw.length === 0) throw new Refuse('unknown-chart', `the node has no chart ${chart}`);
    const opened = await openChartV3(chart, raw, key, { crypto: nativeLedgerCrypto, now: () => now.getTime() });
    if (opened.tampered) throw new Refuse('unknown-chart', `chart ${chart} does not verify: ${opened.tampered.reason}`);
    const head = opened.versions.at(-1);
    if (!head || opened.closedAt !== null)
      throw new Refuse('no-emergency-wrap', `the head of chart ${chart} has no slot for the emergency key`);
    if (!(await headIsCurrent(ledger, head)))
      throw new Refuse('unknown-chart', `the node's answer for chart ${chart} stops before its head`);
    let k = 0;
    while ((await ledger.searchMetadata(grantTag(head.secret, k))).value.length > 0) k++;
    const dataKey = await v3DataKey(parseV3Metadata(head.tx.metadata), key).catch((error: unknown) => {
      throw new Refuse('no-emergency-wrap', (error as Error).message);
    });
    const expiresAt = new Date(now.getTime() + this.#grantMs).toISOString();
    try {
      const unsigned = makeGrantV3({
        request,
        chart,
        version: head.txId,
        dataKey,
        chartSecret: head.secret,
        k,
        serviceBoxKey: key.boxKey,
        expiresAt,
        at: now.toISOString(),
      });
      return { unsigned, served: { chart, version: head.txId }, expiresAt };
    } finally {
      wipe(dataKey);
    }
  }

  /** The chart the request names, or the one chart its sealed patient query matches in the index. */
  async #chartOf(data: RequestData, registry: CredentialRegistryView): Promise<string> {
    if (data.chart !== undefined) return data.chart;
    const query = await openQuery(data.query!, this.options.key).catch((error: unknown) => {
      throw new Refuse(
        'forged',
        `the patient query does not open with the emergency key (${(error as Error).message})`,
      );
    });
    await this.#index.refresh(registry);
    return onlyMatch(this.#index.match(query));
  }

  /**
   * The one v3 chart a request's patient identifiers match in the v3 index, as v1's query (#chartOf): none is
   * `unknown-chart`, several `ambiguous`. The query was sealed in the request's box, which opened: nothing to refuse
   * as forged here (a box that does not open or parse was refused as forged before).
   */
  async #chartOfQueryV3(query: PatientQuery, registry: CredentialRegistryView): Promise<string> {
    await this.#indexV3.refresh(registry);
    return onlyMatch(this.#indexV3.match(query));
  }

  async #currentVersion(chart: string): Promise<{ id: string; envelope: ReturnType<typeof parseEnvelope> }> {
    const { value } = await this.options.ledger.lastTransaction(chart);
    const last = value[0] as { id?: unknown; metadata?: unknown; asset?: { id?: unknown } } | undefined;
    if (!last || typeof last.id !== 'string' || (last.id !== chart && last.asset?.id !== chart))
      throw new Refuse('unknown-chart', `the node has no chart ${chart}`);
    try {
      return { id: last.id, envelope: parseEnvelope(last.metadata) };
    } catch (error) {
      throw new Refuse('unknown-chart', `${chart} is not a chart (${(error as Error).message})`);
    }
  }

  /** Polls until `signal` aborts; a failed pass (node down) is logged by the caller and retried next time. */
  async run(signal: AbortSignal, pollMs: number, onError: (error: unknown) => void): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.tick();
        await this.serveLaterVersions();
      } catch (error) {
        onError(error);
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}

/** The one chart a patient query matched: none is `unknown-chart`, several `ambiguous` (v1 and v3 indexes alike). */
function onlyMatch(matches: readonly string[]): string {
  if (matches.length === 0)
    throw new Refuse('unknown-chart', 'no chart the emergency service can open matches the patient identifiers');
  if (matches.length > 1)
    throw new Refuse(
      'ambiguous',
      `${matches.length} charts match the patient identifiers: scan the patient's access card instead`,
    );
  return matches[0]!;
}
