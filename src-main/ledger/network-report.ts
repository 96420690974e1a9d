// The network check as plain text for a ticket: fixed labels, one block per node, problems and notes, no colour.
import type { NetworkCheck } from '../../src-shared/ipc/network-check';

const VERDICT = { ok: 'OK', warning: 'WARNING', failed: 'FAILED' } as const;

export function formatNetworkReport(check: Omit<NetworkCheck, 'text'>): string {
  const lines = [
    'HealthChain ledger network check',
    `Checked at: ${check.checkedAt}`,
    `Result:     ${VERDICT[check.verdict]} - ${check.summary}`,
  ];
  check.nodes.forEach((node, i) => {
    lines.push('', `Node ${i + 1}  ${node.url}`);
    if (!node.reachable) {
      lines.push(`  answers:  NO - ${node.error ?? 'no answer'}`);
      return;
    }
    lines.push(
      `  answers:  yes${node.version ? `, BigchainDB ${node.version}` : ''}${node.latencyMs !== null ? `, ${node.latencyMs} ms` : ''}`,
    );
    const chain = check.chains.find((c) => c.label === node.chain);
    lines.push(`  chain:    ${chain ? `${chain.label} (${chain.validators})` : 'not compared'}`);
    lines.push(`  height:   ${node.height ?? 'unknown'}`);
    const stream = node.streamOpens === null ? 'not tried' : node.streamOpens ? 'opens' : 'DOES NOT OPEN';
    lines.push(`  stream:   ${stream}${node.streamUrl ? ` - ${node.streamUrl}` : ''}`);
    if (node.error) lines.push(`  error:    ${node.error}`);
  });
  lines.push('', 'Problems');
  if (check.problems.length === 0) lines.push('  none');
  for (const p of check.problems) lines.push(`  ${p.severity === 'failed' ? 'FAILED ' : 'WARNING'}  ${p.message}`);
  if (check.notes.length) {
    lines.push('', 'Notes');
    for (const note of check.notes) lines.push(`  - ${note}`);
  }
  return `${lines.join('\n')}\n`;
}
