// The hospital card key in the real keychain (gnome-keyring in a D-Bus session), and the CLI that IT uses to create
// it once and install it on every workstation and kiosk.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import keytar from 'keytar';
import { CARD_KEY_ACCOUNT, KeychainCardKey } from '../../../src-main/vault/card-key';
import { CardKeyMissingError, CorruptedEntryError } from '../../../src-main/vault';
import { PatientCards } from '../../../src-main/vault';
import { FAST, freshService, cleanKeychain } from './helpers';

afterAll(cleanKeychain);
const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');

describe('hospital card key in the keychain', { timeout: 60_000 }, () => {
  it('is created only where allowed, read back by another instance, and never replaced', async () => {
    const service = freshService();
    const hospital = new KeychainCardKey({ service });
    expect(await hospital.get()).toBeNull();
    await expect(hospital.forIssuing()).rejects.toBeInstanceOf(CardKeyMissingError);

    const single = new KeychainCardKey({ service, mayCreate: () => true });
    const key = await single.forIssuing();
    expect(key).toHaveLength(32);
    expect(await new KeychainCardKey({ service }).get()).toEqual(key);
    await expect(single.create()).rejects.toThrow(/already installed/);
    await single.install((await single.export())!); // the same key again: fine
    await expect(single.install(`healthchain.card-key/1:${Buffer.alloc(32, 1).toString('base64')}`)).rejects.toThrow(
      /a different key is already installed/,
    );
    expect(await new KeychainCardKey({ service }).get()).toEqual(key);
  });

  it('refuses a damaged stored key with a clear error', async () => {
    const service = freshService();
    await keytar.setPassword(service, CARD_KEY_ACCOUNT, 'healthchain.card-key/1:AAAA');
    await expect(new KeychainCardKey({ service }).get()).rejects.toThrow(
      /The hospital card key cannot be read: it is 3 bytes, not 32/,
    );
    await keytar.setPassword(service, CARD_KEY_ACCOUNT, 'something else');
    await expect(new KeychainCardKey({ service }).get()).rejects.toBeInstanceOf(CorruptedEntryError);
  });

  it('cards printed on one machine open on another once IT installed the same key with the CLI', async () => {
    const workstation = freshService();
    const kiosk = freshService();
    const cli = (args: string[], service: string, input?: string) => {
      const child = run('npx', ['tsx', 'src-main/cli/index.ts', ...args], {
        cwd: root,
        env: { ...process.env, HEALTHCHAIN_CARD_KEY_SERVICE: service },
      });
      if (input !== undefined) child.child.stdin?.end(input);
      return child;
    };
    const created = (await cli(['card-key', 'create'], workstation)).stdout.trim();
    expect(created).toMatch(/^healthchain\.card-key\/1:[A-Za-z0-9+/]{43}=$/);
    expect((await cli(['card-key', 'export'], workstation)).stdout.trim()).toBe(created);
    await expect(cli(['card-key', 'export'], kiosk)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/No hospital card key/),
    });

    const card = await new PatientCards({
      params: FAST,
      cardKey: new KeychainCardKey({ service: workstation }),
    }).create('480913');
    const kioskCards = new PatientCards({ params: FAST, cardKey: new KeychainCardKey({ service: kiosk }) });
    await expect(kioskCards.open(card.code, '480913')).rejects.toBeInstanceOf(CardKeyMissingError);
    await cli(['card-key', 'import'], kiosk, `${created}\n`);
    const installed = new PatientCards({ params: FAST, cardKey: new KeychainCardKey({ service: kiosk }) });
    expect((await installed.open(card.code, '480913')).boxKey).toBe(card.holder.boxKey);
  });
});
