// The kiosk's access history answers the open card's own chart and no other (issue #13): a patient at the kiosk can
// never read who accessed someone else's record by naming its id. The chart service here is a stand-in that records
// what it was asked (the guard under test sits in front of it); the real one is exercised by
// test/integration/emergency/desk.test.ts and test/e2e/emergency-access.spec.ts.
import { describe, expect, it } from 'vitest';
import type { KeyHolder } from '../../../src-shared/crypto/keyholder';
import type { CallContext } from '../registry';
import { PatientSession, type KioskContext } from './context';
import { kioskHandlers } from './kiosk';

const OWN = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

function kiosk() {
  const asked: string[] = [];
  const patient = new PatientSession();
  const ctx = {
    charts: {
      emergency: {
        access: async (_holder: KeyHolder, chartId: string) => {
          asked.push(chartId);
          return { chartId, canRead: [], history: [], emergencyUnavailable: null };
        },
      },
    },
    settings: {},
    patient,
    status: { activity: () => undefined },
    onSignedOut: () => undefined,
  } as unknown as KioskContext;
  return { handlers: kioskHandlers(ctx), patient, asked };
}

const call = {} as CallContext;

describe('kiosk charts.access', () => {
  it("answers the open card's chart, refuses any other without asking the chart service", async () => {
    const { handlers, patient, asked } = kiosk();
    patient.set({ holder: { signKey: 'k', boxKey: 'b' } as KeyHolder, chartId: OWN, patientName: 'Rosa Marsh' });
    await expect(handlers['charts.access']({ chartId: OTHER }, call)).rejects.toMatchObject({ code: 'NOT_PERMITTED' });
    expect(asked).toEqual([]);
    await expect(handlers['charts.access']({ chartId: OWN }, call)).resolves.toMatchObject({ chartId: OWN });
    expect(asked).toEqual([OWN]);
  });

  it('refuses when no card is open', async () => {
    const { handlers, asked } = kiosk();
    await expect(handlers['charts.access']({ chartId: OWN }, call)).rejects.toMatchObject({ code: 'LOCKED' });
    expect(asked).toEqual([]);
  });
});
