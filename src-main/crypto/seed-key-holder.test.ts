import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { SeedKeyHolder } from './seed-key-holder';
import { nativeKeyHolderCrypto } from './key-holder-crypto';
import { signerFor } from '../../src-shared/crypto/keyholder';
import { deriveIdentityKeys, type IdentityKeys, newSeed } from '../../src-shared/crypto/keys';
import { sealTo } from '../../src-shared/crypto/sealed-box';
import { fromBase58, utf8 } from '../../src-shared/crypto/bytes';
import { IdentityLockedError, ReadOnlyIdentityError } from '../../src-shared/crypto/errors';
import { ownerTweak, tweakPublicKey } from '../../src-shared/unlinkable/owner-keys';
import { cardTag } from '../../src-shared/unlinkable/rendezvous';
import { cardTagNative, tweakedSigner } from './unlinkable-keys';

describe('SeedKeyHolder', () => {
  it('signs with the identity key and opens boxes sealed to it', async () => {
    const seed = newSeed();
    const expected = deriveIdentityKeys(Uint8Array.from(seed));
    const holder = new SeedKeyHolder(seed);
    expect(holder.signKey).toBe(expected.signKey);
    const message = utf8('digest');
    const signature = await holder.sign(message);
    expect(signature).toHaveLength(64);
    expect(ed25519.verify(signature, message, fromBase58(holder.signKey))).toBe(true);
    expect(await holder.openSealed(sealTo(holder.boxKey, utf8('hi')))).toEqual(utf8('hi'));
  });

  it('wipes the seed it was given and never exposes secrets through JSON or inspect', () => {
    const seed = newSeed();
    const keys = deriveIdentityKeys(Uint8Array.from(seed));
    const secrets = [bytesToHex(keys.signSeed), bytesToHex(keys.boxSecret)];
    const holder = new SeedKeyHolder(seed);
    expect(seed.every((b) => b === 0)).toBe(true);
    const shown =
      JSON.stringify(holder) + inspect(holder, { showHidden: true, depth: 10 }) + Object.keys(holder).join();
    for (const secret of secrets) expect(shown).not.toContain(secret);
    expect(shown).not.toMatch(/Uint8Array|\[ *\d+, *\d+/);
    expect(JSON.parse(JSON.stringify(holder))).toEqual({
      signKey: holder.signKey,
      boxKey: holder.boxKey,
      locked: false,
    });
  });

  it('refuses to work after lock, and lock is idempotent and notifies once', async () => {
    let notified = 0;
    const holder = new SeedKeyHolder(newSeed(), { onLock: () => notified++ });
    const sealed = sealTo(holder.boxKey, utf8('x'));
    holder.lock();
    holder.lock();
    expect(holder.locked).toBe(true);
    expect(notified).toBe(1);
    await expect(holder.sign(utf8('m'))).rejects.toBeInstanceOf(IdentityLockedError);
    await expect(holder.openSealed(sealed)).rejects.toBeInstanceOf(IdentityLockedError);
  });

  it('zeroes the derived signing seed and box secret on lock', async () => {
    let derived: IdentityKeys | undefined;
    const holder = new SeedKeyHolder(newSeed(), { deriveKeys: (seed) => (derived = deriveIdentityKeys(seed)) });
    await holder.sign(utf8('m'));
    expect(derived!.signSeed.some((b) => b !== 0)).toBe(true);
    holder.lock();
    expect(derived!.signSeed.every((b) => b === 0)).toBe(true);
    expect(derived!.boxSecret.every((b) => b === 0)).toBe(true);
    expect(derived!.localKey.every((b) => b === 0)).toBe(true);
  });

  it('wipes every prepared key on lock, and prepares each only once', async () => {
    const prepared: string[] = [];
    const wiped: string[] = [];
    const spy = (name: string, op: (input: Uint8Array) => Uint8Array) => () => {
      prepared.push(name);
      return { use: op, wipe: () => wiped.push(name) };
    };
    const holder = new SeedKeyHolder(newSeed(), {
      ed25519Signer: spy('sign', () => new Uint8Array(64)),
      sealedBoxOpener: spy('open', (sealed) => sealed),
      localMacer: spy('mac', () => new Uint8Array(32)),
    });
    await holder.sign(utf8('a'));
    await holder.sign(utf8('b'));
    await holder.openSealed(utf8('c'));
    holder.localMac(utf8('d'));
    holder.localMac(utf8('e'));
    expect(prepared).toEqual(['sign', 'open', 'mac']);
    holder.lock();
    expect(wiped.sort()).toEqual(['mac', 'open', 'sign']);
  });

  it('MACs with a key of its own: the same for the same identity, different for another, HMAC-SHA-512/256', () => {
    const seed = newSeed();
    const keys = deriveIdentityKeys(Uint8Array.from(seed));
    const holder = new SeedKeyHolder(Uint8Array.from(seed));
    const again = new SeedKeyHolder(seed);
    const other = new SeedKeyHolder(newSeed());
    const data = utf8('a verified transaction');
    expect(holder.localMac(data)).toHaveLength(32);
    expect(holder.localMac(data)).toEqual(again.localMac(data));
    expect(holder.localMac(data)).toEqual(hmac(sha512, keys.localKey, data).subarray(0, 32));
    expect(other.localMac(data)).not.toEqual(holder.localMac(data));
    holder.lock();
    expect(() => holder.localMac(data)).toThrow(IdentityLockedError);
  });

  it('a read-only holder opens but does not sign', async () => {
    const holder = new SeedKeyHolder(newSeed(), { readOnly: true });
    await expect(holder.sign(utf8('m'))).rejects.toBeInstanceOf(ReadOnlyIdentityError);
    expect(await holder.openSealed(sealTo(holder.boxKey, utf8('ok')))).toEqual(utf8('ok'));
  });

  it('signerFor signs only for its own key', async () => {
    const holder = new SeedKeyHolder(newSeed());
    const other = new SeedKeyHolder(newSeed());
    const signer = signerFor(holder);
    expect(await signer(holder.signKey, utf8('m'))).toHaveLength(64);
    await expect(signer(other.signKey, utf8('m'))).rejects.toThrow(/cannot sign for/);
  });

  it('signs with a tweak (envelope v3): the signature verifies under signKey + t·G only, pure and libsodium alike', async () => {
    const seed = newSeed();
    const pure = new SeedKeyHolder(Uint8Array.from(seed));
    const native = new SeedKeyHolder(seed, { tweakedSigner });
    const tweak = ownerTweak(new Uint8Array(32).fill(7), 3);
    const message = utf8('v3 input');
    const signature = await pure.signTweaked(tweak, message);
    expect(await native.signTweaked(tweak, message)).toEqual(signature);
    expect(ed25519.verify(signature, message, tweakPublicKey(fromBase58(pure.signKey), tweak))).toBe(true);
    expect(ed25519.verify(signature, message, fromBase58(pure.signKey))).toBe(false);
    const readOnly = new SeedKeyHolder(newSeed(), { readOnly: true });
    await expect(readOnly.signTweaked(tweak, message)).rejects.toBeInstanceOf(ReadOnlyIdentityError);
    native.lock();
    await expect(native.signTweaked(tweak, message)).rejects.toBeInstanceOf(IdentityLockedError);
  });

  it('computes one pair key on both sides of a pair, and only as one of its sides', () => {
    const [writer, reader, other] = [
      new SeedKeyHolder(newSeed()),
      new SeedKeyHolder(newSeed()),
      new SeedKeyHolder(newSeed()),
    ];
    const key = writer.pairKey(writer.boxKey, reader.boxKey);
    expect(reader.pairKey(writer.boxKey, reader.boxKey)).toEqual(key);
    expect(reader.pairKey(reader.boxKey, writer.boxKey)).not.toEqual(key);
    expect(writer.pairKey(writer.boxKey, writer.boxKey)).toHaveLength(32);
    expect(() => other.pairKey(writer.boxKey, reader.boxKey)).toThrow(/neither side/);
    expect(() => writer.pairKey(writer.boxKey, 'nope')).toThrow(/base58 box keys/);
  });

  it('derives each pair key once a session, hands out copies, and wipes what it kept on lock', () => {
    const derived: Uint8Array[] = [];
    const holder = new SeedKeyHolder(newSeed(), {
      ...nativeKeyHolderCrypto,
      pairKey: (...args) => {
        const key = nativeKeyHolderCrypto.pairKey(...args);
        derived.push(key);
        return key;
      },
    });
    const other = new SeedKeyHolder(newSeed()).boxKey;
    const first = holder.pairKey(other, holder.boxKey);
    const expected = Uint8Array.from(first);
    first.fill(0); // a caller wiping its copy
    expect(holder.pairKey(other, holder.boxKey)).toEqual(expected);
    holder.pairKey(holder.boxKey, holder.boxKey);
    holder.pairKey(holder.boxKey, holder.boxKey);
    // One X25519 a pair (the direction counts: W→R and R→W are two pairs).
    expect(derived).toHaveLength(2);
    holder.pairKey(holder.boxKey, other);
    expect(derived).toHaveLength(3);
    holder.lock();
    expect(derived.every((key) => key.every((b) => b === 0))).toBe(true);
    expect(() => holder.pairKey(other, holder.boxKey)).toThrow(IdentityLockedError);
  });

  it('gives the same pair keys with the libsodium pair key main injects as with the pure-JS default', () => {
    const seeds = [newSeed(), newSeed()];
    const pure = seeds.map((seed) => new SeedKeyHolder(Uint8Array.from(seed)));
    const native = seeds.map((seed) => new SeedKeyHolder(Uint8Array.from(seed), nativeKeyHolderCrypto));
    for (const [a, b] of [
      [0, 1],
      [1, 0],
      [0, 0],
    ] as const) {
      const [w, r] = [pure[a]!.boxKey, pure[b]!.boxKey];
      expect(native[a]!.pairKey(w, r)).toEqual(pure[a]!.pairKey(w, r));
      expect(native[b]!.pairKey(w, r)).toEqual(pure[a]!.pairKey(w, r));
    }
  });

  it('gives the card tag of its box secret (§8), the same for the same seed, also read-only, and none once locked', () => {
    const seed = newSeed();
    const { boxSecret } = deriveIdentityKeys(Uint8Array.from(seed));
    const again = Uint8Array.from(seed);
    const holder = new SeedKeyHolder(seed, { readOnly: true });
    expect(holder.cardTag()).toMatch(/^[0-9a-f]{32}$/);
    expect(holder.cardTag()).toBe(cardTag(boxSecret));
    expect(holder.cardTag()).toBe(cardTagNative(boxSecret));
    expect(new SeedKeyHolder(again).cardTag()).toBe(holder.cardTag());
    expect(new SeedKeyHolder(newSeed()).cardTag()).not.toBe(holder.cardTag());
    holder.lock();
    expect(() => holder.cardTag()).toThrow(IdentityLockedError);
  });
});
