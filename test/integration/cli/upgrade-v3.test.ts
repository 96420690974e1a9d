// `charts upgrade-v3` through the real CLI bundle in child processes (docs/UNLINKABLE.md §10): the real node over HTTP,
// the real keychain, the outbox and verified cache on disk. Ada imports two charts and shares one with Ben; the command
// moves both to v3 charts that open for their readers, the old ones read "moved to <new id>", a second run skips both,
// and usage errors and a chart that cannot be upgraded give their exit codes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartToFhir } from '../../../src-shared/records/fhir';
import { sampleChart } from '../../fixtures/sample-chart';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { openChartV3 } from '../../../src-main/records/version-opener-v3';
import { Vault } from '../../../src-main/vault';
import { NODE_TOKEN, removeDir, startNode, tempDir } from '../charts/harness';
import { buildCli, CliUser } from './cli-run';

interface Result {
  chartId: string;
  status: 'upgraded' | 'skipped' | 'failed';
  newChartId: string | null;
  reason?: string;
  resumed?: boolean;
}

describe('command line: charts upgrade-v3', { timeout: 600_000 }, () => {
  let node: LedgerNode;
  const dataDir = tempDir('node');
  const work = tempDir('cli');
  const ada = new CliUser();
  const ben = new CliUser();
  const at = (user: CliUser, ...args: string[]) =>
    user.cli(...args, '--node', node.url, '--outbox', join(work, user === ada ? 'ada/outbox' : 'ben/outbox'));
  let benKey = '';
  const charts: string[] = [];

  beforeAll(async () => {
    await buildCli();
    node = await startNode(dataDir);
  });

  afterAll(async () => {
    await node?.stop();
    await ada.clean();
    await ben.clean();
    removeDir(dataDir);
    removeDir(work);
  });

  it('refuses a call that names no charts, both kinds, a bad id or a bad spread, with exit 2', async () => {
    const help = await ada.cli('charts', '--help');
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: npm run cli -- charts upgrade-v3') });
    for (const [args, message] of [
      [['charts', 'upgrade-v3'], 'needs either --all or --chart'],
      [['charts', 'upgrade-v3', '--all', '--chart', 'a'.repeat(64)], 'needs either --all or --chart'],
      [['charts', 'upgrade-v3', '--chart', 'abc'], '--chart abc: not a chart id'],
      [['charts', 'upgrade'], 'charts: expected "upgrade-v3"'],
      [['charts', 'upgrade-v3', '--all', '--spread', 'soon'], '--spread soon: not a duration'],
    ] as const) {
      expect(await at(ada, ...args)).toMatchObject({ code: 2, stderr: expect.stringContaining(message) });
    }
  });

  it('moves every chart Ada holds to a v3 chart its readers open; the old one reads "moved to" it', async () => {
    for (const [user, name] of [
      [ada, 'Dr Ada Okafor'],
      [ben, 'Dr Ben Marsh'],
    ] as const) {
      const made = await at(
        user,
        'identity',
        'create',
        '--name',
        name,
        '--specialty',
        'GP',
        '--licence',
        'L',
        '--json',
      );
      expect(made.code).toBe(0);
      if (user === ben) benKey = (JSON.parse(made.stdout) as { identity: { signKey: string } }).identity.signKey;
    }
    for (const patient of ['Ivy Pell', 'Jon Rook']) {
      const file = join(work, `${patient}.json`);
      writeFileSync(file, JSON.stringify(chartToFhir({ chartId: 'x', chart: sampleChart(patient), versions: [] })));
      const imported = await at(ada, 'import', file, '--json');
      expect(imported.code).toBe(0);
      charts.push((JSON.parse(imported.stdout) as { chartId: string }[])[0]!.chartId);
    }
    expect((await at(ada, 'share', charts[0]!, '--doctor', benKey)).code).toBe(0);

    const run = await at(ada, 'charts', 'upgrade-v3', '--all', '--spread', '0', '--json');
    expect(run).toMatchObject({ code: 0 });
    const results = JSON.parse(run.stdout) as Result[];
    expect(results.map((r) => r.chartId).sort()).toEqual([...charts].sort());
    for (const r of results) expect(r).toMatchObject({ status: 'upgraded', resumed: false });
    const copyOf = new Map(results.map((r) => [r.chartId, r.newChartId!]));

    // The old chart: its last version a revoke that names the copy; listed as revoked.
    for (const chartId of charts) {
      const shown = JSON.parse((await at(ada, 'show', chartId)).stdout) as {
        history: { action: string; note: string | null }[];
      };
      expect(shown.history.at(-1)).toMatchObject({ action: 'revoke', note: `moved to ${copyOf.get(chartId)}` });
    }
    expect((await at(ada, 'list')).stdout.match(/\(revoked\)/g)).toHaveLength(2);

    // The copies open for Ada and (the shared one) for Ben, with the keys in their keychains.
    const client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
    try {
      for (const [user, chartId, opens] of [
        [ada, charts[0]!, true],
        [ben, charts[0]!, true],
        [ada, charts[1]!, true],
        [ben, charts[1]!, false],
      ] as const) {
        const vault = new Vault({ service: user.service });
        const [identity] = (await vault.list()).identities;
        const holder = await vault.unlock(identity!.id, user.env.HEALTHCHAIN_PASSWORD!);
        try {
          const copy = copyOf.get(chartId)!;
          const opened = await openChartV3(copy, (await client.listTransactions(copy)).value, holder);
          expect(opened.tampered).toBeNull();
          expect(opened.versions.length).toBe(opens ? 1 : 0);
          if (opens)
            expect(opened.versions[0]!.inner.payload.chart.patient.name).toBe(
              chartId === charts[0] ? 'Ivy Pell' : 'Jon Rook',
            );
        } finally {
          holder.lock();
        }
      }
    } finally {
      client.close();
    }
  });

  it('a second run skips both (exit 0); a chart it cannot upgrade is reported and exits 1', async () => {
    const again = await at(ada, 'charts', 'upgrade-v3', '--all', '--spread', '0');
    expect(again.code).toBe(0);
    expect(again.stdout.match(/^skipped [0-9a-f]{64}: already moved to [0-9a-f]{64}$/gm)).toHaveLength(2);
    expect(again.stdout).toContain('0 upgraded, 2 skipped, 0 failed.');

    const missing = 'f'.repeat(64);
    const failed = await at(ada, 'charts', 'upgrade-v3', '--chart', missing, '--chart', charts[0]!, '--json');
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toEqual([
      expect.objectContaining({ chartId: missing, status: 'failed' }),
      expect.objectContaining({ chartId: charts[0], status: 'skipped' }),
    ]);
  });
});
