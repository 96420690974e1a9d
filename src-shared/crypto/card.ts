// The patient's access card. What is printed: a 128-bit random card secret (as code and QR). What the patient keeps
// in mind: a PIN of 6–12 digits. The patient's identity seed is
//
//   seed = scrypt(password = PIN, salt = "healthchain.card/1" ‖ cardSecret, CARD_SCRYPT_PARAMS, 32 bytes)
//
// so the card alone or the PIN alone yields nothing, and the workstation never stores the seed. Nothing on the card
// lets anyone check a PIN guess: a wrong PIN simply derives another (empty) identity. That is deliberate: a PIN
// checksum on the card would let a thief test guesses without any access to the hospital's ledger.
// docs/SECURITY.md states what an attacker holding a card can do offline, with measured figures.
import { concatBytes, utf8 } from './bytes';
import { InvalidPinError } from './errors';
import { type ScryptFn, type ScryptParams } from './kdf';
import { decodeCardCode } from './card-code';

export { decodeCardCode, encodeCardCode } from './card-code';

export const CARD_SALT_LABEL = 'healthchain.card/1';
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

export function cardSalt(cardSecret: Uint8Array): Uint8Array {
  return concatBytes(utf8(CARD_SALT_LABEL), cardSecret);
}

/** Derives the patient seed from card secret and PIN. The caller owns (and must wipe) the returned seed. */
export async function deriveCardSeed(cardSecret: Uint8Array, pin: string, scrypt: ScryptFn, params: ScryptParams = CARD_SCRYPT_PARAMS): Promise<Uint8Array> {
  checkPinFormat(pin);
  return scrypt(utf8(pin), cardSalt(cardSecret), params, 32);
}

/** What the QR code holds: the same text as the printed code, so both go through one parser. */
export function cardQrText(code: string): string {
  return decodeCardCode(code).code;
}
