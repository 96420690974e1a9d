// The hospital's recovery key: an X25519 key pair whose public half is in the authority asset (data keys will be
// wrapped to it, next pass) and whose secret is split m-of-n among the officers with Shamir's secret sharing
// (shamir-secret-sharing, Privy: audited, zero-dependency). Each share is sealed to its officer's box key, so the
// sealed shares can sit on the ledger (the ceremony's metadata) and only that officer can open theirs.
//
// Shamir alone does not notice a wrong or garbled share (it just yields a different secret), so every combined
// secret is checked against the published recovery public key before it is used.
import nacl from 'tweetnacl';
import { combine, split } from 'shamir-secret-sharing';
import { bytesEqual, decodeKey32, fromBase64, toBase58, toBase64, wipe } from '../crypto/bytes';
import { sealTo } from '../crypto/sealed-box';
import type { Officer, SealedRecoveryShare } from './model';

export class RecoveryError extends Error {
  override name = 'RecoveryError';
}

/** A share as an officer holds it once opened: Shamir's bytes (secret length + 1, the last byte its x), or for a
 * 1-of-n quorum the whole secret (tag 0). */
const SHARE_TAG_SHAMIR = 1;
const SHARE_TAG_WHOLE = 0;

export interface RecoveryKeyPair {
  publicKey: string;
  /** 32-byte X25519 secret; the caller wipes it once the shares are sealed. */
  secret: Uint8Array;
}

export function newRecoveryKeyPair(): RecoveryKeyPair {
  const pair = nacl.box.keyPair();
  return { publicKey: toBase58(pair.publicKey), secret: pair.secretKey };
}

export function recoveryPublicKeyOf(secret: Uint8Array): string {
  return toBase58(nacl.box.keyPair.fromSecretKey(secret).publicKey);
}

/** Splits `secret` m-of-n and seals share i to officer i's box key. */
export async function splitRecoverySecret(
  secret: Uint8Array,
  officers: readonly Pick<Officer, 'signKey' | 'boxKey'>[],
  threshold: number,
): Promise<SealedRecoveryShare[]> {
  if (secret.length !== 32) throw new RecoveryError('a recovery secret is 32 bytes');
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > officers.length)
    throw new RecoveryError(`threshold ${threshold} is impossible with ${officers.length} officer(s)`);
  let raw: Uint8Array[];
  if (threshold === 1) {
    raw = officers.map(() => Uint8Array.of(SHARE_TAG_WHOLE, ...secret));
  } else {
    raw = (await split(secret, officers.length, threshold)).map((share) => Uint8Array.of(SHARE_TAG_SHAMIR, ...share));
  }
  const sealed = officers.map((o, i) => ({ officer: o.signKey, share: toBase64(sealTo(o.boxKey, raw[i]!)) }));
  wipe(...raw);
  return sealed;
}

/** The sealed share of `officer` in a ceremony's shares; throws when there is none. */
export function sealedShareOf(shares: readonly SealedRecoveryShare[], officer: string): Uint8Array {
  const found = shares.find((s) => s.officer === officer);
  if (!found) throw new RecoveryError(`officer ${officer} holds no recovery share`);
  return fromBase64(found.share);
}

/**
 * Rebuilds the recovery secret from opened shares. Refuses fewer than `threshold` shares and the same share twice;
 * throws when the result is not the secret of `recoveryPublicKey` (a wrong, garbled or foreign share).
 */
export async function combineRecoveryShares(
  shares: readonly Uint8Array[],
  threshold: number,
  recoveryPublicKey: string,
): Promise<Uint8Array> {
  const expected = decodeKey32(recoveryPublicKey);
  if (!expected) throw new RecoveryError(`"${recoveryPublicKey}" is not a recovery public key`);
  if (shares.length < threshold)
    throw new RecoveryError(`the recovery key needs ${threshold} officers' shares; only ${shares.length} given`);
  let secret: Uint8Array;
  const whole = shares.find((s) => s[0] === SHARE_TAG_WHOLE && s.length === 33);
  if (threshold === 1 && whole) {
    secret = whole.slice(1);
  } else {
    const bodies = shares.map((s) => {
      if (s[0] !== SHARE_TAG_SHAMIR || s.length !== 34)
        throw new RecoveryError('a share is garbled (not a share of a 32-byte recovery secret)');
      return s.slice(1);
    });
    if (new Set(bodies.map((b) => b[b.length - 1])).size !== bodies.length)
      throw new RecoveryError('the same share was given twice');
    try {
      secret = await combine(bodies);
    } catch (error) {
      throw new RecoveryError(`the shares do not combine: ${(error as Error).message}`);
    }
    wipe(...bodies);
  }
  const rebuilt = nacl.box.keyPair.fromSecretKey(secret).publicKey;
  if (!bytesEqual(rebuilt, expected)) {
    wipe(secret);
    throw new RecoveryError("the rebuilt key is not the hospital's recovery key: a share is wrong or garbled");
  }
  return secret;
}
