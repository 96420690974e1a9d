#!/usr/bin/env node
// Signs the update metadata IT uploads to the update server, so installed apps can tell it came from IT
// (src-main/app/update-feed.ts verifies it; docs/DEPLOYMENT.md §2).
//
//   node build/sign-update.mjs keygen
//       prints a new Ed25519 private key (PKCS#8 PEM: keep it in the CI secret store) and its public key (base64:
//       set it as HEALTHCHAIN_UPDATE_PUBLIC_KEY when building installers).
//   node build/sign-update.mjs sign <workstation|kiosk> <folder>
//       writes <file>.sig beside every latest*.yml in <folder>, with the private key in HEALTHCHAIN_UPDATE_SIGNING_KEY
//       (PEM text). If HEALTHCHAIN_UPDATE_PUBLIC_KEY is set too, the key must match it.
//
// The signed message is  "HealthChain update feed v1\n" + appId + "\n" + fileName + "\n" + the file's bytes  (the app
// repeats this format; test/unit/deploy/sign-update.test.ts and src-main/app/update-feed.test.ts cross-check them).
import { Buffer } from 'node:buffer';
import console from 'node:console';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { VARIANT_APP_IDS } from './dist-config.mjs';

export const FEED_FILE = /^latest(-[a-z0-9-]+)?\.yml$/;
const DOMAIN = 'HealthChain update feed v1';

export class SignUpdateError extends Error {
  name = 'SignUpdateError';
}

export function feedSigningMessage(appId, fileName, content) {
  return Buffer.concat([Buffer.from(`${DOMAIN}\n${appId}\n${fileName}\n`, 'utf8'), content]);
}

/** The private key from HEALTHCHAIN_UPDATE_SIGNING_KEY (PEM), checked to be Ed25519. */
export function signingKeyFromEnv(env) {
  const pem = env.HEALTHCHAIN_UPDATE_SIGNING_KEY;
  if (!pem)
    throw new SignUpdateError(
      'HEALTHCHAIN_UPDATE_SIGNING_KEY is not set (the Ed25519 private key, PKCS#8 PEM; create one with `node build/sign-update.mjs keygen`)',
    );
  let key;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new SignUpdateError(`HEALTHCHAIN_UPDATE_SIGNING_KEY is not a PEM private key: ${error.message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new SignUpdateError(`HEALTHCHAIN_UPDATE_SIGNING_KEY must be an Ed25519 key, not ${key.asymmetricKeyType}`);
  const expected = env.HEALTHCHAIN_UPDATE_PUBLIC_KEY;
  if (expected && publicKeyBase64(key) !== expected.trim()) {
    throw new SignUpdateError(
      'HEALTHCHAIN_UPDATE_SIGNING_KEY does not belong to HEALTHCHAIN_UPDATE_PUBLIC_KEY: installed apps would refuse these updates',
    );
  }
  return key;
}

/** base64 of the raw 32-byte public key: the form HEALTHCHAIN_UPDATE_PUBLIC_KEY and the app use. */
export function publicKeyBase64(privateKey) {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return Buffer.from(jwk.x, 'base64url').toString('base64');
}

export function generateUpdateKey() {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKey: publicKeyBase64(privateKey),
  };
}

/** Signs every latest*.yml in `dir` for `variant`; returns the .sig files written. */
export async function signFeedFolder(variant, dir, key) {
  const appId = VARIANT_APP_IDS[variant];
  if (!appId)
    throw new SignUpdateError(
      `unknown variant "${variant}"; expected one of ${Object.keys(VARIANT_APP_IDS).join(', ')}`,
    );
  const files = (await readdir(dir)).filter((name) => FEED_FILE.test(name)).sort();
  if (files.length === 0) throw new SignUpdateError(`no latest*.yml in ${dir}: run npm run dist first`);
  const written = [];
  for (const name of files) {
    const content = await readFile(path.join(dir, name));
    const signature = sign(null, feedSigningMessage(appId, name, content), key).toString('base64');
    await writeFile(path.join(dir, `${name}.sig`), `${signature}\n`);
    written.push(`${name}.sig`);
  }
  return written;
}

async function main(args) {
  const [command, variant, dir] = args;
  if (command === 'keygen') {
    const { privateKeyPem, publicKey } = generateUpdateKey();
    console.log(privateKeyPem.trim());
    console.log(`\nHEALTHCHAIN_UPDATE_PUBLIC_KEY=${publicKey}`);
    return;
  }
  if (command === 'sign' && variant && dir) {
    const written = await signFeedFolder(variant, dir, signingKeyFromEnv(process.env));
    console.log(
      `sign-update: ${written.join(', ')} written in ${dir}; upload them with the .yml files (installers first, metadata last)`,
    );
    return;
  }
  throw new SignUpdateError('usage: node build/sign-update.mjs keygen | sign <workstation|kiosk> <folder>');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`sign-update: ${error.message}`);
    process.exit(error instanceof SignUpdateError ? 2 : 1);
  });
}
