// A chart version left pending in the outbox (no node answered) is posted by the next command of the CLI at once,
// not only by the sender's retry loop, whose first look comes 1 s after start: after a short command had ended.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartToFhir } from '../../../src-shared/records/fhir';
import { sampleChart } from '../../fixtures/sample-chart';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { removeDir, startNode, tempDir } from '../charts/harness';
import { buildCli, CliUser } from './cli-run';

describe('command line: the outbox', { timeout: 600_000 }, () => {
  let node: LedgerNode;
  const dataDir = tempDir('node');
  const work = tempDir('cli-outbox');
  const user = new CliUser();
  const outbox = ['--outbox', join(work, 'outbox')];
  // Nothing listens here: the node of a hospital that is down.
  const down = ['--node', 'http://127.0.0.1:9'];

  beforeAll(async () => {
    await buildCli();
    node = await startNode(dataDir);
  });

  afterAll(async () => {
    await node?.stop();
    await user.clean();
    removeDir(dataDir);
    removeDir(work);
  });

  it('a version imported while no node answered is committed by the next command, before it reads', async () => {
    const live = ['--node', node.url];
    const created = await user.cli(
      'identity',
      'create',
      '--name',
      'Dr Ola Pending',
      '--specialty',
      'GP',
      '--licence',
      'L-9',
      ...live,
    );
    expect(created.code, created.stderr).toBe(0);
    const file = join(work, 'ola.json');
    writeFileSync(file, JSON.stringify(chartToFhir({ chartId: 'x', chart: sampleChart('Ola Pending'), versions: [] })));

    const imported = await user.cli('import', file, '--json', ...down, ...outbox);
    expect(imported.code, imported.stderr).toBe(0);
    const [first] = JSON.parse(imported.stdout) as { chartId: string; status: string }[];
    expect(first?.status).toBe('pending');
    const chartId = first!.chartId;
    expect((await user.cli('outbox', ...down, ...outbox)).stdout).toContain('pending');

    // `list` posts what the outbox holds first, so the chart it lists is committed, not pending.
    const listed = await user.cli('list', '--json', ...live, ...outbox);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ chartId, integrity: 'verified', seq: 1 }]);
    expect((await user.cli('outbox', ...live, ...outbox)).stdout.trim()).toBe('The outbox is empty.');
  });
});
