// What a write answers: the chart as it now is and the version just written, in the IPC contract's types, built from
// the read the write made to find the head plus the version it signed: the caller never reads the chart again.
import type { Envelope } from '../../src-shared/crypto/envelope';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import type { ChartView, HistoryEntry } from '../../src-shared/ipc/data';
import type { Transaction } from '../../src-shared/ledger';
import type { ChartPayload } from '../../src-shared/records/payload';
import type { SubmitOutcome } from '../ledger/outbox-sender';
import type { LoadedChart } from './chart-loader';
import type { ChartStates } from './chart-states';
import { historyEntryOf, viewOf } from './contract-views';
import type { ChartState, WriteResult } from './model';

/** A written version and the chart as it now is (the IPC contract's view, and the new version's history entry). */
export interface Written extends WriteResult {
  chart: ChartView;
  version: HistoryEntry;
}

/** A version as signed and put in the outbox. */
export interface Signed {
  tx: Transaction;
  envelope: Envelope;
  chartId: string;
  payload: ChartPayload;
}

/**
 * The chart after a write, from what the write read plus the version it signed: no request. A version the node
 * committed joins the verified ones (this app signed it, the node accepted it as spending the verified head);
 * one still waiting is read back from the outbox. When earlier versions were still waiting too, the sender may
 * have posted them meanwhile: the chart is then read again.
 */
export async function writtenAnswer(
  states: ChartStates,
  holder: KeyHolder,
  signed: Signed,
  outcome: SubmitOutcome,
  before: LoadedChart | null,
): Promise<Written> {
  const { tx, envelope, chartId, payload } = signed;
  const seq = envelope.seq;
  const lastVerified = before?.versions.at(-1)?.version.seq ?? 0;
  let loaded = before;
  if (outcome.status === 'committed') {
    if (lastVerified !== seq - 1) {
      const reread = await states.open(holder, chartId);
      return result(holder, signed, outcome, reread.state);
    }
    const version = {
      seq,
      txId: tx.id,
      tx,
      envelope,
      author: holder.signKey,
      owner: payload.custodian.signKey,
      checks: [],
    };
    const opened = { version, payload, readable: true };
    loaded = before
      ? {
          ...before,
          versions: [...before.versions, opened],
          verification: { ...before.verification, versions: [...before.verification.versions, version] },
        }
      : {
          chartId,
          nodeUrl: outcome.nodeUrl,
          verification: { assetId: chartId, versions: [version], failure: null },
          versions: [opened],
          tampered: null,
        };
  }
  const pending = await states.pendingVersions(holder, chartId, loaded?.versions.at(-1)?.version.seq ?? 0);
  return result(holder, signed, outcome, states.stateOf(holder, chartId, loaded, pending));
}

function result(holder: KeyHolder, { tx, envelope, chartId }: Signed, outcome: SubmitOutcome, state: ChartState) {
  return writtenOf(holder, { txId: tx.id, seq: envelope.seq, chartId }, outcome, state);
}

/** The answer for the version `txId` from the chart's state after it (envelope v3's writer builds that state itself). */
export function writtenOf(
  holder: KeyHolder,
  { txId, seq, chartId }: { txId: string; seq: number; chartId: string },
  outcome: SubmitOutcome,
  state: ChartState,
): Written {
  const mine = state.versions.find((v) => v.txId === txId) ?? state.head;
  return {
    chartId,
    txId,
    seq,
    status: outcome.status,
    chart: viewOf(state, holder.signKey),
    version: historyEntryOf(mine),
  };
}
