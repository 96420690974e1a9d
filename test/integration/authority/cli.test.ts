// `npm run cli -- hospital …` in child processes, against the real node and the real keychain: three officers hold
// keys, the ceremony file passes between them, a credential is issued by two of them and revoked; and the
// one-machine 1-of-1 path.
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { NODE_TOKEN, removeDir, startNode, tempDir } from '../charts/harness';
import { cliCeremony, cliRunner } from '../emergency/fixture';

const service = `HealthChain-authority-cli-test-${randomBytes(6).toString('hex')}`;
// The test node wants its token, as one started by `npm run ledger` does: the CLI takes it from HC_LEDGER_TOKEN.
const env = {
  ...process.env,
  HEALTHCHAIN_OFFICER_KEYCHAIN_SERVICE: service,
  HEALTHCHAIN_PASSWORD: 'officer passphrase for the cli test',
  HC_LEDGER_TOKEN: NODE_TOKEN,
};

const { cli, json } = cliRunner(env, ['hospital']);

describe('hospital command line', { timeout: 240_000 }, () => {
  let node: LedgerNode;
  const dataDir = tempDir('node');
  const work = tempDir('hospital-cli');
  let nodeArgs: string[];

  beforeAll(async () => {
    node = await startNode(dataDir);
    nodeArgs = ['--node', node.url];
  });

  afterAll(async () => {
    await node?.stop();
    for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
    removeDir(dataDir);
    removeDir(work);
  });

  it('help, and usage errors with exit code 2', async () => {
    const help = await cli('--help');
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('credential issue') });
    expect(await cli('init', '--name', 'X', '--threshold', '2')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('one --officer <name>:<signKey>:<boxKey> per officer'),
    });
    expect(await cli('credentials', '--authority', 'nope', ...nodeArgs)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('not a transaction id'),
    });
    expect(await cli('frobnicate')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown hospital command "frobnicate"'),
    });
  });

  it('2 of 3: ceremony signed by every officer in turn, a credential issued by two and revoked by two', async () => {
    const ceremony = join(work, 'ceremony.json');
    const officers = await cliCeremony(json, ceremony);
    await json('sign', ceremony, '--officer', officers[0]!.signKey);
    await json('sign', ceremony, '--officer', officers[1]!.signKey);
    const early = await cli('post', ceremony, ...nodeArgs);
    expect(early).toMatchObject({ code: 2, stderr: expect.stringContaining('Not enough officer signatures yet') });
    const signed = await json<{ signedBy: string[] }>('sign', ceremony, '--officer', officers[2]!.signKey);
    expect(signed.signedBy).toHaveLength(3);
    const { id: authority } = await json<{ id: string }>('post', ceremony, ...nodeArgs);

    const issueFile = join(work, 'issue.json');
    const doctor = { signKey: officers[0]!.signKey, boxKey: officers[0]!.boxKey }; // any valid keys will do for the test
    const first = await json<{ posted: string | null; file: string }>(
      'credential',
      'issue',
      '--authority',
      authority,
      '--name',
      'Dr Ada Okafor',
      '--licence',
      'GMC-1',
      '--specialty',
      'Oncology',
      '--sign-key',
      doctor.signKey,
      '--box-key',
      doctor.boxKey,
      '--valid-until',
      '2099-01-01',
      '--officer',
      officers[1]!.signKey,
      '--out',
      issueFile,
      ...nodeArgs,
    );
    expect(first).toMatchObject({ posted: null, file: issueFile });
    await json('sign', issueFile, '--officer', officers[2]!.signKey);
    const { id: credential } = await json<{ id: string }>('post', issueFile, ...nodeArgs);

    type Listing = { credentials: { credentialId: string; status: string; name: string }[]; ignored: unknown[] };
    let listing = await json<Listing>('credentials', '--authority', authority, ...nodeArgs);
    expect(listing.credentials).toEqual([
      expect.objectContaining({ credentialId: credential, status: 'valid', name: 'Dr Ada Okafor' }),
    ]);

    const revokeFile = join(work, 'revoke.json');
    await json(
      'credential',
      'revoke',
      credential,
      '--authority',
      authority,
      '--reason',
      'left',
      '--officer',
      officers[0]!.signKey,
      '--out',
      revokeFile,
      ...nodeArgs,
    );
    await json('sign', revokeFile, '--officer', officers[2]!.signKey);
    await json('post', revokeFile, ...nodeArgs);
    listing = await json<Listing>('credentials', '--authority', authority, ...nodeArgs);
    expect(listing.credentials).toEqual([expect.objectContaining({ credentialId: credential, status: 'revoked' })]);
    const text = await cli('credentials', '--authority', authority, ...nodeArgs);
    expect(text.stdout).toContain('St Elsewhere — 2 of 3 officers');
  });

  it('one machine: init --one-machine, then the lone officer issues and posts in one step', async () => {
    const setUp = await json<{ authorityId: string; officer: { signKey: string; boxKey: string } }>(
      'init',
      '--name',
      'Clinic on the Hill',
      '--one-machine',
      '--officer-name',
      'IT desk',
      ...nodeArgs,
    );
    const issued = await json<{ posted: string }>(
      'credential',
      'issue',
      '--authority',
      setUp.authorityId,
      '--name',
      'Dr Bo Lind',
      '--licence',
      'L-2',
      '--sign-key',
      setUp.officer.signKey,
      '--box-key',
      setUp.officer.boxKey,
      '--valid-until',
      '2099-01-01',
      '--officer',
      setUp.officer.signKey,
      ...nodeArgs,
    );
    expect(issued.posted).toMatch(/^[0-9a-f]{64}$/);
    const listing = await json<{ credentials: { status: string }[] }>(
      'credentials',
      '--authority',
      setUp.authorityId,
      ...nodeArgs,
    );
    expect(listing.credentials).toEqual([expect.objectContaining({ status: 'valid' })]);
  });
});
