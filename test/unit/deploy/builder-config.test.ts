// The installer configuration, checked offline: against electron-builder's own JSON schema and config loader,
// and against our rules (two variants, kiosk baked in, env-driven signing, no secrets, native modules, update feed).
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv';
import yaml from 'js-yaml';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { expandMacro } from 'app-builder-lib/out/util/macroExpander';
import type { Configuration } from 'app-builder-lib';
import { scanForSecrets } from './secret-scan';

const root = process.cwd();
const CONFIG_FILES = { workstation: 'electron-builder.yml', kiosk: 'electron-builder.kiosk.yml' } as const;
const schema = JSON.parse(readFileSync(path.join(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8')) as object;
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
const silentDebug = { isEnabled: false, add: () => undefined } as unknown as Parameters<
  typeof validateConfiguration
>[1];

function raw(file: string): Record<string, unknown> {
  return yaml.load(readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;
}
/** The configuration exactly as electron-builder resolves it (extends, defaults, file-set merging). */
async function resolved(file: string, overrides: Configuration | null = null): Promise<Configuration> {
  return getConfig(root, file, overrides ? structuredClone(overrides) : null);
}

interface DistOptions {
  configFile: string;
  overrides: Configuration & {
    win: Record<string, unknown>;
    mac?: Record<string, unknown>;
    extraMetadata?: Record<string, unknown>;
  };
  env: Record<string, string>;
  notes: string[];
}
type DistConfigModule = {
  VARIANT_APP_IDS: Record<string, string>;
  distOptions(
    variant: string,
    env: Record<string, string | undefined>,
    options?: { unsigned?: boolean; platforms?: string[] },
  ): DistOptions;
};
const distConfig = (await import(pathToFileURL(path.join(root, 'build/dist-config.mjs')).href)) as DistConfigModule;

describe('electron-builder configuration', () => {
  for (const [variant, file] of Object.entries(CONFIG_FILES)) {
    it(`${file} matches electron-builder's JSON schema as written`, () => {
      const ok = validate(raw(file));
      expect(validate.errors ?? [], `${variant}: ${JSON.stringify(validate.errors, null, 2)}`).toEqual([]);
      expect(ok).toBe(true);
    });

    it(`${file} loads and validates with electron-builder's own loader and validator`, async () => {
      const config = await resolved(file);
      await expect(validateConfiguration(config, silentDebug)).resolves.toBeUndefined();
      expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
    }, 60_000); // compiling electron-builder's schema takes seconds on a loaded machine
  }

  it('the schema check can fail: a misspelt option is rejected', () => {
    expect(validate({ ...raw(CONFIG_FILES.workstation), nsiss: { oneClick: false } })).toBe(false);
    expect(validate({ ...raw(CONFIG_FILES.workstation), nsis: { oneClick: 'no' } })).toBe(false);
  });

  it('builds two distinct products from the same sources, with the kiosk variant baked in', async () => {
    const work = await resolved(CONFIG_FILES.workstation);
    const kiosk = await resolved(CONFIG_FILES.kiosk);
    expect(raw(CONFIG_FILES.kiosk).extends).toBe('./electron-builder.yml');
    expect(work.appId).toBe('org.healthchain.workstation');
    expect(kiosk.appId).toBe('org.healthchain.kiosk');
    expect(kiosk.productName).not.toBe(work.productName);
    expect(work.extraMetadata).toEqual({ healthchainVariant: 'workstation' });
    expect(kiosk.extraMetadata).toEqual({ healthchainVariant: 'kiosk' });
    expect(kiosk.linux?.executableName).not.toBe(work.linux?.executableName);
    expect(kiosk.deb?.packageName).not.toBe(work.deb?.packageName);
    expect(kiosk.directories?.output).not.toBe(work.directories?.output);
    expect(kiosk.files).toEqual(work.files); // same sources
    const artifacts = (c: Configuration) => [
      c.nsis?.artifactName,
      c.mac?.artifactName,
      c.appImage?.artifactName,
      c.deb?.artifactName,
    ];
    for (const [a, b] of artifacts(work).map((name, i) => [name, artifacts(kiosk)[i]])) {
      expect(a).toBeTruthy();
      expect(a).not.toBe(b); // both products can sit side by side on the update server
      expect(`${a} ${b}`.split(' ')).toHaveLength(2); // no spaces in file names
    }
    expect(kiosk.afterPack).toBe(work.afterPack);
  });

  it("#14: per-machine NSIS is what electron-builder's schema and validator accept, and the kiosk file cannot undo it", async () => {
    const work = raw(CONFIG_FILES.workstation) as { nsis: Record<string, unknown> };
    expect(work.nsis.perMachine).toBe(true);
    expect(validate({ ...work, nsis: { ...work.nsis, perMachine: 'yes' } })).toBe(false); // the schema does check the field
    expect((raw(CONFIG_FILES.kiosk) as { nsis: Record<string, unknown> }).nsis.perMachine).toBe(true);
  });

  it('#14: unpacks only native addons, each one named with its reason in the config', async () => {
    const config = await resolved(CONFIG_FILES.workstation);
    expect(config.asarUnpack).toEqual(['**/*.node']);
    const text = readFileSync(path.join(root, CONFIG_FILES.workstation), 'utf8');
    const pkgJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    // Every production dependency that ships an addon is named in the asarUnpack comment.
    const withAddon = (dir: string): boolean =>
      readdirSync(dir, { withFileTypes: true }).some((e) =>
        e.isDirectory() ? e.name !== 'obj.target' && withAddon(path.join(dir, e.name)) : e.name.endsWith('.node'),
      );
    const addons = Object.keys(pkgJson.dependencies).filter((name) => withAddon(path.join(root, 'node_modules', name)));
    for (const name of [...addons, 'msgpackr-extract'])
      expect(text, name).toMatch(new RegExp(`^#\\s+${name}\\s+\\S`, 'm'));
    expect(addons.sort()).toEqual(['keytar', 'sodium-native']); // lmdb's and msgpackr's addons live in @lmdb/*, @msgpackr-extract/*
    expect(text).toMatch(/^#\s+lmdb\s+@lmdb\//m);
    expect(JSON.stringify(config.files)).toContain('!**/node_modules/keytar/build/Release/obj.target/**');
  });

  it('targets NSIS (assisted, per-machine for IT), DMG + zip, AppImage + deb', async () => {
    for (const file of Object.values(CONFIG_FILES)) {
      const config = await resolved(file);
      expect(JSON.stringify(config.win?.target)).toMatch(/"nsis"/);
      expect(config.nsis).toMatchObject({ oneClick: false, allowElevation: true });
      expect(JSON.stringify(config.mac?.target)).toMatch(/"dmg".*"zip"/);
      expect(JSON.stringify(config.linux?.target)).toMatch(/"AppImage".*"deb"/);
    }
    // #14: both per machine (Program Files, administrators only), so no user can swap the app or its native addons.
    expect((await resolved(CONFIG_FILES.workstation)).nsis?.perMachine).toBe(true);
    expect((await resolved(CONFIG_FILES.kiosk)).nsis?.perMachine).toBe(true);
  });

  it('signs and notarizes from the environment only: hardened runtime, entitlements, no credentials in config', async () => {
    const config = await resolved(CONFIG_FILES.workstation);
    expect(config.mac).toMatchObject({
      hardenedRuntime: true,
      notarize: true,
      entitlements: 'build/entitlements.mac.plist',
    });
    const plist = readFileSync(path.join(root, 'build/entitlements.mac.plist'), 'utf8');
    expect(plist).toMatch(/<key>com\.apple\.security\.cs\.allow-jit<\/key>\s*<true\/>/);
    expect(plist).not.toMatch(
      /disable-library-validation|allow-dyld-environment-variables|device\.camera|device\.audio-input/,
    );
    // Only the kiosk may use the camera (the access card's QR code), and macOS shows the patient why.
    const kiosk = await resolved(CONFIG_FILES.kiosk);
    expect(kiosk.mac).toMatchObject({
      hardenedRuntime: true,
      entitlements: 'build/entitlements.kiosk.mac.plist',
      entitlementsInherit: 'build/entitlements.kiosk.mac.plist',
    });
    expect(String((kiosk.mac?.extendInfo as Record<string, unknown> | undefined)?.NSCameraUsageDescription)).toMatch(
      /camera .*access card/,
    );
    const kioskPlist = readFileSync(path.join(root, 'build/entitlements.kiosk.mac.plist'), 'utf8');
    expect(kioskPlist).toMatch(/<key>com\.apple\.security\.cs\.allow-jit<\/key>\s*<true\/>/);
    expect(kioskPlist).toMatch(/<key>com\.apple\.security\.device\.camera<\/key>\s*<true\/>/);
    expect(kioskPlist).not.toMatch(/disable-library-validation|allow-dyld-environment-variables|device\.audio-input/);
    expect(config.mac?.extendInfo).toBeUndefined();
    expect(config.win?.signtoolOptions).toMatchObject({ signingHashAlgorithms: ['sha256'] });
    expect(config.win?.verifyUpdateCodeSignature).toBe(true);
    const credentialFields =
      /"(cscLink|cscKeyPassword|certificateFile|certificatePassword|certificateSha1|identity|appleId|appleIdPassword|teamId)"/;
    for (const file of Object.values(CONFIG_FILES))
      expect(JSON.stringify(await resolved(file))).not.toMatch(credentialFields);
  });

  it('auto-updates from a generic feed whose URL IT sets, per variant', async () => {
    const work = await resolved(CONFIG_FILES.workstation);
    const kiosk = await resolved(CONFIG_FILES.kiosk);
    expect(work.publish).toEqual({
      provider: 'generic',
      url: '${env.HEALTHCHAIN_UPDATE_URL}/workstation',
      channel: 'latest',
      useMultipleRangeRequest: false,
    });
    expect(kiosk.publish).toMatchObject({ provider: 'generic', url: '${env.HEALTHCHAIN_UPDATE_URL}/kiosk' });
    const previous = process.env.HEALTHCHAIN_UPDATE_URL;
    process.env.HEALTHCHAIN_UPDATE_URL = 'https://updates.hospital.example/healthchain';
    try {
      const appInfo = {} as Parameters<typeof expandMacro>[2];
      expect(expandMacro((kiosk.publish as { url: string }).url, null, appInfo)).toBe(
        'https://updates.hospital.example/healthchain/kiosk',
      );
    } finally {
      if (previous === undefined) delete process.env.HEALTHCHAIN_UPDATE_URL;
      else process.env.HEALTHCHAIN_UPDATE_URL = previous;
    }
  });

  it('packs the electron-vite output into asar, unpacks native modules, rebuilds them, and flips fuses after pack', async () => {
    const config = await resolved(CONFIG_FILES.workstation);
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.npmRebuild).toBe(true);
    expect(config.buildDependenciesFromSource).toBe(false);
    expect(JSON.stringify(config.files)).toContain('out/**/*');
    expect(JSON.stringify(config.files)).toContain(
      '!**/node_modules/sodium-native/prebuilds/!(${platform}-${arch})/**',
    );
    // The driver (and its V8-API ed25519 module) is a test-only dependency: nothing of it can reach an installer.
    const pkgJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkgJson.dependencies['bigchaindb-driver']).toBeUndefined();
    expect(pkgJson.devDependencies['bigchaindb-driver']).toBeDefined();
    expect(config.afterPack).toBe('./build/after-pack.mjs');
    expect(existsSync(path.join(root, 'build/after-pack.mjs'))).toBe(true);
    expect(config.electronFuses ?? null).toBeNull(); // fuses come from our hook only, never flipped twice
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      main: string;
      scripts: Record<string, string>;
    };
    expect(pkg.main).toBe('out/main/main.js');
    expect(pkg.scripts.dist).toMatch(/node build\/dist\.mjs workstation/);
    expect(pkg.scripts['dist:kiosk']).toMatch(/node build\/dist\.mjs kiosk/);
  });
});

describe('build/dist-config.mjs (environment → electron-builder options)', () => {
  const UPDATE_KEY = Buffer.alloc(32, 7).toString('base64');
  const URL_ENV = {
    HEALTHCHAIN_UPDATE_URL: 'https://updates.hospital.example/healthchain/',
    HEALTHCHAIN_UPDATE_PUBLIC_KEY: UPDATE_KEY,
  };

  it('requires an https update URL without credentials', () => {
    expect(() => distConfig.distOptions('workstation', {})).toThrow(/HEALTHCHAIN_UPDATE_URL is not set/);
    expect(() => distConfig.distOptions('workstation', { HEALTHCHAIN_UPDATE_URL: 'http://updates.example' })).toThrow(
      /must use https/,
    );
    expect(() =>
      distConfig.distOptions('workstation', { HEALTHCHAIN_UPDATE_URL: 'https://u:p@updates.example' }),
    ).toThrow(/credentials/);
    expect(() => distConfig.distOptions('tablet', URL_ENV)).toThrow(/unknown variant "tablet"/);
    expect(distConfig.distOptions('kiosk', URL_ENV)).toMatchObject({
      configFile: 'electron-builder.kiosk.yml',
      env: { HEALTHCHAIN_UPDATE_URL: 'https://updates.hospital.example/healthchain' },
    });
  });

  it('#14: pins the update-metadata key into the packaged package.json; a release without one is refused', async () => {
    const options = distConfig.distOptions('kiosk', URL_ENV);
    expect(options.overrides.extraMetadata).toEqual({ healthchainVariant: 'kiosk', healthchainUpdateKey: UPDATE_KEY });
    const merged = await resolved(options.configFile, options.overrides);
    expect(merged.extraMetadata).toEqual({ healthchainVariant: 'kiosk', healthchainUpdateKey: UPDATE_KEY });
    await expect(validateConfiguration(merged, silentDebug)).resolves.toBeUndefined();
    const { HEALTHCHAIN_UPDATE_PUBLIC_KEY: _key, ...noKey } = URL_ENV;
    expect(() => distConfig.distOptions('workstation', noKey)).toThrow(/HEALTHCHAIN_UPDATE_PUBLIC_KEY is not set/);
    expect(() =>
      distConfig.distOptions('workstation', { ...URL_ENV, HEALTHCHAIN_UPDATE_PUBLIC_KEY: 'c2hvcnQ=' }),
    ).toThrow(/32-byte Ed25519/);
    // A local --unsigned test build may go without: it then never updates itself.
    const unsigned = distConfig.distOptions('workstation', noKey, { unsigned: true });
    expect(unsigned.overrides.extraMetadata).toEqual({ healthchainVariant: 'workstation' });
    expect(unsigned.notes.join('\n')).toMatch(/never installs updates/);
    for (const [variant, file] of Object.entries(CONFIG_FILES))
      expect(raw(file).appId).toBe(distConfig.VARIANT_APP_IDS[variant]);
  }, 60_000);

  it('forces signing for releases and turns it off explicitly for test builds', () => {
    expect(distConfig.distOptions('workstation', URL_ENV).overrides.forceCodeSigning).toBe(true);
    const unsigned = distConfig.distOptions('workstation', URL_ENV, { unsigned: true });
    expect(unsigned.overrides).toMatchObject({ forceCodeSigning: false, mac: { identity: null, notarize: false } });
    expect(unsigned.env.CSC_IDENTITY_AUTO_DISCOVERY).toBe('false');
  });

  it('uses Azure Trusted Signing when its variables are set, and insists on all of them', async () => {
    const azure = {
      ...URL_ENV,
      AZURE_TRUSTED_SIGNING_ENDPOINT: 'https://weu.codesigning.azure.net/',
      AZURE_TRUSTED_SIGNING_ACCOUNT: 'hospital-signing',
      AZURE_TRUSTED_SIGNING_PROFILE: 'healthchain-public',
      WIN_PUBLISHER_NAME: 'Example Hospital Trust',
    };
    const options = distConfig.distOptions('workstation', azure, { platforms: ['win'] });
    expect(options.overrides.win).toEqual({
      azureSignOptions: {
        endpoint: azure.AZURE_TRUSTED_SIGNING_ENDPOINT,
        codeSigningAccountName: 'hospital-signing',
        certificateProfileName: 'healthchain-public',
        publisherName: 'Example Hospital Trust',
      },
      signtoolOptions: null,
    });
    // What build() will see: the variant file plus these overrides, resolved and validated by electron-builder.
    const merged = await resolved(options.configFile, options.overrides);
    await expect(validateConfiguration(merged, silentDebug)).resolves.toBeUndefined();
    expect(merged.win?.azureSignOptions?.publisherName).toBe('Example Hospital Trust');
    expect(merged.win?.signtoolOptions).toBeNull();

    expect(() => distConfig.distOptions('workstation', { ...azure, AZURE_TRUSTED_SIGNING_PROFILE: undefined })).toThrow(
      /also set AZURE_TRUSTED_SIGNING_PROFILE/,
    );
    expect(() => distConfig.distOptions('workstation', { ...azure, WIN_PUBLISHER_NAME: undefined })).toThrow(
      /WIN_PUBLISHER_NAME/,
    );
  }, 60_000);

  it('requires the publisher name for Windows release builds (updates are checked against it)', () => {
    expect(() =>
      distConfig.distOptions('workstation', { ...URL_ENV, CSC_LINK: '/secure/cert.pfx' }, { platforms: ['win'] }),
    ).toThrow(/need WIN_PUBLISHER_NAME/);
    expect(() => distConfig.distOptions('workstation', URL_ENV, { platforms: ['linux', 'mac'] })).not.toThrow();
    expect(() => distConfig.distOptions('workstation', URL_ENV, { platforms: ['win'], unsigned: true })).not.toThrow();
  });

  it('pins the update publisher name for certificate-file signing when WIN_PUBLISHER_NAME is given', async () => {
    const options = distConfig.distOptions(
      'kiosk',
      { ...URL_ENV, CSC_LINK: '/secure/cert.pfx', WIN_PUBLISHER_NAME: 'Example Hospital Trust' },
      { platforms: ['win'] },
    );
    const merged = await resolved(options.configFile, options.overrides);
    expect(merged.win?.signtoolOptions).toMatchObject({
      publisherName: ['Example Hospital Trust'],
      signingHashAlgorithms: ['sha256'],
    });
    expect(options.notes.join('\n')).toMatch(/certificate file from WIN_CSC_LINK\/CSC_LINK/);
  });
});

describe('no secret in the repository', () => {
  const files = [
    ...Object.values(CONFIG_FILES),
    'package.json',
    ...readdirSync(path.join(root, 'build'), { recursive: true, encoding: 'utf8' }).map((f) => path.join('build', f)),
    'docs/DEPLOYMENT.md',
  ].filter((f) => existsSync(path.join(root, f)) && statSync(path.join(root, f)).isFile());

  it('ships no certificate or key files in build/', () => {
    expect(files.filter((f) => /\.(p12|pfx|pem|key|cer|crt|p8|mobileprovision|provisionprofile)$/i.test(f))).toEqual(
      [],
    );
  });

  it('finds no credential-looking values in the configs, build scripts and deployment guide', () => {
    const findings = files.flatMap((f) => scanForSecrets(f, readFileSync(path.join(root, f), 'utf8')));
    expect(findings).toEqual([]);
  });

  it('the scanner catches planted secrets (so the check above can fail)', () => {
    const planted = [
      'win:\n  certificatePassword: hunter2',
      'cscKeyPassword: "s3cret"',
      'export CSC_KEY_PASSWORD=hunter2',
      '$env:AZURE_CLIENT_SECRET = "abc123"',
      '-----BEGIN PRIVATE KEY-----',
      `cscLink: ${'MIIKZAIBAzCCCi4GCSqGSIb3DQEHAaCCCh8EggobMIIKFzCCBg8GCSqGSIb3DQEHBqCCBgAwggX8AgEAMIIF9QYJKoZIhvcNAQcBMBwGCiqGSIb3DQEMAQYwDgQI'.repeat(2)}`,
      'APPLE_APP_SPECIFIC_PASSWORD=abcd-efgh-ijkl-mnop',
      'token: ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    ];
    for (const text of planted) expect(scanForSecrets('planted', text).length, text).toBeGreaterThan(0);
    const references = [
      'url: ${env.HEALTHCHAIN_UPDATE_URL}/kiosk',
      'certificatePassword: ${env.CSC_KEY_PASSWORD}',
      'signtoolOptions: null',
      'export CSC_KEY_PASSWORD="$(security find-generic-password -s pfx -w)"',
      'export APPLE_APP_SPECIFIC_PASSWORD=<app-specific password>',
      'CSC_LINK: ${{ secrets.WIN_CERT_BASE64 }}',
    ].join('\n');
    expect(scanForSecrets('ok', references)).toEqual([]);
  });
});
