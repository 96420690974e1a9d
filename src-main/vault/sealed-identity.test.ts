import { describe, expect, it } from 'vitest';
import { newSeed, publicIdentityOf } from '../../src-shared/crypto/keys';
import { CorruptedEntryError } from './errors';
import { nodeScrypt } from './node-scrypt';
import type { ScryptFn } from '../../src-shared/crypto/kdf';
import { ENTRY_FORMAT, BACKUP_FORMAT, openSealedIdentity, parseSealedIdentity, sealIdentity } from './sealed-identity';

const FAST = { N: 1024, r: 8, p: 1 };
const profile = { name: 'Dr Ada Okafor', specialty: 'Cardiology', licenceNumber: 'GMC-7781234' };
const meta = { format: ENTRY_FORMAT, profile, createdAt: '2026-11-25T04:00:00.000Z' } as const;

async function sealed() {
  const seed = newSeed();
  const doc = await sealIdentity(seed, 'correct horse battery', meta, FAST, nodeScrypt);
  return { seed, doc, text: JSON.stringify(doc) };
}

describe('sealed identity document', () => {
  it('opens with the right password only, and carries versioned public parts', async () => {
    const { seed, doc, text } = await sealed();
    const parsed = parseSealedIdentity(text, ENTRY_FORMAT, 'entry');
    expect(parsed).toMatchObject({
      format: ENTRY_FORMAT,
      version: 1,
      profile,
      ...publicIdentityOf(seed),
      kdf: { name: 'scrypt', ...FAST },
      cipher: 'xsalsa20-poly1305',
    });
    expect(await openSealedIdentity(parsed, 'correct horse battery', nodeScrypt, 'entry')).toEqual(seed);
    expect(await openSealedIdentity(parsed, 'correct horse batterY', nodeScrypt, 'entry')).toBeNull();
    expect(text).not.toContain(Buffer.from(seed).toString('base64'));
    expect(doc.kdf.salt).not.toBe((await sealed()).doc.kdf.salt);
  });

  it('treats the password in NFC form, so composed and decomposed accents match', async () => {
    const seed = newSeed();
    const doc = await sealIdentity(seed, 'caf\u00e9 au lait!', meta, FAST, nodeScrypt);
    expect(await openSealedIdentity(doc, 'cafe\u0301 au lait!', nodeScrypt, 'entry')).toEqual(seed);
  });

  it('zeroes the password bytes it gives scrypt, when sealing and when opening, right or wrong (issue #14)', async () => {
    const given: Uint8Array[] = [];
    const recording: ScryptFn = async (password, salt, params, length) => {
      given.push(password);
      return nodeScrypt(Uint8Array.from(password), salt, params, length);
    };
    const seed = newSeed();
    const doc = await sealIdentity(seed, 'correct horse battery', meta, FAST, recording);
    expect(await openSealedIdentity(doc, 'correct horse battery', recording, 'entry')).toEqual(seed);
    expect(await openSealedIdentity(doc, 'wrong horse battery', recording, 'entry')).toBeNull();
    expect(given).toHaveLength(3);
    for (const bytes of given) {
      expect(bytes.length).toBeGreaterThan(0);
      expect(bytes.every((b) => b === 0)).toBe(true);
    }
  });

  it('detects altered public fields at open time', async () => {
    const { doc } = await sealed();
    const renamed = { ...doc, profile: { ...profile, name: 'Dr Mallory' } };
    await expect(openSealedIdentity(renamed, 'correct horse battery', nodeScrypt, 'The entry')).rejects.toThrow(
      /public fields were altered/,
    );
    const other = publicIdentityOf(newSeed());
    const swapped = { ...doc, signKey: other.signKey };
    await expect(openSealedIdentity(swapped, 'correct horse battery', nodeScrypt, 'The entry')).rejects.toBeInstanceOf(
      CorruptedEntryError,
    );
  });

  it('explains what is wrong with a damaged or foreign document', async () => {
    const { doc } = await sealed();
    const cases: [unknown, RegExp][] = [
      ['{not json', /not JSON/],
      [{ ...doc, version: 2 }, /newer HealthChain \(format version 2\)/],
      [{ ...doc, kdf: { ...doc.kdf, N: 2 ** 30 } }, /kdf scrypt N must be a power of two/],
      [{ ...doc, kdf: { ...doc.kdf, N: 3000 } }, /power of two/],
      [{ ...doc, nonce: 'AAAA' }, /nonce must be base64 of 24 bytes/],
      [{ ...doc, signKey: 'nope' }, /signKey/],
      [{ ...doc, format: BACKUP_FORMAT }, /is a healthchain.identity-backup, not a healthchain.vault-entry/],
      [null, /document|version/],
    ];
    for (const [value, message] of cases) {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      expect(() => parseSealedIdentity(text, ENTRY_FORMAT, 'The entry')).toThrow(message);
    }
  });
});
