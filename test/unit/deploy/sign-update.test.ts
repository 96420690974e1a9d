// build/sign-update.mjs as IT runs it (a real process): make a key, sign a release folder, and the app's own check
// (src-main/app/update-feed.ts) accepts the result; misuse stops with a clear message and exit code 2.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { updatePublicKey, verifyFeed } from '../../../src-main/app/update-feed';

const run = promisify(execFile);
const script = path.join(process.cwd(), 'build/sign-update.mjs');
let dir: string;

async function sign(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [script, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hc-sign-update-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('build/sign-update.mjs (#14)', () => {
  it('keygen, then sign: the app verifies every .sig it wrote', async () => {
    const keygen = await sign({}, 'keygen');
    expect(keygen.code).toBe(0);
    const pem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(keygen.stdout)?.[0];
    const publicKey = /HEALTHCHAIN_UPDATE_PUBLIC_KEY=(\S+)/.exec(keygen.stdout)?.[1];
    expect(pem && publicKey).toBeTruthy();
    await writeFile(path.join(dir, 'latest-linux.yml'), 'version: 0.3.0\n');
    await writeFile(path.join(dir, 'latest.yml'), 'version: 0.3.0\n');
    await writeFile(path.join(dir, 'builder-debug.yml'), 'not a feed\n');

    const signed = await sign(
      { HEALTHCHAIN_UPDATE_SIGNING_KEY: pem!, HEALTHCHAIN_UPDATE_PUBLIC_KEY: publicKey! },
      'sign',
      'kiosk',
      dir,
    );
    expect(signed).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('latest-linux.yml.sig, latest.yml.sig written'),
    });
    expect((await readdir(dir)).sort()).toEqual([
      'builder-debug.yml',
      'latest-linux.yml',
      'latest-linux.yml.sig',
      'latest.yml',
      'latest.yml.sig',
    ]);
    for (const fileName of ['latest-linux.yml', 'latest.yml']) {
      expect(() =>
        verifyFeed({
          key: updatePublicKey(publicKey!),
          appId: 'org.healthchain.kiosk',
          fileName,
          content: Buffer.from('version: 0.3.0\n'),
          signature: '',
        }),
      ).toThrow(/missing/);
      const signature = await readFile(path.join(dir, `${fileName}.sig`), 'utf8');
      expect(() =>
        verifyFeed({
          key: updatePublicKey(publicKey!),
          appId: 'org.healthchain.kiosk',
          fileName,
          content: Buffer.from('version: 0.3.0\n'),
          signature,
        }),
      ).not.toThrow();
    }
  });

  it('refuses to sign without a key, with a key not matching the pinned public key, or with nothing to sign', async () => {
    const first = await sign({}, 'keygen');
    const second = await sign({}, 'keygen');
    const pem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(first.stdout)![0];
    const otherPublic = /HEALTHCHAIN_UPDATE_PUBLIC_KEY=(\S+)/.exec(second.stdout)![1]!;
    expect(await sign({}, 'sign', 'workstation', dir)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('HEALTHCHAIN_UPDATE_SIGNING_KEY is not set'),
    });
    expect(await sign({ HEALTHCHAIN_UPDATE_SIGNING_KEY: pem }, 'sign', 'workstation', dir)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no latest*.yml in'),
    });
    await writeFile(path.join(dir, 'latest-linux.yml'), 'version: 0.3.0\n');
    expect(
      await sign(
        { HEALTHCHAIN_UPDATE_SIGNING_KEY: pem, HEALTHCHAIN_UPDATE_PUBLIC_KEY: otherPublic },
        'sign',
        'workstation',
        dir,
      ),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('does not belong to HEALTHCHAIN_UPDATE_PUBLIC_KEY'),
    });
    expect(await sign({ HEALTHCHAIN_UPDATE_SIGNING_KEY: 'not a key' }, 'sign', 'workstation', dir)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('not a PEM private key'),
    });
    expect(await sign({ HEALTHCHAIN_UPDATE_SIGNING_KEY: pem }, 'sign', 'tablet', dir)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown variant "tablet"'),
    });
    expect(await sign({}, 'frobnicate')).toMatchObject({ code: 2, stderr: expect.stringContaining('usage:') });
    expect(await readdir(dir)).toEqual(['latest-linux.yml']);
  });
});
