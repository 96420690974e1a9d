// The emergency service beside the embedded node (single-machine default), against the real node over HTTP and the
// real keychain: idle while nothing is pinned, while no key is published, or while the published key is another
// machine's; serving (a grant on the ledger) once this machine's key is the published one; stopped cleanly.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLedgerNode, type LedgerNode } from '../../../src-main/ledger-node/node';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import {
  postPartial,
  prepareCeremony,
  prepareEmergencyKey,
  prepareIssue,
  signPartial,
} from '../../../src-main/authority/hospital';
import { loadEmergencyKey } from '../../../src-main/emergency/emergency-key';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { CHART_ASSET_TYPE } from '../../../src-main/ledger/chain';
import { newSeed } from '../../../src-shared/crypto/keys';
import { sealEnvelope } from '../../../src-shared/crypto/envelope';
import { signerFor } from '../../../src-shared/crypto/keyholder';
import { utf8 } from '../../../src-shared/crypto/bytes';
import { buildEmergencyRequest, requestState } from '../../../src-shared/emergency';
import { ed25519Output, makeCreate, signTransaction, type JsonObject } from '../../../src-shared/ledger';
import { startEmergencyBesideNode } from '../../../src-main/app/emergency-beside-node';

const KEYCHAIN = `HealthChain-beside-test-${randomBytes(6).toString('hex')}`;
let dir: string;
let node: LedgerNode;
let client: LedgerNodeClient;

const until = async (check: () => boolean | Promise<boolean>, what: string, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'hc-beside-'));
  node = await startLedgerNode({ dataDir: path.join(dir, 'ledger'), port: 0, access: { kind: 'open' } });
  client = new LedgerNodeClient({ nodeUrls: [node.url] });
});

afterAll(async () => {
  client?.close();
  await node?.stop();
  for (const { account } of await keytar.findCredentials(KEYCHAIN)) await keytar.deletePassword(KEYCHAIN, account);
  rmSync(dir, { recursive: true, force: true });
});

describe('the emergency service beside the embedded node', { timeout: 90_000 }, () => {
  it('idle until this machine’s key is the published one, then serves; stops cleanly', async () => {
    const officer = new SeedKeyHolder(newSeed());
    const { partial } = await prepareCeremony({
      name: 'Cottage Hospital',
      threshold: 1,
      officers: [{ name: 'IT', signKey: officer.signKey, boxKey: officer.boxKey }],
    });
    const authorityId = (await postPartial(client, await signPartial(partial, officer))).tx.id;
    let pinned = '';
    const events: { event: string; detail?: string }[] = [];
    const beside = startEmergencyBesideNode({
      ledger: client,
      authorityId: () => pinned,
      keychainService: KEYCHAIN,
      pollMs: 100,
      recheckMs: 150,
      log: (e) => events.push(e as { event: string; detail?: string }),
    });
    try {
      await until(() => events.some((e) => e.detail === 'no hospital authority is pinned'), 'idle: nothing pinned');
      pinned = authorityId;
      await until(
        () => events.some((e) => e.detail === 'the authority has published no emergency key'),
        'idle: no key',
      );

      // Another machine's key published: this one stays idle.
      const elsewhere = new SeedKeyHolder(newSeed());
      let authority = await new CredentialRegistry(client, authorityId).authority();
      await postPartial(client, await signPartial(prepareEmergencyKey(authority, elsewhere), officer));
      await until(() => events.some((e) => e.detail === 'this machine holds no emergency key'), 'idle: no key here');
      const mine = await loadEmergencyKey(KEYCHAIN, true);
      await until(
        () => events.some((e) => e.detail === "the published emergency key is another machine's"),
        "idle: another machine's key",
      );
      expect(events.some((e) => e.event === 'serving')).toBe(false);

      authority = await new CredentialRegistry(client, authorityId).authority();
      await postPartial(client, await signPartial(prepareEmergencyKey(authority, mine), officer));
      await until(() => events.some((e) => e.event === 'serving' && e.detail === mine.signKey), 'serving');

      const doctor = new SeedKeyHolder(newSeed());
      const view = await new CredentialRegistry(client, authorityId).load();
      await postPartial(
        client,
        await signPartial(
          prepareIssue(view.authority, {
            name: 'Dr Ada Okafor',
            licence: 'GMC-1',
            specialty: '',
            signKey: doctor.signKey,
            boxKey: doctor.boxKey,
            validFrom: new Date(Date.now() - 86_400_000).toISOString(),
            validUntil: new Date(Date.now() + 86_400_000).toISOString(),
          }),
          officer,
        ),
      );
      const custodian = new SeedKeyHolder(newSeed());
      const chart = await signTransaction(
        makeCreate(
          { type: CHART_ASSET_TYPE, chart: randomBytes(16).toString('hex') },
          sealEnvelope(
            { action: 'create', seq: 1, at: new Date().toISOString(), author: custodian.signKey },
            utf8('{}'),
            [custodian.boxKey, mine.boxKey],
          ) as unknown as JsonObject,
          [ed25519Output(custodian.signKey)],
          [custodian.signKey],
        ),
        signerFor(custodian),
      );
      await client.post(chart, 'commit');
      const request = await buildEmergencyRequest(
        { chart: chart.id },
        {
          authority: authorityId,
          requester: doctor,
          reason: 'unconscious',
          note: '',
          noteReaders: [officer.boxKey],
          emergencyKey: mine,
          officers: [officer.boxKey],
        },
      );
      await client.post(request, 'commit');
      await until(async () => {
        const { value } = await client.listTransactions(request.id);
        return requestState(request, value, mine.signKey).state === 'granted';
      }, 'the grant');
      mine.lock();
    } finally {
      await beside.stop();
    }
  });
});
