// The vault against the real Secret Service (gnome-keyring in a D-Bus session; see DEVELOPERS.md / CI).
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import keytar from 'keytar';
import { ed25519 } from '@noble/curves/ed25519.js';
import { fromBase58, utf8 } from '../../../src-shared/crypto/bytes';
import { sealTo } from '../../../src-shared/crypto/sealed-box';
import { IdentityLockedError } from '../../../src-shared/crypto/errors';
import type { ScryptFn, ScryptParams } from '../../../src-shared/crypto/kdf';
import { nodeScrypt } from '../../../src-main/vault/node-scrypt';
import {
  CorruptedEntryError,
  IdentityExistsError,
  IdentityNotFoundError,
  InvalidInputError,
  Vault,
  VAULT_SCRYPT_PARAMS,
  BACKUP_SCRYPT_PARAMS,
  WrongPasswordError,
} from '../../../src-main/vault';
import { cleanKeychain, DOCTOR, FAST, freshService, OTHER_DOCTOR, testVault } from './helpers';

afterAll(cleanKeychain);

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('vault on the real keychain', { timeout: 60_000 }, () => {
  it('creates, lists public parts, unlocks, signs, unseals, and refuses to work once locked', async () => {
    const vault = testVault();
    const { identity, holder: created } = await vault.create(DOCTOR);
    expect(identity).toMatchObject({
      id: identity.signKey,
      name: DOCTOR.name,
      specialty: DOCTOR.specialty,
      licenceNumber: DOCTOR.licenceNumber,
    });
    expect(created.locked).toBe(false);
    vault.lock(identity.id);
    expect(created.locked).toBe(true);

    const { identities, unreadable } = await vault.list();
    expect(identities).toEqual([identity]);
    expect(unreadable).toEqual([]);
    expect(JSON.stringify(identities)).not.toMatch(/ciphertext|salt|password/i);

    const stored = JSON.parse((await keytar.getPassword(vault.service, identity.id))!);
    expect(stored).toMatchObject({
      format: 'healthchain.vault-entry',
      version: 1,
      signKey: identity.signKey,
      kdf: { name: 'scrypt', ...FAST },
    });

    const holder = await vault.unlock(identity.id, DOCTOR.password);
    const message = utf8('digest of input 0');
    expect(ed25519.verify(await holder.sign(message), message, fromBase58(identity.signKey))).toBe(true);
    const sealed = sealTo(identity.boxKey, utf8('data key'));
    expect(await holder.openSealed(sealed)).toEqual(utf8('data key'));
    expect(vault.session(identity.id)).toBe(holder);
    expect(JSON.parse(JSON.stringify(holder))).toEqual({
      signKey: identity.signKey,
      boxKey: identity.boxKey,
      locked: false,
    });
    // Nothing reachable from the public objects shows key material, even with hidden properties.
    for (const shown of [
      inspect(vault, { showHidden: true, depth: 8 }),
      inspect(holder, { showHidden: true, depth: 8 }),
      JSON.stringify(vault),
    ]) {
      expect(shown).not.toMatch(/Uint8Array|Buffer|\[ *\d+, *\d+/);
    }

    const locked: string[] = [];
    vault.onLock((id, reason) => locked.push(`${id}:${reason}`));
    vault.lockAll('idle');
    expect(locked).toEqual([`${identity.id}:idle`]);
    expect(vault.session(identity.id)).toBeNull();
    await expect(holder.sign(message)).rejects.toBeInstanceOf(IdentityLockedError);
    await expect(holder.openSealed(sealed)).rejects.toBeInstanceOf(IdentityLockedError);
  });

  it('answers a wrong password with WrongPassword and a growing delay; the right one resets it', async () => {
    const vault = testVault({ attempts: { freeFailures: 1, baseDelayMs: 150, maxDelayMs: 1000 } });
    const { identity } = await vault.create(DOCTOR);
    const seen: { failures: number; delayMs: number; elapsed: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const error = await rejection(vault.unlock(identity.id, 'not the password'));
      expect(error).toBeInstanceOf(WrongPasswordError);
      const { failures, delayMs } = error as WrongPasswordError;
      seen.push({ failures, delayMs, elapsed: performance.now() - started });
    }
    expect(seen.map((s) => [s.failures, s.delayMs])).toEqual([
      [1, 0],
      [2, 150],
      [3, 300],
    ]);
    expect(seen[2]!.elapsed).toBeGreaterThanOrEqual(295);
    expect((await rejection(vault.unlock(identity.id, 'still wrong!!'))).message).toMatch(/waits longer/);

    await vault.unlock(identity.id, DOCTOR.password);
    vault.lockAll();
    expect(((await rejection(vault.unlock(identity.id, 'wrong again'))) as WrongPasswordError).delayMs).toBe(0);
  });

  it('keeps two doctors on one OS account apart: each seed opens only with its own password', async () => {
    const vault = testVault();
    const { identity: a } = await vault.create(DOCTOR);
    const { identity: b } = await vault.create(OTHER_DOCTOR);
    vault.lockAll();
    expect(a.signKey).not.toBe(b.signKey);
    expect((await vault.list()).identities.map((i) => i.name)).toEqual([DOCTOR.name, OTHER_DOCTOR.name]);
    await expect(vault.unlock(a.id, OTHER_DOCTOR.password)).rejects.toBeInstanceOf(WrongPasswordError);
    await expect(vault.unlock(b.id, DOCTOR.password)).rejects.toBeInstanceOf(WrongPasswordError);
    const holderA = await vault.unlock(a.id, DOCTOR.password);
    const holderB = await vault.unlock(b.id, OTHER_DOCTOR.password);
    await expect(holderB.openSealed(sealTo(a.boxKey, utf8('for A only')))).rejects.toThrow(/not addressed to this key/);
    vault.lock(a.id);
    expect(holderA.locked).toBe(true);
    expect(holderB.locked).toBe(false);
    // Each entry is sealed under its own salt: nothing is shared between them.
    const entryA = JSON.parse((await keytar.getPassword(vault.service, a.id))!);
    const entryB = JSON.parse((await keytar.getPassword(vault.service, b.id))!);
    expect(entryA.kdf.salt).not.toBe(entryB.kdf.salt);
  });

  it('changes the password: the old one stops working, the new one unlocks the same identity', async () => {
    const vault = testVault();
    const { identity } = await vault.create(DOCTOR);
    vault.lockAll();
    await expect(vault.changePassword(identity.id, DOCTOR.password, 'short')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(vault.changePassword(identity.id, 'wrong password', 'a brand new passphrase')).rejects.toBeInstanceOf(
      WrongPasswordError,
    );
    await vault.changePassword(identity.id, DOCTOR.password, 'a brand new passphrase');
    await expect(vault.unlock(identity.id, DOCTOR.password)).rejects.toBeInstanceOf(WrongPasswordError);
    expect((await vault.unlock(identity.id, 'a brand new passphrase')).signKey).toBe(identity.signKey);
  });

  it('deletes only with the password and a fresh confirmation token from a first call', async () => {
    let now = Date.parse('2026-11-25T04:00:00Z');
    const vault = testVault({ now: () => now });
    const { identity, holder } = await vault.create(DOCTOR);
    await expect(vault.deleteIdentity(identity.id, 'guess')).rejects.toThrow(/request deletion first/);

    await expect(vault.requestDeletion(identity.id, 'wrong password')).rejects.toBeInstanceOf(WrongPasswordError);
    const stale = await vault.requestDeletion(identity.id, DOCTOR.password);
    expect(stale.identity.name).toBe(DOCTOR.name);
    now += 3 * 60_000;
    await expect(vault.deleteIdentity(identity.id, stale.token)).rejects.toThrow(/expired/);
    expect((await vault.list()).identities).toHaveLength(1);

    const { token } = await vault.requestDeletion(identity.id, DOCTOR.password);
    await vault.deleteIdentity(identity.id, token);
    expect(holder.locked).toBe(true);
    expect((await vault.list()).identities).toEqual([]);
    await expect(vault.unlock(identity.id, DOCTOR.password)).rejects.toBeInstanceOf(IdentityNotFoundError);
    await expect(vault.deleteIdentity(identity.id, token)).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('exports an encrypted backup and imports it into another keychain namespace', async () => {
    const source = testVault();
    const { identity } = await source.create(DOCTOR);
    source.lockAll();
    await expect(source.exportBackup(identity.id, 'wrong password')).rejects.toBeInstanceOf(WrongPasswordError);
    const backup = await source.exportBackup(identity.id, DOCTOR.password);
    expect(JSON.parse(backup)).toMatchObject({
      format: 'healthchain.identity-backup',
      version: 1,
      signKey: identity.signKey,
      profile: { name: DOCTOR.name },
    });

    const target = testVault(); // another workstation: a different keychain service, nothing shared
    expect((await target.list()).identities).toEqual([]);
    await expect(target.importBackup(backup, 'not the password')).rejects.toBeInstanceOf(WrongPasswordError);
    const imported = await target.importBackup(backup, DOCTOR.password);
    expect(imported).toEqual(identity);
    const holder = await target.unlock(identity.id, DOCTOR.password);
    expect(holder.signKey).toBe(identity.signKey);
    await expect(target.importBackup(backup, DOCTOR.password)).rejects.toBeInstanceOf(IdentityExistsError);

    // A separate backup passphrase, and a different password on the new workstation.
    const withPassphrase = await source.exportBackup(identity.id, DOCTOR.password, {
      passphrase: 'a long separate backup phrase',
    });
    await expect(source.exportBackup(identity.id, DOCTOR.password, { passphrase: 'too short!' })).rejects.toThrow(
      /at least 14/,
    );
    const third = testVault();
    await third.importBackup(withPassphrase, 'a long separate backup phrase', 'new workstation password');
    expect((await third.unlock(identity.id, 'new workstation password')).boxKey).toBe(identity.boxKey);

    const tampered = JSON.stringify({
      ...JSON.parse(backup),
      profile: { ...JSON.parse(backup).profile, name: 'Dr Mallory' },
    });
    await expect(testVault().importBackup(tampered, DOCTOR.password)).rejects.toBeInstanceOf(CorruptedEntryError);
    await expect(testVault().importBackup('{"format":"something else"}', DOCTOR.password)).rejects.toThrow(
      /This backup file cannot be read/,
    );
  });

  it('refuses a crafted backup that asks for 4 GiB of scrypt, at once and before deriving anything (issue #14)', async () => {
    const source = testVault();
    const { identity } = await source.create(DOCTOR);
    const backup = JSON.parse(await source.exportBackup(identity.id, DOCTOR.password));
    // Every derivation the importing vault starts is recorded; one beyond the cap would be a failure of the bound.
    const derived: ScryptParams[] = [];
    const recording: ScryptFn = async (password, salt, params, length) => {
      derived.push(params);
      if (128 * params.N * params.r > 256 * 2 ** 20) throw new Error('the crafted parameters reached scrypt');
      return nodeScrypt(password, salt, params, length);
    };
    const crafted = [
      [{ N: 2 ** 20, r: 32, p: 16 }, /kdf scrypt p must be an integer between 1 and 4/],
      [
        { N: 2 ** 20, r: 32, p: 1 },
        /kdf scrypt N 1048576 with r 32 needs 4096 MiB of memory; at most 256 MiB is accepted/,
      ],
      [{ N: 2 ** 19, r: 8, p: 1 }, /512 MiB/],
    ] as const;
    for (const [params, message] of crafted) {
      const text = JSON.stringify({ ...backup, kdf: { ...backup.kdf, ...params } });
      const started = performance.now();
      const error = await rejection(testVault({ scrypt: recording }).importBackup(text, DOCTOR.password));
      expect(performance.now() - started).toBeLessThan(500);
      expect(error).toBeInstanceOf(CorruptedEntryError);
      expect(error.message).toMatch(/^This backup file cannot be read/);
      expect(error.message).toMatch(message);
    }
    expect(derived).toEqual([]);
  });

  it('reports a missing identity and a corrupted entry with typed errors, and lists the corrupted entry as unreadable', async () => {
    const vault = testVault();
    const { identity } = await vault.create(DOCTOR);
    await expect(
      vault.unlock('9hSR6S7WPtxmTojgo6GG3k4yDPecgJY292j7xrsUGWBu', 'whatever password'),
    ).rejects.toBeInstanceOf(IdentityNotFoundError);
    await keytar.setPassword(
      vault.service,
      identity.id,
      '{"format":"healthchain.vault-entry","version":1,"signKey":"x"}',
    );
    const error = await rejection(vault.unlock(identity.id, DOCTOR.password));
    expect(error).toBeInstanceOf(CorruptedEntryError);
    expect(error.message).toContain(identity.id);
    const listed = await vault.list();
    expect(listed.identities).toEqual([]);
    expect(listed.unreadable).toEqual([{ id: identity.id, problem: expect.stringMatching(/cannot be read/) }]);
  });

  it('refuses bad input with the offending field named', async () => {
    const vault = testVault();
    const field = async (p: Promise<unknown>) => ((await rejection(p)) as InvalidInputError).field;
    expect(await field(vault.create({ ...DOCTOR, password: 'short' }))).toBe('password');
    expect(await field(vault.create({ ...DOCTOR, password: 'okafor is my name' }))).toBe('password');
    expect(await field(vault.create({ ...DOCTOR, name: ' ' }))).toBe('name');
    expect(await field(vault.unlock('', 'x'))).toBe('id');
    expect((await vault.list()).identities).toEqual([]);
  });

  it('re-seals an entry under new KDF parameters on unlock, so parameters can be raised later', async () => {
    const service = freshService();
    const old = new Vault({ service, entryParams: FAST, backupParams: FAST });
    const { identity } = await old.create(DOCTOR);
    const raised = { N: 2048, r: 8, p: 1 };
    const upgraded = new Vault({ service, entryParams: raised, backupParams: FAST });
    await upgraded.unlock(identity.id, DOCTOR.password);
    expect(JSON.parse((await keytar.getPassword(service, identity.id))!).kdf).toMatchObject(raised);
    upgraded.lockAll();
    expect((await upgraded.unlock(identity.id, DOCTOR.password)).signKey).toBe(identity.signKey);
  });

  it('uses the documented production parameters by default', () => {
    expect(VAULT_SCRYPT_PARAMS).toEqual({ N: 65536, r: 8, p: 1 });
    expect(BACKUP_SCRYPT_PARAMS).toEqual({ N: 131072, r: 8, p: 1 });
  });
});
