// The privacy officer's review as the workstation runs it (IPC emergency.report, emergency.followUp): the report of
// emergency access under the pinned authority, and a follow-up signed by this computer's officer key — unlocked for
// that one act through the hospital desk (password per act, locked again whatever happens).
import type { HospitalDesk, OfficerPick } from '../authority/hospital-desk';
import { buildFollowUp, type FollowUpState } from '../../src-shared/emergency';
import { nativeLedgerCrypto } from '../crypto/ledger-crypto';
import type { Answer, PostOutcome } from '../ledger/node-client';
import type { QueuedOutcome } from '../ledger/outbox-poster';
import { emergencyReport, type EmergencyReportRow, type ReportLedger } from './report';

export interface ReviewLedger extends ReportLedger {
  post(tx: { id: string }, mode?: 'commit' | 'sync'): Promise<Answer<PostOutcome>>;
}

export class EmergencyReviewDesk {
  constructor(
    private readonly ledger: ReviewLedger,
    private readonly hospital: HospitalDesk,
    /** Where the follow-up is posted: the app's outbox (queued while no node answers); the node client by default. */
    private readonly poster: { post(tx: { id: string }, mode?: 'commit'): Promise<Answer<QueuedOutcome>> } = ledger,
  ) {}

  async report(input: {
    since: string;
    password?: string;
    officer?: string;
  }): Promise<{ rows: EmergencyReportRow[]; emergencyKey: string | null; opened: boolean }> {
    const since = new Date(input.since);
    const run = async (officer?: Parameters<typeof emergencyReport>[1]['officer']) => {
      const { authority, registry } = await this.hospital.pinned();
      const rows = await emergencyReport(this.ledger, { authority, registry, since, officer });
      return { rows, emergencyKey: authority.emergencyKey?.signKey ?? null, opened: officer !== undefined };
    };
    if (input.password === undefined) return run();
    return this.hospital.withOfficer({ password: input.password, officer: input.officer }, (officer) => run(officer));
  }

  async followUp(
    input: { request: string; state: FollowUpState; comment: string } & OfficerPick,
  ): Promise<{ posted: string; queued: boolean }> {
    return this.hospital.withOfficer(input, async (officer, { authority }) => {
      const tx = await buildFollowUp(
        {
          authority: authority.id,
          request: input.request,
          state: input.state,
          comment: input.comment,
          officers: authority.data.officers.map((o) => o.boxKey),
        },
        officer,
        nativeLedgerCrypto,
      );
      const { value } = await this.poster.post(tx, 'commit');
      return { posted: tx.id, queued: value === 'queued' };
    });
  }
}
