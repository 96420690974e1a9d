// Generating and opening patients' access cards (format: src-shared/crypto/card.ts). Generation happens when a chart
// is created on the workstation, which keeps nothing of the card; opening happens on the kiosk.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import QRCode from 'qrcode';
import { CARD_SCRYPT_PARAMS, cardQrText, checkNewPin, checkPinFormat, deriveCardSeed, encodeCardCode } from '../../src-shared/crypto/card';
import { decodeCardCode } from '../../src-shared/crypto/card-code';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import { type ScryptFn, type ScryptParams } from '../../src-shared/crypto/kdf';
import { randomBytes, wipe } from '../../src-shared/crypto/bytes';
import { TooManyAttemptsError, WrongPinError } from '../../src-shared/crypto/errors';
import { AttemptLimiter, type AttemptPolicy } from './attempt-limiter';
import { nodeScrypt } from './node-scrypt';
import { nativeKeyHolderCrypto } from '../crypto/key-holder-crypto';

/** Card opens: three quick tries, then a doubling pause (2 s, 4 s, … up to 5 min) before the next try on that card. */
export const CARD_ATTEMPT_POLICY: AttemptPolicy = Object.freeze({ freeFailures: 3, baseDelayMs: 2000, maxDelayMs: 5 * 60_000 });

export interface PatientCard {
  /** Printed code, e.g. "1ABC-DEFG-…" (28 symbols in groups of four). */
  readonly code: string;
  /** QR code of the same text as a standalone SVG document, for printing. */
  readonly qrSvg: string;
  /** The same QR as a `data:image/png;base64,…` URL (fits the renderer's CSP `img-src data:`). */
  readonly qrDataUrl: string;
  /** The new patient identity (read-only: only its public keys and unsealing are of use; lock it when done). */
  readonly holder: SeedKeyHolder;
}

export interface PatientCardOptions {
  scrypt?: ScryptFn;
  params?: ScryptParams;
  attempts?: AttemptPolicy;
  now?: () => number;
  /**
   * Tells whether an identity is a known patient (the records layer: does any chart list this boxKey?). With it,
   * open() reports a wrong PIN as WrongPinError; without it, open() cannot know, and every open counts as an
   * attempt until confirm() is called.
   */
  recognise?: (holder: KeyHolder) => Promise<boolean>;
}

export class PatientCards {
  readonly #scrypt: ScryptFn;
  readonly #params: ScryptParams;
  readonly #limiter: AttemptLimiter;
  readonly #recognise: ((holder: KeyHolder) => Promise<boolean>) | undefined;

  constructor(options: PatientCardOptions = {}) {
    this.#scrypt = options.scrypt ?? nodeScrypt;
    this.#params = options.params ?? CARD_SCRYPT_PARAMS;
    this.#limiter = new AttemptLimiter(options.attempts ?? CARD_ATTEMPT_POLICY, undefined, options.now);
    this.#recognise = options.recognise;
  }

  /** A new card and patient identity. The PIN must be 6–12 digits and not trivially guessable. */
  async create(pin: string): Promise<PatientCard> {
    checkNewPin(pin);
    const secret = randomBytes(16);
    try {
      const seed = await deriveCardSeed(secret, pin, this.#scrypt, this.#params);
      const holder = new SeedKeyHolder(seed, { ...nativeKeyHolderCrypto, readOnly: true });
      const code = encodeCardCode(secret);
      const qrText = cardQrText(code);
      // Alphanumeric QR mode covers the code's alphabet and dashes; level M survives a smudged print.
      const qrOptions = { errorCorrectionLevel: 'M', margin: 4 } as const;
      const [qrSvg, qrDataUrl] = await Promise.all([
        QRCode.toString(qrText, { ...qrOptions, type: 'svg' }),
        QRCode.toDataURL(qrText, { ...qrOptions, type: 'image/png', scale: 8 }),
      ]);
      return { code, qrSvg, qrDataUrl, holder };
    } finally {
      wipe(secret);
    }
  }

  /**
   * Opens a card into a read-only patient session. A mistyped code (InvalidCardCodeError) or a malformed PIN
   * (InvalidPinError) is refused before any key derivation and does not count as an attempt. While the card is
   * paused after repeated failures, TooManyAttemptsError says how long to wait.
   */
  async open(code: string, pin: string): Promise<SeedKeyHolder> {
    const { secret } = decodeCardCode(code);
    checkPinFormat(pin);
    const cardId = cardIdOf(secret);
    return this.#limiter.exclusive(cardId, async () => {
      try {
        const wait = this.#limiter.retryAfterMs(cardId);
        if (wait > 0) throw new TooManyAttemptsError(wait);
        const holder = new SeedKeyHolder(await deriveCardSeed(secret, pin, this.#scrypt, this.#params), { ...nativeKeyHolderCrypto, readOnly: true });
        if (!this.#recognise) {
          this.#limiter.failAndBlock(cardId);
          return holder;
        }
        if (await this.#recognise(holder)) {
          this.#limiter.succeed(cardId);
          return holder;
        }
        holder.lock();
        this.#limiter.failAndBlock(cardId);
        throw new WrongPinError();
      } finally {
        wipe(secret);
      }
    });
  }

  /** The records layer found this card's charts: reset its attempt counter. */
  confirm(code: string): void {
    const { secret } = decodeCardCode(code);
    this.#limiter.succeed(cardIdOf(secret));
    wipe(secret);
  }

  /** Attempts counted against a card since its last success (for tests and diagnostics). */
  attempts(code: string): number {
    const { secret } = decodeCardCode(code);
    const n = this.#limiter.failures(cardIdOf(secret));
    wipe(secret);
    return n;
  }
}

/** The rate limiter is keyed by a hash, so the card secret is not kept in memory after an open. */
function cardIdOf(secret: Uint8Array): string {
  return bytesToHex(sha256(secret));
}

const defaultCards = new PatientCards();

export function createPatientCard(pin: string): Promise<PatientCard> {
  return defaultCards.create(pin);
}

export function openPatientCard(code: string, pin: string): Promise<KeyHolder> {
  return defaultCards.open(code, pin);
}
