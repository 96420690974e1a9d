// The v3 emergency documents (v3.ts) without a node: what the service accepts as a request, what the requester and
// the chart's readers open of a grant, and what a copied or re-signed box is refused as.
import { describe, expect, it } from 'vitest';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { newSeed } from '../crypto/keys';
import { randomBytes, toBase64 } from '../crypto/bytes';
import { signerFor } from '../crypto/keyholder';
import {
  ed25519Details,
  ed25519Output,
  makeCreate,
  makeCreateBy,
  signTransaction,
  type JsonObject,
  type Transaction,
} from '../ledger';
import { bytesToHex } from '@noble/hashes/utils.js';
import { sealTo } from '../crypto/sealed-box';
import { ownerTweak } from '../unlinkable/owner-keys';
import { encodePadded } from './v3-parts';
import { grantTag } from '../unlinkable/rendezvous';
import {
  buildEmergencyRequestV3,
  makeGrantV3,
  openGrantBoxV3,
  openGrantWrapV3,
  openRequestV3,
  openServiceNoteV3,
  parseGrantV3Meta,
  REQUEST_V3_TYPE,
  requestIssuer,
  verifyGrantV3,
  type OpenedRequestV3,
} from './v3';

const holder = () => new SeedKeyHolder(newSeed());
const [doctor, service, mallory, reader] = [holder(), holder(), holder(), holder()];
const CHART = 'c'.repeat(64);
const AUTHORITY = 'a'.repeat(64);

const request = (by: SeedKeyHolder) =>
  buildEmergencyRequestV3(by, {
    authority: AUTHORITY,
    chart: CHART,
    reason: 'unconscious',
    note: 'road accident',
    service,
    at: new Date().toISOString(),
  });

async function opened(tx: Transaction): Promise<OpenedRequestV3> {
  const result = await openRequestV3(tx, service, service.signKey);
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

describe('v3 emergency requests and grants', () => {
  it('a request shows only a fresh tweaked issuer and a sealed box; the service opens it', async () => {
    const [a, b] = [await request(doctor), await request(doctor)];
    const text = JSON.stringify(a);
    for (const secret of [CHART, AUTHORITY, doctor.signKey, doctor.boxKey, 'unconscious', 'road accident'])
      expect(text).not.toContain(secret);
    // Two requests by one doctor share no key: nothing links them.
    expect(a.inputs[0]!.owners_before[0]).not.toBe(b.inputs[0]!.owners_before[0]);
    // One padded bucket: the note's length is not visible.
    expect(JSON.stringify(a.asset).length).toBe(JSON.stringify(b.asset).length);
    const { data } = await opened(a);
    expect(data).toMatchObject({ chart: CHART, authority: AUTHORITY, requester: { signKey: doctor.signKey } });
    expect(requestIssuer(doctor.signKey, data.tweak)).toBe(a.inputs[0]!.owners_before[0]);
  });

  it("refuses a box copied into someone else's request, and a box the emergency key cannot open", async () => {
    const genuine = await request(doctor);
    const copied = await signTransaction(
      makeCreate(
        (genuine.asset as { data: JsonObject }).data,
        null,
        [ed25519Output(service.signKey)],
        [mallory.signKey],
      ),
      signerFor(mallory),
    );
    expect(await openRequestV3(copied, service, service.signKey)).toEqual({
      ok: false,
      reason: 'the request was not signed by the requester its box names',
    });
    const junk = await signTransaction(
      makeCreate(
        { type: 'hc.emergency.request/3', box: toBase64(randomBytes(200)) },
        null,
        [ed25519Output(service.signKey)],
        [mallory.signKey],
      ),
      signerFor(mallory),
    );
    const result = await openRequestV3(junk, service, service.signKey);
    expect(result.ok === false && result.reason).toMatch(/does not open with the emergency key/);
    // Addressed to another key: not the service's to answer.
    const other = await openRequestV3(genuine, service, mallory.signKey);
    expect(other.ok === false && other.reason).toMatch(/not owned by the emergency key/);
  });

  it('a grant opens to the requester (wrap), to the readers holding the secret (box) and to the service (note)', async () => {
    const req = await opened(await request(doctor));
    const secret = randomBytes(32);
    const dataKey = randomBytes(32);
    const unsigned = makeGrantV3({
      request: req,
      chart: CHART,
      version: 'd'.repeat(64),
      dataKey,
      chartSecret: secret,
      k: 2,
      serviceBoxKey: service.boxKey,
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      at: new Date().toISOString(),
    });
    const grant = await signTransaction(unsigned, signerFor(service));
    expect(verifyGrantV3(grant, req.tx)).not.toBeNull();
    const meta = parseGrantV3Meta(grant.metadata);
    expect(meta.tag).toBe(grantTag(secret, 2));
    expect(grant.outputs[0]!.public_keys).toEqual(req.tx.inputs[0]!.owners_before);
    const text = JSON.stringify(grant);
    for (const secretText of [CHART, 'd'.repeat(64), doctor.signKey, doctor.boxKey, 'road accident'])
      expect(text).not.toContain(secretText);

    const wrap = await openGrantWrapV3(meta, doctor);
    expect(wrap).toMatchObject({ chart: CHART, version: 'd'.repeat(64), requester: doctor.signKey });
    expect(wrap.dataKey).toEqual(dataKey);
    await expect(openGrantWrapV3(meta, reader)).rejects.toThrow(/not sealed to this key/);

    expect(openGrantBoxV3(meta, secret, 2)).toMatchObject({
      requester: { signKey: doctor.signKey, boxKey: doctor.boxKey },
      reason: 'unconscious',
      note: 'road accident',
    });
    expect(() => openGrantBoxV3(meta, secret, 1)).toThrow(/not grant 1/);
    expect(() => openGrantBoxV3(meta, randomBytes(32), 2)).toThrow(/not grant 2/);
    // The note names the chart: a restarted service serves later versions of a grant whose request named none (a query).
    expect(await openServiceNoteV3(meta, service)).toMatchObject({
      requester: doctor.signKey,
      nonce: req.data.nonce,
      chart: CHART,
      version: 'd'.repeat(64),
    });
  });

  it('a request by patient identifiers carries them in the box, in the same bucket; a query that does not parse is refused', async () => {
    const query = { family: 'Vale', given: 'Iris', birthDate: '1984-03-09' };
    const base = {
      authority: AUTHORITY,
      reason: 'unconscious' as const,
      note: '',
      service,
      at: new Date().toISOString(),
    };
    const byQuery = await buildEmergencyRequestV3(doctor, { ...base, query });
    const text = JSON.stringify(byQuery);
    for (const typed of ['"Vale"', '"Iris"', '1984-03-09', '"query"']) expect(text).not.toContain(typed);
    expect(JSON.stringify(byQuery.asset).length).toBe(JSON.stringify((await request(doctor)).asset).length);
    const { data } = await opened(byQuery);
    expect(data.query).toEqual(query);
    expect(data.chart).toBeUndefined();
    await expect(buildEmergencyRequestV3(doctor, { ...base, chart: CHART, query })).rejects.toThrow(/not both/);
    await expect(buildEmergencyRequestV3(doctor, base)).rejects.toThrow(/not both/);
    // A box made by hand (not by the builder) whose query is no date of birth: the service cannot read it (forged).
    const tweak = ownerTweak(randomBytes(32), 0);
    const box = encodePadded({
      type: 'hc.emergency.request.inner/3',
      authority: AUTHORITY,
      query: { ...query, birthDate: 'yesterday' },
      requester: { signKey: doctor.signKey, boxKey: doctor.boxKey },
      tweak: bytesToHex(tweak),
      reason: 'unconscious',
      note: '',
      nonce: toBase64(randomBytes(16)),
      at: new Date().toISOString(),
    });
    const issuer = requestIssuer(doctor.signKey, bytesToHex(tweak));
    const bad = await signTransaction(
      makeCreateBy(
        { type: REQUEST_V3_TYPE, box: toBase64(sealTo(service.boxKey, box)) },
        null,
        [ed25519Output(service.signKey)],
        ed25519Details(issuer),
      ),
      async (_key, message) => doctor.signTweaked!(tweak, message),
      { checkSignatures: false },
    );
    const refused = await openRequestV3(bad, service, service.signKey);
    expect(refused.ok).toBe(false);
    expect(refused.ok ? '' : refused.reason).toMatch(/birthDate/);
  });
});
