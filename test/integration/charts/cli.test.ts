// Smoke test of `npm run cli`: the real CLI in a child process, against the real node and the real keychain.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartToFhir } from '../../../src-shared/records/fhir';
import { sampleChart } from '../../fixtures/sample-chart';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { NODE_TOKEN, removeDir, startNode, tempDir } from './harness';
import { decodeCardCode } from '../../../src-shared/crypto/card-code';
import { CARD_SCRYPT_PARAMS } from '../../../src-shared/crypto/card';
import { KeychainCardKey, PatientCards } from '../../../src-main/vault';

const run = promisify(execFile);
const service = `HealthChain-cli-test-${randomBytes(6).toString('hex')}`;
const cardKeyService = `${service}-card-key`;
// The test node wants its token, as one started by `npm run ledger` does: the CLI takes it from HC_LEDGER_TOKEN.
const env = {
  ...process.env,
  HEALTHCHAIN_KEYCHAIN_SERVICE: service,
  HEALTHCHAIN_PASSWORD: 'correct horse battery staple',
  HEALTHCHAIN_CARD_KEY_SERVICE: cardKeyService,
  HEALTHCHAIN_CARD_PIN: '480913',
  HC_LEDGER_TOKEN: NODE_TOKEN,
};

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node_modules/.bin/tsx', ['src-main/cli/index.ts', ...args], {
      env,
      cwd: process.cwd(),
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('command line', { timeout: 300_000 }, () => {
  let node: LedgerNode;
  const dataDir = tempDir('node');
  const work = tempDir('cli');

  beforeAll(async () => {
    node = await startNode(dataDir);
  });

  afterAll(async () => {
    await node?.stop();
    for (const s of [service, cardKeyService])
      for (const { account } of await keytar.findCredentials(s)) await keytar.deletePassword(s, account);
    removeDir(dataDir);
    removeDir(work);
  });

  it('help and usage errors', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm run cli -- <command>');
    const version = await cli('--version');
    const { version: expected } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(version).toMatchObject({ code: 0, stdout: `healthchain ${expected}\n` });
    const bad = await cli('list', '--node', 'ftp://x');
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('--node ftp://x: not an http(s) URL') });
  });

  it('creates an identity, imports a folder with progress, lists, verifies, exports, shows the outbox', async () => {
    const node_ = ['--node', node.url];
    const created = await cli(
      'identity',
      'create',
      '--name',
      'Dr Ada Okafor',
      '--specialty',
      'GP',
      '--licence',
      'L-77',
      ...node_,
      '--outbox',
      join(work, 'outbox'),
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/signKey [1-9A-HJ-NP-Za-km-z]{43,44}/);

    const folder = join(work, 'bundles');
    mkdirSync(folder);
    writeFileSync(
      join(folder, 'a.json'),
      JSON.stringify(chartToFhir({ chartId: 'x', chart: sampleChart('Ivy Pell'), versions: [] })),
    );
    writeFileSync(
      join(folder, 'b.json'),
      JSON.stringify(chartToFhir({ chartId: 'y', chart: sampleChart('Rex Holm'), versions: [] })),
    );
    writeFileSync(join(folder, 'c.json'), '{"resourceType":"Patient"}');
    const imported = await cli('import', folder, ...node_, '--outbox', join(work, 'outbox'));
    expect(imported.code).toBe(1); // one file was refused
    expect(imported.stderr).toMatch(/\[1\/3\] .*a\.json → [0-9a-f]{64} \(committed\)/);
    expect(imported.stderr).toMatch(/\[3\/3\] .*c\.json: The chart is not valid: This is not a FHIR Bundle/);
    expect(imported.stdout).toContain('Imported 2 of 3 bundle(s).');

    const listed = await cli('list', '--json', ...node_, '--outbox', join(work, 'outbox'));
    const charts = JSON.parse(listed.stdout) as { chartId: string; patientName: string }[];
    expect(charts.map((c) => c.patientName).sort()).toEqual(['Ivy Pell', 'Rex Holm']);

    const verified = await cli('verify', '--all', ...node_, '--outbox', join(work, 'outbox'));
    expect(verified.code).toBe(0);
    expect(
      verified.stdout
        .trim()
        .split('\n')
        .map((l) => l.slice(0, 8)),
    ).toEqual(['OK      ', 'OK      ']);

    const out = join(work, 'export.json');
    expect(
      (await cli('export', charts[0]!.chartId, '--out', out, ...node_, '--outbox', join(work, 'outbox'))).code,
    ).toBe(0);
    const bundle = JSON.parse(readFileSync(out, 'utf8')) as {
      resourceType: string;
      entry: { resource: { resourceType: string; id: string } }[];
    };
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.entry.filter((e) => e.resource.resourceType === 'Provenance').map((e) => e.resource.id)).toEqual([
      charts[0]!.chartId,
    ]);

    // --ips: the International Patient Summary document, as the app's Export panel saves it.
    const ipsFile = join(work, 'export.ips.json');
    const ips = await cli(
      'export',
      charts[0]!.chartId,
      '--ips',
      '--out',
      ipsFile,
      '--json',
      ...node_,
      '--outbox',
      join(work, 'outbox'),
    );
    expect(ips.code).toBe(0);
    expect(JSON.parse(ips.stdout)).toEqual({ savedTo: ipsFile, ips: true });
    const doc = JSON.parse(readFileSync(ipsFile, 'utf8')) as typeof bundle & { type: string };
    expect(doc.type).toBe('document');
    expect(doc.entry[0]!.resource.resourceType).toBe('Composition');

    const outbox = await cli('outbox', ...node_, '--outbox', join(work, 'outbox'));
    expect(outbox.stdout.trim()).toBe('The outbox is empty.');

    // A card for an imported chart (or to replace a version 1 card). Against a hospital node the card key must be
    // installed first: the CLI, like a workstation, never makes a second key by itself there.
    const chartId = charts[0]!.chartId;
    const keyless = await cli('issue-card', chartId, ...node_, '--outbox', join(work, 'outbox'));
    expect(keyless).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("the hospital's card key is not installed"),
    });
    expect((await cli('card-key', 'create')).code).toBe(0);
    const svg = join(work, 'card.svg');
    const issued = await cli('issue-card', chartId, '--out', svg, '--json', ...node_, '--outbox', join(work, 'outbox'));
    expect(issued.code).toBe(0);
    const { code } = JSON.parse(issued.stdout) as { code: string };
    // Re-issued cards are version 3 since issue #12: they name the chart they were issued for.
    expect(decodeCardCode(code)).toMatchObject({ version: 3, chartTag: chartId.slice(0, 32) });
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/);
    const patient = await new PatientCards({
      params: CARD_SCRYPT_PARAMS,
      cardKey: new KeychainCardKey({ service: cardKeyService }),
    }).open(code, '480913');
    // The new card's key reads the chart's newest version: its data key is wrapped for that box key.
    const heads = (await (
      await fetch(`${node.url}/api/v1/transactions?asset_id=${chartId}&last_tx=true`, {
        headers: { authorization: `Bearer ${NODE_TOKEN}` },
      })
    ).json()) as { metadata: { readers: { key: string }[] } }[];
    expect(heads[0]!.metadata.readers.map((r) => r.key)).toContain(patient.boxKey);
  });

  it('outbox discard: named in the usage, refuses what is not a rejected item', async () => {
    expect((await cli('--help')).stdout).toContain('outbox discard <txId>');
    expect(await cli('outbox', 'discard', '--node', node.url, '--outbox', join(work, 'outbox'))).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('outbox discard needs the transaction id'),
    });
    const missing = await cli(
      'outbox',
      'discard',
      'a'.repeat(64),
      '--node',
      node.url,
      '--outbox',
      join(work, 'outbox'),
    );
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining(`No outbox item ${'a'.repeat(64)}`) });
  });

  it('runs on the embedded node when no --node is given', async () => {
    const embedded = join(work, 'embedded', 'ledger');
    const listed = await cli('list', '--data', embedded);
    expect(listed).toMatchObject({ code: 0, stdout: 'No charts.\n' });
  });
});
