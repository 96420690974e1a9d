// The doctor's "Upgrade my charts to the private format" (docs/UNLINKABLE.md §10): the chart service's upgradeV3 for
// every v1 chart the signed-in doctor holds, behind the password asked again as for every bulk act (hospital.migrate).
// The report carries chart ids and reasons only.
import { IpcFailure } from '../../../src-shared/ipc';
import type { ChartService } from '../../records/chart-service';
import type { UpgradeResult } from '../../records/upgrade-v3';
import type { Vault } from '../../vault';
import type { Handler } from '../registry';
import type { DoctorSession } from './context';

const rowOf = (r: UpgradeResult) =>
  r.status === 'upgraded'
    ? { chartId: r.chartId, status: r.status, newChartId: r.newChartId, resumed: r.resumed, reason: null }
    : { chartId: r.chartId, status: r.status, newChartId: r.newChartId, resumed: false, reason: r.reason };

export function upgradeV3Handlers(ctx: { vault: Vault; charts: ChartService; session: DoctorSession }): {
  'charts.upgradeV3': Handler<'charts.upgradeV3'>;
} {
  const { vault, charts, session } = ctx;
  return {
    'charts.upgradeV3': async (req) => {
      const active = session.require();
      // Unlocking an open identity checks the password and answers its open session.
      const holder = await vault.unlock(active.id, req.password);
      if (holder.signKey !== active.holder.signKey)
        throw new IpcFailure('LOCKED', 'The signed-in doctor changed: sign in again.');
      const results = await charts.upgradeV3(active.holder, {
        ...(req.spreadSeconds !== undefined ? { spreadMs: Math.round(req.spreadSeconds * 1000) } : {}),
      });
      return { charts: results.map(rowOf) };
    },
  };
}
