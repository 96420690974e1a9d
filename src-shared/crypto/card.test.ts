import { describe, expect, it } from 'vitest';
import {
  cardQrText,
  CARD_SCRYPT_PARAMS,
  checkNewPin,
  checkPinFormat,
  deriveCardSeed,
  deriveCardSeedV2,
  encodeCardCode,
} from './card';
import { nobleScrypt, type ScryptFn } from './kdf';
import { randomBytes } from './bytes';
import { InvalidPinError } from './errors';

const FAST = { N: 1024, r: 8, p: 1 };

describe('access card', () => {
  it('pins the production PIN-stretching parameters (their cost is measured in docs/SECURITY.md)', () => {
    expect(CARD_SCRYPT_PARAMS).toEqual({ N: 262144, r: 8, p: 1 });
  });

  it('derives the same seed from the same card and PIN, and a different one from any other PIN or card', async () => {
    const secret = randomBytes(16);
    const a = await deriveCardSeed(secret, '480913', nobleScrypt, FAST);
    expect(await deriveCardSeed(Uint8Array.from(secret), '480913', nobleScrypt, FAST)).toEqual(a);
    expect(await deriveCardSeed(secret, '480914', nobleScrypt, FAST)).not.toEqual(a);
    expect(await deriveCardSeed(randomBytes(16), '480913', nobleScrypt, FAST)).not.toEqual(a);
    expect(a).toHaveLength(32);
  });

  it('version 2: the seed also depends on the hospital card key; without it, card and PIN give another seed', async () => {
    const secret = randomBytes(16);
    const key = randomBytes(32);
    const a = await deriveCardSeedV2(secret, '480913', key, nobleScrypt, FAST);
    expect(a).toHaveLength(32);
    expect(await deriveCardSeedV2(Uint8Array.from(secret), '480913', Uint8Array.from(key), nobleScrypt, FAST)).toEqual(
      a,
    );
    expect(await deriveCardSeedV2(secret, '480913', randomBytes(32), nobleScrypt, FAST)).not.toEqual(a);
    expect(await deriveCardSeedV2(secret, '480914', key, nobleScrypt, FAST)).not.toEqual(a);
    expect(await deriveCardSeed(secret, '480913', nobleScrypt, FAST)).not.toEqual(a);
    await expect(deriveCardSeedV2(secret, '480913', randomBytes(16), nobleScrypt, FAST)).rejects.toThrow(
      'a card key is 32 bytes',
    );
  });

  it('wipes the PIN bytes it hands to scrypt once the derivation is done (issue #14)', async () => {
    const seen: Uint8Array[] = [];
    const recording: ScryptFn = async (password, salt, params, length) => {
      seen.push(password);
      return nobleScrypt(Uint8Array.from(password), salt, params, length);
    };
    await deriveCardSeed(randomBytes(16), '480913', recording, FAST);
    await deriveCardSeedV2(randomBytes(16), '480913', randomBytes(32), recording, FAST);
    expect(seen).toHaveLength(2);
    for (const bytes of seen) expect([...bytes]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('checks PIN format before deriving anything', async () => {
    for (const bad of ['12345', '1234567890123', '12a456', ' 123456', '１２３４５６']) {
      expect(() => checkPinFormat(bad)).toThrow(InvalidPinError);
    }
    await expect(deriveCardSeed(randomBytes(16), '12 34', nobleScrypt, FAST)).rejects.toThrow(
      'A PIN contains digits only.',
    );
    expect(() => checkPinFormat('000000')).not.toThrow();
  });

  it('refuses easily guessed new PINs but not ordinary ones', () => {
    for (const weak of ['000000', '111111', '123456', '654321', '890123', '4444444444']) {
      expect(() => checkNewPin(weak), weak).toThrow(/too easy/);
    }
    for (const fine of ['480913', '135792', '11223344']) expect(() => checkNewPin(fine)).not.toThrow();
  });

  it('puts the canonical printed code in the QR text', () => {
    const code = encodeCardCode(randomBytes(16));
    expect(cardQrText(code.toLowerCase())).toBe(code);
  });
});
