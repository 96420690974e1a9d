// IT's tools that only the CLI had (issue #12), for the Hospital section: this machine's officer keys (create, list,
// back up, restore), migrating the signed-in doctor's older charts under the authority, and recovery with officers on
// separate machines. Officer keys are made and unlocked in main only; a recovery session's secret stays in main's
// memory; files leave only through main's save dialog (a sealed share, an officer backup) or arrive as the sealed text
// the user picked.
import { IpcFailure } from '../../../src-shared/ipc';
import type { HospitalDesk } from '../../authority/hospital-desk';
import type { RecoverySessions } from '../../authority/recovery-sessions';
import type { ChartService } from '../../records/chart-service';
import type { Vault } from '../../vault';
import { toIpcFailure } from '../error-mapping';
import type { Handler } from '../registry';
import type { DoctorSession, ShellPort } from './context';

type ItDeskChannels =
  | 'hospital.officerList'
  | 'hospital.officerCreate'
  | 'hospital.officerBackup'
  | 'hospital.officerRestore'
  | 'hospital.migrationPlan'
  | 'hospital.migrate'
  | 'hospital.startRecoverySession'
  | 'hospital.endRecoverySession'
  | 'hospital.sealShare'
  | 'hospital.recoverWithShares';

export interface ItDeskContext {
  hospital: HospitalDesk;
  sessions: RecoverySessions;
  vault: Vault;
  charts: ChartService;
  session: DoctorSession;
  shell: ShellPort;
}

/** Why a chart failed, as the user sees it (the mapped message; never an internal error's text). */
function reasonOf(error: unknown): string {
  const failure = toIpcFailure(error);
  return failure ? failure.message : 'An unexpected error (see the app log)';
}

export function itDeskHandlers(ctx: ItDeskContext): { [C in ItDeskChannels]: Handler<C> } {
  const { hospital, sessions, vault, charts, session, shell } = ctx;
  return {
    'hospital.officerList': async () => hospital.officers(),
    'hospital.officerCreate': async (req) => hospital.createOfficer(req),
    'hospital.officerBackup': async (req) => {
      const text = await hospital.backupOfficer(req);
      const name = `officer-${req.officer.slice(0, 8)}-${new Date().toISOString().slice(0, 10)}.healthchain-officer-backup.json`;
      return { savedTo: await shell.saveFile(name, text) };
    },
    'hospital.officerRestore': async (req) => hospital.restoreOfficer(req),

    'hospital.migrationPlan': async () => {
      const { holder } = session.require();
      return { signKey: holder.signKey, charts: await hospital.migrationGaps(holder.signKey) };
    },
    'hospital.migrate': async (req) => {
      const active = session.require();
      // The password is checked again for this bulk act; unlocking an open identity answers its open session.
      const holder = await vault.unlock(active.id, req.password);
      if (holder.signKey !== active.holder.signKey)
        throw new IpcFailure('LOCKED', 'The signed-in doctor changed: sign in again.');
      const plan = new Map((await hospital.migrationGaps(holder.signKey)).map((c) => [c.chartId, c]));
      const report = [];
      // One chart at a time: a failure is reported for that chart and the others go on; nothing already written is
      // touched, and running it again skips what is done.
      for (const chartId of req.chartIds) {
        const known = plan.get(chartId);
        if (!known) {
          report.push({
            chartId,
            status: 'failed' as const,
            txId: null,
            reason: 'You are not the custodian of this chart',
          });
          continue;
        }
        if (known.blocked) {
          report.push({ chartId, status: 'skipped' as const, txId: null, reason: known.blocked });
          continue;
        }
        try {
          const written = await charts.migrateCustody(holder, chartId);
          report.push(
            written
              ? { chartId, status: 'done' as const, txId: written.txId, reason: null }
              : { chartId, status: 'skipped' as const, txId: null, reason: 'Already under the hospital authority' },
          );
        } catch (error) {
          report.push({ chartId, status: 'failed' as const, txId: null, reason: reasonOf(error) });
        }
      }
      return { charts: report };
    },

    'hospital.startRecoverySession': async () => {
      await hospital.pinned();
      return sessions.start();
    },
    'hospital.endRecoverySession': async (req) => {
      sessions.end(req.sessionKey);
      return {};
    },
    'hospital.sealShare': async (req) => {
      const { text, officer } = await hospital.sealShare(req);
      const name = `recovery-share-${officer.slice(0, 8)}-${new Date().toISOString().slice(0, 10)}.json`;
      return { savedTo: await shell.saveFile(name, text) };
    },
    'hospital.recoverWithShares': async (req) => hospital.recoverWithShares(sessions, req),
  };
}
