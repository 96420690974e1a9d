// Access histories and emergency request states as main answers them (issue #13), for component tests.
import type { ChartAccess, EmergencyRequestState } from '../../../src-shared/ipc/access';
import { KEY_ME, KEY_OTHER, KEY_THIRD, txId } from './fixtures';

export function chartAccess(overrides: Partial<ChartAccess> = {}): ChartAccess {
  const none = { reason: null, refusal: null, text: null, expiresAt: null, subject: null };
  return {
    chartId: txId(1),
    canRead: [
      { role: 'custodian', person: { signKey: KEY_ME, name: 'Dr. Lena Okafor' }, until: null, versionSeq: null },
      { role: 'patient', person: { signKey: '', name: 'Amelia Quartermaine' }, until: null, versionSeq: null },
      { role: 'doctor', person: { signKey: KEY_OTHER, name: 'Dr. Tomasz Wierzbicki' }, until: null, versionSeq: null },
      {
        role: 'emergency',
        person: { signKey: KEY_THIRD, name: 'Dr. Ada Okafor' },
        until: '2026-12-05T03:00:00.000Z',
        versionSeq: null,
      },
    ],
    history: [
      {
        ...none,
        kind: 'created',
        at: '2026-11-20T10:00:00.000Z',
        by: { signKey: KEY_ME, name: 'Dr. Lena Okafor' },
        txId: txId(1),
      },
      {
        ...none,
        kind: 'shared',
        at: '2026-11-21T10:00:00.000Z',
        by: { signKey: KEY_ME, name: 'Dr. Lena Okafor' },
        subject: { signKey: KEY_OTHER, name: 'Dr. Tomasz Wierzbicki' },
        txId: txId(2),
      },
      {
        ...none,
        kind: 'emergency-request',
        at: '2026-12-04T03:00:00.000Z',
        by: { signKey: KEY_THIRD, name: 'Dr. Ada Okafor' },
        reason: 'unconscious',
        text: 'Found collapsed in the car park',
        txId: txId(10),
      },
      {
        ...none,
        kind: 'emergency-grant',
        at: '2026-12-04T03:00:01.000Z',
        by: { signKey: '', name: 'Emergency access service' },
        subject: { signKey: KEY_THIRD, name: 'Dr. Ada Okafor' },
        reason: 'unconscious',
        expiresAt: '2026-12-05T03:00:00.000Z',
        txId: txId(11),
      },
    ],
    emergencyUnavailable: null,
    ...overrides,
  };
}

export function requestState(overrides: Partial<EmergencyRequestState> = {}): EmergencyRequestState {
  return {
    requestId: txId(10),
    chartId: txId(1),
    reason: 'unconscious',
    requestedAt: '2026-12-04T03:00:00.000Z',
    state: 'waiting',
    grant: null,
    refusal: null,
    ...overrides,
  };
}
