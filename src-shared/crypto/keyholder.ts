// What a signed-in identity offers the rest of the code: it signs and unseals without ever handing out its secrets.
// The holder itself (SeedKeyHolder, which keeps the secrets) lives in src-main/crypto/seed-key-holder.ts, where the
// renderer may not import it; these are only its shape and a pure adapter.
export interface KeyHolder {
  readonly signKey: string;
  readonly boxKey: string;
  /** 64-byte pure Ed25519 (RFC 8032) signature of `message` by `signKey`. */
  sign(message: Uint8Array): Promise<Uint8Array>;
  /** Opens a sealed box (sealed-box.ts) addressed to `boxKey`; throws SealedBoxError if it cannot. */
  openSealed(sealed: Uint8Array): Promise<Uint8Array>;
  /**
   * 32-byte MAC (HMAC-SHA-512-256) of `data` under this identity's local key: lets the identity recognise what it
   * stored for itself on this machine (e.g. transactions it has verified), so nobody without the seed can add to it.
   */
  localMac(data: Uint8Array): Uint8Array;
  /**
   * Envelope v3 (docs/UNLINKABLE.md §3): an RFC 8032 signature by a + t, which verifies under signKey + t·G (a
   * per-version owner key). Absent on holders that cannot write v3 versions.
   */
  signTweaked?(tweak: Uint8Array, message: Uint8Array): Promise<Uint8Array>;
  /**
   * Envelope v3 (§4): the pair key K(W→R) for rendezvous tags, where this identity is the writer W or the reader R
   * (both for its own list key). A derived key, never the box secret itself.
   */
  pairKey?(writerBoxKey: string, readerBoxKey: string): Uint8Array;
  /**
   * Envelope v3 (§8): this identity's card tag, HKDF of its box secret (rendezvous.ts `cardTag`). Only a patient card's
   * identity puts it on the ledger, in the version that introduces the card; the kiosk searches for it. 32 hex digits.
   */
  cardTag?(): string;
}

export interface LockableKeyHolder extends KeyHolder {
  readonly locked: boolean;
  /** Wipes the secrets; every later call throws IdentityLockedError. Idempotent. */
  lock(): void;
}

/**
 * Adapts a KeyHolder to the transaction core's `Signer` shape `(publicKey, message) => Promise<signature>`.
 * It refuses to sign for any key other than the holder's own, so a mixed-up input cannot be signed by accident.
 */
export function signerFor(holder: KeyHolder): (publicKey: string, message: Uint8Array) => Promise<Uint8Array> {
  return async (publicKey, message) => {
    if (publicKey !== holder.signKey) {
      throw new Error(`this identity (${holder.signKey}) cannot sign for ${publicKey}`);
    }
    return holder.sign(message);
  };
}
