// Officer keys in the real keychain (docs/AUTHORITY.md item 11): unlocks go through the same attempt limiter as a
// doctor's (wrong passwords counted, held back for a growing delay after the free ones, a right one resets the
// count), and an officer key is backed up and restored like a doctor's identity (a doctor's backup is refused, and the
// doctor vault refuses an officer's).
import { randomBytes } from 'node:crypto';
import keytar from 'keytar';
import { afterAll, describe, expect, it } from 'vitest';
import { OfficerKeychain } from '../../../src-main/authority/officer-keychain';
import { WrongPasswordError } from '../../../src-main/vault/errors';
import { BACKUP_FORMAT, sealIdentity } from '../../../src-main/vault/sealed-identity';
import { nodeScrypt } from '../../../src-main/vault/node-scrypt';
import { newSeed } from '../../../src-shared/crypto/keys';
import { InvalidInputError } from '../../../src-main/vault/errors';
import { cleanKeychain, testVault } from '../vault/helpers';

const service = `HealthChain-officer-attempts-test-${randomBytes(6).toString('hex')}`;
const FAST = { N: 1024, r: 8, p: 1 } as const;
const PASSWORD = 'officer passphrase for the attempts test';

afterAll(async () => {
  await cleanKeychain();
  for (const { account } of await keytar.findCredentials(service)) await keytar.deletePassword(service, account);
});

describe('officer unlock attempts', () => {
  it('counts wrong passwords, delays after the free failures, and resets on success', async () => {
    const slept: number[] = [];
    const keychain = new OfficerKeychain({
      service,
      params: FAST,
      attempts: { freeFailures: 1, baseDelayMs: 500, maxDelayMs: 2000 },
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    const { officer, holder } = await keychain.create('Officer Attempts', PASSWORD);
    holder.lock();
    const wrong = async () => keychain.unlock(officer.signKey, 'not the password').catch((e: unknown) => e);
    const results = [await wrong(), await wrong(), await wrong()] as WrongPasswordError[];
    for (const r of results) expect(r).toBeInstanceOf(WrongPasswordError);
    expect(results.map((r) => [r.failures, r.delayMs])).toEqual([
      [1, 0],
      [2, 500],
      [3, 1000],
    ]);
    expect(slept).toEqual([500, 1000]);
    (await keychain.unlock(officer.signKey, PASSWORD)).lock();
    expect(((await wrong()) as WrongPasswordError).failures).toBe(1);
  });

  it('backs up an officer key and restores it (the same key, unlockable); a doctor backup is refused', async () => {
    const keychain = new OfficerKeychain({ service, params: FAST, backupParams: FAST });
    const { officer, holder } = await keychain.create('Officer Backup', PASSWORD);
    holder.lock();
    const file = await keychain.exportBackup(officer.signKey, PASSWORD);
    expect(JSON.parse(file)).toMatchObject({ format: 'healthchain.identity-backup', signKey: officer.signKey });
    expect(file).not.toContain(PASSWORD);
    await keychain.remove(officer.signKey);
    await expect(keychain.unlock(officer.signKey, PASSWORD)).rejects.toThrow(/No officer/);
    await expect(keychain.importBackup(file, 'not the password')).rejects.toBeInstanceOf(WrongPasswordError);
    const restored = await keychain.importBackup(file, PASSWORD);
    expect(restored).toMatchObject({ signKey: officer.signKey, boxKey: officer.boxKey, name: 'Officer Backup' });
    const unlocked = await keychain.unlock(officer.signKey, PASSWORD);
    expect(unlocked.signKey).toBe(officer.signKey);
    unlocked.lock();
    await expect(keychain.importBackup(file, PASSWORD)).rejects.toThrow(/already in this keychain/);

    const doctorBackup = await sealIdentity(
      newSeed(),
      PASSWORD,
      {
        format: BACKUP_FORMAT,
        profile: { name: 'Dr Ada Okafor', specialty: 'Oncology', licenceNumber: 'GMC-1' },
        createdAt: new Date().toISOString(),
      },
      FAST,
      nodeScrypt,
    );
    await expect(keychain.importBackup(JSON.stringify(doctorBackup), PASSWORD)).rejects.toThrow(/not an officer key/);
  });

  it("the doctor vault refuses an officer's backup: no officer key among the doctors' identities", async () => {
    const keychain = new OfficerKeychain({ service, params: FAST, backupParams: FAST });
    const { officer, holder } = await keychain.create('Officer Elsewhere', PASSWORD);
    holder.lock();
    const file = await keychain.exportBackup(officer.signKey, PASSWORD);
    const vault = testVault();
    const refused = await vault.importBackup(file, PASSWORD).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect(refused).toMatchObject({ field: 'backup', message: expect.stringMatching(/officer's key, not a doctor's/) });
    expect((await vault.list()).identities).toEqual([]);
  });
});
