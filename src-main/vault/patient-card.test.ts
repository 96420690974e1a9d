import { describe, expect, it } from 'vitest';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { type ScryptFn } from '../../src-shared/crypto/kdf';
import { CARD_SCRYPT_PARAMS } from '../../src-shared/crypto/card';
import { sealTo } from '../../src-shared/crypto/sealed-box';
import { utf8 } from '../../src-shared/crypto/bytes';
import { InvalidCardCodeError, InvalidPinError, ReadOnlyIdentityError, TooManyAttemptsError, WrongPinError } from '../../src-shared/crypto/errors';
import { type KeyHolder } from '../../src-shared/crypto/keyholder';
import { nodeScrypt } from './node-scrypt';
import { CARD_ATTEMPT_POLICY, PatientCards } from './patient-card';

const FAST = { N: 1024, r: 8, p: 1 };

function countingScrypt(): ScryptFn & { calls: number } {
  const fn = (async (...args: Parameters<ScryptFn>) => {
    fn.calls++;
    return nodeScrypt(...args);
  }) as ScryptFn & { calls: number };
  fn.calls = 0;
  return fn;
}

function typo(code: string): string {
  const i = code.indexOf('-') + 1; // first symbol of the second group
  const replacement = code[i] === '7' ? '8' : '7';
  return code.slice(0, i) + replacement + code.slice(i + 1);
}

describe('patient access card', () => {
  it('round-trips: card + PIN give back the patient identity, which can read what was sealed to it', async () => {
    const cards = new PatientCards({ params: FAST });
    const card = await cards.create('480913');
    const sealed = sealTo(card.holder.boxKey, utf8('chart data key'));
    const opened = await cards.open(card.code, '480913');
    expect(opened.signKey).toBe(card.holder.signKey);
    expect(opened.boxKey).toBe(card.holder.boxKey);
    expect(await opened.openSealed(sealed)).toEqual(utf8('chart data key'));
    await expect(opened.sign(utf8('x'))).rejects.toBeInstanceOf(ReadOnlyIdentityError);
    // Typed sloppily at the kiosk: lower case, no dashes.
    expect((await cards.open(card.code.toLowerCase().replace(/-/g, ''), '480913')).boxKey).toBe(card.holder.boxKey);
  });

  it('prints a QR code (SVG and PNG) that decodes to the printed code', async () => {
    const card = await new PatientCards({ params: FAST }).create('480913');
    expect(card.qrSvg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>\s*$/);
    const png = PNG.sync.read(Buffer.from(card.qrDataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).toBe(card.code);
  });

  it('gives another identity for a wrong PIN; with a recogniser that is a clear WrongPin error', async () => {
    const known = new Set<string>();
    const cards = new PatientCards({ params: FAST, recognise: async (h: KeyHolder) => known.has(h.boxKey) });
    const card = await cards.create('480913');
    known.add(card.holder.boxKey);
    await expect(cards.open(card.code, '480914')).rejects.toBeInstanceOf(WrongPinError);
    expect((await cards.open(card.code, '480913')).boxKey).toBe(card.holder.boxKey);
    const plain = new PatientCards({ params: FAST });
    expect((await plain.open(card.code, '480914')).boxKey).not.toBe(card.holder.boxKey);
  });

  it('refuses a mistyped code or a malformed PIN before any key derivation', async () => {
    const scrypt = countingScrypt();
    const cards = new PatientCards({ params: FAST, scrypt });
    const card = await cards.create('480913');
    const before = scrypt.calls;
    await expect(cards.open(typo(card.code), '480913')).rejects.toBeInstanceOf(InvalidCardCodeError);
    await expect(cards.open(card.code.slice(0, -2), '480913')).rejects.toThrow(/28 characters; 26 were entered/);
    await expect(cards.open(card.code, '4809')).rejects.toBeInstanceOf(InvalidPinError);
    await expect(cards.open(card.code, '48O913')).rejects.toThrow('A PIN contains digits only.');
    expect(scrypt.calls).toBe(before);
    await expect(cards.create('123456')).rejects.toThrow(/too easy/);
    expect(scrypt.calls).toBe(before);
  });

  it('pauses a card after repeated wrong PINs (TooManyAttempts with the wait), and a success resets the count', async () => {
    let now = 1_000_000;
    const known = new Set<string>();
    const cards = new PatientCards({
      params: FAST, attempts: { freeFailures: 2, baseDelayMs: 1000, maxDelayMs: 60_000 }, now: () => now,
      recognise: async (h) => known.has(h.boxKey),
    });
    const card = await cards.create('480913');
    known.add(card.holder.boxKey);
    for (const pin of ['111112', '111113', '111114']) await expect(cards.open(card.code, pin)).rejects.toBeInstanceOf(WrongPinError);
    // Third failure: paused for 1 s; even the right PIN must wait, and says how long.
    const paused = await cards.open(card.code, '480913').catch((e: unknown) => e);
    expect(paused).toBeInstanceOf(TooManyAttemptsError);
    expect((paused as TooManyAttemptsError).retryAfterMs).toBe(1000);
    now += 1000;
    await expect(cards.open(card.code, '111115')).rejects.toBeInstanceOf(WrongPinError);
    now += 1999;
    await expect(cards.open(card.code, '480913')).rejects.toMatchObject({ code: 'TooManyAttempts', retryAfterMs: 1 });
    expect(cards.attempts(card.code)).toBe(4);
    now += 1;
    expect((await cards.open(card.code, '480913')).boxKey).toBe(card.holder.boxKey);
    expect(cards.attempts(card.code)).toBe(0);
    // Another card is not affected by this one's failures.
    const other = await cards.create('135792');
    known.add(other.holder.boxKey);
    await expect(cards.open(other.code, '135792')).resolves.toBeTruthy();
  });

  it('without a recogniser, counts every open until the records layer confirms it', async () => {
    const cards = new PatientCards({ params: FAST });
    const card = await cards.create('480913');
    await cards.open(card.code, '480913');
    await cards.open(card.code, '999999');
    expect(cards.attempts(card.code)).toBe(2);
    cards.confirm(card.code);
    expect(cards.attempts(card.code)).toBe(0);
  });

  it('pins the production parameters (timings are in docs/SECURITY.md, measured by npm run bench vault)', () => {
    expect(CARD_SCRYPT_PARAMS).toEqual({ N: 2 ** 18, r: 8, p: 1 });
    expect(CARD_ATTEMPT_POLICY).toEqual({ freeFailures: 3, baseDelayMs: 2000, maxDelayMs: 300_000 });
  });
});
