// The command line's parity with the app (update, revoke, restore, share, unshare, custody, card), its exit codes
// and per-command help: the real CLI bundle in child processes, the real node over HTTP, the real keychain.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartToFhir } from '../../../src-shared/records/fhir';
import type { Transaction } from '../../../src-shared/ledger';
import { sampleChart } from '../../fixtures/sample-chart';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { removeDir, startNode, tempDir } from '../charts/harness';
import { startTamperProxy, type TamperProxy } from '../charts/tamper-proxy';
import { buildCli, CliUser } from './cli-run';

describe('command line: parity with the app', { timeout: 600_000 }, () => {
  let node: LedgerNode;
  let proxy: TamperProxy;
  const dataDir = tempDir('node');
  const work = tempDir('cli');
  const ada = new CliUser();
  const ben = new CliUser();
  const at = (user: CliUser, ...args: string[]) =>
    user.cli(...args, '--node', node.url, '--outbox', join(work, user === ada ? 'outbox-ada' : 'outbox-ben'));
  let adaKey = '';
  let benKey = '';
  let chartId = '';

  beforeAll(async () => {
    await buildCli();
    node = await startNode(dataDir);
    proxy = await startTamperProxy(node.url);
  });

  afterAll(async () => {
    await proxy?.close();
    await node?.stop();
    await ada.clean();
    await ben.clean();
    removeDir(dataDir);
    removeDir(work);
  });

  it('answers --help per command, and refuses an unknown one with exit 2', async () => {
    const help = await ada.cli('custody', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm run cli -- custody <chartId> --doctor <signKey> [--keep-reading]');
    expect(help.stdout).toContain('3 a chart failed verification');
    for (const command of ['update', 'revoke', 'restore', 'share', 'unshare', 'card', 'list', 'import'])
      expect((await ada.cli(command, '--help')).stdout).toContain(`Usage: npm run cli -- ${command}`);
    expect(await ada.cli('frobnicate', '--help')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown command "frobnicate"'),
    });
    expect(await ada.cli('update', 'x', '--base-seq', 'two')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--base-seq two: not a version number'),
    });
  });

  it('creates two doctors and imports a chart', async () => {
    const a = await at(
      ada,
      'identity',
      'create',
      '--name',
      'Dr Ada Okafor',
      '--specialty',
      'GP',
      '--licence',
      'L-1',
      '--json',
    );
    expect(a.code).toBe(0);
    adaKey = (JSON.parse(a.stdout) as { identity: { signKey: string } }).identity.signKey;
    const b = await at(
      ben,
      'identity',
      'create',
      '--name',
      'Dr Ben Marsh',
      '--specialty',
      'Cardiology',
      '--licence',
      'L-2',
      '--json',
    );
    expect(b.code).toBe(0);
    benKey = (JSON.parse(b.stdout) as { identity: { signKey: string } }).identity.signKey;

    const file = join(work, 'ivy.json');
    writeFileSync(file, JSON.stringify(chartToFhir({ chartId: 'x', chart: sampleChart('Ivy Pell'), versions: [] })));
    const imported = await at(ada, 'import', file, '--json');
    expect(imported.code, imported.stderr).toBe(0);
    chartId = (JSON.parse(imported.stdout) as { chartId: string }[])[0]!.chartId;
    expect(chartId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('update: a new version from the edited "show --json", refused when stale', async () => {
    const shown = JSON.parse((await at(ada, 'show', chartId)).stdout) as { data: { patient: { name: string } } };
    shown.data.patient.name = 'Ivy Pell-Marsh';
    const file = join(work, 'edited.json');
    writeFileSync(file, JSON.stringify(shown));
    const updated = await at(ada, 'update', chartId, file, '--base-seq', '1', '--json');
    expect(updated.code).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({ chartId, seq: 2, status: 'committed' });
    const listed = JSON.parse((await at(ada, 'list', '--json')).stdout) as { patientName: string; seq: number }[];
    expect(listed).toMatchObject([{ patientName: 'Ivy Pell-Marsh', seq: 2 }]);

    const stale = await at(ada, 'update', chartId, file, '--base-seq', '1');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/healthchain: .*version/i);
    expect(await at(ada, 'update', chartId, join(work, 'missing.json'))).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('missing.json: no such file'),
    });
    writeFileSync(join(work, 'bad.json'), JSON.stringify({ patient: {} }));
    expect(await at(ada, 'update', chartId, join(work, 'bad.json'))).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('The chart is not valid'),
    });
  });

  it('share and unshare with a doctor from the directory', async () => {
    expect(await at(ada, 'share', chartId, '--doctor', 'nobody')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('nobody is not in the practitioner directory'),
    });
    const shared = await at(ada, 'share', chartId, '--doctor', benKey);
    expect(shared).toMatchObject({ code: 0, stdout: expect.stringContaining('Shared with Dr Ben Marsh:') });
    const seen = JSON.parse((await at(ben, 'list', '--json')).stdout) as { chartId: string; role: string }[];
    expect(seen).toMatchObject([{ chartId, role: 'reader' }]);
    const view = JSON.parse((await at(ada, 'show', chartId)).stdout) as { sharedWith: { signKey: string }[] };
    expect(view.sharedWith.map((p) => p.signKey)).toEqual([benKey]);

    expect((await at(ada, 'unshare', chartId, '--doctor', benKey)).code).toBe(0);
    const after = JSON.parse((await at(ada, 'show', chartId)).stdout) as { sharedWith: unknown[] };
    expect(after.sharedWith).toEqual([]);
  });

  it('revoke and restore', async () => {
    const revoked = await at(ada, 'revoke', chartId, '--reason', 'duplicate record', '--json');
    expect(JSON.parse(revoked.stdout)).toMatchObject({ chartId, status: 'committed' });
    expect((await at(ada, 'list')).stdout).toContain('(revoked)');
    expect((await at(ada, 'revoke', chartId)).code).toBe(1); // already revoked: ChartRevoked
    expect((await at(ada, 'restore', chartId)).code).toBe(0);
    expect((await at(ada, 'list')).stdout).not.toContain('(revoked)');
  });

  it('card: issues an access card, writes its QR code as PNG or SVG', async () => {
    const key = await ada.cli('card-key', 'create', '--json');
    expect(key.code).toBe(0);
    expect(JSON.parse(key.stdout)).toEqual({ cardKey: expect.stringMatching(/^healthchain\.card-key\/1:/) });
    const png = join(work, 'card.png');
    const card = await at(ada, 'card', chartId, '--out', png, '--json');
    expect(card.code).toBe(0);
    expect((JSON.parse(card.stdout) as { code: string }).code).toMatch(/\S{10,}/);
    expect(readFileSync(png).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const svg = join(work, 'card.svg');
    const again = await at(ada, 'card', chartId, '--out', svg);
    expect(again.stdout).toMatch(/^Access card for [0-9a-f]{64}: /);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/);
    const noPin = await new CliUser({ ...ada.env, HEALTHCHAIN_CARD_PIN: '' }).cli(
      'card',
      chartId,
      '--node',
      node.url,
      '--outbox',
      join(work, 'outbox-ada'),
    );
    expect(noPin).toMatchObject({ code: 2, stderr: expect.stringContaining('HEALTHCHAIN_CARD_PIN') });
  });

  it('custody: hands the chart over; the former custodian can no longer write it', async () => {
    const handed = await at(ada, 'custody', chartId, '--doctor', benKey, '--keep-reading');
    expect(handed).toMatchObject({ code: 0, stdout: expect.stringContaining('Handed over to Dr Ben Marsh:') });
    const mine = JSON.parse((await at(ben, 'list', '--json')).stdout) as { chartId: string; role: string }[];
    expect(mine).toMatchObject([{ chartId, role: 'custodian' }]);
    const theirs = JSON.parse((await at(ada, 'list', '--json')).stdout) as { chartId: string; role: string }[];
    expect(theirs).toMatchObject([{ chartId, role: 'reader' }]);
    expect(await at(ada, 'revoke', chartId)).toMatchObject({ code: 1, stderr: expect.stringContaining('custodian') });
    expect(adaKey).not.toBe(benKey);
  });

  it('list, verify and show exit 3 when a chart is tampered with', async () => {
    proxy.setRewrite((path, body) => {
      if (!path.startsWith('/api/v1/transactions?asset_id=')) return body;
      const txs = JSON.parse(body) as Transaction[];
      return JSON.stringify(
        txs.map((tx, i) => {
          if (i !== txs.length - 1 || txs.length < 2) return tx;
          const box = (tx.metadata as { box: string }).box;
          return {
            ...tx,
            metadata: { ...tx.metadata, box: `${box.slice(0, 10)}${box[10] === 'A' ? 'B' : 'A'}${box.slice(11)}` },
          };
        }),
      );
    });
    try {
      const via = (...args: string[]) => ben.cli(...args, '--node', proxy.url, '--outbox', join(work, 'outbox-ben'));
      const listed = await via('list');
      expect(listed.stdout).toContain('TAMPERED:');
      expect(listed.code).toBe(3);
      expect((await via('verify', '--all')).code).toBe(3);
      expect((await via('show', chartId)).code).toBe(3);
    } finally {
      proxy.setRewrite(null);
    }
    expect((await at(ben, 'list')).code).toBe(0);
  });

  it('practitioners and outbox need no identity; an empty folder imports nothing', async () => {
    const found = await at(ada, 'practitioners', 'Marsh', '--json');
    expect(JSON.parse(found.stdout)).toMatchObject([{ signKey: benKey }]);
    const empty = join(work, 'empty');
    mkdirSync(empty);
    expect(await at(ada, 'import', empty)).toMatchObject({ code: 0, stdout: 'Imported 0 of 0 bundle(s).\n' });
  });

  it('practitioners opens no outbox: it searches the directory alone (start-up, issue #16)', async () => {
    const outbox = join(work, 'outbox-never-opened');
    const found = await ada.cli('practitioners', 'Okafor', '--json', '--node', node.url, '--outbox', outbox);
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout)).toMatchObject([{ signKey: adaKey }]);
    expect(existsSync(outbox)).toBe(false);
    // Any other command opens (and so creates) the outbox it is given, as before.
    expect((await ada.cli('outbox', '--node', node.url, '--outbox', outbox)).code).toBe(0);
    expect(existsSync(outbox)).toBe(true);
  });
});
