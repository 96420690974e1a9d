// electron-updater's real AppImageUpdater (the Linux updater) checking for updates against a real HTTP server on
// 127.0.0.1, with the feed signed by the real build/sign-update.mjs. Stand-ins only for what needs Electron: the
// app adapter (version, paths) and the HTTP executor (Electron's `net`; here node:http through builder-util-runtime's
// own HttpExecutor base, which ElectronHttpExecutor also extends).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { HttpExecutor } from 'builder-util-runtime';
import { AppImageUpdater } from 'electron-updater/out/AppImageUpdater.js';
import { useSignedFeed } from './signed-feed-provider';

type Signer = {
  signFeedFolder(variant: string, dir: string, key: KeyObject): Promise<string[]>;
  generateUpdateKey(): { privateKeyPem: string; publicKey: string };
};
const signer = (await import(pathToFileURL(path.join(process.cwd(), 'build/sign-update.mjs')).href)) as Signer;

class LocalHttpExecutor extends HttpExecutor<http.ClientRequest> {
  createRequest(options: http.RequestOptions, callback: (response: http.IncomingMessage) => void): http.ClientRequest {
    return http.request(options, callback);
  }
}

const CHANNEL_FILE = `latest-linux${process.arch === 'x64' ? '' : `-${process.arch}`}.yml`;
const INSTALLER = Buffer.from('not really an AppImage, but its hash is what the feed vouches for');
const sha512 = (data: Buffer) => createHash('sha512').update(data).digest('base64');
const YML = [
  'version: 0.2.0',
  'files:',
  '  - url: HealthChain-0.2.0-x86_64.AppImage',
  `    sha512: ${sha512(INSTALLER)}`,
  `    size: ${INSTALLER.length}`,
  'path: HealthChain-0.2.0-x86_64.AppImage',
  `sha512: ${sha512(INSTALLER)}`,
  "releaseDate: '2026-12-01T10:00:00.000Z'",
  '',
].join('\n');

const itKeys = generateKeyPairSync('ed25519');
const otherKeys = generateKeyPairSync('ed25519');
let dir: string;
let feedDir: string;
let server: http.Server;
let baseUrl: string;
const requested: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hc-update-feed-'));
  feedDir = path.join(dir, 'server', 'workstation');
  await mkdir(feedDir, { recursive: true });
  server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/workstation\//, ''));
    requested.push(name);
    readFile(path.join(feedDir, path.basename(name))).then(
      (body) => res.writeHead(200, { 'content-type': 'text/yaml' }).end(body),
      () => res.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/workstation`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  requested.length = 0;
  await rm(feedDir, { recursive: true, force: true });
  await mkdir(feedDir, { recursive: true });
  await writeFile(path.join(feedDir, CHANNEL_FILE), YML);
});

function updater(appId = 'org.healthchain.workstation', key: KeyObject = itKeys.publicKey) {
  const app = {
    version: '0.1.0',
    name: 'HealthChain',
    isPackaged: true,
    appUpdateConfigPath: path.join(dir, 'app-update.yml'),
    userDataPath: dir,
    baseCachePath: dir,
    whenReady: () => Promise.resolve(),
    relaunch: () => {},
    quit: () => {},
    onQuit: () => {},
  };
  const u = new AppImageUpdater(null, app);
  (u as unknown as { httpExecutor: HttpExecutor<http.ClientRequest> }).httpExecutor = new LocalHttpExecutor();
  u.logger = null;
  u.autoDownload = false;
  u.forceDevUpdateConfig = true; // stands in for running as an AppImage ($APPIMAGE)
  // What app-update.yml of a build says (electron-builder writes it from `publish`), as main.ts passes it.
  useSignedFeed(
    u,
    { provider: 'generic', url: baseUrl, channel: 'latest', useMultipleRangeRequest: false },
    { feedKey: key, appId },
  );
  return u;
}

describe('signed update feed through electron-updater (#14)', () => {
  it('accepts a feed signed by IT for this product and reports the update', async () => {
    await signer.signFeedFolder('workstation', feedDir, itKeys.privateKey);
    const result = await updater().checkForUpdates();
    expect(result?.isUpdateAvailable).toBe(true);
    expect(result?.updateInfo).toMatchObject({
      version: '0.2.0',
      path: 'HealthChain-0.2.0-x86_64.AppImage',
      sha512: sha512(INSTALLER),
    });
    expect(requested).toEqual([CHANNEL_FILE, `${CHANNEL_FILE}.sig`]);
  });

  it('control: electron-updater on its own (the generic provider of app-update.yml) takes a tampered, unsigned feed', async () => {
    await writeFile(
      path.join(feedDir, CHANNEL_FILE),
      YML.replaceAll(sha512(INSTALLER), sha512(Buffer.from('a planted binary'))),
    );
    const u = updater();
    u.setFeedURL({ provider: 'generic', url: baseUrl, channel: 'latest' });
    await expect(u.checkForUpdates()).resolves.toMatchObject({
      isUpdateAvailable: true,
      updateInfo: { sha512: sha512(Buffer.from('a planted binary')) },
    });
    expect(requested).toEqual([CHANNEL_FILE]); // no signature even asked for
  });

  it('refuses a feed changed after signing (another installer hash)', async () => {
    await signer.signFeedFolder('workstation', feedDir, itKeys.privateKey);
    await writeFile(
      path.join(feedDir, CHANNEL_FILE),
      YML.replaceAll(sha512(INSTALLER), sha512(Buffer.from('a planted binary'))),
    );
    await expect(updater().checkForUpdates()).rejects.toThrow(
      /does not match its signature under this build's update key/,
    );
  });

  it('refuses a feed without a signature', async () => {
    await expect(updater().checkForUpdates()).rejects.toThrow(
      new RegExp(`${CHANNEL_FILE.replace('.', '\\.')}\\.sig is missing on the update server`),
    );
  });

  it('refuses a feed signed with another key', async () => {
    await signer.signFeedFolder('workstation', feedDir, otherKeys.privateKey);
    await expect(updater().checkForUpdates()).rejects.toThrow(/does not match its signature/);
  });

  it("refuses the kiosk's feed served to a workstation (same key, other product)", async () => {
    await signer.signFeedFolder('kiosk', feedDir, itKeys.privateKey);
    await expect(updater().checkForUpdates()).rejects.toThrow(/does not match its signature/);
    await expect(updater('org.healthchain.kiosk').checkForUpdates()).resolves.toMatchObject({
      isUpdateAvailable: true,
    });
  });

  it('refuses a signature file that is not a signature', async () => {
    await writeFile(path.join(feedDir, `${CHANNEL_FILE}.sig`), 'hello\n');
    await expect(updater().checkForUpdates()).rejects.toThrow(/not a base64 Ed25519 signature/);
  });
});
