import { describe, expect, it } from 'vitest';
import { CARD_SCRYPT_PARAMS } from './card';
import { checkScryptParams, MAX_SCRYPT_MEMORY_BYTES, nobleScrypt } from './kdf';

describe('scrypt parameter bounds', () => {
  it('accepts what this version writes, up to 256 MiB and p 4', () => {
    expect(checkScryptParams(CARD_SCRYPT_PARAMS)).toBeNull(); // 256 MiB, the cap itself
    expect(checkScryptParams({ N: 2 ** 16, r: 8, p: 1 })).toBeNull();
    expect(checkScryptParams({ N: 2 ** 17, r: 8, p: 4 })).toBeNull();
    expect(checkScryptParams({ N: 2 ** 20, r: 2, p: 1 })).toBeNull(); // 256 MiB too
    expect(MAX_SCRYPT_MEMORY_BYTES).toBe(256 * 2 ** 20);
  });

  it('refuses more than 256 MiB (128 · N · r) or p above 4, saying why (issue #14: a crafted file asked for 4 GiB)', () => {
    expect(checkScryptParams({ N: 2 ** 20, r: 32, p: 16 })).toMatch(/p must be an integer between 1 and 4/);
    expect(checkScryptParams({ N: 2 ** 20, r: 32, p: 1 })).toBe(
      'scrypt N 1048576 with r 32 needs 4096 MiB of memory; at most 256 MiB is accepted',
    );
    expect(checkScryptParams({ N: 2 ** 19, r: 8, p: 1 })).toMatch(/512 MiB/);
    expect(checkScryptParams({ N: 2 ** 18, r: 9, p: 1 })).toMatch(/288 MiB/);
    expect(checkScryptParams({ N: 2 ** 16, r: 8, p: 5 })).toMatch(/between 1 and 4/);
  });

  it('the pure-JS scrypt refuses out-of-bounds parameters before allocating anything', async () => {
    const started = Date.now();
    await expect(nobleScrypt(new Uint8Array(1), new Uint8Array(16), { N: 2 ** 20, r: 32, p: 16 }, 32)).rejects.toThrow(
      RangeError,
    );
    expect(Date.now() - started).toBeLessThan(100);
  });
});
