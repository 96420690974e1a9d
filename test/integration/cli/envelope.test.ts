// The CLI's chart commands write the envelope the hospital asks for (docs/UNLINKABLE.md §12, docs/DEPLOYMENT.md §4):
// IT's managed `ledgerEnvelope` (the real /etc/healthchain/managed-settings.json, seen only by the CLI processes run
// in a private mount namespace: managed-policy.ts), else the user's settings.json, else v1; `--envelope` refused
// against the pin. The real CLI bundle in child processes, the real node over HTTP, the real keychain. The node's raw
// answers about the v3 charts are searched for what v1 shows in clear.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartToFhir } from '../../../src-shared/records/fhir';
import { isV3Metadata } from '../../../src-shared/unlinkable/envelope-v3';
import type { Transaction } from '../../../src-shared/ledger';
import { sampleChart } from '../../fixtures/sample-chart';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { NODE_TOKEN, removeDir, startNode, tempDir } from '../charts/harness';
import { buildCli, CliUser } from './cli-run';
import { managedPolicyLauncher } from './managed-policy';

interface Identity {
  signKey: string;
  boxKey: string;
}

describe('command line: the envelope of new charts', { timeout: 600_000 }, () => {
  let node: LedgerNode;
  const dataDir = tempDir('node');
  const work = tempDir('cli-envelope');
  const config = join(work, 'config'); // XDG_CONFIG_HOME: the users' own settings.json, never the developer's
  const userSettings = join(config, 'HealthChain', 'settings.json');
  const ada = new CliUser({ XDG_CONFIG_HOME: config });
  const ben = new CliUser({ XDG_CONFIG_HOME: config });
  /** Ada on a computer whose IT pinned `ledgerEnvelope: v3`. */
  const adaPinned = new CliUser(ada.env, managedPolicyLauncher(join(work, 'policy'), { ledgerEnvelope: 'v3' }));
  const outboxOf = (user: CliUser) => join(work, user === ben ? 'ben' : 'ada', 'outbox');
  const at = (user: CliUser, ...args: string[]) => user.cli(...args, '--node', node.url, '--outbox', outboxOf(user));
  const ids: Record<'ada' | 'ben', Identity> = { ada: { signKey: '', boxKey: '' }, ben: { signKey: '', boxKey: '' } };
  let v1Chart = '';
  const v3Charts: string[] = [];

  const fetchText = async (path: string) => {
    const answer = await fetch(`${node.url}${path}`, { headers: { authorization: `Bearer ${NODE_TOKEN}` } });
    expect(answer.status).toBe(200);
    return answer.text();
  };
  const transactionsOf = async (chartId: string) =>
    JSON.parse(await fetchText(`/api/v1/transactions?asset_id=${chartId}`)) as Transaction[];
  const bundleFile = (name: string) => {
    const file = join(work, `${name}.json`);
    writeFileSync(file, JSON.stringify(chartToFhir({ chartId: 'x', chart: sampleChart(name), versions: [] })));
    return file;
  };

  /** Every raw answer of the node about these charts: what an observer reads. */
  const rawAnswers = async (chartIds: string[]) => {
    const txIds = (await Promise.all(chartIds.map(transactionsOf))).flat().map((t) => t.id);
    return [
      ...(await Promise.all(chartIds.map((c) => fetchText(`/api/v1/transactions?asset_id=${c}`)))),
      ...(await Promise.all(txIds.map((id) => fetchText(`/api/v1/transactions/${id}`)))),
    ].join('\n');
  };
  const expectUnlinkable = (text: string) => {
    for (const word of ['"author"', '"readers"', '"action"'])
      expect(text, `${word} in the raw answers`).not.toContain(word);
    for (const key of [ids.ada.signKey, ids.ada.boxKey, ids.ben.signKey, ids.ben.boxKey])
      expect(text, 'a directory key in the raw answers').not.toContain(key);
  };

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

  it('documents --envelope, and refuses a bad value or one on a command that makes no chart (exit 2)', async () => {
    for (const command of ['import', 'create']) {
      const help = await ada.cli(command, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: npm run cli -- ${command} `);
      expect(help.stdout).toContain('--envelope v1|v3');
      expect(help.stdout).toContain('refused (exit 2, nothing written) when IT');
    }
    expect((await ada.cli('share', '--help')).stdout).toContain("in the chart's own envelope");
    expect(await ada.cli('import', 'x.json', '--envelope', 'v2')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--envelope v2: expected v1 or v3'),
    });
    expect(await at(ada, 'update', 'a'.repeat(64), 'x.json', '--envelope', 'v3')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--envelope applies to new charts (import, create)'),
    });
  });

  it('writes v1 by default: no pin, no user setting', async () => {
    for (const [user, name, key] of [
      [ada, 'Dr Ada Okafor', 'ada'],
      [ben, 'Dr Ben Marsh', 'ben'],
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
      expect(made.code, made.stderr).toBe(0);
      ids[key] = (JSON.parse(made.stdout) as { identity: Identity }).identity;
    }
    expect((await ada.cli('card-key', 'create')).code).toBe(0);
    const imported = await at(ada, 'import', bundleFile('Ivy Pell'), '--json');
    expect(imported.code, imported.stderr).toBe(0);
    const [result] = JSON.parse(imported.stdout) as { chartId: string; envelope: string }[];
    expect(result).toMatchObject({ envelope: 'v1' });
    expect(imported.stderr).toContain('envelope v1 (the default: no ledgerEnvelope set)');
    v1Chart = result!.chartId;
    const [create] = await transactionsOf(v1Chart);
    expect(isV3Metadata(create!.metadata)).toBe(false);
    expect(JSON.stringify(create)).toContain(ids.ada.signKey);
  });

  it("follows the user's own ledgerEnvelope in settings.json, and --envelope over it", async () => {
    mkdirSync(join(config, 'HealthChain'), { recursive: true });
    writeFileSync(userSettings, JSON.stringify({ ledgerEnvelope: 'v3' }));
    try {
      const imported = await at(ada, 'import', bundleFile('Una Vale'), '--json');
      expect(imported.code, imported.stderr).toBe(0);
      const [mine] = JSON.parse(imported.stdout) as { chartId: string; envelope: string }[];
      expect(mine).toMatchObject({ envelope: 'v3' });
      expect(imported.stderr).toContain(`envelope v3 (ledgerEnvelope in ${userSettings})`);
      expect(isV3Metadata((await transactionsOf(mine!.chartId))[0]!.metadata)).toBe(true);

      const flagged = await at(ada, 'import', bundleFile('Uri Vale'), '--envelope', 'v1', '--json');
      expect(flagged.code, flagged.stderr).toBe(0);
      const [theirs] = JSON.parse(flagged.stdout) as { chartId: string; envelope: string }[];
      expect(theirs).toMatchObject({ envelope: 'v1' });
      expect(isV3Metadata((await transactionsOf(theirs!.chartId))[0]!.metadata)).toBe(false);
    } finally {
      rmSync(userSettings);
    }
  });

  it('under a managed v3 pin, import of 3 bundles and create write v3; the node shows no author, reader or key', async () => {
    const folder = join(work, 'bundles');
    mkdirSync(folder);
    for (const name of ['Ann Lowe', 'Bo Lind', 'Cy Marr'])
      writeFileSync(
        join(folder, `${name}.json`),
        JSON.stringify(chartToFhir({ chartId: 'x', chart: sampleChart(name), versions: [] })),
      );
    const imported = await at(adaPinned, 'import', folder, '--json');
    expect(imported.code, imported.stderr).toBe(0);
    const results = JSON.parse(imported.stdout) as { chartId: string; envelope: string; status: string }[];
    expect(results).toHaveLength(3);
    for (const r of results) expect(r).toMatchObject({ envelope: 'v3', status: 'committed' });
    expect(imported.stderr).toContain('envelope v3 (pinned by IT: /etc/healthchain/managed-settings.json)');
    v3Charts.push(...results.map((r) => r.chartId));

    const chartFile = join(work, 'dee.json');
    writeFileSync(chartFile, JSON.stringify(sampleChart('Dee Noor')));
    const created = await at(adaPinned, 'charts', 'create', chartFile, '--json');
    expect(created.code, created.stderr).toBe(0);
    const made = JSON.parse(created.stdout) as { chartId: string; envelope: string; code: string; seq: number };
    expect(made).toMatchObject({ envelope: 'v3', seq: 1, status: 'committed' });
    expect(made.code).toMatch(/\S{10,}/);
    v3Charts.push(made.chartId);
    const human = await at(adaPinned, 'create', chartFile);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^Created [0-9a-f]{64}: version 1 committed \(.*\), envelope v3 \(pinned by IT: /);
    v3Charts.push(/^Created ([0-9a-f]{64})/.exec(human.stdout)![1]!);

    for (const chartId of v3Charts)
      for (const tx of await transactionsOf(chartId)) expect(isV3Metadata(tx.metadata)).toBe(true);
    expectUnlinkable(await rawAnswers(v3Charts));
  });

  it('lists the v3 charts verified beside the v1 ones; update and share on a v3 chart write v3', async () => {
    const listed = await at(ada, 'list', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    const charts = JSON.parse(listed.stdout) as { chartId: string; integrity: string; role: string }[];
    for (const chartId of [v1Chart, ...v3Charts])
      expect(charts.find((c) => c.chartId === chartId)).toMatchObject({ integrity: 'verified', role: 'custodian' });

    const target = v3Charts[0]!;
    const shown = JSON.parse((await at(ada, 'show', target)).stdout) as { data: { patient: { name: string } } };
    shown.data.patient.name = 'Ann Lowe-Marr';
    const edited = join(work, 'edited.json');
    writeFileSync(edited, JSON.stringify(shown));
    const updated = await at(ada, 'update', target, edited, '--json');
    expect(updated.code, updated.stderr).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({ chartId: target, seq: 2, status: 'committed', envelope: 'v3' });
    const shared = await at(adaPinned, 'share', target, '--doctor', ids.ben.signKey);
    expect(shared.code, shared.stderr).toBe(0);
    expect(shared.stdout).toMatch(/^Shared with Dr Ben Marsh: [0-9a-f]{64}: version 3 committed .*, envelope v3$/m);

    const txs = await transactionsOf(target);
    expect(txs).toHaveLength(3);
    for (const tx of txs) expect(isV3Metadata(tx.metadata)).toBe(true);
    expectUnlinkable(await rawAnswers(v3Charts));

    // Ben finds the chart shared with him through v3 discovery, verified, with its new name.
    const benList = JSON.parse((await at(ben, 'list', '--json')).stdout) as {
      chartId: string;
      role: string;
      integrity: string;
      patientName: string;
    }[];
    expect(benList).toMatchObject([
      { chartId: target, role: 'reader', integrity: 'verified', patientName: 'Ann Lowe-Marr' },
    ]);

    // A v1 chart keeps its envelope under the pin.
    const v1Update = await at(adaPinned, 'revoke', v1Chart, '--json');
    expect(v1Update.code, v1Update.stderr).toBe(0);
    expect(JSON.parse(v1Update.stdout)).toMatchObject({ chartId: v1Chart, envelope: 'v1' });
    expect(isV3Metadata((await transactionsOf(v1Chart)).at(-1)!.metadata)).toBe(false);
  });

  it('refuses --envelope v1 under the v3 pin with exit 2, writing nothing; --envelope v3 is accepted', async () => {
    const before = (JSON.parse((await at(ada, 'list', '--json')).stdout) as unknown[]).length;
    const refused = await at(adaPinned, 'import', bundleFile('Eve Roth'), '--envelope', 'v1');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      '--envelope v1 refused: IT pinned ledgerEnvelope to v3 in the managed settings (/etc/healthchain/managed-settings.json)',
    );
    const chartFile = join(work, 'dee.json');
    expect(await at(adaPinned, 'create', chartFile, '--envelope', 'v1')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--envelope v1 refused'),
    });
    expect((JSON.parse((await at(ada, 'list', '--json')).stdout) as unknown[]).length).toBe(before);

    const same = await at(adaPinned, 'import', bundleFile('Eve Roth'), '--envelope', 'v3', '--json');
    expect(same.code, same.stderr).toBe(0);
    expect(JSON.parse(same.stdout)).toMatchObject([{ envelope: 'v3' }]);
  });
});
