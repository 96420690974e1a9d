// The clinician's side of emergency access (issue #13, docs/EMERGENCY.md) and the access history of a chart: posting
// a request signed with the doctor's own key, reading its answer, opening the granted version read-only, and listing
// who can read a chart and how that came about. Everything read from the node is checked here (the request's
// signature and addressee, the answer spending the request's output) before it is shown; nothing is trusted because
// a node said it.
import { decodeCardCode } from '../../src-shared/crypto/card-code';
import { InvalidCardCodeError } from '../../src-shared/crypto/errors';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import {
  buildEmergencyRequest,
  GRANT_TYPE,
  findLaterVersions,
  openNote,
  openVersionWithWrap,
  REQUEST_TYPE,
  verifyAnswer,
  verifyRequest,
  type Answer,
  type PatientQuery,
  type ReasonCode,
  type VerifiedRequest,
} from '../../src-shared/emergency';
import { accessHistory, type AccessVersion, type EmergencyCase } from '../../src-shared/access/access-history';
import type { ChartAccess, EmergencyBanner, EmergencyRequestState } from '../../src-shared/ipc/access';
import type { ChartView, PersonRef } from '../../src-shared/ipc/data';
import { decodePayload } from '../../src-shared/records/payload';
import { HEX64 } from '../../src-shared/ledger/patterns';
import { CHART_ASSET_TYPE } from '../ledger/chain';
import type { CardChartsV3 } from './card-chart-v3';
import type { ChartParts, EmergencyKeyRef } from './chart-parts';
import type { ChartStates } from './chart-states';
import { chartView } from './chart-views';
import { viewOf } from './contract-views';
import { EmergencyDeskV3, isV3Create } from './emergency-desk-v3';
import { ChartServiceError } from './errors';

export const NO_EMERGENCY_SERVICE = 'No emergency access service is configured for this hospital.';
const SERVICE_NAME = 'Emergency access service';

/** The service's current key, and every key a request may have been addressed to (its signKeys, current first). */
type ServiceKey = EmergencyKeyRef & { accepted: readonly string[] };

/** A request about a chart with its checked answer (null while the service has not answered). */
interface Case {
  request: VerifiedRequest;
  answer: Answer | null;
}

export class EmergencyDesk {
  /** Checked requests by id: a committed transaction never changes, so it is read and checked once. */
  readonly #requests = new Map<string, VerifiedRequest>();
  /** Requests about envelope v3 charts (docs/UNLINKABLE.md §9): sealed to the service, read back by this desk only. */
  readonly #v3: EmergencyDeskV3;

  constructor(
    private readonly parts: ChartParts,
    private readonly states: ChartStates,
    /** The kiosk's envelope v3 sessions: their chart's versions come from the card's path (card-chart-v3.ts). */
    private readonly cardCharts: Pick<CardChartsV3, 'has' | 'read' | 'grants'> | null = null,
  ) {
    this.#v3 = new EmergencyDeskV3(parts, states.nameOf);
  }

  /**
   * The emergency key requests go to: the one configured for this service (tests, a hospital's fixed service), else
   * the one the pinned authority published on the ledger. `accepted`: every key a past request may have gone to (the
   * authority's earlier published keys), so the history keeps requests made before the key was replaced.
   */
  async #key(): Promise<ServiceKey | null> {
    const configured = await this.parts.options.emergencyKey?.();
    if (configured) return { ...configured, accepted: [configured.signKey] };
    const trust = await this.parts.authority.state().catch(() => null);
    if (trust?.kind !== 'pinned' || !trust.authority.emergencyKey) return null;
    const { signKey, boxKey } = trust.authority.emergencyKey;
    const earlier = (trust.authority.emergencyKeys ?? []).map((k) => k.signKey).filter((k) => k !== signKey);
    return { signKey, boxKey, accepted: [signKey, ...new Set(earlier)] };
  }

  async #requireKey(): Promise<ServiceKey> {
    const key = await this.#key();
    if (!key) throw new ChartServiceError('InvalidRequest', NO_EMERGENCY_SERVICE);
    return key;
  }

  /** The chart an access card names (version 3 cards carry the chart's tag; the PIN is not needed for that). */
  async chartOfCard(code: string): Promise<string> {
    let tag: string | null;
    try {
      tag = decodeCardCode(code).chartTag;
    } catch (error) {
      if (error instanceof InvalidCardCodeError) throw new ChartServiceError('InvalidRequest', error.message);
      throw error;
    }
    if (!tag)
      throw new ChartServiceError(
        'InvalidRequest',
        'This is an older card that does not name its chart: search the patient by name and date of birth instead.',
      );
    const { value: assets } = await this.parts.client.searchAssets(CHART_ASSET_TYPE, 0);
    const found = assets.filter((a) => a.id.startsWith(tag));
    if (found.length !== 1) throw new ChartServiceError('ChartNotFound', 'No chart on the ledger matches this card.');
    return found[0]!.id;
  }

  /**
   * Posts an emergency request, signed by the doctor's key, for a chart (from the access card) or a patient by name
   * and date of birth (sealed to the service and the officers; the service finds the chart). The reason's text is
   * sealed to the privacy officers and, when the chart is named, its patient and custodian (the readers of the chart
   * that are no other practitioner). A chart whose CREATE is envelope v3 gets a v3 request: chart, requester and
   * reason sealed to the service alone, which passes the reason on in the grant's box to the chart's readers.
   */
  async request(
    holder: KeyHolder,
    input: { target: { chart: string } | { query: PatientQuery }; reason: ReasonCode; note: string },
  ): Promise<EmergencyRequestState> {
    const key = await this.#requireKey();
    if ('chart' in input.target) this.states.checkChartId(input.target.chart);
    const trust = await this.parts.authority.state();
    if (trust.kind !== 'pinned')
      throw new ChartServiceError(
        'InvalidRequest',
        trust.kind === 'none'
          ? 'Emergency access needs a hospital authority: none is pinned on this workstation.'
          : `The hospital authority cannot be verified: ${trust.reason}`,
      );
    const officers = trust.authority.data.officers.map((o) => o.boxKey);
    let noteReaders = officers;
    // With new charts written as v3, a request by patient identifiers goes as v3 too: the service matches it against
    // the v3 charts it opens (chart-index-v3.ts); v1's index keeps serving v1 requests.
    if ('query' in input.target && (this.parts.options.ledgerEnvelope?.() ?? 'v1') === 'v3')
      return this.#v3.request(holder, {
        target: input.target,
        reason: input.reason,
        note: input.note,
        authority: trust.authorityId,
        key,
      });
    if ('chart' in input.target) {
      const chartId = input.target.chart;
      const { value: chartTxs } = await this.parts.client.listTransactions(chartId);
      const head = chartTxs.at(-1) as { metadata?: { readers?: { key?: unknown }[] } } | undefined;
      if (!head) throw new ChartServiceError('ChartNotFound', `No chart ${chartId} is on the ledger.`);
      if (isV3Create(chartTxs, chartId))
        return this.#v3.request(holder, {
          target: { chart: chartId },
          reason: input.reason,
          note: input.note,
          authority: trust.authorityId,
          key,
        });
      noteReaders = [...(await this.#noteReaders(head, chartId)), ...officers];
    }
    const tx = await buildEmergencyRequest(input.target, {
      authority: trust.authorityId,
      requester: holder,
      reason: input.reason,
      note: input.note,
      // The service releases keys; it has no need to read why.
      noteReaders: noteReaders.filter((k) => k !== key.boxKey),
      emergencyKey: key,
      officers,
      crypto: this.parts.crypto,
    });
    await this.parts.client.post(tx, 'commit');
    return this.requestState(holder, tx.id);
  }

  /** Patient and custodian from the head version's readers (any reader who is not another practitioner), officers. */
  async #noteReaders(head: { metadata?: { readers?: { key?: unknown }[] } }, chartId: string): Promise<string[]> {
    const readers = (head.metadata?.readers ?? []).map((r) => r.key).filter((k): k is string => typeof k === 'string');
    if (readers.length === 0) throw new ChartServiceError('ChartTampered', `The chart ${chartId} names no readers.`);
    const directory = await this.parts.directory.search('');
    const practitioners = new Set(directory.map((d) => d.boxKey));
    const custodian = await this.#custodianBoxKey(chartId, directory);
    return [...readers.filter((k) => !practitioners.has(k) || k === custodian), ...(custodian ? [custodian] : [])];
  }

  async #custodianBoxKey(chartId: string, directory: readonly { signKey: string; boxKey: string }[]) {
    const { value } = await this.parts.client.lastTransaction(chartId);
    const owner = (value[0] as { outputs?: { public_keys?: unknown[] }[] } | undefined)?.outputs?.[0]?.public_keys;
    const signKeys = new Set((owner ?? []).filter((k): k is string => typeof k === 'string'));
    return directory.find((d) => signKeys.has(d.signKey))?.boxKey ?? null;
  }

  /**
   * Why the v3 requests this desk kept for the doctor (emergency-requests-v3.ts) were refused at this run's start
   * (an altered or damaged file), or null: the desk then knows none of them, and the doctor asks again.
   */
  async v3RestoreProblem(holder: KeyHolder): Promise<string | null> {
    return this.#v3.restoreProblem(holder);
  }

  /** Where the doctor's request stands: waiting for the service, granted, or refused with the reason. */
  async requestState(holder: KeyHolder, requestId: string): Promise<EmergencyRequestState> {
    const key = await this.#requireKey();
    this.states.checkChartId(requestId);
    if (await this.#v3.has(holder, requestId)) return this.#v3.requestState(holder, requestId, key);
    const found = await this.#case(requestId, key);
    if (!found || found.request.data.requester.signKey !== holder.signKey)
      throw new ChartServiceError('InvalidRequest', 'No emergency request of yours has this id.');
    return stateOf(found, key);
  }

  /** The checked request and its answer, or null when `requestId` is no request addressed to the service. */
  async #case(requestId: string, key: ServiceKey): Promise<Case | null> {
    const { value: txs } = await this.parts.client.listTransactions(requestId);
    let request = this.#requests.get(requestId) ?? null;
    if (!request) {
      const first = txs.find((t) => (t as { id?: unknown }).id === requestId);
      if (!first) return null;
      const checked = key.accepted.map((k) => verifyRequest(first, k, this.parts.crypto)).find((c) => c.ok);
      if (!checked?.ok) return null;
      request = checked.value;
      this.#requests.set(requestId, request);
    }
    let answer: Answer | null = null;
    for (const t of txs) {
      if ((t as { id?: unknown }).id === requestId) continue;
      const checked = verifyAnswer(t, request.tx, this.parts.crypto);
      if (checked.ok) answer = checked.value; // the ledger lets at most one spend the request's output
    }
    return { request, answer };
  }

  /**
   * Every checked request about the chart, oldest first: those naming it (asset search by its id) and those by name
   * and date of birth whose grant names it (metadata search by its id).
   */
  async #cases(chartId: string, key: ServiceKey): Promise<Case[]> {
    const [{ value: assets }, { value: hits }] = await Promise.all([
      this.parts.client.searchAssets(chartId, 0),
      this.parts.client.searchMetadata(chartId, 0),
    ]);
    const named = assets
      .filter((a) => {
        const data = a.data as { type?: unknown; chart?: unknown } | null;
        return data?.type === REQUEST_TYPE && data.chart === chartId;
      })
      .map((a) => a.id);
    const grants = hits.filter((h) => {
      const meta = h.metadata as { type?: unknown; chart?: unknown } | null;
      return meta?.type === GRANT_TYPE && meta.chart === chartId;
    });
    // A grant's request is the transaction its input spends; the grant is checked again as that request's answer.
    const queried = await Promise.all(
      grants.map(async (g) => {
        const { value } = await this.parts.client.getTransaction(g.id);
        const spends = (value as { inputs?: { fulfills?: { transaction_id?: unknown } | null }[] } | null)?.inputs?.[0]
          ?.fulfills?.transaction_id;
        return typeof spends === 'string' && HEX64.test(spends) ? spends : null;
      }),
    );
    const ids = [...new Set([...named, ...queried.filter((id): id is string => id !== null)])];
    const cases = (await Promise.all(ids.map((id) => this.#case(id, key)))).filter((c): c is Case => c !== null);
    return cases
      .filter((c) => chartOf(c) === chartId)
      .sort((a, b) => Date.parse(a.request.at) - Date.parse(b.request.at));
  }

  /** The doctor's running grant on the chart, newest first; null when none. */
  async #runningGrant(holder: KeyHolder, chartId: string, key: ServiceKey, now: Date) {
    const cases = await this.#cases(chartId, key);
    for (const c of cases.reverse()) {
      if (c.request.data.requester.signKey !== holder.signKey || c.answer?.kind !== 'grant') continue;
      if (c.answer.grant.chart === chartId && Date.parse(c.answer.grant.expiresAt) > now.getTime())
        return { request: c.request, grant: c.answer.grant, grantTx: c.answer.tx.id };
    }
    return null;
  }

  /**
   * The versions a grant opens: the granted one, and each one the service wrapped to the requester while the grant
   * ran (`hc.emergency.later/1`, found by an asset search for the grant's id; only those signed by the emergency key
   * and naming this grant count).
   */
  async #covered(grant: { version: string; wrap: string }, grantTx: string, key: ServiceKey) {
    const later = await findLaterVersions(this.parts.client, grantTx, key.signKey, this.parts.crypto);
    return new Map([[grant.version, grant.wrap], ...later.map((l) => [l.version, l.wrap] as const)]);
  }

  /**
   * The chart as a grant lets this doctor read it: every version verified as for any reader, the newest version the
   * grant covers (the granted one, or one saved while it runs) opened with its wrap, read-only, with the banner's facts. NotAReader when no grant is running.
   */
  async openByGrant(
    holder: KeyHolder,
    chartId: string,
    now = new Date(),
  ): Promise<ChartView & { emergency: EmergencyBanner }> {
    const key = await this.#key();
    const v3 = key ? await this.#v3.openByGrant(holder, chartId, key, now) : null;
    if (v3) return v3;
    const running = key ? await this.#runningGrant(holder, chartId, key, now) : null;
    if (!key || !running) throw new ChartServiceError('NotAReader', 'This chart was never shared with you');
    const loaded = await this.parts.loader.load(holder, chartId, 'all');
    const covered = await this.#covered(running.grant, running.grantTx, key);
    const wrapOf = (v: (typeof loaded.versions)[number]) => covered.get(v.version.txId);
    if (!loaded.versions.some((v) => v.version.txId === running.grant.version))
      throw new ChartServiceError('ChartNotFound', 'The granted version is not in this chart.');
    // The newest version the grant covers is the one shown: versions saved while it runs are wrapped to the requester.
    const granted = loaded.versions.filter((v) => wrapOf(v)).reduce((a, b) => (b.version.seq > a.version.seq ? b : a));
    const bytes = await openVersionWithWrap(
      granted.version.envelope,
      wrapOf(granted)!,
      running.grant.expiresAt,
      holder,
      now,
    );
    const payload = decodePayload(bytes);
    const opened = {
      ...loaded,
      versions: loaded.versions.map((v) => (v === granted ? { ...v, payload, readable: true } : v)),
    };
    const state = chartView(chartId, opened, [], holder, this.states.nameOf);
    const seq = granted.version.seq;
    const view =
      seq === state.head.seq && state.chart
        ? viewOf(state, holder.signKey)
        : viewOf(state, holder.signKey, { seq, chart: state.tampered ? null : payload.chart });
    return {
      ...view,
      emergency: {
        grantedBy: { signKey: key.signKey, name: SERVICE_NAME },
        reason: running.request.data.reason,
        grantedAt: running.grant.at,
        expiresAt: running.grant.expiresAt,
        requestId: running.request.tx.id,
      },
    };
  }

  /**
   * Who can read the chart now and its access history, for a viewer who can read it (a reader, the patient, or a
   * doctor holding a running grant). Sealed reasons are opened where this viewer is one of their readers.
   */
  async access(holder: KeyHolder, chartId: string, now = new Date()): Promise<ChartAccess> {
    const key = await this.#key();
    let versions: AccessVersion[];
    let patientBoxKey: string | null = null;
    let patientName: string | null = null;
    let ownV3: EmergencyCase[] = [];
    try {
      const { state } = this.cardCharts?.has(holder, chartId)
        ? { state: await this.cardCharts.read(holder, chartId) }
        : await this.states.open(holder, chartId, { versions: 'all' });
      if (state.tampered)
        throw new ChartServiceError('ChartTampered', `The chart failed verification: ${state.tampered.reason}`);
      versions = state.versions
        .filter((v) => v.status === 'committed' || v.status === 'pending')
        .map((v) => ({ ...v, readers: v.readers }));
      patientBoxKey = state.patient?.boxKey ?? null;
      patientName = state.chart?.patient.name ?? null;
    } catch (error) {
      // A doctor reading by a grant sees the history too; anyone else is refused as before. A v3 chart with no slot
      // for this doctor reads as not found: its grant is this desk's own (emergency-desk-v3.ts).
      const v3 =
        key && error instanceof ChartServiceError && ['NotAReader', 'ChartNotFound'].includes(error.code)
          ? await this.#v3.stateByGrant(holder, chartId, key, now)
          : null;
      if (v3) {
        versions = v3.state.versions.filter((v) => v.status === 'committed');
        patientName = v3.state.chart?.patient.name ?? null;
        ownV3 = await this.#v3.cases(holder, chartId, key!);
      } else {
        if (!(error instanceof ChartServiceError) || error.code !== 'NotAReader') throw error;
        const view = await this.openByGrant(holder, chartId, now);
        const loaded = await this.parts.loader.load(holder, chartId, 'all');
        const state = chartView(chartId, loaded, [], holder, this.states.nameOf, { diffs: false });
        versions = state.versions.filter((v) => v.status === 'committed');
        patientName = view.data?.patient.name ?? null;
      }
    }
    const directory = await this.parts.directory.search('').catch(() => []);
    const byBoxKey = new Map(directory.map((d) => [d.boxKey, { signKey: d.signKey, name: d.name }]));
    // Names from the directory just read (the chart's own labels come from memory and may not be loaded yet).
    const bySignKey = new Map(directory.map((d) => [d.signKey, d.name]));
    const named = (p: PersonRef): PersonRef => ({ signKey: p.signKey, name: bySignKey.get(p.signKey) ?? p.name });
    versions = versions.map((v) => ({ ...v, author: named(v.author), custodian: named(v.custodian) }));
    const trust = await this.parts.authority.state().catch(() => null);
    const recoveryKey = trust?.kind === 'pinned' ? trust.authority.data.recoveryKey : null;
    // Versions written before the emergency key was replaced are wrapped for an earlier one.
    const serviceBoxKeys = new Set(
      trust?.kind === 'pinned' ? (trust.authority.emergencyKeys ?? []).map((k) => k.boxKey) : [],
    );
    const personOf = (boxKey: string) => {
      if (boxKey === recoveryKey) return { signKey: '', name: 'Hospital recovery key', role: 'recovery' as const };
      if ((key && boxKey === key.boxKey) || serviceBoxKeys.has(boxKey))
        return { signKey: key?.signKey ?? '', name: SERVICE_NAME, role: 'emergency-service' as const };
      return byBoxKey.get(boxKey) ?? null;
    };
    const cases = key ? await this.#cases(chartId, key) : [];
    const emergencies: EmergencyCase[] = await Promise.all(
      cases.map(async (c) => ({
        requestId: c.request.tx.id,
        at: c.request.at,
        requester: personRef(c.request.data.requester.signKey, byBoxKey, c.request.data.requester.boxKey),
        reason: c.request.data.reason,
        note: c.request.data.note.readers.some((r) => r.key === holder.boxKey)
          ? await openNote(c.request.data.note, holder).catch(() => null)
          : null,
        answer: answerOf(c.answer),
      })),
    );
    emergencies.push(...ownV3);
    // A v3 chart's grants name it only inside their boxes: found by grant tag, the box says who, why and when.
    const v3Grants = this.cardCharts?.has(holder, chartId) ? await this.cardCharts.grants(holder, chartId) : [];
    for (const g of v3Grants)
      emergencies.push({
        requestId: g.requestTx,
        at: g.grant.at,
        requester: personRef(g.grant.requester.signKey, byBoxKey, g.grant.requester.boxKey),
        reason: g.grant.reason,
        note: g.grant.note,
        answer: {
          kind: 'grant',
          txId: g.grantTx,
          at: g.grant.at,
          expiresAt: g.grant.expiresAt,
          versionTxId: g.grant.version,
        },
      });
    return accessHistory({
      chartId,
      versions,
      emergencies,
      personOf,
      patientBoxKey,
      patientName,
      now,
      emergencyUnavailable: key ? null : NO_EMERGENCY_SERVICE,
    });
  }
}

/** The chart a request concerns: the one it names, or the one its grant names (a request by name); null if neither. */
function chartOf({ request, answer }: Case): string | null {
  return request.data.chart ?? (answer?.kind === 'grant' ? answer.grant.chart : null);
}

function personRef(signKey: string, byBoxKey: Map<string, PersonRef>, boxKey: string): PersonRef {
  const known = byBoxKey.get(boxKey);
  return { signKey, name: known && known.signKey === signKey ? known.name : null };
}

function answerOf(answer: Answer | null): EmergencyCase['answer'] {
  if (!answer) return null;
  if (answer.kind === 'grant')
    return {
      kind: 'grant',
      txId: answer.tx.id,
      at: answer.grant.at,
      expiresAt: answer.grant.expiresAt,
      versionTxId: answer.grant.version,
    };
  return {
    kind: 'refusal',
    txId: answer.tx.id,
    at: answer.refusal.at,
    reason: answer.refusal.reason,
    detail: answer.refusal.detail,
  };
}

function stateOf({ request, answer }: Case, key: ServiceKey): EmergencyRequestState {
  const base = {
    requestId: request.tx.id,
    chartId: chartOf({ request, answer }),
    reason: request.data.reason,
    requestedAt: request.at,
  };
  if (answer?.kind === 'grant')
    return {
      ...base,
      state: 'granted',
      grant: {
        grantedBy: { signKey: key.signKey, name: SERVICE_NAME },
        at: answer.grant.at,
        expiresAt: answer.grant.expiresAt,
        versionTxId: answer.grant.version,
      },
      refusal: null,
    };
  if (answer?.kind === 'refusal')
    return {
      ...base,
      state: 'refused',
      grant: null,
      refusal: { reason: answer.refusal.reason, detail: answer.refusal.detail, at: answer.refusal.at },
    };
  return { ...base, state: 'waiting', grant: null, refusal: null };
}
