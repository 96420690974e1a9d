// The chart service: everything the app does with charts, on the ledger, as declared interfaces. Reading is a
// ChartReader (chart-reader.ts), writing a ChartWriter (chart-writer.ts); both answer in the IPC contract's types
// where a channel shows the answer. Every method takes the caller's KeyHolder, so signing and unwrapping happen in
// the vault.
//
//   const charts = await createChartService({ nodeUrls, outboxDir, cards });
//
// IPC channel → method (src-main/ipc/handlers):
//   charts.list → list (offline: list({ from: 'verified-cache' }))   charts.get, patient.getChart → get
//   charts.history → history      charts.verify → verify             charts.exportFhir → exportFhir
//   charts.create → create        charts.update → update             charts.revoke / restore → revoke / restore
//   charts.share / unshare → share / unshare                         charts.custody → transferCustody
//   charts.practitioners → searchPractitioners (findPractitioner resolves the doctor a share names)
//   charts.recent → recentActions  charts.outbox → outbox            charts.discardRejected → discardRejected
//   charts.upgradeV3 → upgradeV3 (password checked again)
//   patient.openCard → openPatientSession                            vault.create → publishPractitioner
//   vault.delete → forgetVerified                                      patient.signOut, lock → forget
// No channel: importFhir, markEnteredInError, issueCard, verifyAll, retryOutbox (CLI and tests), recognisePatient
// (the vault's card check), onChange (main pushes the recentActions event), forget / close (lifecycle).
//
// Errors: ChartServiceError (code: ChartNotFound, NotCustodian, ChartRevoked, ChartNotRevoked, ChartTampered,
// UnknownAuthor, StaleVersion, NotAReader, InvalidRequest, OutboxBlocked), ChartValidationError (field errors),
// NodeRejectedError (the node's reason verbatim), NodeUnreachableError (reads only: writes go pending instead),
// and the vault's CryptoError subclasses (IdentityLocked, InvalidPin, ...). src-main/ipc/error-mapping.ts maps each.
import type { Bundle } from '@medplum/fhirtypes';
import { decodeCardCode } from '../../src-shared/crypto/card-code';
import { isEnvelope, isReader } from '../../src-shared/crypto/envelope';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import type { ChartSummary, RecentAction, VerificationReport } from '../../src-shared/ipc/data';
import { chartToFhir, chartToIps } from '../../src-shared/records/fhir';
import { ChartValidationError } from '../../src-shared/records/validate';
import { chartOfCard, movedChartOf } from './card-chart';
import { CardChartsV3 } from './card-chart-v3';
import { searchMetadataTags } from './discovery/tag-search';
import { inProcessFhirValidator } from './fhir-validator-pool';
import { ChartList, mapLimit } from './chart-list';
import {
  closeChartParts,
  DEFAULT_LIST_CONCURRENCY,
  openChartParts,
  type ChartParts,
  type ChartServiceEvent,
  type ChartServiceOptions,
} from './chart-parts';
import { createChartReader, type ChartReader } from './chart-reader';
import { ChartStates } from './chart-states';
import { createChartWriter, type ChartWriter } from './chart-writer';
import { recentOf, summaryOf, verificationOf, viewOf } from './contract-views';
import { ChartServiceError, tampered } from './errors';
import type { DirectoryEntry } from './model';
import type { DirectoryAnswer } from './practitioners';
import { followAuthority } from './authority-feed';
import { followRecentActions } from './recent-feed';
import { EmergencyDesk } from './emergency-desk';
import { ChartUpgrade, type UpgradeOptions, type UpgradeResult } from './upgrade-v3';

export type { EmergencyKeyRef } from './chart-parts';
export { EmergencyDesk, NO_EMERGENCY_SERVICE } from './emergency-desk';
export type { CardIssuer, ChartServiceEvent, ChartServiceOptions } from './chart-parts';
export type { ChartReader } from './chart-reader';
export type { ChartWriter, CreatedChart, DoctorRef, FhirSource, Written } from './chart-writer';
export type { UpgradeOptions, UpgradeResult } from './upgrade-v3';

export interface ChartService extends ChartReader, ChartWriter {
  /** Emergency access (issue #13): the doctor's request and grant, and every viewer's access history. */
  readonly emergency: EmergencyDesk;
  /**
   * The doctor's v1 charts (or the named ones) re-created as envelope v3 charts, each old one closed by a sealed
   * "moved" tombstone (docs/UNLINKABLE.md §10); one result per chart. Needs the verified cache (cacheDir).
   */
  upgradeV3(holder: KeyHolder, options?: UpgradeOptions): Promise<UpgradeResult[]>;
  /** Every chart this viewer can read, each re-checked against the node. */
  verifyAll(holder: KeyHolder): Promise<VerificationReport[]>;
  /**
   * A FHIR R4 `collection` Bundle (Patient, Practitioner, the clinical resources, one Provenance per version), or with
   * `ips` an IPS-shaped `document` Bundle (Composition + sections).
   */
  exportFhir(holder: KeyHolder, chartId: string, options?: { ips?: boolean }): Promise<Bundle>;
  /**
   * Kiosk sign-in with the access card (a read-only holder) and the one chart the card opens (card-chart.ts: the
   * chart the card names, or for older cards the one its key first appeared in; card-chart-v3.ts for an envelope v3
   * chart: the one its card tag first appears in, or the v3 copy a moved v1 chart's tombstone names); none, with the
   * reason, otherwise.
   */
  openPatientSession(
    code: string,
    pin: string,
  ): Promise<{ holder: KeyHolder; charts: ChartSummary[]; problem: string | null }>;
  /** For the vault's PatientCards `recognise` option: does any chart list this identity as a reader? */
  recognisePatient(holder: KeyHolder): Promise<boolean>;
  /** Once per key; later calls return the entry (txId null while it waits in the outbox). */
  publishPractitioner(holder: KeyHolder, profile: { name: string; specialty: string }): Promise<DirectoryEntry>;
  /** The directory (docs/AUTHORITY.md: credentialed practitioners only when an authority is pinned). */
  searchPractitioners(query: string): Promise<DirectoryEntry[]>;
  /** As searchPractitioners, with the reason when the pinned authority cannot be verified (the list is then empty). */
  practitionerDirectory(query: string): Promise<DirectoryAnswer>;
  findPractitioner(signKey: string): Promise<DirectoryEntry | null>;
  /** This doctor's latest actions (live from the node's stream and the outbox), newest first. */
  recentActions(holder: KeyHolder): RecentAction[];
  /** 'outbox' | 'recent' changed, for pushing to the renderer. */
  onChange(listener: (event: ChartServiceEvent) => void): () => void;
  /** The node URL answering now (fail-over may change it); null before any answered. */
  currentNodeUrl(): string | null;
  /** Whether the node's event stream is connected (charts verified this session are then reused while unchanged). */
  streamConnected(): boolean;
  /** Starts the verification workers now, so the first chart opened does not wait for them. */
  warm(): Promise<void>;
  /** Drops decrypted data held in memory for one viewer or all (on lock / sign-out). */
  forget(boxKey?: string): void;
  /** Drops what this identity verified on this workstation (when the identity is deleted here). */
  forgetVerified(signKey: string): Promise<void>;
  /** Resolves when the list checkpoints being written in the background are on the ledger (or given up). */
  checkpointsWritten(): Promise<void>;
  /** Waits for checkpoints being written, flushes in-flight posts, stops the retry loop and the stream. */
  close(): Promise<void>;
}

export async function createChartService(options: ChartServiceOptions): Promise<ChartService> {
  return chartServiceOf(await openChartParts(options));
}

/** The service over parts already opened (test-only modules under test/ open the parts themselves to look inside). */
export function chartServiceOf(parts: ChartParts): ChartService {
  const { options, client, outbox, sender, directory, recent, viewers, events, loader, cache, stream, validator } =
    parts;
  const states = new ChartStates(parts);
  const charts = new ChartList(parts, states);
  const reader = createChartReader(states, charts);
  const writer = createChartWriter(parts, states, (holder) => charts.v3.listNext(holder));
  const cardCharts = new CardChartsV3({ client, crypto: parts.crypto, authors: parts.authors, nameOf: states.nameOf });
  followRecentActions(parts);
  followAuthority(parts);
  sender.start();
  if (options.liveStream ?? true) stream.start();

  const service: ChartService = {
    ...reader,
    ...writer,
    emergency: new EmergencyDesk(parts, states, cardCharts),

    async get(holder, chartId, options) {
      // A kiosk session whose card opened an envelope v3 chart reads it by the card again (card-chart-v3.ts).
      if (!cardCharts.has(holder, chartId)) return reader.get(holder, chartId, options);
      const state = await cardCharts.read(holder, chartId);
      if (options?.seq !== undefined && options.seq !== state.head.seq)
        throw new ChartServiceError('InvalidRequest', 'Only the current version of this record is shown here.');
      return viewOf(state, holder.signKey);
    },

    async importFhir(holder, bundle, source) {
      // Structurally invalid R4 is refused whole, naming each problem; what is valid but has no place in the chart
      // is reported by the importer, field by field.
      const problems = await (options.fhirValidator ?? inProcessFhirValidator).validate(bundle, source?.json);
      if (problems.length) throw new ChartValidationError(problems);
      return writer.importFhir(holder, bundle);
    },

    async upgradeV3(holder, upgradeOptions = {}) {
      viewers.remember(holder);
      const upgrade = new ChartUpgrade(parts, states, holder);
      const named = upgradeOptions.chartIds !== undefined;
      const ids = named ? [...new Set(upgradeOptions.chartIds)] : await charts.chartIds(holder);
      upgrade.takeListFrom(await charts.v3.listNext(holder));
      return upgrade.run(ids, named, upgradeOptions);
    },

    async verifyAll(holder) {
      const ids = await charts.chartIds(holder);
      return mapLimit(ids, options.listConcurrency ?? DEFAULT_LIST_CONCURRENCY, async (id) => {
        const { report, versions } = await states.verify(holder, id);
        return verificationOf(report, versions);
      });
    },

    async exportFhir(holder, chartId, { ips = false } = {}) {
      const { state: v } = await states.open(holder, chartId, { versions: 'all' });
      if (v.tampered) throw tampered(v.tampered.reason);
      // Not the patient's record: a version's author held no credential of the pinned authority (never exported).
      if (v.authorship) throw tampered(v.authorship.reason);
      if (!v.chart)
        throw new ChartServiceError('NotAReader', 'The current version of this chart cannot be opened with your key');
      const versions = v.versions
        .filter((x) => x.status === 'committed')
        .map((x) => ({
          seq: x.seq,
          action: x.action,
          at: x.at,
          txId: x.txId,
          authorSignKey: x.author.signKey,
          authorName: x.author.name,
          link: x.link,
        }));
      return (ips ? chartToIps : chartToFhir)({ chartId, chart: v.chart, versions });
    },

    async openPatientSession(code, pin) {
      if (!options.cards.open) throw new ChartServiceError('InvalidRequest', 'Patient cards cannot be opened here');
      const holder = await options.cards.open(code, pin);
      const { chartTag } = decodeCardCode(code);
      // A card of an envelope v3 chart is found by its card tag; one whose tag is on no version reads as before.
      const v3 = await cardCharts.signIn(holder, chartTag);
      if (v3.kind === 'chart') return { holder, charts: [summaryOf(v3.state, holder.signKey)], problem: null };
      if (v3.kind === 'refused') return { holder, charts: [], problem: v3.problem };
      const found = await chartOfCard(
        client,
        parts.crypto,
        parts.authority,
        holder,
        await reader.list(holder),
        chartTag,
      );
      if (!found.chart) return { holder, charts: [], problem: found.problem };
      // A v1 chart `charts upgrade-v3` moved: the card opens its v3 copy, or nothing (never the closed old chart).
      const moved = await movedChartOf(states, holder, found.chart);
      if (moved.problem !== null) return { holder, charts: [], problem: moved.problem };
      if (moved.movedTo === null) return { holder, charts: [found.chart], problem: null };
      const copy = await cardCharts.signInMoved(holder, moved.movedTo);
      if (copy.kind === 'chart') return { holder, charts: [summaryOf(copy.state, holder.signKey)], problem: null };
      return { holder, charts: [], problem: copy.problem };
    },

    async recognisePatient(holder) {
      // Envelope v3: the card's tag, not its box key, is what a chart carries (docs/UNLINKABLE.md §8).
      const tag = holder.cardTag?.();
      if (tag && (await searchMetadataTags(client, [tag])).has(tag)) return true;
      const { value: hits } = await client.searchMetadata(holder.boxKey, 0);
      return hits.some((h) => isEnvelope(h.metadata) && isReader(h.metadata, holder.boxKey));
    },

    async publishPractitioner(holder, profile) {
      viewers.remember(holder);
      const existing = await directory.findPublished(holder.signKey);
      if (existing) return existing;
      const pending = outbox.all().find((r) => r.kind === 'practitioner' && r.author === holder.signKey);
      const tx = pending?.tx ?? (await directory.buildEntry(holder, profile));
      const entry = directory.verifyEntry(tx);
      if (!entry) throw new ChartServiceError('InvalidRequest', 'The practitioner entry did not verify');
      directory.remember(entry);
      const record =
        pending ??
        (await outbox.add({
          tx,
          kind: 'practitioner',
          chartId: null,
          action: 'publish',
          seq: null,
          author: holder.signKey,
          createdAt: new Date().toISOString(),
        }));
      const outcome = await sender.submit(record);
      return { ...entry, txId: outcome.status === 'committed' ? tx.id : null };
    },

    searchPractitioners: (query) => directory.search(query),
    practitionerDirectory: (query) => directory.searchWithReason(query),
    findPractitioner: (signKey) => directory.find(signKey),

    recentActions(holder) {
      viewers.remember(holder);
      const entries = outbox.items();
      return recent.list(holder.signKey, outbox.all()).map((a) => recentOf(a, entries));
    },

    onChange: (listener) => events.on(listener),
    currentNodeUrl: () => client.currentNodeUrl,
    streamConnected: () => stream.connected,
    warm: async () => validator.warm?.(),

    forget(boxKey) {
      loader.forget(boxKey);
      cardCharts.forget(boxKey);
      charts.v3.forget(boxKey);
      charts.checkpoints.forget(boxKey);
      recent.forget(viewers.forget(boxKey));
    },

    async forgetVerified(signKey) {
      await cache?.forget(signKey);
    },

    checkpointsWritten: () => charts.checkpoints.settled(),

    close: async () => {
      await charts.checkpoints.settled();
      await closeChartParts(parts);
    },
  };
  return service;
}
