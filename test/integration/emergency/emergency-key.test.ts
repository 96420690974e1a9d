// Publishing the emergency key on the ledger with `npm run cli -- hospital …` in child processes, against the real
// node and the real keychain: the one-machine set-up publishes this machine's key; 2-of-3 officers publish a
// service's key through a partially signed file; the registry resolves the latest act; an act the quorum did not
// sign is refused by the node and changes nothing.
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { newSeed } from '../../../src-shared/crypto/keys';
import { makeEmergencyKeyAct } from '../../../src-shared/authority';
import { signTransaction } from '../../../src-shared/ledger';
import { NODE_TOKEN, removeDir, tempDir } from '../charts/harness';
import { clearKeychains, cliCeremony, cliRunner, startTestLedger, type TestLedger } from './fixture';

const officerService = `HealthChain-emkey-officers-${randomBytes(6).toString('hex')}`;
const emergencyService = `HealthChain-emkey-service-${randomBytes(6).toString('hex')}`;
const env = {
  ...process.env,
  HEALTHCHAIN_OFFICER_KEYCHAIN_SERVICE: officerService,
  HEALTHCHAIN_EMERGENCY_KEYCHAIN_SERVICE: emergencyService,
  HEALTHCHAIN_PASSWORD: 'officer passphrase for the emergency key test',
  HC_LEDGER_TOKEN: NODE_TOKEN,
};

const { cli, json } = cliRunner(env, ['hospital']);

type Key = { signKey: string; boxKey: string };

describe('the emergency key on the ledger', { timeout: 240_000 }, () => {
  let ledger: TestLedger;
  let client: LedgerNodeClient;
  const work = tempDir('emergency-key');
  let nodeArgs: string[];

  beforeAll(async () => {
    ledger = await startTestLedger('node');
    nodeArgs = ['--node', ledger.node.url];
    client = ledger.client;
  });

  afterAll(async () => {
    await ledger?.stop();
    await clearKeychains(officerService, emergencyService);
    removeDir(work);
  });

  it('one machine: the set-up publishes this machine’s emergency key, which the registry resolves', async () => {
    const setUp = await json<{ authorityId: string; emergencyKey: Key & { act: string } }>(
      'init',
      '--name',
      'Cottage Hospital',
      '--one-machine',
      ...nodeArgs,
    );
    expect(await keytar.findCredentials(emergencyService)).toHaveLength(1);
    const shown = await json<{ emergencyKey: Key & { txId: string } }>(
      'emergency-key',
      '--authority',
      setUp.authorityId,
      ...nodeArgs,
    );
    expect(shown.emergencyKey).toMatchObject({
      signKey: setUp.emergencyKey.signKey,
      boxKey: setUp.emergencyKey.boxKey,
      txId: setUp.emergencyKey.act,
    });
    const authority = await new CredentialRegistry(client, setUp.authorityId).authority();
    expect(authority.emergencyKey?.signKey).toBe(setUp.emergencyKey.signKey);
    // Publishing the same key again is refused (nothing changes), exit code 2.
    expect(await cli('emergency-key', '--publish', '--authority', setUp.authorityId, ...nodeArgs)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('already published'),
    });
  });

  it('2 of 3: a service’s key published through a partially signed file, then replaced; a forged act changes nothing', async () => {
    const ceremony = join(work, 'ceremony.json');
    const officers = await cliCeremony(json, ceremony);
    for (const o of officers) await json('sign', ceremony, '--officer', o.signKey);
    const { id: authorityId } = await json<{ id: string }>('post', ceremony, ...nodeArgs);

    const none = await json<{ emergencyKey: null }>('emergency-key', '--authority', authorityId, ...nodeArgs);
    expect(none.emergencyKey).toBeNull();

    const service = new SeedKeyHolder(newSeed());
    const file = join(work, 'emergency-key.json');
    const first = await json<{ posted: string | null; file: string }>(
      'emergency-key',
      '--publish',
      '--authority',
      authorityId,
      '--sign-key',
      service.signKey,
      '--box-key',
      service.boxKey,
      '--officer',
      officers[0]!.signKey,
      '--out',
      file,
      ...nodeArgs,
    );
    expect(first.posted).toBeNull();
    expect((await new CredentialRegistry(client, authorityId).authority()).emergencyKey).toBeNull();
    await json('sign', file, '--officer', officers[1]!.signKey);
    const { id: act } = await json<{ id: string }>('post', file, ...nodeArgs);
    let authority = await new CredentialRegistry(client, authorityId).authority();
    expect(authority.emergencyKey).toMatchObject({ signKey: service.signKey, boxKey: service.boxKey, txId: act });

    // Mallory spends the authority's output with her own signature: the node refuses it; the key is unchanged.
    const mallory = new SeedKeyHolder(newSeed());
    const forged = await signTransaction(
      makeEmergencyKeyAct(
        authority.data,
        authority.latest!,
        { signKey: mallory.signKey, boxKey: mallory.boxKey },
        new Date().toISOString(),
      ),
      (_key, message) => mallory.sign(message),
      { checkSignatures: false },
    );
    await expect(client.post(forged, 'commit')).rejects.toThrow(/rejected/);

    // Replaced by the quorum (this time Ben and Cat): the latest act is the key.
    const next = new SeedKeyHolder(newSeed());
    const second = join(work, 'emergency-key-2.json');
    await json(
      'emergency-key',
      '--publish',
      '--authority',
      authorityId,
      '--sign-key',
      next.signKey,
      '--box-key',
      next.boxKey,
      '--officer',
      officers[1]!.signKey,
      '--out',
      second,
      ...nodeArgs,
    );
    await json('sign', second, '--officer', officers[2]!.signKey);
    await json('post', second, ...nodeArgs);
    authority = await new CredentialRegistry(client, authorityId).authority();
    expect(authority.emergencyKey?.signKey).toBe(next.signKey);
    expect(
      await cli('emergency-key', '--publish', '--authority', authorityId, '--sign-key', 'x', ...nodeArgs),
    ).toMatchObject({ code: 2, stderr: expect.stringContaining('go together') });
  });
});
