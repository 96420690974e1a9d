// The requester's side and the patient query: a request by chart or by sealed identifiers, its state read from the
// ledger's transactions, and how wristband names match a chart's patient.
import { describe, expect, it } from 'vitest';
import { SeedKeyHolder } from '../../src-main/crypto/seed-key-holder';
import { newSeed } from '../crypto/keys';
import { signTransaction, type Transaction } from '../ledger';
import { signerFor } from '../crypto/keyholder';
import {
  buildEmergencyRequest,
  makeGrant,
  makeRefusal,
  matchesQuery,
  openQuery,
  requestState,
  verifyRequest,
  type EmergencyRequestOptions,
} from './index';

const holder = () => new SeedKeyHolder(newSeed());
const [doctor, service, officer, mallory] = [holder(), holder(), holder(), holder()];
const CHART = 'a'.repeat(64);
const AT = new Date('2026-12-04T17:00:00.000Z');
const options: EmergencyRequestOptions = {
  authority: 'b'.repeat(64),
  requester: doctor,
  reason: 'unconscious',
  note: 'found on the street',
  noteReaders: [officer.boxKey],
  emergencyKey: { signKey: service.signKey, boxKey: service.boxKey },
  officers: [officer.boxKey],
  at: AT,
};
const QUERY = { family: 'Pérez', given: 'Ana', birthDate: '1970-01-02' };

describe('buildEmergencyRequest', () => {
  it('by chart: names the chart, no query', async () => {
    const tx = await buildEmergencyRequest({ chart: CHART }, options);
    const checked = verifyRequest(tx, service.signKey);
    expect(checked.ok && checked.value.data.chart).toBe(CHART);
    expect(checked.ok && checked.value.data.query).toBeUndefined();
  });

  it('by patient identifiers: sealed to the emergency key and the officers, never in clear', async () => {
    const tx = await buildEmergencyRequest({ query: QUERY }, options);
    expect(JSON.stringify(tx)).not.toMatch(/P[ée]rez|1970-01-02/);
    const checked = verifyRequest(tx, service.signKey);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.value.data.chart).toBeUndefined();
    expect(await openQuery(checked.value.data.query!, service)).toEqual(QUERY);
    expect(await openQuery(checked.value.data.query!, officer)).toEqual(QUERY);
    await expect(openQuery(checked.value.data.query!, mallory)).rejects.toThrow(/not sealed to this key/);
  });

  it('refuses a query without a family name or with a malformed date, naming the field', async () => {
    await expect(buildEmergencyRequest({ query: { ...QUERY, family: ' ' } }, options)).rejects.toThrow(/family/);
    await expect(buildEmergencyRequest({ query: { ...QUERY, birthDate: '2/1/1970' } }, options)).rejects.toThrow(
      /birthDate/,
    );
  });
});

describe('requestState', () => {
  it('waiting, then granted with the wrap, version and expiry; or refused with the reason', async () => {
    const req = await buildEmergencyRequest({ chart: CHART }, options);
    expect(requestState(req, [req], service.signKey)).toEqual({ state: 'waiting' });
    const grant = await signTransaction(
      makeGrant(req, {
        chart: CHART,
        version: 'c'.repeat(64),
        wrap: new Uint8Array(80),
        expiresAt: '2026-12-05T17:00:00.000Z',
        at: AT.toISOString(),
      }),
      signerFor(service),
    );
    expect(requestState(req, [req, grant], service.signKey)).toMatchObject({
      state: 'granted',
      grantTx: grant.id,
      chart: CHART,
      version: 'c'.repeat(64),
      expiresAt: '2026-12-05T17:00:00.000Z',
      later: [],
    });
    const refusal = await signTransaction(
      makeRefusal(req, doctor.signKey, 'ambiguous', 'scan the card', AT.toISOString()),
      signerFor(service),
    );
    expect(requestState(req, [req, refusal], service.signKey)).toMatchObject({
      state: 'refused',
      reason: 'ambiguous',
    });
  });

  it('ignores an answer that does not spend the request (another request’s grant), and flags a request for another key', async () => {
    const req = await buildEmergencyRequest({ chart: CHART }, options);
    const other = await buildEmergencyRequest({ chart: CHART }, options);
    const otherRefusal = await signTransaction(
      makeRefusal(other, doctor.signKey, 'revoked', 'x', AT.toISOString()),
      signerFor(service),
    );
    expect(requestState(req, [req, otherRefusal], service.signKey)).toEqual({ state: 'waiting' });
    expect(requestState(req as Transaction, [req], mallory.signKey)).toMatchObject({ state: 'invalid' });
  });

  it('a grant naming another chart than the request is not built', async () => {
    const req = await buildEmergencyRequest({ chart: CHART }, options);
    expect(() =>
      makeGrant(req, {
        chart: 'd'.repeat(64),
        version: 'c'.repeat(64),
        wrap: new Uint8Array(80),
        expiresAt: '2026-12-05T17:00:00.000Z',
        at: AT.toISOString(),
      }),
    ).toThrow(/differs/);
  });
});

describe('matchesQuery', () => {
  const patient = {
    family: 'Pérez García',
    given: 'Ana María',
    name: 'Ana María Pérez García',
    birthDate: '1970-01-02',
  };
  it('compares names loosely (case, accents, spacing) and the date of birth exactly', () => {
    expect(matchesQuery(patient, { family: 'perez  garcia', given: 'ana', birthDate: '1970-01-02' })).toBe(true);
    expect(matchesQuery(patient, { family: 'PEREZ-GARCIA', given: '', birthDate: '1970-01-02' })).toBe(true);
    expect(matchesQuery(patient, { family: 'Perez Garcia', given: 'Ana Maria', birthDate: '1970-01-02' })).toBe(true);
    expect(matchesQuery(patient, { family: 'Perez Garcia', given: 'Ana', birthDate: '1970-01-03' })).toBe(false);
    expect(matchesQuery(patient, { family: 'Perez', given: 'Ana', birthDate: '1970-01-02' })).toBe(false);
    expect(matchesQuery(patient, { family: 'Perez Garcia', given: 'Maria', birthDate: '1970-01-02' })).toBe(false);
  });
  it('a chart with only a full name matches on its last words', () => {
    const old = { family: '', given: '', name: "John O'Neil", birthDate: '1950-06-01' };
    expect(matchesQuery(old, { family: 'oneil', given: 'John', birthDate: '1950-06-01' })).toBe(true);
    expect(matchesQuery(old, { family: 'Neil', given: '', birthDate: '1950-06-01' })).toBe(false);
  });
});
