// The emergency documents without a node: a request signed by its requester and addressed to the emergency key, a
// grant that re-wraps a version's data key for the requester, refusals, and the forgeries the checks must catch.
import { describe, expect, it } from 'vitest';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { newSeed } from '../crypto/keys';
import { sealEnvelope } from '../crypto/envelope';
import { utf8 } from '../crypto/bytes';
import { ed25519Output, makeCreate, signTransaction, type JsonObject, type Transaction } from '../ledger';
import { signerFor } from '../crypto/keyholder';
import {
  makeEmergencyRequest,
  makeGrant,
  makeRefusal,
  openNote,
  openVersionWithGrant,
  rewrapForRequester,
  verifyAnswer,
  verifyRequest,
} from './index';

const holder = () => new SeedKeyHolder(newSeed());
const [doctor, service, patient, officer, mallory, custodian] = [
  holder(),
  holder(),
  holder(),
  holder(),
  holder(),
  holder(),
];
const CHART = 'a'.repeat(64);
const AUTHORITY = 'b'.repeat(64);
const AT = '2026-12-04T17:00:00.000Z';

const sign = (unsigned: Parameters<typeof signTransaction>[0], by: SeedKeyHolder) =>
  signTransaction(unsigned, signerFor(by));

function requestBy(names: SeedKeyHolder, serviceKey = service.signKey) {
  return makeEmergencyRequest({
    authority: AUTHORITY,
    chart: CHART,
    requester: { signKey: names.signKey, boxKey: names.boxKey },
    reason: 'unconscious',
    note: 'Found unresponsive, allergies unknown',
    noteReaders: [patient.boxKey, custodian.boxKey, officer.boxKey],
    serviceSignKey: serviceKey,
    at: AT,
  });
}

describe('emergency request', () => {
  it('is signed by the requester it names, addressed to the emergency key, its reason sealed to the readers only', async () => {
    const tx = await sign(requestBy(doctor), doctor);
    const checked = verifyRequest(tx, service.signKey);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(JSON.stringify(tx)).not.toContain('allergies');
    expect(await openNote(checked.value.data.note, officer)).toBe('Found unresponsive, allergies unknown');
    expect(await openNote(checked.value.data.note, patient)).toBe('Found unresponsive, allergies unknown');
    await expect(openNote(checked.value.data.note, doctor)).rejects.toThrow(/not sealed to this key/);
  });

  it('refuses a request naming another requester than its signer, or addressed to another key', async () => {
    const copied = requestBy(doctor);
    const forged = await sign(
      makeCreate(
        (copied.asset as { data: JsonObject }).data,
        copied.metadata,
        [ed25519Output(service.signKey)],
        [mallory.signKey],
      ),
      mallory,
    );
    expect(verifyRequest(forged, service.signKey)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not signed by the requester/),
    });
    const elsewhere = await sign(requestBy(doctor, mallory.signKey), doctor);
    expect(verifyRequest(elsewhere, service.signKey)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not owned by the emergency key/),
    });
  });

  it('refuses an unknown reason code with the field named', () => {
    expect(() =>
      makeEmergencyRequest({
        authority: AUTHORITY,
        chart: CHART,
        requester: { signKey: doctor.signKey, boxKey: doctor.boxKey },
        reason: 'curiosity' as never,
        note: '',
        noteReaders: [patient.boxKey],
        serviceSignKey: service.signKey,
        at: AT,
      }),
    ).toThrow(/reason/);
  });
});

describe('emergency grant and refusal', () => {
  it('re-wraps the version data key to the requester, who opens that version and no other, until expiry', async () => {
    const request = await sign(requestBy(doctor), doctor);
    const envelope = sealEnvelope(
      { action: 'create', seq: 1, at: AT, author: custodian.signKey },
      utf8('{"allergies":["penicillin"]}'),
      [custodian.boxKey, service.boxKey],
    );
    const version = 'c'.repeat(64);
    const wrap = await rewrapForRequester(envelope, service, doctor.boxKey);
    const grantTx = await sign(
      makeGrant(request, { chart: CHART, version, wrap, expiresAt: '2026-12-05T17:00:00.000Z', at: AT }),
      service,
    );
    const answer = verifyAnswer(grantTx, request as Transaction);
    expect(answer.ok && answer.value.kind).toBe('grant');
    if (!answer.ok || answer.value.kind !== 'grant') return;
    const grant = answer.value.grant;
    const text = new TextDecoder().decode(await openVersionWithGrant(envelope, version, grant, doctor, new Date(AT)));
    expect(text).toContain('penicillin');
    await expect(openVersionWithGrant(envelope, 'd'.repeat(64), grant, doctor, new Date(AT))).rejects.toThrow(
      /does not cover/,
    );
    await expect(
      openVersionWithGrant(envelope, version, grant, doctor, new Date('2026-12-06T00:00:00Z')),
    ).rejects.toThrow(/expired/);
    await expect(openVersionWithGrant(envelope, version, grant, mallory, new Date(AT))).rejects.toThrow();
  });

  it('refuses to re-wrap a version not wrapped for the emergency key', async () => {
    const envelope = sealEnvelope({ action: 'create', seq: 1, at: AT, author: custodian.signKey }, utf8('{}'), [
      custodian.boxKey,
    ]);
    await expect(rewrapForRequester(envelope, service, doctor.boxKey)).rejects.toThrow(
      /not wrapped for the emergency key/,
    );
  });

  it('an answer signed by any key but the emergency key does not verify; a refusal names its reason', async () => {
    const request = await sign(requestBy(doctor), doctor);
    await expect(sign(makeRefusal(request, doctor.signKey, 'rate-limit', 'too many', AT), mallory)).rejects.toThrow();
    const refusal = await sign(makeRefusal(request, doctor.signKey, 'revoked', 'credential revoked', AT), service);
    expect(verifyAnswer(refusal, request)).toMatchObject({
      ok: true,
      value: { kind: 'refusal', refusal: { reason: 'revoked' } },
    });
    const other = await sign(requestBy(doctor), doctor);
    expect(verifyAnswer(refusal, other).ok).toBe(false);
  });
});
