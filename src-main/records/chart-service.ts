// The chart service: everything the app does with charts, on the ledger. The app wires one IPC channel to each
// method (one-to-one); every method takes the caller's KeyHolder, so signing and unwrapping happen in the vault.
//
//   const charts = await createChartService({ nodeUrls, outboxDir, cards });
//
// Reading (doctor or patient)
//   list(holder)                         → ChartSummary[]     charts whose current version holder can read
//   get(holder, chartId)                 → ChartView          current chart + every version (all verified; the
//                                                             latest `historyWindow` (50) decrypted, with diffs)
//   history(holder, chartId)             → VersionInfo[]      every version decrypted with its diff, oldest first
//   verify(holder, chartId)              → VerificationReport per version: id, signatures, chain, owner, envelope, link
//   verifyAll(holder)                    → VerificationReport[]
//   exportFhir(holder, chartId)          → FHIR R4 Bundle (Patient, Practitioner, Condition, MedicationStatement,
//                                          Encounter, one Provenance per version naming its transaction)
//   openPatientSession(code, pin)        → { holder, charts }  kiosk sign-in with the access card (read-only holder)
// Writing (custodian only; each call signs one transaction, puts it in the outbox, then posts it)
//   create(holder, chart, { pin })       → CreatedChart (with the patient's access card: shown once, never stored)
//   importFhir(holder, bundle)           → { ...WriteResult, warnings } (no card: issueCard later)
//   update(holder, chartId, chart, { baseSeq? }) → WriteResult  (StaleVersion if the head moved past baseSeq)
//   revoke(holder, chartId, reason?) / restore(holder, chartId) → WriteResult   (the reason is sealed in the version)
//   share(holder, chartId, doctor) / unshare(holder, chartId, boxKey) → WriteResult (unshare: new data key; the
//                                          dropped reader cannot open later versions)
//   transferCustody(holder, chartId, doctor, { keepReading? }) → WriteResult
//   issueCard(holder, chartId, pin)      → PatientCardInfo (new patient identity; the old card stops reading)
// Directory
//   publishPractitioner(holder, { name, specialty }) → Practitioner (once per key; later calls return the entry)
//   searchPractitioners(query) → Practitioner[];  findPractitioner(signKey) → Practitioner | null
// Activity
//   recentActions(holder) → RecentAction[] (this doctor's latest, live from the node's stream + the outbox)
//   outbox() → OutboxItem[];  retryOutbox() → void;  discardRejected(txId) → void
//   onChange(listener) → unsubscribe     'outbox' | 'recent' | 'chart' events, for pushing to the renderer
// Lifecycle
//   forget(boxKey?) drops decrypted data held in memory (call on lock / sign-out);  close() stops timers/sockets.
//
// Errors: ChartServiceError (code: ChartNotFound, NotCustodian, ChartRevoked, ChartNotRevoked, ChartTampered,
// StaleVersion, NotAReader, InvalidChart, InvalidRequest, OutboxBlocked), ChartValidationError (field errors),
// NodeRejectedError (the node's reason verbatim), NodeUnreachableError (reads only: writes go pending instead),
// and the vault's CryptoError subclasses (IdentityLocked, InvalidPin, ...).
import type { Bundle } from '@medplum/fhirtypes';
import { ENVELOPE_TYPE, isEnvelope, isReader, parseEnvelope, type Envelope } from '../../src-shared/crypto/envelope';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import type { CryptoProvider, Transaction } from '../../src-shared/ledger';
import type { Chart, ChartListKey } from '../../src-shared/records/chart';
import { chartToFhir, fhirToChart } from '../../src-shared/records/fhir';
import { payloadOf, type ChartPayload } from '../../src-shared/records/payload';
import type {
  ChartAction, ChartSummary, ChartView, CreatedChart, OutboxItem, PatientCardInfo, Practitioner, RecentAction,
  VerificationReport, VersionInfo, WriteResult,
} from '../../src-shared/records/types';
import { ChartValidationError, parseChart } from '../../src-shared/records/validate';
import { inlineValidator, type AnswerValidator } from '../ledger/answer-validation';
import { NodeUnreachableError } from '../ledger/errors';
import { LedgerNodeClient, type NodeClientOptions } from '../ledger/node-client';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import { Outbox, type OutboxRecord } from '../ledger/outbox';
import { OutboxSender, type OutboxSenderOptions } from '../ledger/outbox-sender';
import { ValidTransactionStream } from '../ledger/stream';
import { VerifiedCache, type CachedChain } from '../ledger/verified-cache';
import { VerifyPool } from '../ledger/verify-pool';
import { ChartLoader, type LoadedChart, type OpenMode } from './chart-loader';
import { chartView, isRevoked, summaryOf, verificationReport, type PendingVersion } from './chart-views';
import { buildCreate, buildVersion } from './chart-writer';
import { ChartServiceError, chartNotFound, notCustodian, tampered } from './errors';
import { PractitionerDirectory } from './practitioners';
import { RecentActions } from './recent-actions';

/** The vault's card API (src-main/vault PatientCards): a card makes a new read-only patient identity. */
export interface CardIssuer {
  create(pin: string): Promise<{ code: string; qrSvg: string; qrDataUrl: string; holder: KeyHolder & { lock?(): void } }>;
  open?(code: string, pin: string): Promise<KeyHolder>;
}

export interface ChartServiceOptions {
  /** Node URLs, or a getter (e.g. over SettingsService) so managed changes apply at once. */
  nodeUrls: readonly string[] | (() => readonly string[]);
  /** Where the outbox keeps signed transactions until committed. */
  outboxDir: string;
  cards: CardIssuer;
  crypto?: CryptoProvider;
  client?: Omit<NodeClientOptions, 'nodeUrls'>;
  sender?: OutboxSenderOptions;
  /** Follow the node's WebSocket stream for live recent actions (default true). */
  liveStream?: boolean;
  /** Parallel chart fetches when listing (default 32: enough to keep the main thread busy while workers verify). */
  listConcurrency?: number;
  /**
   * Verification worker threads (default: one fewer than the cores, at least one, at most 4; 0 = verify on the calling
   * thread) and, in the built app, the worker's entry file (out/main/verify-worker.js).
   */
  verifyWorkers?: number;
  verifyWorkerEntry?: URL;
  /**
   * Where the workstation keeps what its identities have verified (ciphertext only, MAC'd per identity), so a
   * restart does not re-fetch and re-verify every chart. None: everything is fetched and verified every session.
   */
  cacheDir?: string;
  /** How many recent versions get() decrypts for diffs (default 50); history() decrypts all. */
  historyWindow?: number;
}

export interface DoctorRef {
  signKey: string;
  boxKey: string;
  name?: string;
}

export type ChartServiceEvent = 'outbox' | 'recent' | 'chart';

/** Does this look like a chart envelope (seq, chart id, readers) listing `boxKey`? Unverified: for hints only. */
function listsReader(metadata: unknown, boxKey: string): metadata is Pick<Envelope, 'seq' | 'chart'> {
  const m = metadata as { type?: unknown; seq?: unknown; chart?: unknown; readers?: unknown } | null;
  return typeof m === 'object' && m !== null && m.type === ENVELOPE_TYPE && Number.isInteger(m.seq) && (m.seq as number) >= 1
    && (m.chart === undefined || typeof m.chart === 'string') && Array.isArray(m.readers)
    && m.readers.some((r) => (r as { key?: unknown } | null)?.key === boxKey);
}

/** The charts listed, most recently changed first (null: a chart not listed). */
function newestFirst(summaries: readonly (ChartSummary | null)[]): ChartSummary[] {
  return summaries.filter((s): s is ChartSummary => s !== null).sort((a, b) => b.lastAt.localeCompare(a.lastAt));
}

/** A chart whose verified chain in the cache is still its current state on the node. */
interface Current {
  chain: CachedChain;
  nodeUrl: string;
}

interface WriteState {
  head: Transaction;
  seq: number;
  owner: string;
  payload: ChartPayload;
  revoked: boolean;
}

export type ChartService = Awaited<ReturnType<typeof createChartService>>;

const HEX64 = /^[0-9a-f]{64}$/;
const BASE58_KEY = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

export async function createChartService(options: ChartServiceOptions) {
  const crypto = options.crypto ?? nativeLedgerCrypto;
  const client = new LedgerNodeClient({ nodeUrls: options.nodeUrls, ...options.client });
  const outbox = await Outbox.open(options.outboxDir);
  const sender = new OutboxSender(outbox, client, options.sender);
  const validator: AnswerValidator = options.verifyWorkers === 0
    ? inlineValidator(crypto)
    : new VerifyPool({ crypto, ...(options.verifyWorkers ? { size: options.verifyWorkers } : {}), ...(options.verifyWorkerEntry ? { entry: options.verifyWorkerEntry } : {}) });
  const cache = options.cacheDir ? VerifiedCache.open(options.cacheDir) : null;
  const loader = new ChartLoader(client, { crypto, validator, cache });
  const directory = new PractitionerDirectory(client, crypto);
  const stream = new ValidTransactionStream(client);
  const recent = new RecentActions();
  const listeners = new Set<(event: ChartServiceEvent, detail?: string) => void>();
  const chartLocks = new Map<string, Promise<unknown>>();
  const holders = new Map<string, KeyHolder>();

  const emit = (event: ChartServiceEvent, detail?: string) => {
    for (const listener of listeners) listener(event, detail);
  };
  const nameOf = (signKey: string) => directory.nameOf(signKey);

  sender.on('changed', () => emit('outbox'));
  sender.on('committed', (record, nodeUrl) => {
    if (record.kind === 'chart' && record.chartId) {
      loader.markStale(record.chartId);
      recent.committed(record.tx.id, nodeUrl);
      emit('recent');
      emit('chart', record.chartId);
    }
  });
  sender.on('rejected', (record) => {
    recent.rejected(record.tx.id);
    emit('recent');
  });
  stream.on('event', (event) => {
    loader.markStale(event.asset_id);
    void onStreamEvent(event.transaction_id, event.asset_id);
  });
  stream.on('open', () => loader.markAllStale());
  stream.on('close', () => loader.markAllStale());
  sender.start();
  if (options.liveStream ?? true) stream.start();

  /** A committed transaction seen on the stream: if a signed-in doctor wrote it, it is one of their actions. */
  async function onStreamEvent(txId: string, assetId: string): Promise<void> {
    if (holders.size === 0 || recent.has(txId)) {
      if (recent.has(txId)) {
        recent.committed(txId, null);
        emit('recent');
      }
      return;
    }
    try {
      const { value } = await client.getTransaction(txId);
      const metadata = (value as { metadata?: unknown } | null)?.metadata;
      if (!isEnvelope(metadata)) return;
      const holder = holders.get(metadata.author);
      if (!holder) return;
      // Only what verifies is listed: the whole chain is checked before the action is shown.
      const loaded = await loader.load(holder, assetId, 'head');
      const version = loaded.versions.find((v) => v.version.txId === txId);
      if (!version || loaded.tampered) return;
      recent.add(holder.signKey, {
        txId, chartId: assetId, action: version.version.envelope.action, seq: version.version.seq, at: version.version.envelope.at,
        patientName: loaded.versions.at(-1)?.payload?.chart.patient.name ?? null, status: 'committed',
      });
      emit('recent');
    } catch {
      // The stream is a convenience; a failed lookup leaves the list as it was.
    }
  }

  function remember(holder: KeyHolder): void {
    holders.set(holder.signKey, holder);
  }

  function checkChartId(chartId: string): void {
    if (typeof chartId !== 'string' || !HEX64.test(chartId)) throw new ChartServiceError('InvalidRequest', `"${String(chartId)}" is not a chart id`);
  }

  function checkDoctor(doctor: DoctorRef): void {
    if (!doctor || !BASE58_KEY.test(doctor.signKey ?? '') || !BASE58_KEY.test(doctor.boxKey ?? '')) {
      throw new ChartServiceError('InvalidRequest', 'A doctor is named by a base58 signKey and boxKey (from the practitioner directory)');
    }
  }

  async function pendingVersions(holder: KeyHolder, chartId: string, afterSeq: number): Promise<PendingVersion[]> {
    const out: PendingVersion[] = [];
    for (const record of outbox.forChart(chartId)) {
      // Rejected items stay visible (with the node's reason) until the doctor discards them.
      if (record.seq === null || (record.seq <= afterSeq && record.state !== 'rejected')) continue;
      const envelope = parseEnvelope(record.tx.metadata);
      const payload = isReader(envelope, holder.boxKey) ? await loader.open(holder, { txId: record.tx.id, envelope }).catch(() => null) : null;
      out.push({ record, envelope, payload });
    }
    return out;
  }

  /** The chart as last verified from a node; when no node answers, the copy loaded earlier this session. */
  async function loadForWork(holder: KeyHolder, chartId: string, mode: OpenMode): Promise<LoadedChart | null> {
    try {
      return await loader.load(holder, chartId, mode);
    } catch (error) {
      if (!(error instanceof NodeUnreachableError)) throw error;
      const cached = loader.cached(holder.boxKey, chartId);
      if (cached) return cached;
      // What this identity verified in an earlier session still reads (and can be worked on) while no node answers.
      const chain = loader.cachedChain(holder, chartId);
      const nodeUrl = client.currentNodeUrl;
      if (chain && nodeUrl) return loader.openCached(holder, chartId, chain, nodeUrl, mode);
      if (outbox.forChart(chartId).some((r) => r.seq === 1)) return null; // created offline: only the outbox knows it
      throw error;
    }
  }

  async function view(holder: KeyHolder, chartId: string, all = false): Promise<ChartView> {
    checkChartId(chartId);
    remember(holder);
    // One more than the window, so the oldest version in the window has its predecessor to diff against.
    const loaded = await loadForWork(holder, chartId, all ? 'all' : { last: (options.historyWindow ?? 50) + 1 });
    const committedSeq = loaded?.versions.at(-1)?.version.seq ?? 0;
    if (loaded && loaded.versions.length === 0 && !loaded.tampered) throw chartNotFound(chartId);
    const pending = await pendingVersions(holder, chartId, committedSeq);
    if (!loaded && pending.length === 0) throw chartNotFound(chartId);
    const result = chartView(chartId, loaded, pending, holder, nameOf);
    if (!result.tampered && !result.versions.some((v) => v.readable)) {
      throw new ChartServiceError('NotAReader', 'This chart was never shared with you');
    }
    for (const v of result.versions) {
      if (v.author.signKey === holder.signKey && v.status === 'committed') {
        recent.add(holder.signKey, { txId: v.txId, chartId, action: v.action, seq: v.seq, at: v.at, patientName: result.chart?.patient.name ?? null, status: 'committed' });
      }
    }
    return result;
  }

  async function writeState(holder: KeyHolder, chartId: string): Promise<WriteState> {
    const loaded = await loadForWork(holder, chartId, 'head');
    if (loaded?.tampered) throw tampered(loaded.tampered.reason);
    const committed = loaded?.versions.at(-1) ?? null;
    const pending = await pendingVersions(holder, chartId, committed?.version.seq ?? 0);
    const rejected = pending.find((p) => p.record.state === 'rejected');
    if (rejected) {
      throw new ChartServiceError('OutboxBlocked', `Version ${rejected.envelope.seq} of this chart was rejected by the node (${rejected.record.lastError}); discard it from the outbox first`);
    }
    const last = pending.filter((p) => p.record.state === 'pending').at(-1);
    const head = last ? last.record.tx : committed?.version.tx;
    const payload = last ? last.payload : committed?.payload;
    if (!head) throw chartNotFound(chartId);
    const owner = head.outputs[0]?.public_keys[0] ?? '';
    if (owner !== holder.signKey) throw notCustodian(nameOf(owner) ?? owner);
    if (!payload) throw new ChartServiceError('NotAReader', 'The current version of this chart cannot be opened with your key');
    const actions: ChartAction[] = [...(loaded?.versions ?? []).map((v) => v.version.envelope.action), ...pending.map((p) => p.envelope.action)];
    return { head, seq: last ? last.envelope.seq : committed!.version.seq, owner, payload, revoked: isRevoked(actions) };
  }

  /** One write at a time per chart: each version spends the one before it. */
  function exclusive<T>(chartId: string, job: () => Promise<T>): Promise<T> {
    const previous = chartLocks.get(chartId) ?? Promise.resolve();
    const run = previous.then(job, job);
    const settled = run.catch(() => undefined);
    chartLocks.set(chartId, settled);
    void settled.then(() => {
      if (chartLocks.get(chartId) === settled) chartLocks.delete(chartId);
    });
    return run;
  }

  async function submit(holder: KeyHolder, tx: Transaction, envelope: Envelope, chartId: string, payload: ChartPayload, patientName: string) {
    loader.prime(holder.boxKey, tx.id, payload);
    loader.markStale(chartId);
    const record = await outbox.add({
      tx, kind: 'chart', chartId, action: envelope.action, seq: envelope.seq, author: holder.signKey, createdAt: new Date().toISOString(),
    });
    recent.add(holder.signKey, { txId: tx.id, chartId, action: envelope.action, seq: envelope.seq, at: envelope.at, patientName, status: 'pending' });
    emit('outbox');
    emit('recent');
    const outcome = await sender.submit(record);
    emit('chart', chartId);
    return outcome.status;
  }

  async function writeVersion(
    holder: KeyHolder,
    chartId: string,
    action: Exclude<ChartAction, 'create'>,
    next: (state: WriteState) => ChartPayload,
    baseSeq?: number,
    note?: string,
  ): Promise<WriteResult> {
    checkChartId(chartId);
    remember(holder);
    return exclusive(chartId, async () => {
      const state = await writeState(holder, chartId);
      if (baseSeq !== undefined && baseSeq !== state.seq) {
        throw new ChartServiceError('StaleVersion', `The chart changed since version ${baseSeq} (it is at version ${state.seq}); reload it and try again`);
      }
      if (state.revoked && action !== 'restore') throw new ChartServiceError('ChartRevoked', 'This chart is revoked; restore it before changing it');
      if (!state.revoked && action === 'restore') throw new ChartServiceError('ChartNotRevoked', 'This chart is not revoked');
      // A note belongs to the version that states it, never to the ones after it.
      const { note: _previousNote, ...base } = next(state);
      const payload: ChartPayload = note ? { ...base, note } : base;
      const seq = state.seq + 1;
      const { tx, envelope } = await buildVersion(holder, state.head, chartId, action, seq, payload, crypto);
      const status = await submit(holder, tx, envelope, chartId, payload, payload.chart.patient.name);
      return { chartId, txId: tx.id, seq, status };
    });
  }

  async function custodianSelf(holder: KeyHolder): Promise<ChartPayload['custodian']> {
    // The custodian's name is a label in the payload: a recent "not published" answer is good enough.
    const entry = await directory.find(holder.signKey, 30_000).catch(() => null);
    return { signKey: holder.signKey, boxKey: holder.boxKey, name: entry?.name ?? '' };
  }

  async function newCard(pin: string): Promise<{ info: PatientCardInfo; patient: ChartPayload['patient'] & object }> {
    const card = await options.cards.create(pin);
    const patient = { signKey: card.holder.signKey, boxKey: card.holder.boxKey };
    card.holder.lock?.(); // the workstation keeps nothing of the patient's identity
    return {
      info: { code: card.code, qrSvg: card.qrSvg, qrDataUrl: card.qrDataUrl, patientSignKey: patient.signKey, patientBoxKey: patient.boxKey },
      patient,
    };
  }

  async function createFromChart(holder: KeyHolder, chart: Chart, patient: ChartPayload['patient']): Promise<{ chartId: string; status: 'committed' | 'pending' }> {
    const payload = payloadOf(chart, patient, await custodianSelf(holder), []);
    const { tx, envelope } = await buildCreate(holder, payload, crypto);
    const status = await submit(holder, tx, envelope, tx.id, payload, chart.patient.name);
    return { chartId: tx.id, status };
  }

  async function summarise(
    holder: KeyHolder, chartId: string, headHint: string | undefined, current: Current | undefined, cacheChecked: boolean, { offline = false } = {},
  ): Promise<ChartSummary | null> {
    // A chart verified earlier this session is not fetched again while the node's stream is connected and has
    // announced nothing newer for it (and the search still points at the same version): listing stays fast when
    // little changed. Without the stream nothing is reused from memory. A chart whose verified chain is in the
    // cache and whose head the node still lists as unspent is opened from the cache. get() always asks the node.
    const cached = headHint && stream.connected ? loader.cached(holder.boxKey, chartId) : undefined;
    const reusable = cached && !cached.stale && !cached.tampered && cached.versions.at(-1)?.version.txId === headHint && cached.versions.at(-1)?.payload;
    // A chart a node served forged this session is fetched again, so its warning shows here too.
    const fromCache = current && (offline || !loader.servedTampered(holder, chartId)) ? current : undefined;
    const loaded = reusable
      ? cached
      : fromCache
        ? await loader.openCached(holder, chartId, fromCache.chain, fromCache.nodeUrl, 'head')
        : offline
          ? null // written while offline: only the outbox knows it
          : await loader.load(holder, chartId, 'head', { changed: cacheChecked });
    const pending = await pendingVersions(holder, chartId, loaded?.versions.at(-1)?.version.seq ?? 0);
    const waiting = pending.filter((p) => p.record.state === 'pending');
    if (!loaded?.versions.length && !loaded?.tampered && waiting.length === 0) return null;
    const headReadable = waiting.length ? waiting.at(-1)!.payload !== null : loaded?.versions.at(-1)?.readable;
    if (!loaded?.tampered && !headReadable) return null; // unshared from this reader: no longer listed
    return summaryOf(chartView(chartId, loaded ?? null, pending, holder, nameOf, { diffs: false }), holder.signKey);
  }

  /** Charts this doctor created that only the outbox knows so far (written while no node answered). */
  function outboxChartIds(holder: KeyHolder): string[] {
    return outbox.all().filter((r) => r.kind === 'chart' && r.author === holder.signKey && r.chartId).map((r) => r.chartId!);
  }

  /** Charts listing this reader, each with the id of its newest version that does (a hint, not trusted data). */
  async function chartsFor(holder: KeyHolder): Promise<Map<string, string | undefined>> {
    const { value: hits } = await client.searchMetadata(holder.boxKey, 0);
    const heads = new Map<string, { seq: number; txId: string } | undefined>();
    for (const hit of hits) {
      // Text search is fuzzy: only envelopes that really list this reader count. A hint only (the chain is verified
      // in full before anything is shown), so a shape check is enough: a full parse of thousands costs real time.
      if (!listsReader(hit.metadata, holder.boxKey)) continue;
      const id = hit.metadata.seq === 1 ? hit.id : hit.metadata.chart;
      if (!id || !HEX64.test(id)) continue;
      const known = heads.get(id);
      if (!known || known.seq < hit.metadata.seq) heads.set(id, { seq: hit.metadata.seq, txId: hit.id });
    }
    for (const id of outboxChartIds(holder)) if (!heads.has(id)) heads.set(id, undefined);
    return new Map([...heads].map(([id, head]) => [id, head?.txId]));
  }

  /**
   * Which listed charts the verified cache holds up to their current version: the cached head must still be an
   * unspent output on the node (asked once per custodian, not once per chart) and the search hint must be in the
   * cached chain. The rest are fetched and verified as usual.
   */
  async function currentInCache(holder: KeyHolder, charts: readonly (readonly [string, string | undefined])[]): Promise<Map<string, Current>> {
    const current = new Map<string, Current>();
    if (!cache) return current;
    const byOwner = new Map<string, { chartId: string; chain: CachedChain }[]>();
    for (const [chartId, hint] of charts) {
      const chain = loader.cachedChain(holder, chartId);
      if (!chain || (hint && !chain.txs.some((tx) => tx.id === hint))) continue;
      const owner = chain.txs.at(-1)!.outputs[0]?.public_keys[0];
      if (!owner) continue;
      const held = byOwner.get(owner);
      if (held) held.push({ chartId, chain });
      else byOwner.set(owner, [{ chartId, chain }]);
    }
    for (const [owner, held] of byOwner) {
      const { value: outputs, nodeUrl } = await client.listOutputs(owner, false);
      const unspent = new Set(outputs.map((o) => `${o.transaction_id}:${o.output_index}`));
      for (const { chartId, chain } of held) {
        if (unspent.has(`${chain.txs.at(-1)!.id}:0`)) current.set(chartId, { chain, nodeUrl });
      }
    }
    return current;
  }

  async function chartIdsFor(holder: KeyHolder): Promise<string[]> {
    return [...(await chartsFor(holder)).keys()];
  }

  async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
    const results = new Array<R>(items.length);
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index]!);
      }
    }));
    return results;
  }

  const service = {
    client,

    async list(holder: KeyHolder): Promise<ChartSummary[]> {
      remember(holder);
      const charts = [...(await chartsFor(holder))];
      const current = await currentInCache(holder, charts);
      const summaries = await mapLimit(charts, options.listConcurrency ?? 32, async ([id, head]) => {
        try {
          return await summarise(holder, id, head, current.get(id), cache !== null);
        } catch (error) {
          if (error instanceof NodeUnreachableError) throw error;
          return null;
        }
      });
      return newestFirst(summaries);
    },

    /**
     * The charts this identity verified on this workstation, from the verified cache alone (no request), for when no
     * node answers: what was true when last verified, with the work still waiting in the outbox. Empty without a cache.
     */
    async listVerified(holder: KeyHolder): Promise<ChartSummary[]> {
      remember(holder);
      const nodeUrl = client.currentNodeUrl;
      if (!cache || !nodeUrl) return [];
      const ids = new Set([...cache.for(holder).chartIds(), ...outboxChartIds(holder)]);
      const summaries = await mapLimit([...ids], options.listConcurrency ?? 32, async (id) => {
        const chain = loader.cachedChain(holder, id);
        try {
          return await summarise(holder, id, undefined, chain ? { chain, nodeUrl } : undefined, false, { offline: true });
        } catch {
          return null;
        }
      });
      return newestFirst(summaries);
    },

    get: (holder: KeyHolder, chartId: string) => view(holder, chartId),

    async history(holder: KeyHolder, chartId: string): Promise<VersionInfo[]> {
      return (await view(holder, chartId, true)).versions;
    },

    async verify(holder: KeyHolder, chartId: string): Promise<VerificationReport> {
      checkChartId(chartId);
      // The Verify panel re-checks every version against the node now, whatever was verified before.
      const loaded = await loader.load(holder, chartId, 'all', { fresh: true });
      if (loaded.versions.length === 0 && !loaded.tampered) throw chartNotFound(chartId);
      return verificationReport(chartId, loaded);
    },

    async verifyAll(holder: KeyHolder): Promise<VerificationReport[]> {
      const ids = await chartIdsFor(holder);
      return mapLimit(ids, options.listConcurrency ?? 32, async (id) => verificationReport(id, await loader.load(holder, id, 'all', { fresh: true })));
    },

    async create(holder: KeyHolder, chart: unknown, { pin }: { pin: string }): Promise<CreatedChart> {
      remember(holder);
      const valid = parseChart(chart);
      const { info, patient } = await newCard(pin);
      const { chartId, status } = await createFromChart(holder, valid, patient);
      return { chartId, txId: chartId, status, card: info };
    },

    async importFhir(holder: KeyHolder, bundle: unknown): Promise<WriteResult & { warnings: string[] }> {
      remember(holder);
      const result = fhirToChart(bundle);
      if (!result.ok) throw new ChartValidationError(result.errors);
      const { chartId, status } = await createFromChart(holder, result.chart, null);
      return { chartId, txId: chartId, seq: 1, status, warnings: result.warnings };
    },

    async exportFhir(holder: KeyHolder, chartId: string): Promise<Bundle> {
      const v = await view(holder, chartId, true);
      if (v.tampered) throw tampered(v.tampered.reason);
      if (!v.chart) throw new ChartServiceError('NotAReader', 'The current version of this chart cannot be opened with your key');
      const versions = v.versions.filter((x) => x.status === 'committed').map((x) => ({
        seq: x.seq, action: x.action, at: x.at, txId: x.txId, authorSignKey: x.author.signKey, authorName: x.author.name, link: x.link,
      }));
      return chartToFhir({ chartId, chart: v.chart, versions });
    },

    async update(holder: KeyHolder, chartId: string, chart: unknown, opts: { baseSeq?: number } = {}): Promise<WriteResult> {
      const valid = parseChart(chart);
      return writeVersion(holder, chartId, 'update', (s) => ({ ...s.payload, chart: valid }), opts.baseSeq);
    },

    /** Marks one entry as entered in error (nothing is erased: earlier versions keep it as it was). */
    async markEnteredInError(holder: KeyHolder, chartId: string, list: ChartListKey, entryId: string): Promise<WriteResult> {
      return writeVersion(holder, chartId, 'update', (s) => {
        const entries = s.payload.chart[list] as { id: string; status: string }[];
        if (!entries.some((e) => e.id === entryId)) throw new ChartServiceError('InvalidRequest', `No ${list} entry ${entryId} in this chart`);
        const chart = { ...s.payload.chart, [list]: entries.map((e) => (e.id === entryId ? { ...e, status: 'entered-in-error' } : e)) };
        return { ...s.payload, chart: parseChart(chart) };
      });
    },

    async revoke(holder: KeyHolder, chartId: string, reason = ''): Promise<WriteResult> {
      return writeVersion(holder, chartId, 'revoke', (s) => s.payload, undefined, reason.trim() || undefined);
    },

    async restore(holder: KeyHolder, chartId: string): Promise<WriteResult> {
      return writeVersion(holder, chartId, 'restore', (s) => s.payload);
    },

    async share(holder: KeyHolder, chartId: string, doctor: DoctorRef): Promise<WriteResult> {
      checkDoctor(doctor);
      const name = doctor.name ?? (await directory.find(doctor.signKey).catch(() => null))?.name ?? '';
      return writeVersion(holder, chartId, 'share', (s) => {
        if (doctor.boxKey === s.payload.custodian.boxKey || s.payload.doctors.some((d) => d.boxKey === doctor.boxKey)) {
          throw new ChartServiceError('InvalidRequest', 'This doctor can already read the chart');
        }
        return { ...s.payload, doctors: [...s.payload.doctors, { signKey: doctor.signKey, boxKey: doctor.boxKey, name }] };
      });
    },

    async unshare(holder: KeyHolder, chartId: string, boxKey: string): Promise<WriteResult> {
      return writeVersion(holder, chartId, 'unshare', (s) => {
        if (!s.payload.doctors.some((d) => d.boxKey === boxKey)) throw new ChartServiceError('InvalidRequest', 'This key is not among the doctors the chart is shared with');
        // A new version always has a fresh data key, wrapped only to the remaining readers.
        return { ...s.payload, doctors: s.payload.doctors.filter((d) => d.boxKey !== boxKey) };
      });
    },

    async transferCustody(holder: KeyHolder, chartId: string, doctor: DoctorRef, opts: { keepReading?: boolean } = {}): Promise<WriteResult> {
      checkDoctor(doctor);
      if (doctor.signKey === holder.signKey) throw new ChartServiceError('InvalidRequest', 'You already hold this chart');
      const name = doctor.name ?? (await directory.find(doctor.signKey).catch(() => null))?.name ?? '';
      return writeVersion(holder, chartId, 'custody', (s) => {
        const others = s.payload.doctors.filter((d) => d.boxKey !== doctor.boxKey);
        const previous = s.payload.custodian;
        const keep = (opts.keepReading ?? true) ? [{ signKey: previous.signKey, boxKey: previous.boxKey, name: previous.name }] : [];
        return { ...s.payload, custodian: { signKey: doctor.signKey, boxKey: doctor.boxKey, name }, doctors: [...others, ...keep] };
      });
    },

    async issueCard(holder: KeyHolder, chartId: string, pin: string): Promise<PatientCardInfo> {
      const { info, patient } = await newCard(pin);
      await writeVersion(holder, chartId, 'share', (s) => ({ ...s.payload, patient }));
      return info;
    },

    async openPatientSession(code: string, pin: string): Promise<{ holder: KeyHolder; charts: ChartSummary[] }> {
      if (!options.cards.open) throw new ChartServiceError('InvalidRequest', 'Patient cards cannot be opened here');
      const holder = await options.cards.open(code, pin);
      return { holder, charts: await service.list(holder) };
    },

    /** For the vault's PatientCards `recognise` option: does any chart list this identity as a reader? */
    async recognisePatient(holder: KeyHolder): Promise<boolean> {
      const { value: hits } = await client.searchMetadata(holder.boxKey, 0);
      return hits.some((h) => isEnvelope(h.metadata) && isReader(h.metadata, holder.boxKey));
    },

    async publishPractitioner(holder: KeyHolder, profile: { name: string; specialty: string }): Promise<Practitioner> {
      remember(holder);
      const existing = await directory.find(holder.signKey);
      if (existing) return existing;
      const pending = outbox.all().find((r) => r.kind === 'practitioner' && r.author === holder.signKey);
      const tx = pending?.tx ?? (await directory.buildEntry(holder, profile));
      const entry = directory.verifyEntry(tx);
      if (!entry) throw new ChartServiceError('InvalidRequest', 'The practitioner entry did not verify');
      directory.remember(entry);
      const record = pending ?? (await outbox.add({ tx, kind: 'practitioner', chartId: null, action: 'publish', seq: null, author: holder.signKey, createdAt: new Date().toISOString() }));
      const outcome = await sender.submit(record);
      return { ...entry, txId: outcome.status === 'committed' ? tx.id : null };
    },

    searchPractitioners: (query: string) => directory.search(query),
    findPractitioner: (signKey: string) => directory.find(signKey),

    recentActions(holder: KeyHolder): RecentAction[] {
      remember(holder);
      return recent.list(holder.signKey, outbox.all());
    },

    outbox(): OutboxItem[] {
      return outbox.items();
    },

    async retryOutbox(): Promise<void> {
      await sender.flush(true);
    },

    async discardRejected(txId: string): Promise<void> {
      const record = outbox.get(txId);
      if (!record) throw new ChartServiceError('InvalidRequest', `No outbox item ${txId}`);
      if (record.state !== 'rejected') throw new ChartServiceError('InvalidRequest', 'Only items the node rejected can be discarded; pending ones are still being sent');
      await outbox.remove(txId);
      emit('outbox');
    },

    onChange(listener: (event: ChartServiceEvent, detail?: string) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    forget(boxKey?: string): void {
      loader.forget(boxKey);
      for (const [signKey, h] of holders) if (!boxKey || h.boxKey === boxKey) holders.delete(signKey);
      recent.forget(boxKey ? [...holders.keys()] : []);
    },

    /** Drops what this identity verified on this workstation (when the identity is deleted here). */
    async forgetVerified(signKey: string): Promise<void> {
      await cache?.forget(signKey);
    },

    /** Flushes in-flight posts and stops the retry loop and the stream. Pending items stay on disk. */
    async close(): Promise<void> {
      sender.stop();
      stream.stop();
      await sender.idle();
      await outbox.close();
      await validator.close();
      await cache?.idle();
      await cache?.close();
      client.close();
    },

    /** Internal parts for tests and the CLI. */
    internals: { outbox, sender, stream, loader, directory, validator, cache } as const,
  };
  return service;
}

export type { OutboxRecord };
