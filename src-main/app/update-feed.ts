// Signed update metadata. electron-updater trusts the SHA-512 it reads in latest*.yml; on Linux (AppImage, deb)
// nothing else vouches for the download, so whoever controls the update server or its TLS could ship any binary.
// Each latest*.yml therefore carries a detached Ed25519 signature (latest*.yml.sig, base64) made by hospital IT with
// build/sign-update.mjs, and the app accepts the file only if it verifies under the public key pinned into the build
// (`healthchainUpdateKey` in the packaged package.json, inside the integrity-checked asar).
//
// The signed message binds the product and the file name, so the kiosk's feed (same key) cannot be served to a
// workstation, nor a macOS feed to Linux:  "HealthChain update feed v1\n" + appId + "\n" + fileName + "\n" + bytes.
// The format is repeated in build/sign-update.mjs; update-feed.test.ts signs with that script and verifies here.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

export const FEED_SIGNATURE_SUFFIX = '.sig';
const DOMAIN = 'HealthChain update feed v1';

export class UpdateFeedError extends Error {
  override readonly name = 'UpdateFeedError';
}

/** The pinned key from the packaged package.json: base64 of a 32-byte Ed25519 public key, or null if absent/bad. */
export function pinnedUpdateKey(packageJson: unknown): KeyObject | null {
  const value =
    typeof packageJson === 'object' && packageJson !== null
      ? (packageJson as { healthchainUpdateKey?: unknown }).healthchainUpdateKey
      : undefined;
  if (typeof value !== 'string') return null;
  try {
    return updatePublicKey(value);
  } catch {
    return null;
  }
}

/** base64 of the raw 32-byte Ed25519 public key → a node:crypto key. */
export function updatePublicKey(base64: string): KeyObject {
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== base64.trim())
    throw new UpdateFeedError('the update key must be base64 of a 32-byte Ed25519 public key');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

export function feedSigningMessage(appId: string, fileName: string, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${DOMAIN}\n${appId}\n${fileName}\n`, 'utf8'), content]);
}

/** Throws UpdateFeedError unless `signature` (the .sig file's text) signs `content` as `fileName` of `appId`. */
export function verifyFeed({
  key,
  appId,
  fileName,
  content,
  signature,
}: {
  key: KeyObject;
  appId: string;
  fileName: string;
  content: Buffer;
  signature: string | null;
}): void {
  if (signature === null || signature.trim() === '') {
    throw new UpdateFeedError(
      `${fileName}${FEED_SIGNATURE_SUFFIX} is missing on the update server: the update metadata is unsigned and was refused`,
    );
  }
  const sig = Buffer.from(signature.trim(), 'base64');
  if (sig.length !== 64)
    throw new UpdateFeedError(
      `${fileName}${FEED_SIGNATURE_SUFFIX} is not a base64 Ed25519 signature; the update metadata was refused`,
    );
  if (!verify(null, feedSigningMessage(appId, fileName, content), key, sig)) {
    throw new UpdateFeedError(
      `${fileName} does not match its signature under this build's update key (altered, or signed with another key); the update was refused`,
    );
  }
}
