// A KeyHolder signs and unseals without ever handing out its secrets. The vault gives one to a doctor who unlocked
// (it stops working on lock), and the access card gives one to a patient on the kiosk (read-only). It lives in
// src-main because it holds secrets: the renderer may not import it (lint: .eslint/layers.js).
import { ed25519 } from '@noble/curves/ed25519.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import type { LockableKeyHolder } from '../../src-shared/crypto/keyholder';
import { type IdentityKeys, deriveIdentityKeys, wipeIdentityKeys } from '../../src-shared/crypto/keys';
import { IdentityLockedError, ReadOnlyIdentityError } from '../../src-shared/crypto/errors';
import { openSealedWithSecret } from '../../src-shared/crypto/sealed-box';
import { decodeKey32, wipe } from '../../src-shared/crypto/bytes';
import { signTweaked } from '../../src-shared/unlinkable/owner-keys';
import { cardTag, pairKey } from '../../src-shared/unlinkable/rendezvous';

/** A secret prepared once for repeated use (e.g. copied into secure memory); `wipe()` destroys it. */
export interface PreparedKey<In, Out> {
  use(input: In): Out;
  wipe(): void;
}

export type PrepareKey = (secret: Uint8Array) => PreparedKey<Uint8Array, Uint8Array>;

export interface SeedKeyHolderOptions {
  /** A read-only holder refuses sign() (patient sessions on the kiosk). */
  readOnly?: boolean;
  /** Called once when the holder locks, so its owner can forget it. */
  onLock?: () => void;
  /**
   * Key derivation (src-shared/crypto/keys.ts): main injects the one with libsodium's public-key math; a test also
   * replaces it to watch the derived buffers being zeroed on lock.
   */
  deriveKeys?: (seed: Uint8Array) => IdentityKeys;
  /**
   * The three operations on secrets, each prepared on first use and wiped when the holder locks. The defaults are
   * pure JS (@noble/curves, tweetnacl, @noble/hashes); main injects libsodium ones (src-main/crypto), which give
   * identical results several times faster and keep the secrets in locked memory.
   */
  ed25519Signer?: PrepareKey;
  sealedBoxOpener?: PrepareKey;
  localMacer?: PrepareKey;
  /** Envelope v3's tweaked signer (the same bytes as owner-keys.ts's signTweaked; main injects libsodium's). */
  tweakedSigner?: (signSeed: Uint8Array) => PreparedKey<{ tweak: Uint8Array; message: Uint8Array }, Uint8Array>;
  /**
   * Envelope v3's pair key K(W→R) (the same bytes as rendezvous.ts's pairKey; main injects libsodium's): a list derives
   * one for every directory doctor, so the pure-JS X25519 was seconds with hundreds of them.
   */
  pairKey?: typeof pairKey;
}

const pure =
  (op: (secret: Uint8Array, input: Uint8Array) => Uint8Array): PrepareKey =>
  (secret) => {
    const copy = Uint8Array.from(secret);
    return { use: (input) => op(copy, input), wipe: () => wipe(copy) };
  };
const pureSigner = pure((signSeed, message) => ed25519.sign(message, signSeed));
const pureOpener = pure(openSealedWithSecret);
export const LOCAL_MAC_LENGTH = 32;
const pureMacer = pure((key, data) => hmac(sha512, key, data).subarray(0, LOCAL_MAC_LENGTH));

type Prepared = PreparedKey<Uint8Array, Uint8Array>;
type PreparedTweaked = PreparedKey<{ tweak: Uint8Array; message: Uint8Array }, Uint8Array>;

const pureTweakedSigner = (signSeed: Uint8Array): PreparedTweaked => {
  const copy = Uint8Array.from(signSeed);
  return { use: ({ tweak, message }) => signTweaked(copy, tweak, message), wipe: () => wipe(copy) };
};

const MAX_PAIR_KEYS = 4096;

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
  readonly #pairKey: typeof pairKey;
  readonly #prepare: {
    sign: PrepareKey;
    open: PrepareKey;
    mac: PrepareKey;
    tweaked: (signSeed: Uint8Array) => PreparedTweaked;
  };
  #prepared: { sign?: Prepared; open?: Prepared; mac?: Prepared; tweaked?: PreparedTweaked } = {};
  /**
   * Pair keys derived this session, by writer and reader: a v3 reader derives K(W→R) for every version it opens
   * (its keyed slot, docs/UNLINKABLE.md §4), so each X25519 is done once per pair, not once per version. Wiped on lock.
   */
  #pairKeys = new Map<string, Uint8Array>();

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
    this.#pairKey = options.pairKey ?? pairKey;
    this.#prepare = {
      sign: options.ed25519Signer ?? pureSigner,
      open: options.sealedBoxOpener ?? pureOpener,
      mac: options.localMacer ?? pureMacer,
      tweaked: options.tweakedSigner ?? pureTweakedSigner,
    };
  }

  get locked(): boolean {
    return this.#keys === null;
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    const keys = this.#live();
    if (this.readOnly) throw new ReadOnlyIdentityError();
    this.#prepared.sign ??= this.#prepare.sign(keys.signSeed);
    return this.#prepared.sign.use(message);
  }

  async signTweaked(tweak: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
    const keys = this.#live();
    if (this.readOnly) throw new ReadOnlyIdentityError();
    this.#prepared.tweaked ??= this.#prepare.tweaked(keys.signSeed);
    return this.#prepared.tweaked.use({ tweak, message });
  }

  pairKey(writerBoxKey: string, readerBoxKey: string): Uint8Array {
    const keys = this.#live();
    const [writer, reader] = [decodeKey32(writerBoxKey), decodeKey32(readerBoxKey)];
    if (!writer || !reader) throw new TypeError('A pair key needs two base58 box keys of 32 bytes');
    if (writerBoxKey !== this.boxKey && readerBoxKey !== this.boxKey)
      throw new TypeError('This identity is neither side of the pair');
    const pair = `${writerBoxKey}>${readerBoxKey}`;
    let derived = this.#pairKeys.get(pair);
    if (!derived) {
      const other = writerBoxKey === this.boxKey ? reader : writer;
      derived = this.#pairKey(keys.boxSecret, other, writer, reader);
      // A bound on what a session keeps (a doctor's pairs are the directory's doctors, a few hundred).
      if (this.#pairKeys.size >= MAX_PAIR_KEYS) this.#wipePairKeys();
      this.#pairKeys.set(pair, derived);
    }
    // A copy: callers wipe what they are given.
    return Uint8Array.from(derived);
  }

  cardTag(): string {
    return cardTag(this.#live().boxSecret);
  }

  async openSealed(sealed: Uint8Array): Promise<Uint8Array> {
    const keys = this.#live();
    this.#prepared.open ??= this.#prepare.open(keys.boxSecret);
    return this.#prepared.open.use(sealed);
  }

  localMac(data: Uint8Array): Uint8Array {
    const keys = this.#live();
    this.#prepared.mac ??= this.#prepare.mac(keys.localKey);
    return this.#prepared.mac.use(data);
  }

  lock(): void {
    if (!this.#keys) return;
    wipeIdentityKeys(this.#keys);
    this.#keys = null;
    for (const prepared of Object.values(this.#prepared)) prepared?.wipe();
    this.#prepared = {};
    this.#wipePairKeys();
    const onLock = this.#onLock;
    this.#onLock = undefined;
    onLock?.();
  }

  /** Only public parts ever serialise. */
  toJSON(): { signKey: string; boxKey: string; locked: boolean } {
    return { signKey: this.signKey, boxKey: this.boxKey, locked: this.locked };
  }

  #wipePairKeys(): void {
    for (const key of this.#pairKeys.values()) wipe(key);
    this.#pairKeys.clear();
  }

  #live(): IdentityKeys {
    if (!this.#keys) throw new IdentityLockedError();
    return this.#keys;
  }
}
