// The version 2 card seed (src-shared/crypto/card.ts) recomputed independently with OpenSSL (node:crypto scrypt and
// HMAC), so the documented formula in docs/SECURITY.md is what the code does.
import { createHmac, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveCardSeedV2 } from '../../../src-shared/crypto/card';
import { nobleScrypt } from '../../../src-shared/crypto/kdf';

describe('version 2 access card seed', () => {
  it('is HMAC-SHA-256(card key, "healthchain.card-seed/2" ‖ scrypt(PIN, "healthchain.card/2" ‖ card secret))', async () => {
    const secret = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const key = Buffer.alloc(32, 7);
    const params = { N: 1024, r: 8, p: 1 };
    const stretched = scryptSync('480913', Buffer.concat([Buffer.from('healthchain.card/2'), secret]), 32, params);
    const expected = createHmac('sha256', key)
      .update(Buffer.concat([Buffer.from('healthchain.card-seed/2'), stretched]))
      .digest();
    expect(
      Buffer.from(await deriveCardSeedV2(new Uint8Array(secret), '480913', new Uint8Array(key), nobleScrypt, params)),
    ).toEqual(expected);
  });
});
