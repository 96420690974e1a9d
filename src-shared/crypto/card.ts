// The patient's access card. What is printed: a 128-bit random card secret (as code and QR). What the patient keeps
// in mind: a PIN of 6–12 digits. What only the hospital's machines hold: the hospital card key (32 random bytes, in
// the OS keychain of each workstation and kiosk; src-main/vault/card-key.ts). The patient's identity seed is
//
//   version 2 (printed since issue #14):
//     stretched = scrypt(password = PIN, salt = "healthchain.card/2" ‖ cardSecret, CARD_SCRYPT_PARAMS, 32 bytes)
//     seed      = HMAC-SHA-256(key = hospital card key, "healthchain.card-seed/2" ‖ stretched)
//   version 1 (cards printed before; still read):
//     seed      = scrypt(password = PIN, salt = "healthchain.card/1" ‖ cardSecret, CARD_SCRYPT_PARAMS, 32 bytes)
//
// Nothing on the card lets anyone check a PIN guess: a wrong PIN simply derives another (empty) identity. What does
// confirm a guess is the ledger (a chart lists the derived key), and every node holds the whole ledger. With version
// 1, a stolen card plus a copy of the ledger is therefore an offline PIN search at one scrypt per guess, which a
// 6-digit PIN survives for days, not years. With version 2, each guess also needs the card key, which is on no card
// and in no ledger: without it the PIN cannot be tested offline at all, only at a kiosk, whose attempt limiter
// survives restarts. The numbers are in docs/SECURITY.md.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8, wipe } from './bytes';
import { InvalidPinError } from './errors';
import { type ScryptFn, type ScryptParams } from './kdf';
import { decodeCardCode } from './card-code';

export { decodeCardCode, encodeCardCode } from './card-code';

export const CARD_SALT_LABEL = 'healthchain.card/1';
export const CARD_V2_SALT_LABEL = 'healthchain.card/2';
export const CARD_V2_SEED_LABEL = 'healthchain.card-seed/2';
export const CARD_KEY_BYTES = 32;
/** Production cost of one PIN guess: 256 MiB of memory, ≈1.5 s on the reference CPU (docs/SECURITY.md). */
export const CARD_SCRYPT_PARAMS: ScryptParams = Object.freeze({ N: 2 ** 18, r: 8, p: 1 });
export const PIN_MIN_DIGITS = 6;
export const PIN_MAX_DIGITS = 12;

/** Format check for a PIN typed at the kiosk (any well-formed PIN may be tried). */
export function checkPinFormat(pin: string): void {
  if (typeof pin !== 'string' || !/^[0-9]*$/.test(pin)) throw new InvalidPinError('A PIN contains digits only.');
  if (pin.length < PIN_MIN_DIGITS || pin.length > PIN_MAX_DIGITS) {
    throw new InvalidPinError(`A PIN has ${PIN_MIN_DIGITS} to ${PIN_MAX_DIGITS} digits.`);
  }
}

/**
 * Rules for choosing a new PIN: the format, plus refusing the guesses an attacker tries first (one repeated digit,
 * straight runs up or down). It costs the key space almost nothing and removes the likeliest PINs.
 */
export function checkNewPin(pin: string): void {
  checkPinFormat(pin);
  const digits = [...pin].map(Number);
  const steps = new Set(digits.slice(1).map((d, i) => (d - (digits[i] ?? 0) + 10) % 10));
  if (steps.size === 1 && (steps.has(0) || steps.has(1) || steps.has(9))) {
    throw new InvalidPinError('This PIN is too easy to guess (repeated digits or a straight run). Choose another.');
  }
}

export function cardSalt(cardSecret: Uint8Array, label = CARD_SALT_LABEL): Uint8Array {
  return concatBytes(utf8(label), cardSecret);
}

/** scrypt over the PIN's bytes; those bytes are wiped once the derivation is done (the PIN string cannot be). */
async function stretchPin(pin: string, salt: Uint8Array, scrypt: ScryptFn, params: ScryptParams): Promise<Uint8Array> {
  checkPinFormat(pin);
  const pinBytes = utf8(pin);
  try {
    return await scrypt(pinBytes, salt, params, 32);
  } finally {
    wipe(pinBytes);
  }
}

/**
 * Version 1 cards (printed before issue #14): the seed from card secret and PIN alone. The caller owns (and must
 * wipe) the returned seed.
 */
export async function deriveCardSeed(
  cardSecret: Uint8Array,
  pin: string,
  scrypt: ScryptFn,
  params: ScryptParams = CARD_SCRYPT_PARAMS,
): Promise<Uint8Array> {
  return stretchPin(pin, cardSalt(cardSecret), scrypt, params);
}

/** Version 2 cards: the seed from card secret, PIN and the hospital card key. The caller owns the returned seed. */
export async function deriveCardSeedV2(
  cardSecret: Uint8Array,
  pin: string,
  cardKey: Uint8Array,
  scrypt: ScryptFn,
  params: ScryptParams = CARD_SCRYPT_PARAMS,
): Promise<Uint8Array> {
  if (cardKey.length !== CARD_KEY_BYTES) throw new TypeError(`a card key is ${CARD_KEY_BYTES} bytes`);
  const stretched = await stretchPin(pin, cardSalt(cardSecret, CARD_V2_SALT_LABEL), scrypt, params);
  const message = concatBytes(utf8(CARD_V2_SEED_LABEL), stretched);
  try {
    return hmac(sha256, cardKey, message);
  } finally {
    wipe(stretched, message);
  }
}

/** What the QR code holds: the same text as the printed code, so both go through one parser. */
export function cardQrText(code: string): string {
  return decodeCardCode(code).code;
}
