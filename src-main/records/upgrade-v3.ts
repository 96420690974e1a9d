// `charts upgrade-v3` (docs/UNLINKABLE.md §10): a doctor's v1 charts re-created as envelope v3 charts. A v3 version
// on the v1 asset would stay tied to the v1 history by its asset id, so each chart is copied into a NEW v3 chart
// (current content, same readers, the chart's own custody policy), then closed by a last v1 version: a `revoke` whose
// sealed payload says "moved" and names the new chart (payload.movedTo), never in clear.
//
// Two phases, each in its own random order with a random pause between writes: first every v3 CREATE, then every
// tombstone. Writing a chart's tombstone right after its copy would pair them by position on the ledger.
// Between the phases the pairing (v1 id → v3 id) is what a crash would lose, so it is stored before the CREATE is
// posted, sealed to the doctor's box key in the identity's verified cache (MAC'd): a re-run finds it and writes only
// the tombstone for the existing copy, never a second one. A chart whose head already names its copy is skipped.
import { randomInt } from 'node:crypto';
import { chartOwnership, type CustodyPolicy } from '../../src-shared/authority/custody';
import { fromBase64, toBase64 } from '../../src-shared/crypto/bytes';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import { HEX64 } from '../../src-shared/ledger/patterns';
import type { Transaction } from '../../src-shared/ledger';
import { payloadSchema, type ChartPayload } from '../../src-shared/records/payload';
import { sealTo } from '../crypto/sealed-box';
import type { IdentityCache } from '../ledger/verified-cache';
import type { OutboxRecord } from '../ledger/outbox';
import { mapLimit } from './chart-list';
import { DEFAULT_LIST_CONCURRENCY, type ChartParts } from './chart-parts';
import type { ChartStates } from './chart-states';
import { isRevoked } from './chart-views';
import { ChartServiceError } from './errors';
import { V3Counters } from './v3-counters';
import { buildVersion } from './version-builder';
import { buildCreateV3 } from './version-builder-v3';
import { openChartV3 } from './version-opener-v3';

/** The largest random pause between two writes of a run unless the caller chooses (docs/UNLINKABLE.md §10). */
export const DEFAULT_SPREAD_MS = 2000;
/** The sealed note of a tombstone; the new chart's id is beside it in payload.movedTo. */
export const MOVED_NOTE = 'moved';

export interface UpgradeOptions {
  /** The charts to upgrade; absent: every v1 chart this doctor is custodian of. */
  chartIds?: readonly string[];
  /** Each pause between two writes is drawn uniformly from 0 to this (ms); 0 writes back to back. */
  spreadMs?: number;
  /**
   * Called once every v3 copy of the run is written, before any tombstone: a test stops the run here (throws) to
   * play a crash between the two steps.
   */
  beforeTombstones?: (copies: ReadonlyMap<string, string>) => void | Promise<void>;
}

export type UpgradeResult =
  | { chartId: string; status: 'upgraded'; newChartId: string; resumed: boolean }
  | { chartId: string; status: 'skipped'; reason: string; newChartId: string | null }
  | { chartId: string; status: 'failed'; reason: string; newChartId: string | null };

interface Held {
  chartId: string;
  head: Transaction;
  seq: number;
  payload: ChartPayload;
  custody: CustodyPolicy | null;
}

type Plan =
  | { kind: 'done'; result: UpgradeResult }
  | { kind: 'copy'; held: Held }
  | { kind: 'tombstone'; held: Held; newChartId: string; resumed: boolean };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Fisher–Yates with the OS's random numbers: the order of a run must not be guessable from the chart list. */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * The chart's own custody rule, read from its head: its quorum branch and the recovery and emergency keys its payload
 * names, kept as they are (not the authority pinned now: an upgrade changes the envelope, not who may recover).
 */
function custodyOf(head: Transaction, payload: ChartPayload): CustodyPolicy | null {
  const quorum = chartOwnership(head.outputs[0])?.quorum ?? null;
  if (!quorum) return null;
  if (!payload.recovery)
    throw new ChartServiceError('InvalidRequest', 'its output names a quorum but its payload no recovery key');
  return {
    authorityId: payload.recovery.authority,
    quorum,
    recoveryKey: payload.recovery.boxKey,
    emergencyKey: payload.emergency?.boxKey ?? null,
  };
}

/** The content a copy carries: the head's, without what belongs to the head version alone. */
function copied(payload: ChartPayload): ChartPayload {
  const { note: _note, movedTo: _movedTo, ...rest } = payload;
  return rest;
}

export class ChartUpgrade {
  readonly #cache: IdentityCache;
  readonly #counters: V3Counters;

  constructor(
    private readonly parts: ChartParts,
    private readonly states: ChartStates,
    private readonly holder: KeyHolder,
  ) {
    if (!parts.cache)
      throw new ChartServiceError(
        'InvalidRequest',
        'Upgrading charts needs the verified cache (it keeps the v3 counters and each chart’s pairing until its tombstone is written)',
      );
    if (!holder.signTweaked || !holder.pairKey)
      throw new ChartServiceError('InvalidRequest', 'This identity cannot write envelope v3 charts');
    this.#cache = parts.cache.for(holder);
    this.#counters = V3Counters.of(this.#cache);
  }

  /** Discovery's end of the holder's list walk (V3Discovery.listNext): the copies take list indexes past it. */
  takeListFrom(next: number | null): void {
    if (next !== null) this.#counters.sawList(this.holder.boxKey, next);
  }

  async run(
    ids: readonly string[],
    named: boolean,
    { spreadMs = DEFAULT_SPREAD_MS, beforeTombstones }: UpgradeOptions,
  ) {
    const plans = new Map<string, Plan>();
    // Reading and verifying go several at a time, as a listing does; only the writes are spread out.
    const planned = await mapLimit(ids, this.parts.options.listConcurrency ?? DEFAULT_LIST_CONCURRENCY, (chartId) =>
      this.plan(chartId).catch((error: unknown): Plan => ({ kind: 'done', result: failed(chartId, error, null) })),
    );
    for (const [i, chartId] of ids.entries()) {
      const plan = planned[i]!;
      // Under --all a chart another doctor holds is not this doctor's to move: left out, not reported.
      if (!named && plan.kind === 'done' && plan.result.status === 'skipped' && plan.result.reason === NOT_HELD)
        continue;
      plans.set(chartId, plan);
    }
    const pause = async (first: boolean) => {
      if (!first && spreadMs > 0) await sleep(randomInt(spreadMs + 1));
    };

    let first = true;
    for (const [chartId, plan] of shuffled([...plans].filter(([, p]) => p.kind === 'copy'))) {
      if (plan.kind !== 'copy') continue;
      await pause(first);
      first = false;
      plans.set(chartId, await this.copy(plan.held));
    }

    const copies = new Map<string, string>();
    for (const [chartId, plan] of plans) if (plan.kind === 'tombstone') copies.set(chartId, plan.newChartId);
    await beforeTombstones?.(copies);

    first = true;
    for (const [chartId, plan] of shuffled([...plans].filter(([, p]) => p.kind === 'tombstone'))) {
      if (plan.kind !== 'tombstone') continue;
      await pause(first);
      first = false;
      plans.set(chartId, { kind: 'done', result: await this.tombstone(plan) });
    }
    return ids.filter((id) => plans.has(id)).map((id) => resultOf(plans.get(id)!));
  }

  /** What to do with one chart: read verified, refused when tampered or by an unknown author. */
  private async plan(chartId: string): Promise<Plan> {
    const { states, holder } = this;
    states.checkChartId(chartId);
    const loaded = await states.loadForWork(holder, chartId, 'head');
    if (loaded?.tampered) return done(chartId, 'failed', `tampered: ${loaded.tampered.reason}`);
    if (loaded?.authorship) return done(chartId, 'failed', `unknown author: ${loaded.authorship.reason}`);
    const committed = loaded?.versions.at(-1);
    if (!committed) return done(chartId, 'failed', 'no such chart on the ledger (or only in the outbox)');
    const owner = chartOwnership(committed.version.tx.outputs[0])?.custodian ?? '';
    if (owner !== holder.signKey) return done(chartId, 'skipped', NOT_HELD);
    const payload = committed.payload;
    if (!payload) return done(chartId, 'failed', 'its current version cannot be opened with your key');
    const movedTo = committed.version.envelope.action === 'revoke' ? (payload.movedTo ?? null) : null;
    if (movedTo) return done(chartId, 'skipped', `already moved to ${movedTo}`, movedTo);

    const pending = await states.pendingVersions(holder, chartId, committed.version.seq);
    const waitingMove = pending.find((p) => p.payload?.movedTo);
    if (waitingMove) {
      // An earlier run's tombstone that no node took then: posted now (the outbox keeps it until committed).
      const newChartId = waitingMove.payload!.movedTo!;
      const outcome =
        waitingMove.record.state === 'pending'
          ? await this.parts.sender.submit(waitingMove.record)
          : { status: 'pending' as const, error: `rejected by the node: ${waitingMove.record.lastError}` };
      return outcome.status === 'committed'
        ? { kind: 'done', result: { chartId, status: 'upgraded', newChartId, resumed: true } }
        : done(chartId, 'failed', `its tombstone waits in the outbox (${outcome.error}): run again`, newChartId);
    }
    if (pending.length > 0)
      return done(chartId, 'failed', 'it has versions waiting in the outbox: post or discard them first');
    const actions = loaded!.versions.map((v) => v.version.envelope.action);
    if (isRevoked(actions)) return done(chartId, 'skipped', 'revoked (restore it first to upgrade it)');

    const held: Held = {
      chartId,
      head: committed.version.tx,
      seq: committed.version.seq,
      payload,
      custody: custodyOf(committed.version.tx, payload),
    };
    const earlier = await this.pairing(chartId);
    return earlier ? this.resume(held, earlier) : { kind: 'copy', held };
  }

  /** A copy made by an earlier run: on the node (verified, same content), still in the outbox, or never sent. */
  private async resume(held: Held, newChartId: string): Promise<Plan> {
    const { client, outbox, sender } = this.parts;
    const { value: txs } = await client.listTransactions(newChartId);
    if (txs.length > 0) {
      const opened = await openChartV3(newChartId, txs, this.holder, { crypto: this.parts.crypto });
      if (opened.tampered)
        return done(held.chartId, 'failed', `its v3 copy failed verification: ${opened.tampered.reason}`, newChartId);
      const create = opened.versions[0];
      if (!create || create.inner.author !== this.holder.signKey)
        return done(held.chartId, 'failed', 'its recorded v3 copy is not one you wrote', newChartId);
      if (!samePayload(create.inner.payload, copied(held.payload)))
        return done(held.chartId, 'failed', 'it changed after its v3 copy was made', newChartId);
      return { kind: 'tombstone', held, newChartId, resumed: true };
    }
    const record = outbox.get(newChartId);
    if (!record) return { kind: 'copy', held }; // the copy never left this machine: made in this run's copy phase
    if (record.state === 'rejected')
      return done(held.chartId, 'failed', `its v3 copy was rejected by the node: ${record.lastError}`, newChartId);
    const outcome = await sender.submit(record);
    return outcome.status === 'committed'
      ? { kind: 'tombstone', held, newChartId, resumed: true }
      : done(held.chartId, 'failed', `its v3 copy waits in the outbox (${outcome.error}): run again`, newChartId);
  }

  /** The v3 copy: pairing stored (sealed, on disk) first, then the CREATE through the outbox. */
  private async copy(held: Held): Promise<Plan> {
    const { crypto, outbox, sender, events } = this.parts;
    try {
      const created = await buildCreateV3(this.holder, copied(held.payload), {
        crypto,
        counters: this.#counters,
        custody: held.custody,
      });
      const newChartId = created.tx.id;
      await this.#cache.rememberUpgradePairing(held.chartId, toBase64(sealTo(this.holder.boxKey, utf8(newChartId))));
      await this.parts.cache!.idle(); // the list counter too: a reused list tag would link two of this doctor's charts
      const record = await outbox.add({
        tx: created.tx,
        kind: 'chart',
        chartId: newChartId,
        action: 'create',
        seq: 1,
        author: this.holder.signKey,
        createdAt: new Date().toISOString(),
      });
      events.emit('outbox');
      const outcome = await sender.submit(record);
      if (outcome.status !== 'committed')
        return done(
          held.chartId,
          'failed',
          `its v3 copy waits in the outbox (${outcome.error}): run again`,
          newChartId,
        );
      return { kind: 'tombstone', held, newChartId, resumed: false };
    } catch (error) {
      return { kind: 'done', result: failed(held.chartId, error, null) };
    }
  }

  /** The v1 chart's last version: revoke, "moved", the new id sealed in the box; same readers, same custody. */
  private async tombstone({ held, newChartId, resumed }: Extract<Plan, { kind: 'tombstone' }>) {
    const { crypto, outbox, sender, events, loader } = this.parts;
    try {
      const payload: ChartPayload = { ...copied(held.payload), note: MOVED_NOTE, movedTo: newChartId };
      const seq = held.seq + 1;
      const { tx } = await buildVersion(
        this.holder,
        held.head,
        held.chartId,
        'revoke',
        seq,
        payload,
        crypto,
        held.custody,
      );
      loader.markStale(held.chartId);
      const record: OutboxRecord = await outbox.add({
        tx,
        kind: 'chart',
        chartId: held.chartId,
        action: 'revoke',
        seq,
        author: this.holder.signKey,
        createdAt: new Date().toISOString(),
      });
      events.emit('outbox');
      const outcome = await sender.submit(record);
      if (outcome.status !== 'committed')
        return failed(
          held.chartId,
          new Error(`its tombstone waits in the outbox (${outcome.error}): run again`),
          newChartId,
        );
      return { chartId: held.chartId, status: 'upgraded', newChartId, resumed } as const;
    } catch (error) {
      return failed(held.chartId, error, newChartId);
    }
  }

  /** The v3 id an earlier run recorded for this chart; null when none (or it does not open: then none is trusted). */
  private async pairing(chartId: string): Promise<string | null> {
    const sealed = this.#cache.upgradePairing(chartId);
    if (!sealed) return null;
    try {
      const id = new TextDecoder().decode(await this.holder.openSealed(fromBase64(sealed)));
      return HEX64.test(id) ? id : null;
    } catch {
      return null;
    }
  }
}

const NOT_HELD = 'held by another doctor (only its custodian can upgrade it)';

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Equal content, whatever order the two decoders gave their fields in. */
const samePayload = (a: ChartPayload, b: ChartPayload) =>
  JSON.stringify(payloadSchema.parse(a)) === JSON.stringify(payloadSchema.parse(b));

function done(chartId: string, status: 'skipped' | 'failed', reason: string, newChartId: string | null = null): Plan {
  return { kind: 'done', result: { chartId, status, reason, newChartId } };
}

function failed(chartId: string, error: unknown, newChartId: string | null): UpgradeResult {
  return { chartId, status: 'failed', reason: error instanceof Error ? error.message : String(error), newChartId };
}

function resultOf(plan: Plan): UpgradeResult {
  if (plan.kind === 'done') return plan.result;
  // Only reachable when a run stopped between its phases: the copy exists, its tombstone does not yet.
  return {
    chartId: plan.held.chartId,
    status: 'failed',
    reason: 'stopped before its tombstone: run again',
    newChartId: plan.kind === 'tombstone' ? plan.newChartId : null,
  };
}
