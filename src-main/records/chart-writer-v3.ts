// Writing charts in envelope v3 (docs/UNLINKABLE.md §2–§7, §12): the chart writer (chart-writer.ts) hands a version
// here when the chart was created in v3, and a new chart when the `ledgerEnvelope` setting says 'v3'. The head is read
// by opening the chart's committed transactions and its versions still in the outbox with openChartV3 as this
// custodian (the loader reads v1 only), so the head's secret, readers and payload come from what was verified. Each
// version is built by version-builder-v3 and goes through the outbox exactly as a v1 version (retry, lost answers,
// refusals); the counters (list index, intro counters) are taken from the identity's verified cache (v3-counters.ts).
import type { CustodyPolicy } from '../../src-shared/authority/custody';
import { ENVELOPE_TYPE, type Envelope, type EnvelopeAction } from '../../src-shared/crypto/envelope';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import type { Transaction } from '../../src-shared/ledger';
import type { ChartPayload } from '../../src-shared/records/payload';
import { isV3Metadata } from '../../src-shared/unlinkable/envelope-v3';
import type { InnerV3Input } from '../../src-shared/unlinkable/inner-envelope';
import { NodeUnreachableError } from '../ledger/errors';
import type { OutboxRecord } from '../ledger/outbox-record';
import type { SubmitOutcome } from '../ledger/outbox-sender';
import type { LoadedChart, OpenedVersion } from './chart-loader';
import type { ChartParts } from './chart-parts';
import type { ChartStates } from './chart-states';
import { isRevoked, type PendingVersion } from './chart-views';
import { ChartServiceError, chartNotFound, notCustodian, tampered, unknownAuthor } from './errors';
import { V3Counters } from './v3-counters';
import { buildCreateV3, buildVersionV3, type V3Head, type V3Written } from './version-builder-v3';
import { readersOf } from './version-builder';
import { authoredVersions, openChartV3, type V3Chain } from './version-opener-v3';
import { writtenOf, type Written } from './write-answer';

/** A v3 chart as its custodian is about to write it: the head to spend and what the answer is built from. */
export interface V3WriteState {
  head: V3Head;
  seq: number;
  payload: ChartPayload;
  revoked: boolean;
  /** The versions opened, oldest first; those still in the outbox are in `waiting` too. */
  chain: V3Chain;
  waiting: OutboxRecord[];
  /** The chart's transactions the node had committed when the state was read. */
  committed: readonly unknown[];
  nodeUrl: string | null;
}

export interface V3ChartWriter {
  /** True when the chart is known to be v3: written or read this session, or a version of it waits in the outbox. */
  knownV3(chartId: string): boolean;
  /** Asks the node for the chart's CREATE: is it v3? (Only when the v1 reader could not verify the chart.) */
  isV3OnNode(chartId: string): Promise<boolean>;
  state(holder: KeyHolder, chartId: string): Promise<V3WriteState>;
  /** `cardTag`: the patient card's tag (UNLINKABLE.md §8) when this version introduces a card, so the kiosk finds it. */
  create(
    holder: KeyHolder,
    payload: ChartPayload,
    custody: CustodyPolicy | null,
    cardTag?: string | null,
  ): Promise<V3Submitted>;
  write(
    holder: KeyHolder,
    chartId: string,
    state: V3WriteState,
    action: Exclude<EnvelopeAction, 'create'>,
    payload: ChartPayload,
    custody: CustodyPolicy | null,
    cardTag?: string | null,
  ): Promise<Written>;
  /** The answer of a create (the chart view built from the CREATE just written). */
  answerCreate(holder: KeyHolder, submitted: V3Submitted): Promise<Written>;
}

export interface V3Submitted {
  written: V3Written;
  chartId: string;
  outcome: SubmitOutcome;
}

/** What the views need of a v3 version (opened, or just written). */
interface ViewVersion {
  seq: number;
  txId: string;
  tx: Transaction;
  inner: Pick<InnerV3Input, 'action' | 'seq' | 'at' | 'author' | 'chart' | 'payload'>;
}

/**
 * The version in the shape the views read (chart-views.ts): a v1 envelope's clear fields taken from the inner
 * envelope, readers from its payload. Never posted nor stored: the wraps and box are empty.
 */
function viewEnvelope(inner: ViewVersion['inner'], readers: string[]): Envelope {
  return {
    type: ENVELOPE_TYPE,
    action: inner.action,
    seq: inner.seq,
    at: inner.at,
    author: inner.author,
    ...(inner.seq > 1 ? { chart: inner.chart } : {}),
    readers: readers.map((key) => ({ key, wrap: '' })),
    nonce: '',
    box: '',
  };
}

const readersSeenBy = (holder: KeyHolder, inner: { author: string; payload: ChartPayload }) =>
  readersOf(inner.payload, inner.author === holder.signKey ? holder.boxKey : null);

function openedOf(holder: KeyHolder, v: ViewVersion): OpenedVersion {
  return {
    version: {
      seq: v.seq,
      txId: v.txId,
      tx: v.tx,
      envelope: viewEnvelope(v.inner, readersSeenBy(holder, v.inner)),
      author: v.inner.author,
      owner: v.inner.payload.custodian.signKey,
      checks: [],
    },
    payload: v.inner.payload,
    readable: true,
  };
}

/** An outbox record as the views show it: its output's owner is the custodian the box names, not the tweaked key. */
function pendingOf(holder: KeyHolder, record: OutboxRecord, v: ViewVersion): PendingVersion {
  const [output] = record.tx.outputs;
  const tx: Transaction = {
    ...record.tx,
    outputs: [{ ...output!, public_keys: [v.inner.payload.custodian.signKey] }],
  };
  return {
    record: { ...record, tx },
    envelope: viewEnvelope(v.inner, readersSeenBy(holder, v.inner)),
    payload: v.inner.payload,
  };
}

/** Discovery's end of the identity's list walk (V3Discovery.listNext): a create takes its list index at or past it. */
export type ListNext = (holder: KeyHolder) => Promise<number | null>;

export function createV3ChartWriter(
  parts: ChartParts,
  states: ChartStates,
  listNext: ListNext = async () => null,
): V3ChartWriter {
  const { client, outbox, sender, recent, events, crypto, cache } = parts;
  const v3Charts = new Set<string>();
  /** The committed transactions last read per chart: a write while no node answers spends the head read before. */
  const lastRead = new Map<string, unknown[]>();
  /** Per chart, the committed versions whose authors were checked (or that this app wrote). */
  const vouched = new Map<string, Set<string>>();
  /** One set of counters per identity: two would hand out the same numbers. */
  const counters = new Map<string, V3Counters>();
  const countersOf = (holder: KeyHolder) => {
    let c = counters.get(holder.signKey);
    if (!c) {
      c = cache ? V3Counters.of(cache.for(holder)) : new V3Counters();
      counters.set(holder.signKey, c);
    }
    return c;
  };

  /**
   * A create whose list walk cannot run (no node answers, the directory cannot be read) keeps this workstation's own
   * counter, as before the walk was asked: the chart is still written, and found by any walk from below its index.
   */
  async function listNextOrZero(holder: KeyHolder): Promise<number> {
    try {
      return (await listNext(holder)) ?? 0;
    } catch {
      return 0;
    }
  }

  async function committedOf(
    chartId: string,
    waiting: readonly OutboxRecord[],
  ): Promise<{ txs: unknown[]; offline: boolean }> {
    try {
      const { value } = await client.listTransactions(chartId);
      lastRead.set(chartId, value);
      return { txs: value, offline: false };
    } catch (error) {
      if (!(error instanceof NodeUnreachableError)) throw error;
      const before = lastRead.get(chartId);
      if (before) return { txs: before, offline: true };
      if (waiting.some((r) => r.seq === 1)) return { txs: [], offline: true }; // created offline: only the outbox knows it
      throw error;
    }
  }

  /**
   * The #12 rule on what the node committed (a version in the outbox has no height yet), as a v1 write. With no node
   * to ask, the versions vouched for while it answered (and the ones this app wrote since) are enough, as the v1
   * writer works on the copy it verified.
   */
  async function checkAuthors(
    holder: KeyHolder,
    chartId: string,
    chain: V3Chain,
    committed: Set<string>,
    offline: boolean,
  ) {
    const seen = vouched.get(chartId) ?? new Set<string>();
    if (offline && [...committed].every((id) => seen.has(id))) return;
    const authorship = await parts.authors.check(
      authoredVersions(chain).filter((v) => committed.has(v.txId)),
      cache?.for(holder) ?? null,
    );
    if (authorship?.failure) throw unknownAuthor(authorship.failure.reason);
    vouched.set(chartId, new Set([...seen, ...committed]));
  }

  /**
   * Once a version is committed, what the node holds of the chart is what was read, the versions that waited before
   * it (it spends them: they are committed too) and it: a write made while no node answers spends it.
   */
  function committedNow(chartId: string, before: V3WriteState | null, tx: Transaction): void {
    const txs = [...(before?.committed ?? []), ...(before?.waiting.map((r) => r.tx) ?? []), tx];
    lastRead.set(chartId, txs);
    vouched.set(chartId, new Set([...(vouched.get(chartId) ?? []), ...txs.map((t) => (t as Transaction).id)]));
  }

  async function submit(holder: KeyHolder, chartId: string, written: V3Written): Promise<SubmitOutcome> {
    const { tx, inner } = written;
    v3Charts.add(chartId);
    parts.loader.markStale(chartId);
    const record = await outbox.add({
      tx,
      kind: 'chart',
      chartId,
      action: inner.action,
      seq: inner.seq,
      author: holder.signKey,
      createdAt: new Date().toISOString(),
    });
    recent.add(holder.signKey, {
      txId: tx.id,
      chartId,
      action: inner.action,
      seq: inner.seq,
      at: inner.at,
      patientName: inner.payload.chart.patient.name,
      status: 'pending',
    });
    events.emit('outbox');
    events.emit('recent');
    return sender.submit(record);
  }

  /**
   * The answer: the versions opened before the write, the one written (committed, or waiting in the outbox with the
   * ones before it), built into the same ChartView a v1 write answers with.
   */
  async function answer(
    holder: KeyHolder,
    chartId: string,
    before: V3WriteState | null,
    written: V3Written,
    outcome: SubmitOutcome,
  ): Promise<Written> {
    const mine: ViewVersion = { seq: written.inner.seq, txId: written.tx.id, tx: written.tx, inner: written.inner };
    const waitingIds = new Set((before?.waiting ?? []).map((r) => r.tx.id));
    // Versions that waited before this write may have been posted meanwhile: the outbox says which still wait.
    const stillWaiting = new Set(outbox.forChart(chartId).map((r) => r.tx.id));
    const earlier: ViewVersion[] = before?.chain.versions ?? [];
    const committed = earlier.filter((v) => !waitingIds.has(v.txId) || !stillWaiting.has(v.txId));
    const pendingBefore = earlier.filter((v) => waitingIds.has(v.txId) && stillWaiting.has(v.txId));
    const done = outcome.status === 'committed' && pendingBefore.length === 0;
    const versions = (done ? [...committed, mine] : committed).map((v) => openedOf(holder, v));
    const loaded: LoadedChart | null = versions.length
      ? {
          chartId,
          nodeUrl:
            (outcome.status === 'committed' ? outcome.nodeUrl : null) ?? before?.nodeUrl ?? client.currentNodeUrl ?? '',
          verification: { assetId: chartId, versions: versions.map((v) => v.version), failure: null },
          versions,
          tampered: null,
        }
      : null;
    const records = new Map(outbox.forChart(chartId).map((r) => [r.tx.id, r]));
    const pending = (done ? [] : [...pendingBefore, mine]).flatMap((v) => {
      const record = records.get(v.txId);
      return record ? [pendingOf(holder, record, v)] : [];
    });
    const state = states.stateOf(holder, chartId, loaded, pending);
    return writtenOf(holder, { txId: written.tx.id, seq: written.inner.seq, chartId }, outcome, state);
  }

  return {
    knownV3(chartId) {
      return v3Charts.has(chartId) || outbox.forChart(chartId).some((r) => isV3Metadata(r.tx.metadata));
    },

    async isV3OnNode(chartId) {
      const { value } = await client.getTransaction(chartId);
      const v3 = isV3Metadata((value as { metadata?: unknown } | null)?.metadata);
      if (v3) v3Charts.add(chartId);
      return v3;
    },

    async state(holder, chartId) {
      const records = outbox.forChart(chartId);
      const rejected = records.find((r) => r.state === 'rejected');
      if (rejected) {
        throw new ChartServiceError(
          'OutboxBlocked',
          `Version ${rejected.seq} of this chart was rejected by the node (${rejected.lastError}); discard it from the outbox first (Recent actions → Discard rejected version, or: npm run cli -- outbox discard ${rejected.tx.id})`,
        );
      }
      const { txs: committed, offline } = await committedOf(chartId, records);
      const committedIds = new Set(committed.map((t) => String((t as { id?: unknown })?.id)));
      const waiting = records
        .filter((r) => r.state === 'pending' && !committedIds.has(r.tx.id))
        .sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
      const chain = await openChartV3(chartId, [...committed, ...waiting.map((r) => r.tx)], holder, { crypto });
      if (chain.tampered) throw tampered(chain.tampered.reason);
      const head = chain.versions.at(-1);
      if (!head) {
        if (committed.length === 0 && waiting.length === 0) throw chartNotFound(chartId);
        throw new ChartServiceError('NotAReader', 'The current version of this chart cannot be opened with your key');
      }
      if (chain.closedAt !== null) throw notCustodian(states.nameOf(head.inner.payload.custodian.signKey) ?? '');
      v3Charts.add(chartId);
      const custodian = head.inner.payload.custodian.signKey;
      if (custodian !== holder.signKey) throw notCustodian(states.nameOf(custodian) ?? custodian);
      await checkAuthors(holder, chartId, chain, committedIds, offline);
      return {
        head: {
          tx: head.tx,
          seq: head.seq,
          secret: head.secret,
          readers: readersOf(head.inner.payload, head.inner.author === holder.signKey ? holder.boxKey : null),
          custodianBoxKey: head.inner.payload.custodian.boxKey,
        },
        seq: head.seq,
        payload: head.inner.payload,
        revoked: isRevoked(chain.versions.map((v) => v.inner.action)),
        chain,
        waiting,
        committed,
        nodeUrl: client.currentNodeUrl,
      };
    },

    async create(holder, payload, custody, cardTag = null) {
      const counters = countersOf(holder);
      counters.sawList(holder.boxKey, await listNextOrZero(holder));
      const written = await buildCreateV3(holder, payload, { crypto, counters, custody, cardTag });
      const chartId = written.tx.id;
      const outcome = await submit(holder, chartId, written);
      if (outcome.status === 'committed') committedNow(chartId, null, written.tx);
      return { written, chartId, outcome };
    },

    async write(holder, chartId, state, action, payload, custody, cardTag = null) {
      const written = await buildVersionV3(holder, state.head, chartId, action, payload, {
        crypto,
        counters: countersOf(holder),
        custody,
        cardTag,
      });
      const outcome = await submit(holder, chartId, written);
      if (outcome.status === 'committed') committedNow(chartId, state, written.tx);
      return answer(holder, chartId, state, written, outcome);
    },

    answerCreate(holder, { written, chartId, outcome }) {
      return answer(holder, chartId, null, written, outcome);
    },
  };
}
