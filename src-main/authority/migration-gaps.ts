// What a chart written before the authority (or before its emergency key was published) lacks, read from its newest
// version's public parts only — the output's condition and the envelope's reader keys — so the plan is shown before
// the doctor's password is asked, and nothing is opened. The writer's migrateCustody (src-main/records/chart-writer.ts)
// closes exactly these gaps with one "share" version: custody = the output pays 1-of-[custodian, this quorum];
// recovery = the data key is wrapped to the hospital's recovery key; emergency = wrapped to the published emergency key.
import { chartOwnership, custodyPolicyOf, type VerifiedAuthority } from '../../src-shared/authority';
import { conditionUriFromDetails } from '../../src-shared/ledger';
import type { MigrationGap } from '../../src-shared/ipc/it-desk';
import { chartsHeldBy, readChartHead, type ChartLedger } from './recovery-flows';

export interface ChartGaps {
  chartId: string;
  seq: number;
  gaps: MigrationGap[];
  blocked: string | null;
}

export async function migrationGaps(
  ledger: ChartLedger,
  authority: VerifiedAuthority,
  custodian: string,
): Promise<ChartGaps[]> {
  const policy = custodyPolicyOf(authority.id, authority.data);
  const quorumUri = conditionUriFromDetails(policy.quorum);
  const emergencyKey = authority.emergencyKey?.boxKey ?? null;
  const out: ChartGaps[] = [];
  for (const chartId of await chartsHeldBy(ledger, custodian)) {
    let head;
    try {
      head = await readChartHead(ledger, chartId);
    } catch (error) {
      out.push({ chartId, seq: 0, gaps: [], blocked: (error as Error).message });
      continue;
    }
    const readers = new Set(head.envelope.readers.map((r) => r.key));
    const quorum = chartOwnership(head.tx.outputs[0])?.quorum;
    const gaps: MigrationGap[] = [];
    if (!quorum || conditionUriFromDetails(quorum) !== quorumUri) gaps.push('custody');
    if (!readers.has(authority.data.recoveryKey)) gaps.push('recovery');
    if (emergencyKey && !readers.has(emergencyKey)) gaps.push('emergency');
    // A revoked chart takes no version but its restore (which then migrates it like any write).
    const blocked =
      head.envelope.action === 'revoke' && gaps.length > 0
        ? 'Revoked: it is migrated by its restore, like any write'
        : null;
    out.push({ chartId, seq: head.seq, gaps, blocked });
  }
  return out;
}
