// The access history from verified versions and emergency cases: who reads now, what happened, in order, and a sealed
// reason only where the caller could open it.
import { describe, expect, it } from 'vitest';
import { accessHistory, type AccessInput, type AccessVersion, type EmergencyCase } from './access-history';

const k = (c: string) => c.repeat(44);
const tx = (c: string) => c.repeat(64);
const people: Record<string, { signKey: string; name: string; role?: 'recovery' | 'emergency-service' }> = {
  [k('A')]: { signKey: k('a'), name: 'Dr Ada' },
  [k('B')]: { signKey: k('b'), name: 'Dr Bo' },
  [k('C')]: { signKey: k('c'), name: 'Dr Cy' },
  [k('R')]: { signKey: k('r'), name: 'Recovery', role: 'recovery' },
  [k('E')]: { signKey: k('e'), name: 'Emergency service', role: 'emergency-service' },
};
const PATIENT = k('P');
const ada = { signKey: k('a'), name: 'Dr Ada' };
const cy = { signKey: k('c'), name: 'Dr Cy' };
const er = { signKey: k('d'), name: 'Dr Er' };

const v = (
  seq: number,
  action: AccessVersion['action'],
  author: typeof ada,
  custodian: typeof ada,
  readers: readonly string[],
  note: string | null = null,
) =>
  ({
    seq,
    action,
    at: `2026-12-0${seq}T10:00:00.000Z`,
    txId: tx(String(seq)),
    author,
    custodian,
    readers,
    note,
  }) satisfies AccessVersion;

const versions: AccessVersion[] = [
  v(1, 'create', ada, ada, [k('A'), PATIENT, k('R'), k('E')]),
  v(2, 'share', ada, ada, [k('A'), PATIENT, k('R'), k('E'), k('B')]),
  v(3, 'update', ada, ada, [k('A'), PATIENT, k('R'), k('E'), k('B')]),
  v(4, 'unshare', ada, ada, [k('A'), PATIENT, k('R'), k('E')]),
  v(5, 'custody', ada, cy, [k('C'), k('A'), PATIENT, k('R'), k('E')]),
];

const grantCase = (expiresAt: string, versionTxId = tx('5')): EmergencyCase => ({
  requestId: tx('a'),
  at: '2026-12-06T03:00:00.000Z',
  requester: er,
  reason: 'unconscious',
  note: 'Found unconscious in the car park',
  answer: { kind: 'grant', txId: tx('b'), at: '2026-12-06T03:00:01.000Z', expiresAt, versionTxId },
});

const input = (over: Partial<AccessInput> = {}): AccessInput => ({
  chartId: tx('1'),
  versions,
  emergencies: [],
  personOf: (boxKey) => people[boxKey] ?? null,
  patientBoxKey: PATIENT,
  patientName: 'Jane Roe',
  now: new Date('2026-12-06T12:00:00.000Z'),
  ...over,
});

describe('accessHistory', () => {
  it('lists the custodian, the patient, shared doctors and the hospital keys who read the current version', () => {
    const { canRead } = accessHistory(input());
    expect(canRead.map((p) => [p.role, p.person.name])).toEqual([
      ['custodian', 'Dr Cy'],
      ['patient', 'Jane Roe'],
      ['doctor', 'Dr Ada'],
      ['recovery', 'Recovery'],
      ['emergency-service', 'Emergency service'],
    ]);
  });

  it('tells shares, unshares (naming who) and custody changes, and leaves content updates out', () => {
    const { history } = accessHistory(input());
    expect(history.map((e) => [e.kind, e.by.name, e.subject?.name ?? null])).toEqual([
      ['created', 'Dr Ada', 'Dr Ada'],
      ['shared', 'Dr Ada', 'Dr Bo'],
      ['unshared', 'Dr Ada', 'Dr Bo'],
      ['custody', 'Dr Ada', 'Dr Cy'],
    ]);
    expect(history.map((e) => e.txId)).toEqual([tx('1'), tx('2'), tx('4'), tx('5')]);
  });

  it('shows revocations and restores with the note the viewer opened', () => {
    const extra = [
      ...versions,
      v(6, 'revoke', cy, cy, versions[4]!.readers, 'Duplicate record'),
      v(7, 'restore', cy, cy, versions[4]!.readers),
    ];
    const { history } = accessHistory(input({ versions: extra }));
    expect(history.slice(-2).map((e) => [e.kind, e.text])).toEqual([
      ['revoked', 'Duplicate record'],
      ['restored', null],
    ]);
  });

  it('lists a running emergency grant as a reader until it expires, and its request and grant in the history', () => {
    const access = accessHistory(input({ emergencies: [grantCase('2026-12-07T03:00:01.000Z')] }));
    const emergency = access.canRead.filter((p) => p.role === 'emergency');
    expect(emergency).toEqual([{ role: 'emergency', person: er, until: '2026-12-07T03:00:01.000Z', versionSeq: null }]);
    expect(access.history.slice(-2).map((e) => [e.kind, e.by.name, e.subject?.name ?? null, e.reason, e.text])).toEqual(
      [
        ['emergency-request', 'Dr Er', null, 'unconscious', 'Found unconscious in the car park'],
        ['emergency-grant', 'Emergency access service', 'Dr Er', 'unconscious', null],
      ],
    );
    expect(access.history.at(-1)!.expiresAt).toBe('2026-12-07T03:00:01.000Z');
  });

  it('drops an expired grant from the readers but keeps it in the history', () => {
    const access = accessHistory(input({ emergencies: [grantCase('2026-12-06T11:59:59.000Z')] }));
    expect(access.canRead.some((p) => p.role === 'emergency')).toBe(false);
    expect(access.history.some((e) => e.kind === 'emergency-grant')).toBe(true);
  });

  it('says which version a grant covers when a later one exists', () => {
    const later = [...versions, v(6, 'update', cy, cy, versions[4]!.readers)];
    const access = accessHistory(input({ versions: later, emergencies: [grantCase('2026-12-07T03:00:00.000Z')] }));
    expect(access.canRead.find((p) => p.role === 'emergency')!.versionSeq).toBe(5);
  });

  it('shows a refusal with its reason, and no text for a sealed reason the viewer could not open', () => {
    const refused: EmergencyCase = {
      ...grantCase('x'),
      note: null,
      answer: { kind: 'refusal', txId: tx('c'), at: '2026-12-06T03:00:02.000Z', reason: 'revoked', detail: '' },
    };
    const access = accessHistory(input({ emergencies: [refused] }));
    expect(access.canRead.some((p) => p.role === 'emergency')).toBe(false);
    expect(access.history.slice(-2).map((e) => [e.kind, e.text, e.refusal])).toEqual([
      ['emergency-request', null, null],
      ['emergency-refusal', null, 'revoked'],
    ]);
  });

  it('lists a request still waiting for the service, in date order among the versions', () => {
    const waiting: EmergencyCase = { ...grantCase('x'), at: '2026-12-03T12:00:00.000Z', answer: null };
    const { history } = accessHistory(input({ emergencies: [waiting] }));
    expect(history.map((e) => e.kind)).toEqual(['created', 'shared', 'emergency-request', 'unshared', 'custody']);
  });

  it('names nobody for a key it does not know, and nothing for a chart without versions', () => {
    const odd = [v(1, 'create', ada, ada, [k('A'), k('Z')])];
    expect(accessHistory(input({ versions: odd, patientBoxKey: null })).canRead.map((p) => p.role)).toEqual([
      'custodian',
      'unknown',
    ]);
    expect(accessHistory(input({ versions: [] }))).toMatchObject({ canRead: [], history: [] });
  });

  it('carries why the emergency part is missing', () => {
    expect(accessHistory(input({ emergencyUnavailable: 'no emergency service' })).emergencyUnavailable).toBe(
      'no emergency service',
    );
  });
});
