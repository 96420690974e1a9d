// The update-metadata signature check on real files: signed by build/sign-update.mjs (the script IT runs), verified
// by the app's module.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { pinnedUpdateKey, updatePublicKey, verifyFeed } from './update-feed';

type Signer = {
  signFeedFolder(variant: string, dir: string, key: KeyObject): Promise<string[]>;
  generateUpdateKey(): { privateKeyPem: string; publicKey: string };
};
const signer = (await import(pathToFileURL(path.join(process.cwd(), 'build/sign-update.mjs')).href)) as Signer;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hc-feed-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('update metadata signature (#14)', () => {
  it('verifies what the signing script wrote, for every latest*.yml, and nothing once a byte changes', async () => {
    const { privateKeyPem, publicKey } = signer.generateUpdateKey();
    const key = updatePublicKey(publicKey);
    for (const name of ['latest.yml', 'latest-mac.yml', 'latest-linux.yml', 'latest-linux-arm64.yml'])
      await writeFile(path.join(dir, name), `version: 0.2.0\n# ${name}\n`);
    await writeFile(path.join(dir, 'HealthChain-0.2.0.AppImage'), 'binary');
    expect(await signer.signFeedFolder('workstation', dir, createPrivateKey(privateKeyPem))).toEqual([
      'latest-linux-arm64.yml.sig',
      'latest-linux.yml.sig',
      'latest-mac.yml.sig',
      'latest.yml.sig',
    ]);
    for (const fileName of ['latest.yml', 'latest-mac.yml', 'latest-linux.yml']) {
      const content = await readFile(path.join(dir, fileName));
      const signature = await readFile(path.join(dir, `${fileName}.sig`), 'utf8');
      expect(() =>
        verifyFeed({ key, appId: 'org.healthchain.workstation', fileName, content, signature }),
      ).not.toThrow();
      const altered = Buffer.from(content);
      altered[0] = altered[0]! ^ 1;
      expect(() =>
        verifyFeed({ key, appId: 'org.healthchain.workstation', fileName, content: altered, signature }),
      ).toThrow(/does not match its signature/);
      // The file name and the product are signed too: no swapping a mac feed into Linux, nor kiosk into workstation.
      expect(() =>
        verifyFeed({ key, appId: 'org.healthchain.workstation', fileName: 'latest-linux-x.yml', content, signature }),
      ).toThrow(/does not match/);
      expect(() => verifyFeed({ key, appId: 'org.healthchain.kiosk', fileName, content, signature })).toThrow(
        /does not match/,
      );
      expect(() =>
        verifyFeed({ key, appId: 'org.healthchain.workstation', fileName, content, signature: null }),
      ).toThrow(/is missing on the update server/);
    }
    const other = generateKeyPairSync('ed25519').publicKey;
    const content = await readFile(path.join(dir, 'latest.yml'));
    const signature = await readFile(path.join(dir, 'latest.yml.sig'), 'utf8');
    expect(() =>
      verifyFeed({ key: other, appId: 'org.healthchain.workstation', fileName: 'latest.yml', content, signature }),
    ).toThrow(/signed with another key/);
  });

  it('reads the pinned key from the packaged package.json, and only a well-formed one', () => {
    const { publicKey } = signer.generateUpdateKey();
    expect(
      pinnedUpdateKey({ healthchainVariant: 'workstation', healthchainUpdateKey: publicKey })?.asymmetricKeyType,
    ).toBe('ed25519');
    for (const bad of [
      null,
      {},
      { healthchainUpdateKey: 42 },
      { healthchainUpdateKey: 'c2hvcnQ=' },
      { healthchainUpdateKey: `${publicKey}AA` },
    ]) {
      expect(pinnedUpdateKey(bad)).toBeNull();
    }
  });
});
