// Packages the kiosk variant for real with electron-builder (Linux, unpacked "dir" target) from our configuration
// files and hooks. Two things cannot exist offline and are replaced, named here: the Electron binary (a stand-in
// carrying Electron 45's fuse wire, passed as `electronDist`) and the native-module rebuild (npmRebuild off: it
// downloads Electron headers; keytar and lmdb are N-API, so their Node builds are what gets packed). The app bundle
// is a stub of electron-vite's out/ layout; production dependencies are the project's real ones, as `npm run dist`
// packs them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import asar from '@electron/asar';
import yaml from 'js-yaml';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';

const run = promisify(execFile);
const repo = process.cwd();
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

let work: string;
let appDir: string;
let buildLog = '';

beforeAll(async () => {
  // Inside the repo, so node_modules can be hard-linked (same file system): `npm ls`, which electron-builder uses to
  // collect dependencies, misreads a symlinked node_modules and drops lmdb's platform package.
  await mkdir(path.join(repo, '.reports'), { recursive: true });
  work = await mkdtemp(path.join(repo, '.reports', 'hc-package-'));
  const project = path.join(work, 'project');
  const electronDist = path.join(work, 'electron-dist');
  await mkdir(path.join(project, 'out/main'), { recursive: true });
  await mkdir(path.join(project, 'out/preload'), { recursive: true });
  await mkdir(path.join(project, 'out/renderer'), { recursive: true });
  await writeFile(path.join(project, 'out/main/main.js'), "import './ledger-node.js';\n");
  await writeFile(path.join(project, 'out/main/main.js.map'), '{}');
  await writeFile(path.join(project, 'out/preload/preload.cjs'), '');
  await writeFile(path.join(project, 'out/renderer/index.html'), '<!doctype html><title>HealthChain</title>');
  for (const file of ['electron-builder.yml', 'electron-builder.kiosk.yml'])
    await cp(path.join(repo, file), path.join(project, file));
  await cp(path.join(repo, 'build'), path.join(project, 'build'), { recursive: true });
  await run('cp', ['-al', path.join(repo, 'node_modules'), path.join(project, 'node_modules')]);
  // The real package.json and lockfile, so the dependencies packed are the ones `npm run dist` packs.
  for (const file of ['package.json', 'package-lock.json']) await cp(path.join(repo, file), path.join(project, file));

  await mkdir(path.join(electronDist, 'resources'), { recursive: true });
  const pad = Buffer.alloc(4096, 0x90);
  await writeFile(
    path.join(electronDist, 'electron'),
    Buffer.concat([pad, Buffer.from(SENTINEL), Buffer.from([1, 9]), Buffer.from('101100011'), pad]),
  );
  await chmod(path.join(electronDist, 'electron'), 0o755);
  await writeFile(path.join(electronDist, 'LICENSE'), 'MIT');
  await writeFile(path.join(electronDist, 'version'), '45.4.1');

  const script = `
    const { build } = await import(${JSON.stringify(path.join(repo, 'node_modules/electron-builder/out/index.js'))});
    await build({
      projectDir: process.cwd(),
      config: { extends: 'electron-builder.kiosk.yml', npmRebuild: false, electronDist: ${JSON.stringify(electronDist)} },
      publish: 'never', dir: true, linux: [],
    });`;
  const result = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: project,
    env: {
      ...process.env,
      HEALTHCHAIN_UPDATE_URL: 'https://updates.hospital.example/healthchain',
      CSC_IDENTITY_AUTO_DISCOVERY: 'false',
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  buildLog = result.stdout + result.stderr;
  appDir = path.join(project, 'release/kiosk/linux-unpacked');
}, 240_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('electron-builder packaging of the kiosk variant (Linux, unpacked)', { timeout: 30_000 }, () => {
  it('names the executable after the kiosk build and runs our afterPack hook', () => {
    expect(existsSync(path.join(appDir, 'healthchain-kiosk')), buildLog).toBe(true);
    expect(buildLog).toMatch(/fuses flipped\s+binary=.*healthchain-kiosk/);
  });

  it('ships the binary with the fuses flipped', async () => {
    const wire = await getCurrentFuseWire(path.join(appDir, 'healthchain-kiosk'));
    expect(wire).toMatchObject({
      [FuseV1Options.RunAsNode]: FuseState.DISABLE,
      [FuseV1Options.EnableCookieEncryption]: FuseState.ENABLE,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: FuseState.DISABLE,
      [FuseV1Options.EnableNodeCliInspectArguments]: FuseState.DISABLE,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: FuseState.ENABLE,
      [FuseV1Options.OnlyLoadAppFromAsar]: FuseState.ENABLE,
    });
  });

  it('packs out/ into app.asar with the kiosk variant baked into package.json, and no source maps', () => {
    const archive = path.join(appDir, 'resources/app.asar');
    const files = asar.listPackage(archive, { isPack: false });
    expect(files).toEqual(
      expect.arrayContaining([
        '/out/main/main.js',
        '/out/preload/preload.cjs',
        '/out/renderer/index.html',
        '/package.json',
      ]),
    );
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as {
      main: string;
      healthchainVariant: string;
    };
    expect(pkg).toMatchObject({ main: 'out/main/main.js', healthchainVariant: 'kiosk' });
  });

  it('unpacks the native modules beside the archive', () => {
    const unpacked = path.join(appDir, 'resources/app.asar.unpacked/node_modules');
    expect(existsSync(path.join(unpacked, 'keytar/build/Release/keytar.node'))).toBe(true);
    const lmdbDir = path.join(unpacked, `@lmdb/lmdb-${process.platform}-${process.arch}`);
    expect(
      existsSync(path.join(lmdbDir, 'node.napi.glibc.node')) || existsSync(path.join(lmdbDir, 'node.napi.musl.node')),
    ).toBe(true);
    // libsodium: this platform's prebuilt binary only, not the twelve others sodium-native ships.
    const prebuilds = path.join(unpacked, 'sodium-native/prebuilds');
    expect(readdirSync(prebuilds)).toEqual([`${process.platform}-${process.arch}`]);
    expect(readdirSync(path.join(prebuilds, `${process.platform}-${process.arch}`))).toEqual(['sodium-native.node']);
  });

  it('writes the update feed the app will poll: generic, at the IT URL, kiosk channel', async () => {
    const feed = yaml.load(await readFile(path.join(appDir, 'resources/app-update.yml'), 'utf8'));
    expect(feed).toMatchObject({
      provider: 'generic',
      url: 'https://updates.hospital.example/healthchain/kiosk',
      channel: 'latest',
    });
  });
});
