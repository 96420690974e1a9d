// Writing charts (custodian only): each write signs one transaction in the caller's KeyHolder, puts it in the outbox,
// then posts it. A write reads the chart once (to spend its head) and answers with the chart as it now is, built from
// that read and the version just written: the caller never reads it again to show the result.
import { chartOwnership, type CustodyPolicy } from '../../src-shared/authority/custody';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import { BASE58_KEY } from '../../src-shared/ledger/patterns';
import { canonicalJson, conditionUriFromDetails, type Transaction } from '../../src-shared/ledger';
import { isV3Metadata } from '../../src-shared/unlinkable/envelope-v3';
import type { Chart, ChartListKey } from '../../src-shared/records/chart';
import { fhirToChart } from '../../src-shared/records/fhir';
import { payloadOf, type ChartPayload } from '../../src-shared/records/payload';
import { ChartValidationError, parseChart } from '../../src-shared/records/validate';
import { custodyPolicySource } from './custody-policy';
import type { SubmitOutcome } from '../ledger/outbox-sender';
import type { OutboxEntry } from '../ledger/outbox-record';
import type { LoadedChart } from './chart-loader';
import type { ChartParts } from './chart-parts';
import type { ChartStates } from './chart-states';
import { isRevoked, type PendingVersion } from './chart-views';
import { ChartServiceError, chartNotFound, notCustodian, tampered, unknownAuthor } from './errors';
import type { ChartAction, PatientCardInfo, WriteResult } from './model';
import { buildCreate, buildVersion, withRecovery } from './version-builder';
import { createV3ChartWriter, type ListNext, type V3WriteState } from './chart-writer-v3';
import { quorumOf } from './v3-outputs';
import { writtenAnswer, type Signed, type Written } from './write-answer';

export type { Written } from './write-answer';

export interface DoctorRef {
  signKey: string;
  boxKey: string;
  name?: string;
}

/**
 * Where an imported bundle came from, when the caller has it: `json` is the exact text `bundle` was parsed from
 * (JSON.parse(json) gives `bundle`). Validation workers are sent this text instead of a structured clone of the
 * object, which cost the bulk import's main thread ~0.5 ms a bundle in a profile of 1,000 imports.
 */
export interface FhirSource {
  json?: string;
}

/** A new chart, with the patient's access card: shown once, never stored. */
export interface CreatedChart extends Written {
  card: PatientCardInfo;
}

export interface ChartWriter {
  create(holder: KeyHolder, chart: unknown, options: { pin: string }): Promise<CreatedChart>;
  /** A FHIR R4 Bundle as a new chart, without a card (issueCard later). */
  importFhir(holder: KeyHolder, bundle: unknown, source?: FhirSource): Promise<WriteResult & { warnings: string[] }>;
  /** StaleVersion if the head moved past `baseSeq`. */
  update(holder: KeyHolder, chartId: string, chart: unknown, options?: { baseSeq?: number }): Promise<Written>;
  /** Marks one entry as entered in error (nothing is erased: earlier versions keep it as it was). */
  markEnteredInError(holder: KeyHolder, chartId: string, list: ChartListKey, entryId: string): Promise<Written>;
  /** The reason is sealed in the version. */
  revoke(holder: KeyHolder, chartId: string, reason?: string): Promise<Written>;
  restore(holder: KeyHolder, chartId: string): Promise<Written>;
  share(holder: KeyHolder, chartId: string, doctor: DoctorRef): Promise<Written>;
  /** A new data key: the dropped reader cannot open later versions. */
  unshare(holder: KeyHolder, chartId: string, boxKey: string): Promise<Written>;
  transferCustody(
    holder: KeyHolder,
    chartId: string,
    doctor: DoctorRef,
    options?: { keepReading?: boolean },
  ): Promise<Written>;
  /** A new patient identity for the chart; the old card stops reading. */
  issueCard(holder: KeyHolder, chartId: string, pin: string): Promise<PatientCardInfo>;
  /**
   * Moves a chart written before the authority under it (1-of-[custodian, quorum] output, data key wrapped to the
   * recovery key) with a "share" version; null when nothing is to do (no authority pinned, or already under it).
   */
  migrateCustody(holder: KeyHolder, chartId: string): Promise<Written | null>;
  /** Signed transactions not yet committed by a node (rejected ones stay until discarded). */
  outbox(): OutboxEntry[];
  /** Posts every pending item now. */
  retryOutbox(): Promise<void>;
  /** Drops an item the node rejected, so the chart can be written again. */
  discardRejected(txId: string): Promise<void>;
}

interface WriteState {
  head: Transaction;
  seq: number;
  owner: string;
  payload: ChartPayload;
  revoked: boolean;
  /** What the state was read from: the written chart is built from it. */
  loaded: LoadedChart | null;
  pending: PendingVersion[];
}

/** One version to write: its action, how its payload follows from the current one, and the checks it needs. */
interface VersionChange {
  action: Exclude<ChartAction, 'create'>;
  next: (state: { payload: ChartPayload }) => ChartPayload;
  /** The version the caller edited: StaleVersion if the chart moved on. */
  baseSeq?: number;
  /** The author's note, for this version only (e.g. why a chart is revoked). */
  note?: string;
  /** A new patient card's tag, for a v3 version that introduces the card (a v1 version names the card's key). */
  cardTag?: string | null;
}

/**
 * True when `head`'s output already lets the policy's quorum spend and the payload names its recovery key and the
 * published emergency key (a chart written before that key was published is moved over by `migrate` too).
 */
function underPolicy(head: Transaction, payload: ChartPayload, custody: CustodyPolicy): boolean {
  const quorum = chartOwnership(head.outputs[0])?.quorum;
  return (
    !!quorum &&
    conditionUriFromDetails(quorum) === conditionUriFromDetails(custody.quorum) &&
    payload.recovery?.boxKey === custody.recoveryKey &&
    (payload.emergency?.boxKey ?? null) === (custody.emergencyKey ?? null)
  );
}

/** The same for a v3 chart: its head's box names the policy's authority and quorum, and the payload its keys. */
function underPolicyV3(state: V3WriteState, custody: CustodyPolicy): boolean {
  const inner = state.chain.versions.at(-1)!.inner;
  return (
    inner.authority === custody.authorityId &&
    canonicalJson(inner.quorum) === canonicalJson(quorumOf(custody)) &&
    state.payload.recovery?.boxKey === custody.recoveryKey &&
    (state.payload.emergency?.boxKey ?? null) === (custody.emergencyKey ?? null)
  );
}

function checkDoctor(doctor: DoctorRef): void {
  if (!doctor || !BASE58_KEY.test(doctor.signKey ?? '') || !BASE58_KEY.test(doctor.boxKey ?? '')) {
    throw new ChartServiceError(
      'InvalidRequest',
      'A doctor is named by a base58 signKey and boxKey (from the practitioner directory)',
    );
  }
}

export function createChartWriter(parts: ChartParts, states: ChartStates, listNext?: ListNext): ChartWriter {
  const { outbox, sender, loader, directory, recent, viewers, events, crypto, options } = parts;
  const chartLocks = new Map<string, Promise<unknown>>();
  const v3 = createV3ChartWriter(parts, states, listNext);

  const custodyPolicy = custodyPolicySource(parts.authority);

  /** 'v3': the loader opened an envelope v3 chart (v3-loaded.ts); the v3 writer reads and writes it. */
  async function writeState(holder: KeyHolder, chartId: string): Promise<WriteState | 'v3'> {
    const loaded = await states.loadForWork(holder, chartId, 'head');
    if (loaded?.chainTxs) return 'v3';
    if (loaded?.tampered) throw tampered(loaded.tampered.reason);
    const committed = loaded?.versions.at(-1) ?? null;
    const pending = await states.pendingVersions(holder, chartId, committed?.version.seq ?? 0);
    const rejected = pending.find((p) => p.record.state === 'rejected');
    if (rejected) {
      throw new ChartServiceError(
        'OutboxBlocked',
        `Version ${rejected.envelope.seq} of this chart was rejected by the node (${rejected.record.lastError}); discard it from the outbox first (Recent actions → Discard rejected version, or: npm run cli -- outbox discard ${rejected.record.tx.id})`,
      );
    }
    const last = pending.filter((p) => p.record.state === 'pending').at(-1);
    const head = last ? last.record.tx : committed?.version.tx;
    const payload = last ? last.payload : committed?.payload;
    if (!head) throw chartNotFound(chartId);
    const owner = chartOwnership(head.outputs[0])?.custodian ?? '';
    if (owner !== holder.signKey) throw notCustodian(states.nameOf(owner) ?? owner);
    if (loaded?.authorship) throw unknownAuthor(loaded.authorship.reason);
    if (!payload)
      throw new ChartServiceError('NotAReader', 'The current version of this chart cannot be opened with your key');
    const actions: ChartAction[] = [
      ...(loaded?.versions ?? []).map((v) => v.version.envelope.action),
      ...pending.map((p) => p.envelope.action),
    ];
    return {
      head,
      seq: last ? last.envelope.seq : committed!.version.seq,
      owner,
      payload,
      revoked: isRevoked(actions),
      loaded,
      pending,
    };
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

  async function submit(holder: KeyHolder, { tx, envelope, chartId, payload }: Signed): Promise<SubmitOutcome> {
    loader.prime(holder.boxKey, tx.id, payload);
    loader.markStale(chartId);
    const record = await outbox.add({
      tx,
      kind: 'chart',
      chartId,
      action: envelope.action,
      seq: envelope.seq,
      author: holder.signKey,
      createdAt: new Date().toISOString(),
    });
    recent.add(holder.signKey, {
      txId: tx.id,
      chartId,
      action: envelope.action,
      seq: envelope.seq,
      at: envelope.at,
      patientName: payload.chart.patient.name,
      status: 'pending',
    });
    events.emit('outbox');
    events.emit('recent');
    return sender.submit(record);
  }

  /**
   * The chart's state for writing in its own envelope: v3 when it is known to be (this session, the outbox), when the
   * v1 reader cannot verify it and its CREATE is v3, or when the loader hands a v3 head; v1 otherwise.
   */
  async function stateOfEither(
    holder: KeyHolder,
    chartId: string,
  ): Promise<{ v1: WriteState; v3?: never } | { v3: V3WriteState; v1?: never }> {
    if (v3.knownV3(chartId)) return { v3: await v3.state(holder, chartId) };
    let state: WriteState | 'v3';
    try {
      state = await writeState(holder, chartId);
    } catch (error) {
      if (
        error instanceof ChartServiceError &&
        (error.code === 'ChartTampered' || error.code === 'NotAReader') &&
        (await v3.isV3OnNode(chartId).catch(() => false))
      )
        return { v3: await v3.state(holder, chartId) };
      throw error;
    }
    if (state === 'v3' || isV3Metadata(state.head.metadata)) return { v3: await v3.state(holder, chartId) };
    return { v1: state };
  }

  async function writeVersion(holder: KeyHolder, chartId: string, change: VersionChange): Promise<Written> {
    states.checkChartId(chartId);
    viewers.remember(holder);
    return exclusive(chartId, async () => {
      const either = await stateOfEither(holder, chartId);
      const state = either.v1 ?? either.v3;
      if (change.baseSeq !== undefined && change.baseSeq !== state.seq) {
        throw new ChartServiceError(
          'StaleVersion',
          `The chart changed since version ${change.baseSeq} (it is at version ${state.seq}); reload it and try again`,
        );
      }
      if (state.revoked && change.action !== 'restore')
        throw new ChartServiceError('ChartRevoked', 'This chart is revoked; restore it before changing it');
      if (!state.revoked && change.action === 'restore')
        throw new ChartServiceError('ChartNotRevoked', 'This chart is not revoked');
      // A note (and a move's new chart id) belongs to the version that states it, never to the ones after it.
      const { note: _previousNote, movedTo: _movedTo, ...base } = change.next(state);
      const custody = await custodyPolicy();
      const payload: ChartPayload = withRecovery(change.note ? { ...base, note: change.note } : base, custody);
      if (either.v3) return v3.write(holder, chartId, either.v3, change.action, payload, custody, change.cardTag);
      const { tx, envelope } = await buildVersion(
        holder,
        either.v1.head,
        chartId,
        change.action,
        state.seq + 1,
        payload,
        crypto,
        custody,
      );
      const signed = { tx, envelope, chartId, payload };
      return writtenAnswer(states, holder, signed, await submit(holder, signed), either.v1.loaded);
    });
  }

  async function custodianSelf(holder: KeyHolder): Promise<ChartPayload['custodian']> {
    // The custodian's name is a label in the payload: a recent "not published" answer is good enough.
    const entry = await directory.find(holder.signKey, 30_000).catch(() => null);
    return { signKey: holder.signKey, boxKey: holder.boxKey, name: entry?.name ?? '' };
  }

  async function newCard(
    pin: string,
  ): Promise<{ info: PatientCardInfo; patient: ChartPayload['patient'] & object; cardTag: string | null }> {
    const card = await options.cards.create(pin);
    const patient = { signKey: card.holder.signKey, boxKey: card.holder.boxKey };
    // A v3 version carries the card's tag so the kiosk finds the chart (UNLINKABLE.md §8); only now, while the
    // card's identity is open, can the workstation compute it.
    const cardTag = card.holder.cardTag?.() ?? null;
    card.holder.lock?.(); // the workstation keeps nothing of the patient's identity
    return {
      cardTag,
      info: {
        code: card.code,
        qrSvg: card.qrSvg,
        qrDataUrl: card.qrDataUrl,
        patientSignKey: patient.signKey,
        patientBoxKey: patient.boxKey,
      },
      patient,
    };
  }

  /** The card printed for its chart (version 3: the kiosk opens exactly this chart), where the issuer can. */
  async function boundTo(card: PatientCardInfo, chartId: string): Promise<PatientCardInfo> {
    return options.cards.forChart ? { ...card, ...(await options.cards.forChart(card.code, chartId)) } : card;
  }

  /** A new chart in the envelope the `ledgerEnvelope` setting names now; `answer` builds the view a screen shows. */
  async function signAndSubmitCreate(
    holder: KeyHolder,
    chart: Chart,
    patient: ChartPayload['patient'],
    cardTag: string | null = null,
  ) {
    const custody = await custodyPolicy();
    const payload = withRecovery(payloadOf(chart, patient, await custodianSelf(holder), []), custody);
    if ((options.ledgerEnvelope?.() ?? 'v1') === 'v3') {
      const submitted = await v3.create(holder, payload, custody, cardTag);
      const { chartId, outcome, written } = submitted;
      return { chartId, txId: written.tx.id, seq: 1, outcome, answer: () => v3.answerCreate(holder, submitted) };
    }
    const { tx, envelope } = await buildCreate(holder, payload, crypto, custody);
    const signed = { tx, envelope, chartId: tx.id, payload };
    const outcome = await submit(holder, signed);
    return {
      chartId: tx.id,
      txId: tx.id,
      seq: envelope.seq,
      outcome,
      answer: () => writtenAnswer(states, holder, signed, outcome, null),
    };
  }

  async function createFromChart(
    holder: KeyHolder,
    chart: Chart,
    patient: ChartPayload['patient'],
    cardTag: string | null = null,
  ): Promise<Written> {
    return (await signAndSubmitCreate(holder, chart, patient, cardTag)).answer();
  }

  const nameFor = async (doctor: DoctorRef) =>
    doctor.name ?? (await directory.find(doctor.signKey).catch(() => null))?.name ?? '';

  return {
    async create(holder, chart, { pin }) {
      viewers.remember(holder);
      const valid = parseChart(chart);
      const { info, patient, cardTag } = await newCard(pin);
      const written = await createFromChart(holder, valid, patient, cardTag);
      return { ...written, card: await boundTo(info, written.chartId) };
    },

    async importFhir(holder, bundle) {
      viewers.remember(holder);
      const result = (options.fhirConverter ?? fhirToChart)(bundle);
      if (!result.ok) throw new ChartValidationError(result.errors);
      // A bulk import answers what was written, not the chart view a screen shows: building that view for every
      // imported chart cost ~15 % of the import's throughput (docs/BENCHMARKS.md), and no screen shows it.
      const { chartId, txId, seq, outcome } = await signAndSubmitCreate(holder, result.chart, null);
      return {
        chartId,
        txId,
        seq,
        status: outcome.status,
        warnings: result.warnings,
      };
    },

    async update(holder, chartId, chart, { baseSeq } = {}) {
      const valid = parseChart(chart);
      return writeVersion(holder, chartId, {
        action: 'update',
        next: (s) => ({ ...s.payload, chart: valid }),
        baseSeq,
      });
    },

    async markEnteredInError(holder, chartId, list, entryId) {
      return writeVersion(holder, chartId, {
        action: 'update',
        next: (s) => {
          const entries = s.payload.chart[list] as { id: string; status: string }[];
          if (!entries.some((e) => e.id === entryId))
            throw new ChartServiceError('InvalidRequest', `No ${list} entry ${entryId} in this chart`);
          const chart = {
            ...s.payload.chart,
            [list]: entries.map((e) => (e.id === entryId ? { ...e, status: 'entered-in-error' } : e)),
          };
          return { ...s.payload, chart: parseChart(chart) };
        },
      });
    },

    async revoke(holder, chartId, reason = '') {
      return writeVersion(holder, chartId, {
        action: 'revoke',
        next: (s) => s.payload,
        note: reason.trim() || undefined,
      });
    },

    async restore(holder, chartId) {
      return writeVersion(holder, chartId, { action: 'restore', next: (s) => s.payload });
    },

    async share(holder, chartId, doctor) {
      checkDoctor(doctor);
      const name = await nameFor(doctor);
      return writeVersion(holder, chartId, {
        action: 'share',
        next: (s) => {
          if (
            doctor.boxKey === s.payload.custodian.boxKey ||
            s.payload.doctors.some((d) => d.boxKey === doctor.boxKey)
          ) {
            throw new ChartServiceError('InvalidRequest', 'This doctor can already read the chart');
          }
          return {
            ...s.payload,
            doctors: [...s.payload.doctors, { signKey: doctor.signKey, boxKey: doctor.boxKey, name }],
          };
        },
      });
    },

    async unshare(holder, chartId, boxKey) {
      return writeVersion(holder, chartId, {
        action: 'unshare',
        next: (s) => {
          if (!s.payload.doctors.some((d) => d.boxKey === boxKey))
            throw new ChartServiceError('InvalidRequest', 'This key is not among the doctors the chart is shared with');
          // A new version always has a fresh data key, wrapped only to the remaining readers.
          return { ...s.payload, doctors: s.payload.doctors.filter((d) => d.boxKey !== boxKey) };
        },
      });
    },

    async transferCustody(holder, chartId, doctor, { keepReading = true } = {}) {
      checkDoctor(doctor);
      if (doctor.signKey === holder.signKey)
        throw new ChartServiceError('InvalidRequest', 'You already hold this chart');
      const name = await nameFor(doctor);
      return writeVersion(holder, chartId, {
        action: 'custody',
        next: (s) => {
          const others = s.payload.doctors.filter((d) => d.boxKey !== doctor.boxKey);
          const previous = s.payload.custodian;
          const keep = keepReading ? [{ signKey: previous.signKey, boxKey: previous.boxKey, name: previous.name }] : [];
          return {
            ...s.payload,
            custodian: { signKey: doctor.signKey, boxKey: doctor.boxKey, name },
            doctors: [...others, ...keep],
          };
        },
      });
    },

    async issueCard(holder, chartId, pin) {
      const { info, patient, cardTag } = await newCard(pin);
      await writeVersion(holder, chartId, { action: 'share', next: (s) => ({ ...s.payload, patient }), cardTag });
      return boundTo(info, chartId);
    },

    async migrateCustody(holder, chartId) {
      const custody = await custodyPolicy();
      if (!custody) return null;
      const either = await stateOfEither(holder, chartId);
      // A revoked chart takes no version but its restore, which then moves it over like any write.
      if (either.v1 && (either.v1.revoked || underPolicy(either.v1.head, either.v1.payload, custody))) return null;
      if (either.v3 && (either.v3.revoked || underPolicyV3(either.v3, custody))) return null;
      // "share": the version adds a reader (the recovery key) and hands the quorum its branch; the chart is unchanged.
      return writeVersion(holder, chartId, { action: 'share', next: (s) => s.payload });
    },

    outbox: () => outbox.items(),

    async retryOutbox() {
      await sender.flush({ force: true });
    },

    async discardRejected(txId) {
      const record = outbox.get(txId);
      if (!record) throw new ChartServiceError('InvalidRequest', `No outbox item ${txId}`);
      if (record.state !== 'rejected')
        throw new ChartServiceError(
          'InvalidRequest',
          'Only items the node rejected can be discarded; pending ones are still being sent',
        );
      await outbox.remove(txId);
      recent.discarded(txId);
      events.emit('outbox');
      events.emit('recent');
    },
  };
}
