// `import` seals the v1 CREATEs of the bundles it converts while the identity unlocks, with the keychain entry's
// public keys, and signs them after the unlock (cli/import-lookahead.ts, records/prepared-create.ts). The real CLI
// bundle in a child process, the real node, the real keychain: every chart so written verifies as any other, and a
// wrong password writes nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartToFhir } from '../../../src-shared/records/fhir';
import { sampleChart } from '../../fixtures/sample-chart';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { removeDir, startNode, tempDir } from '../charts/harness';
import { buildCli, CliUser } from './cli-run';

const COUNT = 40;

describe('command line: import sealed while unlocking', { timeout: 300_000 }, () => {
  let node: LedgerNode;
  const dataDir = tempDir('node');
  const work = tempDir('cli');
  const folder = join(work, 'bundles');
  const ada = new CliUser();
  const at = (user: CliUser, ...args: string[]) =>
    user.cli(...args, '--node', node.url, '--outbox', join(work, 'outbox'));

  beforeAll(async () => {
    await buildCli();
    node = await startNode(dataDir);
    mkdirSync(folder);
    for (let i = 0; i < COUNT; i++)
      writeFileSync(
        join(folder, `${String(i).padStart(3, '0')}.json`),
        JSON.stringify(chartToFhir({ chartId: 'x', chart: sampleChart(`Sealed ${i}`), versions: [] })),
      );
    const made = await at(
      ada,
      'identity',
      'create',
      '--name',
      'Dr Ada Okafor',
      '--specialty',
      'GP',
      '--licence',
      'L-1',
    );
    expect(made.code, made.stderr).toBe(0);
  });

  afterAll(async () => {
    await node?.stop();
    await ada.clean();
    removeDir(dataDir);
    removeDir(work);
  });

  it('imports every bundle; the charts sealed ahead verify and read as written, in file order', async () => {
    const timed = new CliUser({ ...ada.env, HC_CLI_TIMELINE: '1' });
    const imported = await at(timed, 'import', folder, '--json');
    expect(imported.code, imported.stderr).toBe(0);
    const counts = /(\d+) converted, (\d+) sealed while unlocking/.exec(imported.stderr);
    expect(counts, imported.stderr).not.toBeNull();
    const [converted, sealed] = [Number(counts![1]), Number(counts![2])];
    console.log(`${converted} converted and ${sealed} sealed while unlocking, of ${COUNT}`);
    expect(sealed).toBeLessThanOrEqual(converted);
    const written = JSON.parse(imported.stdout) as { file: string; chartId: string }[];
    expect(written.map((w) => w.file)).toEqual(
      Array.from({ length: COUNT }, (_, i) => join(folder, `${String(i).padStart(3, '0')}.json`)),
    );
    // `list` verifies every chart (exit 3 on any tampered one): each signature, each envelope opened.
    const listed = await at(ada, 'list', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    const charts = JSON.parse(listed.stdout) as { chartId: string; patientName: string; integrity: string }[];
    expect(charts).toHaveLength(COUNT);
    expect(new Set(charts.map((c) => c.integrity))).toEqual(new Set(['verified']));
    const names = new Map(charts.map((c) => [c.chartId, c.patientName]));
    written.forEach((w, i) => expect(names.get(w.chartId)).toBe(`Sealed ${i}`));
  });

  it('a wrong password imports nothing (whatever was sealed meanwhile is dropped)', async () => {
    const wrong = new CliUser({ ...ada.env, HEALTHCHAIN_PASSWORD: 'not the right password at all' });
    const refused = await at(wrong, 'import', folder);
    expect(refused.code).not.toBe(0);
    const listed = await at(ada, 'list', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(COUNT);
  });
});
