// The emergency service beside the embedded node (single-machine default), against the real node over HTTP and the
// real keychain: idle while nothing is pinned, while no key is published, or while the published key is another
// machine's; serving (a grant on the ledger) once this machine's key is the published one; stopped cleanly.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { loadEmergencyKey } from '../../../src-main/emergency/emergency-key';
import { utf8 } from '../../../src-shared/crypto/bytes';
import { buildEmergencyRequest, requestState } from '../../../src-shared/emergency';
import { startEmergencyBesideNode } from '../../../src-main/app/emergency-beside-node';
import { clearKeychains, holder, sealedChart, startTestLedger, TestAuthority, type TestLedger } from './fixture';

const KEYCHAIN = `HealthChain-beside-test-${randomBytes(6).toString('hex')}`;
let ledger: TestLedger;
let client: LedgerNodeClient;

const until = async (check: () => boolean | Promise<boolean>, what: string, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

beforeAll(async () => {
  ledger = await startTestLedger('beside', 'open');
  client = ledger.client;
});

afterAll(async () => {
  await ledger?.stop();
  await clearKeychains(KEYCHAIN);
});

describe('the emergency service beside the embedded node', { timeout: 90_000 }, () => {
  it('idle until this machine’s key is the published one, then serves; stops cleanly', async () => {
    const officer = holder();
    const hospital = await TestAuthority.found(client, officer, { hospital: 'Cottage Hospital', officer: 'IT' });
    const authorityId = hospital.id;
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
      const elsewhere = holder();
      await hospital.publishEmergencyKey(elsewhere);
      await until(() => events.some((e) => e.detail === 'this machine holds no emergency key'), 'idle: no key here');
      const mine = await loadEmergencyKey(KEYCHAIN, true);
      await until(
        () => events.some((e) => e.detail === "the published emergency key is another machine's"),
        "idle: another machine's key",
      );
      expect(events.some((e) => e.event === 'serving')).toBe(false);

      await hospital.publishEmergencyKey(mine);
      await until(() => events.some((e) => e.event === 'serving' && e.detail === mine.signKey), 'serving');

      const doctor = holder();
      await hospital.issue(doctor, 'Dr Ada Okafor', { licence: 'GMC-1', specialty: '' });
      const custodian = holder();
      const { create: chart } = await sealedChart(custodian, [custodian.boxKey, mine.boxKey], utf8('{}'));
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
