// electron-builder afterPack hook: flips Electron's fuses in the packaged binary before it is signed, turning off
// the ways a packaged Electron app can be made to run other code (ELECTRON_RUN_AS_NODE, NODE_OPTIONS, --inspect,
// loose app files beside the asar, file:// privileges) and turning on cookie encryption and asar integrity checking.
import console from 'node:console';
import path from 'node:path';
import { FuseV1Options, FuseVersion, flipFuses } from '@electron/fuses';

/** The fuse wire every HealthChain build ships with. Fuses not named here keep Electron's default. */
export const HEALTHCHAIN_FUSES = Object.freeze({
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // Pages on file:// get no more than other origins (the app loads from app://, never from file://).
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
});

/** Where the binary carrying the fuse wire sits in electron-builder's output for one platform. */
export function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
    case 'win32':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    case 'linux':
      return path.join(appOutDir, packager.executableName);
    default:
      throw new Error(`after-pack: unknown platform ${electronPlatformName}`);
  }
}

// builder-util's Arch enum value for x64 (the hook gets the number, not the name).
const ARCH_X64 = 1;

export async function afterPack(context) {
  const binary = electronBinaryPath(context);
  const isMac = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  // Flipping fuses invalidates the ad-hoc signature of arm64 macOS binaries; re-sign ad hoc so unsigned dev builds
  // still launch (release builds are signed properly right after this hook).
  const flipped = await flipFuses(binary, {
    ...HEALTHCHAIN_FUSES,
    resetAdHocDarwinSignature: isMac && context.arch !== ARCH_X64,
  });
  if (flipped < 1) throw new Error(`after-pack: no fuse wire found in ${binary}`);
  console.log(`  • fuses flipped    binary=${binary} wires=${flipped}`);
}

export default afterPack;
