// A KeyHolder signs and unseals without ever handing out its secrets. The vault gives one to a doctor who unlocked
// (it stops working on lock), and the access card gives one to a patient on the kiosk (read-only).
import { ed25519 } from '@noble/curves/ed25519.js';
import { type IdentityKeys, deriveIdentityKeys, wipeIdentityKeys } from './keys';
import { IdentityLockedError, ReadOnlyIdentityError } from './errors';
import { openSealedWithSecret } from './sealed-box';
import { wipe } from './bytes';

export interface KeyHolder {
  readonly signKey: string;
  readonly boxKey: string;
  /** 64-byte pure Ed25519 (RFC 8032) signature of `message` by `signKey`. */
  sign(message: Uint8Array): Promise<Uint8Array>;
  /** Opens a sealed box (sealed-box.ts) addressed to `boxKey`; throws SealedBoxError if it cannot. */
  openSealed(sealed: Uint8Array): Promise<Uint8Array>;
}

export interface LockableKeyHolder extends KeyHolder {
  readonly locked: boolean;
  /** Wipes the secrets; every later call throws IdentityLockedError. Idempotent. */
  lock(): void;
}

export interface SeedKeyHolderOptions {
  /** A read-only holder refuses sign() (patient sessions on the kiosk). */
  readOnly?: boolean;
  /** Called once when the holder locks, so its owner can forget it. */
  onLock?: () => void;
  /** Key derivation; replaceable only so a test can watch the derived buffers being zeroed on lock. */
  deriveKeys?: (seed: Uint8Array) => IdentityKeys;
  /**
   * Ed25519 signing with the 32-byte RFC 8032 private key. Default: @noble/curves (pure JS). Main injects
   * node:crypto's (OpenSSL, ~50× faster). Ed25519 is deterministic, so both give identical signatures.
   */
  ed25519Sign?: Ed25519Sign;
  /**
   * Ed25519 signing prepared once per holder (main: an OpenSSL key object built on first use, so each signature
   * does not pay for parsing a key again). Takes precedence over `ed25519Sign`. Dropped when the holder locks.
   */
  ed25519Signer?: (signSeed: Uint8Array) => (message: Uint8Array) => Uint8Array;
  /**
   * Opens sealed boxes with this holder's X25519 secret, prepared once per holder on first use. Default:
   * openSealedWithSecret (tweetnacl, pure JS). Main injects an OpenSSL one (src-main/vault/node-sealed-box.ts,
   * ~10× faster): same format, same results. Dropped when the holder locks.
   */
  sealedBoxOpener?: (boxSecret: Uint8Array) => (sealed: Uint8Array) => Uint8Array;
}

export type Ed25519Sign = (message: Uint8Array, signSeed: Uint8Array) => Uint8Array;
const nobleSign: Ed25519Sign = (message, signSeed) => ed25519.sign(message, signSeed);

/**
 * Holds the derived secrets of one seed in private fields: they are not enumerable, not in JSON.stringify, not in
 * util.inspect, and no method returns them. The seed itself is wiped as soon as the keys are derived.
 */
export class SeedKeyHolder implements LockableKeyHolder {
  readonly signKey: string;
  readonly boxKey: string;
  readonly readOnly: boolean;
  #keys: IdentityKeys | null;
  #onLock: (() => void) | undefined;
  readonly #sign: Ed25519Sign;
  readonly #makeSigner: ((signSeed: Uint8Array) => (message: Uint8Array) => Uint8Array) | undefined;
  readonly #makeOpener: ((boxSecret: Uint8Array) => (sealed: Uint8Array) => Uint8Array) | undefined;
  #signer: ((message: Uint8Array) => Uint8Array) | null = null;
  #opener: ((sealed: Uint8Array) => Uint8Array) | null = null;

  /** Takes ownership of `seed`: the buffer is zeroed before the constructor returns. */
  constructor(seed: Uint8Array, options: SeedKeyHolderOptions = {}) {
    try {
      this.#keys = (options.deriveKeys ?? deriveIdentityKeys)(seed);
    } finally {
      wipe(seed);
    }
    this.signKey = this.#keys.signKey;
    this.boxKey = this.#keys.boxKey;
    this.readOnly = options.readOnly ?? false;
    this.#onLock = options.onLock;
    this.#sign = options.ed25519Sign ?? nobleSign;
    this.#makeSigner = options.ed25519Signer;
    this.#makeOpener = options.sealedBoxOpener;
  }

  get locked(): boolean {
    return this.#keys === null;
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    const keys = this.#live();
    if (this.readOnly) throw new ReadOnlyIdentityError();
    if (!this.#makeSigner) return this.#sign(message, keys.signSeed);
    this.#signer ??= this.#makeSigner(keys.signSeed);
    return this.#signer(message);
  }

  async openSealed(sealed: Uint8Array): Promise<Uint8Array> {
    const keys = this.#live();
    if (!this.#makeOpener) return openSealedWithSecret(keys.boxSecret, sealed);
    this.#opener ??= this.#makeOpener(keys.boxSecret);
    return this.#opener(sealed);
  }

  lock(): void {
    if (!this.#keys) return;
    wipeIdentityKeys(this.#keys);
    this.#keys = null;
    this.#signer = null;
    this.#opener = null;
    const onLock = this.#onLock;
    this.#onLock = undefined;
    onLock?.();
  }

  /** Only public parts ever serialise. */
  toJSON(): { signKey: string; boxKey: string; locked: boolean } {
    return { signKey: this.signKey, boxKey: this.boxKey, locked: this.locked };
  }

  #live(): IdentityKeys {
    if (!this.#keys) throw new IdentityLockedError();
    return this.#keys;
  }
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
