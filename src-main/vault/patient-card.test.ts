import { describe, expect, it } from 'vitest';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { type ScryptFn } from '../../src-shared/crypto/kdf';
import { CARD_SCRYPT_PARAMS, deriveCardSeed, encodeCardCode } from '../../src-shared/crypto/card';
import { decodeCardCode } from '../../src-shared/crypto/card-code';
import { publicIdentityOf } from '../../src-shared/crypto/keys';
import { CardKeyMissingError } from './errors';
import { sealTo } from '../../src-shared/crypto/sealed-box';
import { utf8 } from '../../src-shared/crypto/bytes';
import {
  InvalidCardCodeError,
  InvalidPinError,
  ReadOnlyIdentityError,
  TooManyAttemptsError,
  WrongPinError,
} from '../../src-shared/crypto/errors';
import { type KeyHolder } from '../../src-shared/crypto/keyholder';
import { nodeScrypt } from './node-scrypt';
import { StaticCardKey } from './card-key';
import { randomBytes } from '../../src-shared/crypto/bytes';
import { CARD_ATTEMPT_POLICY, PatientCards } from './patient-card';

const FAST = { N: 1024, r: 8, p: 1 };
/** The hospital card key, given directly: these tests run without a keychain (card-key.test.ts covers that). */
const CARD_KEY = new StaticCardKey(randomBytes(32));

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
    const cards = new PatientCards({ params: FAST, cardKey: CARD_KEY });
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
    const card = await new PatientCards({ params: FAST, cardKey: CARD_KEY }).create('480913');
    expect(card.qrSvg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>\s*$/);
    const png = PNG.sync.read(Buffer.from(card.qrDataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).toBe(card.code);
  });

  it('binds a card to its chart (version 3): same patient keys, the chart tag inside, a QR that still fits a card', async () => {
    const cards = new PatientCards({ params: FAST, cardKey: CARD_KEY });
    const card = await cards.create('480913');
    const chartId = 'c0ffee'.padEnd(64, '7');
    const bound = await cards.forChart(card.code, chartId);
    expect(decodeCardCode(bound.code)).toMatchObject({ version: 3, chartTag: chartId.slice(0, 32) });
    expect(decodeCardCode(bound.code).secret).toEqual(decodeCardCode(card.code).secret);
    expect((await cards.open(bound.code, '480913')).boxKey).toBe(card.holder.boxKey);
    // The QR decodes to the printed code; 67 characters in alphanumeric mode at level M fit QR version 4 (33×33
    // modules, up to 90 characters): with the 4-module quiet zone, 41 modules, printable at 1 cm and read by the camera.
    const png = PNG.sync.read(Buffer.from(bound.qrDataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(bound.code);
    expect(png.width / 8).toBe(33 + 2 * 4);
    expect(bound.qrSvg).toMatch(/viewBox="0 0 41 41"/);
    // Only a fresh (version 2) code is bound; a version 3 code is not re-bound to another chart.
    await expect(cards.forChart(bound.code, chartId)).rejects.toThrow(/only a version 2 code/);
  });

  it('gives another identity for a wrong PIN; with a recogniser that is a clear WrongPin error', async () => {
    const known = new Set<string>();
    const cards = new PatientCards({
      params: FAST,
      cardKey: CARD_KEY,
      recognise: async (h: KeyHolder) => known.has(h.boxKey),
    });
    const card = await cards.create('480913');
    known.add(card.holder.boxKey);
    await expect(cards.open(card.code, '480914')).rejects.toBeInstanceOf(WrongPinError);
    expect((await cards.open(card.code, '480913')).boxKey).toBe(card.holder.boxKey);
    const plain = new PatientCards({ params: FAST, cardKey: CARD_KEY });
    expect((await plain.open(card.code, '480914')).boxKey).not.toBe(card.holder.boxKey);
  });

  it('refuses a mistyped code or a malformed PIN before any key derivation', async () => {
    const scrypt = countingScrypt();
    const cards = new PatientCards({ params: FAST, cardKey: CARD_KEY, scrypt });
    const card = await cards.create('480913');
    const before = scrypt.calls;
    await expect(cards.open(typo(card.code), '480913')).rejects.toBeInstanceOf(InvalidCardCodeError);
    await expect(cards.open(card.code.slice(0, -2), '480913')).rejects.toThrow(
      /28 on cards printed before December 2026\); 26 were entered/,
    );
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
      cardKey: CARD_KEY,
      params: FAST,
      attempts: { freeFailures: 2, baseDelayMs: 1000, maxDelayMs: 60_000 },
      now: () => now,
      recognise: async (h) => known.has(h.boxKey),
    });
    const card = await cards.create('480913');
    known.add(card.holder.boxKey);
    for (const pin of ['111112', '111113', '111114'])
      await expect(cards.open(card.code, pin)).rejects.toBeInstanceOf(WrongPinError);
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
    const cards = new PatientCards({ params: FAST, cardKey: CARD_KEY });
    const card = await cards.create('480913');
    await cards.open(card.code, '480913');
    await cards.open(card.code, '999999');
    expect(cards.attempts(card.code)).toBe(2);
    cards.confirm(card.code);
    expect(cards.attempts(card.code)).toBe(0);
  });

  it('prints version 2 cards whose PIN cannot be tested without the hospital card key (issue #14)', async () => {
    const issuing = new PatientCards({ params: FAST, cardKey: CARD_KEY });
    const card = await issuing.create('480913');
    expect(decodeCardCode(card.code).version).toBe(2);
    const { secret } = decodeCardCode(card.code);
    // Someone holding the card tries the right PIN offline, as one would against a copy of the ledger: with the old
    // rule (card + PIN) or with any other key, the derived identity is not the patient's, so no ledger entry confirms it.
    expect(publicIdentityOf(await deriveCardSeed(secret, '480913', nodeScrypt, FAST)).boxKey).not.toBe(
      card.holder.boxKey,
    );
    const elsewhere = new PatientCards({ params: FAST, cardKey: new StaticCardKey(randomBytes(32)) });
    expect((await elsewhere.open(card.code, '480913')).boxKey).not.toBe(card.holder.boxKey);
    // With the hospital's key (the kiosk) it is the patient.
    expect((await new PatientCards({ params: FAST, cardKey: CARD_KEY }).open(card.code, '480913')).boxKey).toBe(
      card.holder.boxKey,
    );
  });

  it('still opens version 1 cards (printed before issue #14) by the old rule, with or without a card key', async () => {
    const secret = randomBytes(16);
    const oldCode = encodeCardCode(secret, 1);
    const patient = publicIdentityOf(await deriveCardSeed(secret, '480913', nodeScrypt, FAST));
    for (const cardKey of [CARD_KEY, new StaticCardKey(null)]) {
      expect((await new PatientCards({ params: FAST, cardKey }).open(oldCode, '480913')).boxKey).toBe(patient.boxKey);
    }
  });

  it('without a card key: a kiosk says so for version 2 cards (not counted as an attempt) and a workstation prints none', async () => {
    const card = await new PatientCards({ params: FAST, cardKey: CARD_KEY }).create('480913');
    const scrypt = countingScrypt();
    const keyless = new PatientCards({ params: FAST, cardKey: new StaticCardKey(null), scrypt });
    const refused = await keyless.open(card.code, '480913').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CardKeyMissingError);
    expect((refused as Error).message).toMatch(/card key is not installed/);
    expect(keyless.attempts(card.code)).toBe(0);
    await expect(keyless.create('480913')).rejects.toBeInstanceOf(CardKeyMissingError);
    expect(scrypt.calls).toBe(0);
  });

  it('pins the production parameters (timings are in docs/SECURITY.md, measured by npm run bench vault)', () => {
    expect(CARD_SCRYPT_PARAMS).toEqual({ N: 2 ** 18, r: 8, p: 1 });
    expect(CARD_ATTEMPT_POLICY).toEqual({ freeFailures: 3, baseDelayMs: 2000, maxDelayMs: 300_000 });
  });
});
