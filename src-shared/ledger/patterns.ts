// The two identifier shapes of the ledger, in one place: a base58 public key (Ed25519 signing or X25519 box key) and
// a 64-hex SHA3-256 id (transaction ids, and asset ids = chart ids).

/** The base58 alphabet (Bitcoin's: no 0, O, I, l). */
export const BASE58_CHAR = '[1-9A-HJ-NP-Za-km-z]';
/** A base58 public key as the app accepts it in requests and envelopes (32 bytes: 32–44 characters). */
export const BASE58_KEY = new RegExp(`^${BASE58_CHAR}{32,44}$`);
/** A 32-byte key exactly as the vault writes it (43–44 characters). */
export const BASE58_KEY_32 = new RegExp(`^${BASE58_CHAR}{43,44}$`);
/** Hex of a SHA3-256 digest, without anchors, to build other patterns from (file names, URL paths). */
export const HEX64_SOURCE = '[0-9a-f]{64}';
/** A transaction id or an asset (chart) id. */
export const HEX64 = new RegExp(`^${HEX64_SOURCE}$`);
