// The typed form of an access card: Crockford base32 in groups of four, e.g. "1DX4-QN0S-…".
//
// Two layouts, told apart by length:
//   - 28 symbols: 26 symbols carry 130 bits = version (2 bits) ‖ card secret (128 bits), then 2 check symbols.
//     Versions (card.ts says how each derives the patient seed): 1 = cards printed before issue #14, still read;
//     2 = cards whose seed also needs the hospital card key (printed from issue #14 until issue #12).
//   - 54 symbols (issue #12): 52 symbols carry 260 bits = version (4 bits, always 3) ‖ card secret (128 bits) ‖ chart
//     tag (128 bits), then 2 check symbols. The seed is derived as for version 2; the chart tag is the first 16 bytes
//     of the id of the chart the card was issued for, so the kiosk opens exactly that chart. 16 bytes, not the whole
//     32-byte id: forging a chart whose id starts with a given 128-bit tag is a second-preimage attack on SHA3-256
//     (2^128 work), and the code stays typeable and short enough for the check symbols to catch every transposition.
// The check symbols are chosen so that the whole 28-symbol code, read as a base-32 number, is a multiple of the prime
// P = 1021. Why that catches typos before any crypto runs:
//   - one wrong symbol changes the number by d·32^k with 0 < |d| < 32; P is prime and larger than 31 and does not
//     divide 32^k, so the result is never a multiple of P: every single substitution is caught;
//   - swapping two different symbols at positions j < k changes it by (a−b)·32^j·(32^(k−j) − 1); 32 has order 68
//     modulo 1021, more than the code length, so every transposition (adjacent or not) is caught;
//   - any other random corruption slips through with probability 1/1021.
// Decoding is forgiving the Crockford way: case-insensitive, O→0, I/L→1, spaces and dashes ignored.
import { InvalidCardCodeError } from './errors';

export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CHECK_PRIME = 1021n;
export const CARD_SECRET_BYTES = 16;
/** The version of a card code made before its chart exists (then bound to the chart: CHART_CARD_VERSION). */
export const CARD_CODE_VERSION = 2;
/** The version of cards printed since issue #12: the short code's secret plus the chart tag. */
export const CHART_CARD_VERSION = 3;
/** Every version this release reads. */
export const READABLE_CARD_VERSIONS: readonly number[] = Object.freeze([1, 2, CHART_CARD_VERSION]);
export const CHART_TAG_BYTES = 16;
/** The short (28-symbol) layout of versions 1 and 2. */
export const LEGACY_PAYLOAD_SYMBOLS = 26;
export const LEGACY_CODE_SYMBOLS = LEGACY_PAYLOAD_SYMBOLS + 2;
/** The layout of cards printed now (version 3, with the chart tag). */
export const PAYLOAD_SYMBOLS = 52;
export const CODE_SYMBOLS = PAYLOAD_SYMBOLS + 2;
const GROUP = 4;

const ALIASES: Record<string, string> = { O: '0', I: '1', L: '1' };

function symbolsToBigInt(symbols: string): bigint {
  let value = 0n;
  for (const ch of symbols) value = value * 32n + BigInt(CROCKFORD_ALPHABET.indexOf(ch));
  return value;
}

function bigIntToSymbols(value: bigint, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    out = CROCKFORD_ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

function checkSymbols(payload: bigint): string {
  const check = (CHECK_PRIME - ((payload * 1024n) % CHECK_PRIME)) % CHECK_PRIME;
  return bigIntToSymbols(check, 2);
}

export function groupSymbols(symbols: string): string {
  return symbols.match(new RegExp(`.{1,${GROUP}}`, 'g'))?.join('-') ?? '';
}

/** Encodes a 16-byte card secret as a short (version 1 or 2) code, with dashes. */
export function encodeCardCode(secret: Uint8Array, version = CARD_CODE_VERSION): string {
  if (secret.length !== CARD_SECRET_BYTES) throw new TypeError(`a card secret is ${CARD_SECRET_BYTES} bytes`);
  let payload = BigInt(version & 3);
  for (const byte of secret) payload = (payload << 8n) | BigInt(byte);
  return groupSymbols(bigIntToSymbols(payload, LEGACY_PAYLOAD_SYMBOLS) + checkSymbols(payload));
}

/** The chart tag of a chart id (64 hex digits): its first 16 bytes, as 32 lower-case hex digits. */
export function chartTagOf(chartId: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(chartId)) throw new TypeError(`"${chartId}" is not a chart id`);
  return chartId.slice(0, CHART_TAG_BYTES * 2).toLowerCase();
}

/** Encodes a card secret and the id of the chart it was issued for as a version 3 code, with dashes. */
export function encodeChartCardCode(secret: Uint8Array, chartId: string): string {
  if (secret.length !== CARD_SECRET_BYTES) throw new TypeError(`a card secret is ${CARD_SECRET_BYTES} bytes`);
  let payload = BigInt(CHART_CARD_VERSION);
  for (const byte of secret) payload = (payload << 8n) | BigInt(byte);
  payload = (payload << BigInt(CHART_TAG_BYTES * 8)) | BigInt(`0x${chartTagOf(chartId)}`);
  return groupSymbols(bigIntToSymbols(payload, PAYLOAD_SYMBOLS) + checkSymbols(payload));
}

/** Normalises what a person typed (or a QR code held) into 54 (or, on older cards, 28) symbols, or explains what is wrong. */
export function normaliseCardCode(typed: string): string {
  let symbols = '';
  let position = 0;
  for (const raw of typed.toUpperCase()) {
    if (raw === '-' || raw === ' ' || raw === '\t') continue;
    position++;
    const ch = ALIASES[raw] ?? raw;
    if (!CROCKFORD_ALPHABET.includes(ch)) {
      throw new InvalidCardCodeError(
        'character',
        `"${raw}" (character ${position}) does not appear in card codes. Check the card.`,
        position,
      );
    }
    symbols += ch;
  }
  if (symbols.length !== CODE_SYMBOLS && symbols.length !== LEGACY_CODE_SYMBOLS) {
    throw new InvalidCardCodeError(
      'length',
      `A card code has ${CODE_SYMBOLS} characters (${LEGACY_CODE_SYMBOLS} on cards printed before ${CARD_FORMAT_CHANGE}); ${symbols.length} were entered.`,
    );
  }
  return symbols;
}

/** When the card code grew (for the messages a patient with an older card reads). */
export const CARD_FORMAT_CHANGE = 'December 2026';

/**
 * Parses a typed code; throws InvalidCardCodeError for any typo, before any key derivation. `chartTag` (32 hex
 * digits, see chartTagOf) names the card's chart on version 3 cards; null on older cards.
 */
export function decodeCardCode(typed: string): {
  version: number;
  secret: Uint8Array;
  code: string;
  chartTag: string | null;
} {
  const symbols = normaliseCardCode(typed);
  if (symbolsToBigInt(symbols) % CHECK_PRIME !== 0n) {
    throw new InvalidCardCodeError(
      'checksum',
      'This card code contains a typo: check each character against the card.',
    );
  }
  const payloadSymbols = symbols.length - 2;
  let payload = symbolsToBigInt(symbols.slice(0, payloadSymbols));
  let chartTag: string | null = null;
  if (payloadSymbols === PAYLOAD_SYMBOLS) {
    chartTag = (payload & ((1n << BigInt(CHART_TAG_BYTES * 8)) - 1n)).toString(16).padStart(CHART_TAG_BYTES * 2, '0');
    payload >>= BigInt(CHART_TAG_BYTES * 8);
  }
  const secret = new Uint8Array(CARD_SECRET_BYTES);
  for (let i = CARD_SECRET_BYTES - 1; i >= 0; i--) {
    secret[i] = Number(payload & 0xffn);
    payload >>= 8n;
  }
  const version = Number(payload);
  // Each layout carries its own versions: a short code never names version 3, a long one only version 3.
  const readable = chartTag === null ? version !== CHART_CARD_VERSION : version === CHART_CARD_VERSION;
  if (!readable || !READABLE_CARD_VERSIONS.includes(version)) {
    throw new InvalidCardCodeError(
      'version',
      `This card uses format ${version}, which this version of HealthChain cannot read.`,
    );
  }
  return { version, secret, code: groupSymbols(symbols), chartTag };
}
