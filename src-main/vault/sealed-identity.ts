// The sealed form of an identity seed, used both for keychain entries and for backup files. Versioned JSON:
//
//   { "format": "healthchain.vault-entry" | "healthchain.identity-backup", "version": 1,
//     "signKey", "boxKey", "profile": { "name", "specialty", "licenceNumber" }, "createdAt",
//     "kdf": { "name": "scrypt", "N", "r", "p", "salt": <base64, 16 bytes> },
//     "cipher": "xsalsa20-poly1305", "nonce": <base64, 24 bytes>, "ciphertext": <base64> }
//
//   key        = scrypt(NFC(password), salt, N, r, p) → 32 bytes
//   ciphertext = secretbox(seed ‖ SHA-256(header), nonce, key)
//   header     = JSON of every field above except nonce and ciphertext, in that fixed order
//
// Binding the header into the sealed plaintext means a tampered profile, public key or KDF parameter is detected at
// unlock (CorruptedEntry), not trusted. The KDF parameters travel with each document so they can be raised later.
import { sha256 } from '@noble/hashes/sha2.js';
import nacl from 'tweetnacl';
import { z } from 'zod';
import { bytesEqual, concatBytes, fromBase64, randomBytes, toBase64, utf8, wipe } from '../../src-shared/crypto/bytes';
import { checkScryptParams, type ScryptFn, type ScryptParams } from '../../src-shared/crypto/kdf';
import { publicIdentityOf } from '../../src-shared/crypto/keys';
import { nativeKeyMath } from '../crypto/identity-keys-native';
import { BASE58_KEY_32 } from '../../src-shared/ledger/patterns';
import { CorruptedEntryError } from './errors';
import type { DoctorProfile } from './profile';

export const ENTRY_FORMAT = 'healthchain.vault-entry';
export const BACKUP_FORMAT = 'healthchain.identity-backup';
export type SealedFormat = typeof ENTRY_FORMAT | typeof BACKUP_FORMAT;
export const SEALED_VERSION = 1;
/**
 * Marks a sealed identity as a hospital authority officer's key, not a doctor's (src-main/authority/officer-keychain.ts).
 * The sealed header binds it, so it cannot be edited into a doctor's: each keychain refuses the other's backups.
 */
export const OFFICER_SPECIALTY = 'Hospital authority officer';
const SALT_BYTES = 16;

export interface SealedIdentity {
  format: SealedFormat;
  version: 1;
  signKey: string;
  boxKey: string;
  profile: DoctorProfile;
  createdAt: string;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: 'xsalsa20-poly1305';
  nonce: string;
  ciphertext: string;
}

const base64Of = (bytes: number) =>
  z.string().refine((s) => {
    try {
      return fromBase64(s).length === bytes;
    } catch {
      return false;
    }
  }, `must be base64 of ${bytes} bytes`);

const BASE58_KEY = BASE58_KEY_32;

const schema = z.object({
  format: z.enum([ENTRY_FORMAT, BACKUP_FORMAT]),
  version: z.literal(SEALED_VERSION),
  signKey: z.string().regex(BASE58_KEY),
  boxKey: z.string().regex(BASE58_KEY),
  profile: z.object({ name: z.string(), specialty: z.string(), licenceNumber: z.string() }),
  createdAt: z.string(),
  kdf: z
    .object({ name: z.literal('scrypt'), N: z.number(), r: z.number(), p: z.number(), salt: base64Of(SALT_BYTES) })
    .superRefine((kdf, ctx) => {
      const problem = checkScryptParams(kdf);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  cipher: z.literal('xsalsa20-poly1305'),
  nonce: base64Of(nacl.secretbox.nonceLength),
  ciphertext: z.string().min(1),
});

/** Parses a stored document; `what` names it in errors ("The keychain entry of …", "This backup file"). */
export function parseSealedIdentity(text: string, format: SealedFormat, what: string): SealedIdentity {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CorruptedEntryError(what, 'it is not JSON.');
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > SEALED_VERSION) {
    throw new CorruptedEntryError(
      what,
      `it was written by a newer HealthChain (format version ${version}). Update this workstation.`,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CorruptedEntryError(what, `${issue?.path.join('.') || 'document'} ${issue?.message ?? 'is invalid'}.`);
  }
  if (parsed.data.format !== format)
    throw new CorruptedEntryError(what, `it is a ${parsed.data.format}, not a ${format}.`);
  return parsed.data as SealedIdentity;
}

function headerOf(doc: Omit<SealedIdentity, 'nonce' | 'ciphertext'>): Uint8Array {
  const { format, version, signKey, boxKey, profile, createdAt, kdf, cipher } = doc;
  const header = {
    format,
    version,
    signKey,
    boxKey,
    profile: { name: profile.name, specialty: profile.specialty, licenceNumber: profile.licenceNumber },
    createdAt,
    kdf: { name: kdf.name, N: kdf.N, r: kdf.r, p: kdf.p, salt: kdf.salt },
    cipher,
  };
  return sha256(utf8(JSON.stringify(header)));
}

export const passwordBytes = (password: string): Uint8Array => utf8(password.normalize('NFC'));

/**
 * The key scrypt derives from a password. The password's bytes are zeroed as soon as scrypt is done with them (the
 * JavaScript string they came from cannot be: strings are immutable and live until the garbage collector reuses their
 * memory; docs/SECURITY.md, "Hardening review").
 */
async function passwordKey(
  password: string,
  salt: Uint8Array,
  params: ScryptParams,
  scrypt: ScryptFn,
): Promise<Uint8Array> {
  const bytes = passwordBytes(password);
  try {
    return await scrypt(bytes, salt, params, nacl.secretbox.keyLength);
  } finally {
    wipe(bytes);
  }
}

export async function sealIdentity(
  seed: Uint8Array,
  password: string,
  meta: { format: SealedFormat; profile: DoctorProfile; createdAt: string },
  params: ScryptParams,
  scrypt: ScryptFn,
): Promise<SealedIdentity> {
  const { signKey, boxKey } = publicIdentityOf(seed, nativeKeyMath);
  const salt = randomBytes(SALT_BYTES);
  const header = {
    format: meta.format,
    version: SEALED_VERSION,
    signKey,
    boxKey,
    profile: meta.profile,
    createdAt: meta.createdAt,
    kdf: { name: 'scrypt', N: params.N, r: params.r, p: params.p, salt: toBase64(salt) },
    cipher: 'xsalsa20-poly1305',
  } as const;
  const key = await passwordKey(password, salt, params, scrypt);
  const nonce = randomBytes(nacl.secretbox.nonceLength);
  const plaintext = concatBytes(seed, headerOf(header));
  const ciphertext = nacl.secretbox(plaintext, nonce, key);
  wipe(key, plaintext);
  return { ...header, nonce: toBase64(nonce), ciphertext: toBase64(ciphertext) };
}

/**
 * Opens a sealed identity. Returns null when the password is wrong (secretbox refuses: with an authenticated cipher
 * that is indistinguishable from an altered ciphertext). Throws CorruptedEntry when the box opens but its content
 * does not match the public fields. The caller owns (and must wipe) the returned seed.
 */
export async function openSealedIdentity(
  doc: SealedIdentity,
  password: string,
  scrypt: ScryptFn,
  what: string,
): Promise<Uint8Array | null> {
  let ciphertext: Uint8Array;
  try {
    ciphertext = fromBase64(doc.ciphertext);
  } catch {
    throw new CorruptedEntryError(what, 'its ciphertext is not base64.');
  }
  const key = await passwordKey(password, fromBase64(doc.kdf.salt), doc.kdf, scrypt);
  const plaintext = nacl.secretbox.open(ciphertext, fromBase64(doc.nonce), key);
  wipe(key);
  if (!plaintext) return null;
  const seed = plaintext.slice(0, 32);
  const digestOk = plaintext.length === 64 && bytesEqual(plaintext.subarray(32), headerOf(doc));
  wipe(plaintext);
  if (!digestOk) {
    wipe(seed);
    throw new CorruptedEntryError(what, 'its public fields were altered after it was sealed.');
  }
  const keys = publicIdentityOf(seed, nativeKeyMath);
  if (keys.signKey !== doc.signKey || keys.boxKey !== doc.boxKey) {
    wipe(seed);
    throw new CorruptedEntryError(what, 'its public keys do not match its sealed seed.');
  }
  return seed;
}
