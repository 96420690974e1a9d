// Issue #12, attack step 1, through the real chart service and the real embedded node over HTTP: an attacker posts a
// practitioner entry "Dr Ada Okafor", Oncology, with their own key. With no authority pinned the directory shows two
// identical doctors (as before); once the hospital authority is pinned only credentialed practitioners are listed,
// found (for sharing and custody) and named, with the licence from the credential. A revocation seen on the node's
// stream takes effect at once; an authority that cannot be verified gives an empty directory and the reason.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CredentialRegistry } from '../../../src-main/authority/credential-registry';
import {
  postPartial,
  prepareCeremony,
  prepareIssue,
  prepareRevoke,
  signPartial,
} from '../../../src-main/authority/hospital';
import { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import type { LedgerNode } from '../../../src-main/ledger-node/node';
import { LedgerNodeClient } from '../../../src-main/ledger/node-client';
import { newSeed } from '../../../src-shared/crypto/keys';
import { sampleChart } from '../../fixtures/sample-chart';
import type { InspectedChartService } from '../charts/inspected-service';
import {
  NODE_TOKEN,
  PIN,
  TestVault,
  eventually,
  startNode,
  startService,
  tempDir,
  type Doctor,
} from '../charts/harness';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const vault = new TestVault();
const officer = new SeedKeyHolder(newSeed());
const mallory = new SeedKeyHolder(newSeed());
let node: LedgerNode;
let client: LedgerNodeClient;
let service: InspectedChartService;
let pinned = '';
let authorityId = '';
let ada: Doctor;
let ben: Doctor;
let cat: Doctor;
let benCredential = '';

async function issue(doctor: Doctor, licence: string): Promise<string> {
  const view = await new CredentialRegistry(client, authorityId).load();
  const partial = prepareIssue(view.authority, {
    name: doctor.name,
    licence,
    specialty: doctor.specialty,
    signKey: doctor.holder.signKey,
    boxKey: doctor.holder.boxKey,
    validFrom: '2026-01-01T00:00:00Z',
    validUntil: '2099-01-01T00:00:00Z',
  });
  return (await postPartial(client, await signPartial(partial, officer))).tx.id;
}

const names = (entries: { name: string; signKey: string }[]) => entries.map((e) => `${e.name} ${e.signKey}`).sort();

beforeAll(async () => {
  node = await startNode(tempDir('directory-node'));
  client = new LedgerNodeClient({ nodeUrls: [node.url], bearerTokenFor: () => NODE_TOKEN });
  ({ service } = await startService([node.url], { authorityId: () => pinned, verifyWorkers: 0 }));
  ada = await vault.doctor('Dr Ada Okafor', 'Oncology');
  ben = await vault.doctor('Dr Ben Adeyemi', 'Cardiology');
  cat = await vault.doctor('Dr Cat Self-Published', 'Dermatology');
  for (const d of [ada, ben, cat])
    await service.publishPractitioner(d.holder, { name: d.name, specialty: d.specialty });
  // The attack: a practitioner entry with the attacker's own key, named like the real oncologist.
  await service.publishPractitioner(mallory, { name: 'Dr Ada Okafor', specialty: 'Oncology' });

  const { partial } = await prepareCeremony({
    name: 'St Elsewhere',
    threshold: 1,
    officers: [{ name: 'IT officer', signKey: officer.signKey, boxKey: officer.boxKey }],
  });
  authorityId = (await postPartial(client, await signPartial(partial, officer))).tx.id;
  await issue(ada, 'GMC 7001234');
  benCredential = await issue(ben, 'GMC 7005678');
  await eventually(() => service.streamConnected(), 'stream connected');
});

afterAll(async () => {
  await service?.close();
  client?.close();
  await node?.stop();
  await vault.clean();
});

describe('the practitioner directory and the hospital authority (issue #12)', () => {
  it('with no authority pinned, the directory is the self-published entries, as before (the attack shows)', async () => {
    const found = await service.searchPractitioners('Ada Okafor');
    expect(names(found)).toEqual(names([ada, mallory].map((h) => ({ name: 'Dr Ada Okafor', signKey: signKeyOf(h) }))));
    expect(await service.practitionerDirectory('')).toMatchObject({ unavailable: null });
    expect((await service.findPractitioner(mallory.signKey))?.name).toBe('Dr Ada Okafor');
    expect((await service.findPractitioner(cat.holder.signKey))?.name).toBe(cat.name);
  });

  it('pinned: only credentialed practitioners, with licence and specialty from the credential', async () => {
    pinned = authorityId;
    const all = await service.practitionerDirectory('');
    expect(all.unavailable).toBeNull();
    expect(all.entries.map(({ name, licence, specialty, signKey }) => ({ name, licence, specialty, signKey }))).toEqual(
      [
        { name: ada.name, licence: 'GMC 7001234', specialty: 'Oncology', signKey: ada.holder.signKey },
        { name: ben.name, licence: 'GMC 7005678', specialty: 'Cardiology', signKey: ben.holder.signKey },
      ],
    );
    // The attacker's twin is gone; one Dr Ada Okafor, found by name or by licence.
    expect(names(await service.searchPractitioners('Ada Okafor'))).toEqual([`${ada.name} ${ada.holder.signKey}`]);
    expect((await service.searchPractitioners('7001234')).map((p) => p.signKey)).toEqual([ada.holder.signKey]);
    // Not found for sharing or custody either, and not named: neither the attacker nor an uncredentialed doctor.
    expect(await service.findPractitioner(mallory.signKey)).toBeNull();
    expect(await service.findPractitioner(cat.holder.signKey)).toBeNull();
    expect((await service.findPractitioner(ada.holder.signKey))?.licence).toBe('GMC 7001234');
  });

  it('a revocation on the node’s stream takes the doctor out of the directory at once', async () => {
    expect((await service.searchPractitioners('Ben')).map((p) => p.signKey)).toEqual([ben.holder.signKey]);
    const view = await new CredentialRegistry(client, authorityId).load();
    await postPartial(client, await signPartial(prepareRevoke(view, benCredential, 'left the hospital'), officer));
    // The registry is kept for minutes; only the stream's credential act can make this pass this quickly.
    await eventually(async () => (await service.searchPractitioners('Ben')).length === 0, 'Ben is no longer listed');
    expect(await service.findPractitioner(ben.holder.signKey)).toBeNull();
    expect((await service.searchPractitioners('')).map((p) => p.signKey)).toEqual([ada.holder.signKey]);
  });

  it('a credential issued now, seen on the stream, lists the doctor at once', async () => {
    expect(await service.searchPractitioners('Cat')).toEqual([]);
    await issue(cat, 'GMC 7009999');
    await eventually(async () => (await service.searchPractitioners('Cat')).length === 1, 'Cat is listed');
    expect((await service.findPractitioner(cat.holder.signKey))?.licence).toBe('GMC 7009999');
  });

  it('a pinned authority that cannot be verified: an empty directory and the reason (fail closed)', async () => {
    pinned = 'ab'.repeat(32);
    const answer = await service.practitionerDirectory('');
    expect(answer.entries).toEqual([]);
    expect(answer.unavailable).toMatch(/hospital authority pinned on this computer cannot be verified/);
    expect(await service.findPractitioner(ada.holder.signKey)).toBeNull();
  });

  it('pinned: a name the chart’s author wrote for an uncredentialed reader is not shown; the credentialed custodian is named', async () => {
    pinned = '';
    const { chartId } = await service.create(ada.holder, sampleChart('Noor Haddad'), { pin: PIN });
    // The attacker's key, shared under the name "Dr Ada Okafor" (the label the sharing doctor's app wrote).
    await service.share(ada.holder, chartId, {
      signKey: mallory.signKey,
      boxKey: mallory.boxKey,
      name: 'Dr Ada Okafor',
    });
    const nameOf = async (boxKey: string) =>
      (await service.get(ada.holder, chartId)).readers.find((r) => r.boxKey === boxKey)?.name;
    expect(await nameOf(mallory.boxKey)).toBe('Dr Ada Okafor');
    pinned = authorityId;
    await service.searchPractitioners(''); // the directory read that names doctors from now on
    expect(await nameOf(mallory.boxKey)).toBeNull();
    expect(await nameOf(ada.holder.boxKey)).toBe(ada.name);
  });

  it('unpinned again: as before', async () => {
    pinned = '';
    expect((await service.searchPractitioners('Ada Okafor')).length).toBe(2);
  });
});

function signKeyOf(h: SeedKeyHolder | Doctor): string {
  return 'holder' in h ? h.holder.signKey : h.signKey;
}
