// Custody moves planned before anything is posted (the IT desk's recover, off-board and re-key): every chart's move is
// built first with the rebuilt recovery key, so a chart that cannot move (written before the authority, not
// verifying, already with that doctor) is named before the quorum posts anything, and what was posted is reported
// even when a later post fails.
import {
  AuthorityInputError,
  type CredentialRegistryView,
  type OfficerSigner,
  type PartialTransaction,
  type PractitionerEntry,
} from '../../src-shared/authority';
import type { Transaction } from '../../src-shared/ledger';
import { signAndPost, type V3ChartMover } from './custody-acts';
import type { LedgerPoster } from './hospital';
import { openWithRecoveryKey, prepareCustodyMove, readChartHead, type ChartLedger } from './recovery-flows';

/** A v1 chart's move waits as a partial transaction for the officers' signatures; a v3 chart's is signed already. */
export type PlannedMove = { chartId: string; partial: PartialTransaction } | { chartId: string; signed: Transaction };

export interface MovePlan {
  planned: PlannedMove[];
  refused: { chartId: string; reason: string }[];
}

/** Each chart's custody move to `to`, unsigned; a chart that cannot move is listed in `refused` with why. */
export async function planMoves(
  ledger: ChartLedger,
  view: CredentialRegistryView,
  input: {
    chartIds: readonly string[];
    to: Pick<PractitionerEntry, 'signKey' | 'boxKey' | 'name'>;
    coordinator: string;
    reason: string;
    secret: Uint8Array;
    /** Moves v3 charts (records/quorum-move-v3.ts) with the signing officers, coordinator first: signed while planned. */
    v3?: { mover: V3ChartMover; officers: readonly OfficerSigner[] };
  },
): Promise<MovePlan> {
  const plan: MovePlan = { planned: [], refused: [] };
  for (const chartId of input.chartIds) {
    try {
      if (input.v3 && (await input.v3.mover.isV3(chartId))) {
        const { to, reason, secret } = input;
        const { mover, officers } = input.v3;
        const signed = await mover.prepare({
          chartId,
          authority: view.authority,
          recoverySecret: secret,
          to,
          officers,
          reason,
        });
        plan.planned.push({ chartId, signed });
        continue;
      }
      const head = await readChartHead(ledger, chartId);
      const payload = await openWithRecoveryKey(view.authority, head, input.secret);
      const partial = prepareCustodyMove({
        authority: view.authority,
        head,
        payload,
        to: input.to,
        coordinator: input.coordinator,
        reason: input.reason,
      });
      plan.planned.push({ chartId, partial });
    } catch (error) {
      if (!(error instanceof AuthorityInputError)) throw error;
      plan.refused.push({ chartId, reason: error.message });
    }
  }
  return plan;
}

export interface PostedMoves {
  moved: { chartId: string; txId: string }[];
  /** The move that failed (nothing after it was tried), with its error. */
  failed: { chartId: string; error: Error; untried: string[] } | null;
}

/** Signs and posts the planned moves in order; the ones posted are returned, a failure stops at its chart. */
export async function postMoves(
  ledger: LedgerPoster,
  planned: readonly PlannedMove[],
  officers: readonly OfficerSigner[],
): Promise<PostedMoves> {
  const moved: { chartId: string; txId: string }[] = [];
  for (const [i, move] of planned.entries()) {
    const { chartId } = move;
    try {
      if ('signed' in move) {
        await ledger.post(move.signed, 'commit');
        moved.push({ chartId, txId: move.signed.id });
        continue;
      }
      moved.push({ chartId, txId: await signAndPost(ledger, move.partial, officers) });
    } catch (error) {
      const untried = planned.slice(i + 1).map((p) => p.chartId);
      return { moved, failed: { chartId, error: error as Error, untried } };
    }
  }
  return { moved, failed: null };
}

/** The charts left where they were after the posts, with why. */
export function notMovedOf(plan: MovePlan, posted: PostedMoves): { chartId: string; reason: string }[] {
  const { failed } = posted;
  return [
    ...plan.refused,
    ...(failed
      ? [
          { chartId: failed.chartId, reason: failed.error.message },
          ...failed.untried.map((chartId) => ({
            chartId,
            reason: `not tried after the move of chart ${failed.chartId} failed`,
          })),
        ]
      : []),
  ];
}
