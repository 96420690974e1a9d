// Generating and opening patients' access cards (format: src-shared/crypto/card.ts). Generation happens when a chart
// is created on the workstation, which keeps nothing of the card; opening happens on the kiosk. A card is made before
// its chart (the chart is sealed to the card's keys), as a version 2 code; once the chart's id is known, forChart()
// prints it as a version 3 code naming that chart (issue #12). The seed of both needs the hospital card key
// (src-main/vault/card-key.ts); version 1 and 2 cards are still opened.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  CARD_SCRYPT_PARAMS,
  cardQrText,
  checkNewPin,
  checkPinFormat,
  deriveCardSeed,
  deriveCardSeedV2,
  encodeCardCode,
} from '../../src-shared/crypto/card';
import { CARD_CODE_VERSION, decodeCardCode, encodeChartCardCode } from '../../src-shared/crypto/card-code';
import type { KeyHolder } from '../../src-shared/crypto/keyholder';
import { SeedKeyHolder } from '../crypto/seed-key-holder';
import { type ScryptFn, type ScryptParams } from '../../src-shared/crypto/kdf';
import { randomBytes, wipe } from '../../src-shared/crypto/bytes';
import { TooManyAttemptsError, WrongPinError } from '../../src-shared/crypto/errors';
import { AttemptLimiter, type AttemptPolicy } from './attempt-limiter';
import { AttemptStateFile } from './attempt-state-file';
import { type CardKeySource, KeychainCardKey } from './card-key';
import { CardKeyMissingError } from './errors';
import { nodeScrypt } from './node-scrypt';
import { nativeKeyHolderCrypto } from '../crypto/key-holder-crypto';

/** Card opens: three quick tries, then a doubling pause (2 s, 4 s, … up to 5 min) before the next try on that card. */
export const CARD_ATTEMPT_POLICY: AttemptPolicy = Object.freeze({
  freeFailures: 3,
  baseDelayMs: 2000,
  maxDelayMs: 5 * 60_000,
});

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
  /**
   * Where the attempt counters are kept so they survive a restart (the kiosk: `card-attempts.json` in its data
   * folder). Without it they live in memory only.
   */
  attemptStateFile?: string;
  /** Where a damaged counter file or a failed save is reported. */
  warn?: (message: string) => void;
  /** The hospital card key (default: the OS keychain's, never created here; src-main/app/core.ts decides). */
  cardKey?: CardKeySource;
}

export class PatientCards {
  readonly #scrypt: ScryptFn;
  readonly #params: ScryptParams;
  readonly #limiter: AttemptLimiter;
  readonly #recognise: ((holder: KeyHolder) => Promise<boolean>) | undefined;
  readonly #policy: AttemptPolicy;
  readonly #now: () => number;
  readonly #stateFile: AttemptStateFile | null;
  readonly #warn: (message: string) => void;
  readonly #cardKey: CardKeySource;
  #loaded: Promise<void> | null = null;

  constructor(options: PatientCardOptions = {}) {
    this.#scrypt = options.scrypt ?? nodeScrypt;
    this.#params = options.params ?? CARD_SCRYPT_PARAMS;
    this.#policy = options.attempts ?? CARD_ATTEMPT_POLICY;
    this.#now = options.now ?? Date.now;
    this.#limiter = new AttemptLimiter(this.#policy, undefined, this.#now);
    this.#recognise = options.recognise;
    this.#stateFile = options.attemptStateFile ? new AttemptStateFile(options.attemptStateFile) : null;
    this.#warn = options.warn ?? ((message) => console.warn(`[cards] ${message}`));
    this.#cardKey = options.cardKey ?? new KeychainCardKey();
  }

  /** Loads the saved counters once. A damaged file pauses every card for the longest delay: fail closed. */
  #ready(): Promise<void> {
    this.#loaded ??= (async () => {
      if (!this.#stateFile) return;
      const { snapshot, problem } = await this.#stateFile.load();
      if (snapshot) this.#limiter.restore(snapshot);
      if (problem) {
        this.#warn(
          `card attempt counters not trusted: ${problem}. Every card is paused for ${this.#policy.maxDelayMs / 1000} s.`,
        );
        this.#limiter.blockAllUntil(this.#now() + this.#policy.maxDelayMs);
        await this.#save();
      }
    })();
    return this.#loaded;
  }

  /** Writes the counters before the answer goes out, so a restart right after a failure still counts it. */
  async #save(): Promise<void> {
    if (!this.#stateFile) return;
    // A failed write leaves the counters in memory (they still apply until the app restarts); it is reported.
    await this.#stateFile.save(this.#limiter.snapshot()).catch((error: unknown) => {
      this.#warn(`card attempt counters not saved: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  /** A new card and patient identity. The PIN must be 6–12 digits and not trivially guessable. */
  async create(pin: string): Promise<PatientCard> {
    checkNewPin(pin);
    const cardKey = await this.#cardKey.forIssuing();
    const secret = randomBytes(16);
    try {
      const seed = await deriveCardSeedV2(secret, pin, cardKey, this.#scrypt, this.#params);
      const holder = new SeedKeyHolder(seed, { ...nativeKeyHolderCrypto, readOnly: true });
      const code = encodeCardCode(secret, CARD_CODE_VERSION);
      return { ...(await printed(code)), holder };
    } finally {
      wipe(secret);
    }
  }

  /**
   * The card `code` (as create() made it) printed for the chart it was issued for: a version 3 code carrying the
   * chart's tag, which the kiosk opens and nothing else. The patient keys stay the same (same secret, same seed).
   */
  async forChart(code: string, chartId: string): Promise<{ code: string; qrSvg: string; qrDataUrl: string }> {
    const { secret, version } = decodeCardCode(code);
    try {
      if (version !== CARD_CODE_VERSION)
        throw new TypeError(`only a version ${CARD_CODE_VERSION} code is bound to a chart`);
      return await printed(encodeChartCardCode(secret, chartId));
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
    const { secret, version } = decodeCardCode(code);
    checkPinFormat(pin);
    const cardId = cardIdOf(secret);
    return this.#limiter.exclusive(cardId, async () => {
      try {
        await this.#ready();
        const wait = this.#limiter.retryAfterMs(cardId);
        if (wait > 0) throw new TooManyAttemptsError(wait);
        const seed = await this.#seedOf(version, secret, pin);
        const holder = new SeedKeyHolder(seed, { ...nativeKeyHolderCrypto, readOnly: true });
        if (!this.#recognise) {
          this.#limiter.failAndBlock(cardId);
          await this.#save();
          return holder;
        }
        if (await this.#recognise(holder)) {
          this.#limiter.succeed(cardId);
          await this.#save();
          return holder;
        }
        holder.lock();
        this.#limiter.failAndBlock(cardId);
        await this.#save();
        throw new WrongPinError();
      } finally {
        wipe(secret);
      }
    });
  }

  /** Version 1 cards: card + PIN (the old rule, kept so printed cards keep working); versions 2 and 3: also the card key. */
  async #seedOf(version: number, secret: Uint8Array, pin: string): Promise<Uint8Array> {
    if (version === 1) return deriveCardSeed(secret, pin, this.#scrypt, this.#params);
    const cardKey = await this.#cardKey.get();
    if (!cardKey) throw new CardKeyMissingError('open');
    return deriveCardSeedV2(secret, pin, cardKey, this.#scrypt, this.#params);
  }

  /** The records layer found this card's charts: reset its attempt counter. */
  confirm(code: string): Promise<void> {
    const { secret } = decodeCardCode(code);
    this.#limiter.succeed(cardIdOf(secret));
    wipe(secret);
    return this.#ready().then(() => this.#save());
  }

  /** Attempts counted against a card since its last success (for tests and diagnostics). */
  attempts(code: string): number {
    const { secret } = decodeCardCode(code);
    const n = this.#limiter.failures(cardIdOf(secret));
    wipe(secret);
    return n;
  }
}

/** The code and its QR (SVG for printing, PNG for the screen). */
async function printed(code: string): Promise<{ code: string; qrSvg: string; qrDataUrl: string }> {
  const qrText = cardQrText(code);
  // Alphanumeric QR mode covers the code's alphabet and dashes; level M survives a smudged print.
  const qrOptions = { errorCorrectionLevel: 'M', margin: 4 } as const;
  // Loaded when a card is printed, not with the vault every command opens (CLI start-up: docs/BENCHMARKS.md).
  const { default: QRCode } = await import('qrcode');
  const [qrSvg, qrDataUrl] = await Promise.all([
    QRCode.toString(qrText, { ...qrOptions, type: 'svg' }),
    QRCode.toDataURL(qrText, { ...qrOptions, type: 'image/png', scale: 8 }),
  ]);
  return { code, qrSvg, qrDataUrl };
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
