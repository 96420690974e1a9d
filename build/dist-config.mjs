// Turns the build environment into electron-builder options for one variant. Kept apart from dist.mjs so the
// rules (what is required, what comes from which variable) are tested without packaging anything.
import { Buffer } from 'node:buffer';
import { URL } from 'node:url';

export const VARIANT_CONFIGS = Object.freeze({
  workstation: 'electron-builder.yml',
  kiosk: 'electron-builder.kiosk.yml',
});

/** electron-builder appId of each variant (the yml files say the same; builder-config.test.ts checks). */
export const VARIANT_APP_IDS = Object.freeze({
  workstation: 'org.healthchain.workstation',
  kiosk: 'org.healthchain.kiosk',
});

const AZURE_VARS = ['AZURE_TRUSTED_SIGNING_ENDPOINT', 'AZURE_TRUSTED_SIGNING_ACCOUNT', 'AZURE_TRUSTED_SIGNING_PROFILE'];
// The TrustedSigning PowerShell module signs in to Microsoft Entra ID with one of these credential sets.
const AZURE_AUTH_VARS = [
  ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'],
  ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_CERTIFICATE_PATH'],
];

export class DistConfigError extends Error {
  name = 'DistConfigError';
}

/** HEALTHCHAIN_UPDATE_PUBLIC_KEY: base64 of the 32-byte Ed25519 key the installed app checks update metadata with. */
function updateKey(env, unsigned) {
  const raw = env.HEALTHCHAIN_UPDATE_PUBLIC_KEY?.trim();
  if (!raw) {
    if (unsigned) return null;
    throw new DistConfigError(
      'HEALTHCHAIN_UPDATE_PUBLIC_KEY is not set. Installed apps accept update metadata only if it is signed with the matching ' +
        'private key; create a key pair with `node build/sign-update.mjs keygen` (see docs/DEPLOYMENT.md §2).',
    );
  }
  if (Buffer.from(raw, 'base64').length !== 32 || Buffer.from(raw, 'base64').toString('base64') !== raw) {
    throw new DistConfigError(
      'HEALTHCHAIN_UPDATE_PUBLIC_KEY must be base64 of a 32-byte Ed25519 public key (as `node build/sign-update.mjs keygen` prints it)',
    );
  }
  return raw;
}

function updateUrl(env) {
  const raw = env.HEALTHCHAIN_UPDATE_URL;
  if (!raw) {
    throw new DistConfigError(
      'HEALTHCHAIN_UPDATE_URL is not set. Set it to the HTTPS base URL where IT will host updates, e.g. ' +
        'HEALTHCHAIN_UPDATE_URL=https://updates.hospital.example/healthchain (see docs/DEPLOYMENT.md).',
    );
  }
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new DistConfigError(`HEALTHCHAIN_UPDATE_URL is not a URL: ${raw}`);
  }
  if (url.protocol !== 'https:')
    throw new DistConfigError(`HEALTHCHAIN_UPDATE_URL must use https:, not ${url.protocol}`);
  if (url.username || url.password) throw new DistConfigError('HEALTHCHAIN_UPDATE_URL must not contain credentials');
  return raw.replace(/\/+$/, '');
}

/**
 * @param {string} variant 'workstation' | 'kiosk'
 * @param {Record<string, string | undefined>} env
 * @param {{ unsigned?: boolean, platforms?: string[] }} options unsigned: a local test build (no signing, no
 *   notarization); platforms: the targets being built ('win', 'mac', 'linux')
 * @returns {{ configFile: string, overrides: Record<string, unknown>, env: Record<string, string>, notes: string[] }}
 */
export function distOptions(variant, env, { unsigned = false, platforms = [] } = {}) {
  const configFile = VARIANT_CONFIGS[variant];
  if (!configFile)
    throw new DistConfigError(
      `unknown variant "${variant}"; expected one of ${Object.keys(VARIANT_CONFIGS).join(', ')}`,
    );
  const base = updateUrl(env);
  const notes = [];
  const childEnv = { HEALTHCHAIN_UPDATE_URL: base };
  const win = {};
  const overrides = { win };
  // Pinned in the packaged package.json (inside the asar): src-main/app/update-feed.ts reads it.
  const key = updateKey(env, unsigned);
  overrides.extraMetadata = { healthchainVariant: variant, ...(key ? { healthchainUpdateKey: key } : {}) };
  if (!key) notes.push('no HEALTHCHAIN_UPDATE_PUBLIC_KEY: this build never installs updates');

  if (unsigned) {
    // A test build must be unmistakably unsigned: no certificate lookup, no notarization.
    overrides.forceCodeSigning = false;
    overrides.mac = { identity: null, notarize: false };
    childEnv.CSC_IDENTITY_AUTO_DISCOVERY = 'false';
    notes.push('unsigned test build: do not distribute');
  } else {
    // A release must be signed; electron-builder fails instead of producing an unsigned installer.
    overrides.forceCodeSigning = true;
  }

  if (platforms.includes('win') && !unsigned && !env.WIN_PUBLISHER_NAME) {
    // electron-updater (6.x) skips the update signature check when app-update.yml has no publisherName; naming
    // the publisher explicitly makes "same publisher only" hold even if reading it from the certificate fails.
    throw new DistConfigError(
      'Windows release builds need WIN_PUBLISHER_NAME: the subject CN of the code-signing certificate, exactly. ' +
        'Installed apps accept an update only if it is signed by this publisher.',
    );
  }

  const azureSet = AZURE_VARS.filter((name) => env[name]);
  if (azureSet.length > 0 && !unsigned) {
    const missing = AZURE_VARS.filter((name) => !env[name]);
    if (missing.length > 0)
      throw new DistConfigError(`Azure Trusted Signing is partly configured; also set ${missing.join(', ')}`);
    if (!env.WIN_PUBLISHER_NAME) {
      throw new DistConfigError(
        'Azure Trusted Signing needs WIN_PUBLISHER_NAME (the certificate subject CN): installed apps accept updates only from it',
      );
    }
    if (!AZURE_AUTH_VARS.some((set) => set.every((name) => env[name]))) {
      notes.push(
        'no AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET (or _CERTIFICATE_PATH): the TrustedSigning module will try other Entra ID credentials',
      );
    }
    win.azureSignOptions = {
      endpoint: env.AZURE_TRUSTED_SIGNING_ENDPOINT,
      codeSigningAccountName: env.AZURE_TRUSTED_SIGNING_ACCOUNT,
      certificateProfileName: env.AZURE_TRUSTED_SIGNING_PROFILE,
      publisherName: env.WIN_PUBLISHER_NAME,
    };
    win.signtoolOptions = null;
    notes.push('Windows: Azure Trusted Signing');
  } else if (env.WIN_PUBLISHER_NAME) {
    win.signtoolOptions = { publisherName: [env.WIN_PUBLISHER_NAME] };
  }
  if (!win.azureSignOptions && !unsigned) {
    const hasCert = Boolean(env.WIN_CSC_LINK || env.CSC_LINK);
    notes.push(
      hasCert
        ? 'Windows: certificate file from WIN_CSC_LINK/CSC_LINK'
        : 'Windows: no certificate configured (Windows builds will fail: forceCodeSigning)',
    );
  }
  return { configFile, overrides, env: childEnv, notes };
}
