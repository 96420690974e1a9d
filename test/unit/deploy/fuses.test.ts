// The afterPack hook run for real on a stand-in Electron binary (the real one cannot be downloaded here): a file
// carrying Electron's fuse sentinel and a 9-fuse V1 wire with Electron 45's defaults, laid out per platform as
// electron-builder leaves it. Read back with @electron/fuses itself.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';

type AfterPackContext = {
  appOutDir: string;
  electronPlatformName: string;
  arch: number;
  packager: { appInfo: { productFilename: string }; executableName: string };
};
type Hook = {
  afterPack(context: AfterPackContext): Promise<void>;
  electronBinaryPath(context: AfterPackContext): string;
  HEALTHCHAIN_FUSES: Record<string, unknown>;
};
const hook = (await import(pathToFileURL(path.join(process.cwd(), 'build/after-pack.mjs')).href)) as Hook;

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's shipped defaults, in wire order: RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on,
// asar integrity off, only-asar off, browser V8 snapshot off, file:// privileges on, wasm trap handlers on.
const ELECTRON_DEFAULT_WIRE = '101100011';

function fakeElectronBinary(): Buffer {
  const padding = Buffer.alloc(4096, 0x90);
  return Buffer.concat([
    padding,
    Buffer.from(SENTINEL),
    Buffer.from([1, ELECTRON_DEFAULT_WIRE.length]),
    Buffer.from(ELECTRON_DEFAULT_WIRE),
    padding,
  ]);
}

let out: string;
beforeEach(async () => {
  out = await mkdtemp(path.join(os.tmpdir(), 'hc-fuses-'));
});
afterEach(async () => {
  await rm(out, { recursive: true, force: true });
});

const context = (platform: string, arch = 1): AfterPackContext => ({
  appOutDir: out,
  electronPlatformName: platform,
  arch,
  packager: { appInfo: { productFilename: 'HealthChain Kiosk' }, executableName: 'healthchain-kiosk' },
});

const cases: [string, string][] = [
  ['linux', 'healthchain-kiosk'],
  ['win32', 'HealthChain Kiosk.exe'],
  ['darwin', 'HealthChain Kiosk.app/Contents/Frameworks/Electron Framework.framework/Electron Framework'],
];

describe('build/after-pack.mjs', () => {
  it('configures exactly the seven fuses the security reviews asked for', () => {
    expect(hook.HEALTHCHAIN_FUSES).toEqual({
      version: '1',
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false, // #14
    });
  });

  for (const [platform, relative] of cases) {
    it(`flips the fuses in the ${platform} binary where electron-builder puts it`, async () => {
      const binary = path.join(out, relative);
      await mkdir(path.dirname(binary), { recursive: true });
      await writeFile(binary, fakeElectronBinary());
      await hook.afterPack(context(platform));
      const wire = await getCurrentFuseWire(platform === 'darwin' ? path.join(out, 'HealthChain Kiosk.app') : binary);
      expect(wire).toMatchObject({
        [FuseV1Options.RunAsNode]: FuseState.DISABLE,
        [FuseV1Options.EnableCookieEncryption]: FuseState.ENABLE,
        [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: FuseState.DISABLE,
        [FuseV1Options.EnableNodeCliInspectArguments]: FuseState.DISABLE,
        [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: FuseState.ENABLE,
        [FuseV1Options.OnlyLoadAppFromAsar]: FuseState.ENABLE,
        [FuseV1Options.GrantFileProtocolExtraPrivileges]: FuseState.DISABLE, // #14: was Electron's default, on
        // untouched: Electron's defaults stay
        [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: FuseState.DISABLE,
      });
      expect((await readFile(binary)).length).toBe(fakeElectronBinary().length); // patched in place
    });
  }

  it('fails the build when the binary carries no fuse wire', async () => {
    await writeFile(path.join(out, 'healthchain-kiosk'), Buffer.alloc(1024));
    await expect(hook.afterPack(context('linux'))).rejects.toThrow(/Could not find sentinel/);
  });

  it('fails the build for an unknown platform', () => {
    expect(() => hook.electronBinaryPath(context('beos'))).toThrow(/unknown platform beos/);
  });
});
