import { describe, it, expect } from 'vitest';
import { channelEntries, IpcFailure, type ChartView } from '../../src-shared/ipc';
import { createRegistry, type HandlerMap } from './registry';

const TX = 'b'.repeat(64);
const KEY = '8fJXoVPMoGkfkd2f1R6LXKmsDvLMwyrrbYjadnmxC9fP';
const chartView: ChartView = {
  summary: {
    chartId: TX,
    patientName: 'Ada',
    status: 'active',
    integrity: 'verified',
    tamperReason: null,
    seq: 1,
    headTxId: TX,
    updatedAt: '2026-01-01T00:00:00Z',
    custodian: { signKey: KEY, name: 'Dr A' },
    role: 'reader',
  },
  data: null,
  sharedWith: [],
  seq: 1,
  txId: TX,
};

function kioskHandlers(overrides: Partial<HandlerMap<'kiosk'>> = {}): HandlerMap<'kiosk'> {
  return {
    'patient.openCard': async () => ({ patientName: 'Ada', chartId: TX, idleSeconds: 60 }),
    'patient.getChart': async () => chartView,
    'patient.signOut': async () => ({}),
    'settings.get': async () => ({
      values: {
        nodeUrls: [],
        autoLockMinutes: 5,
        kioskIdleSeconds: 60,
        allowUserNodeUrls: true,
        trustedPractitionerKeys: [],
        kioskCamera: true,
        hospitalAuthority: '',
        ledgerEnvelope: 'v1',
        listCheckpoints: true,
      },
      locked: [],
    }),
    'app.status': async () => ({
      variant: 'kiosk',
      version: '0.1.0',
      node: { url: null, embedded: true, reachable: false, checkedAt: null, error: null, pending: 0 },
      signedIn: false,
    }),
    'app.activity': async () => ({}),
    'charts.access': async () => ({ chartId: TX, canRead: [], history: [], emergencyUnavailable: null }),
    ...overrides,
  };
}

const quiet = { logError: () => undefined };

describe('handler registry', () => {
  it('registers in the kiosk only read-only channels, and no write channel exists there', async () => {
    const registry = createRegistry('kiosk', kioskHandlers(), quiet);
    const byName = new Map(channelEntries().map((e) => [e.name, e.def]));
    expect(registry.channels.length).toBe(7); // the patient's six, and the access history (#13)
    for (const name of registry.channels) expect(byName.get(name)?.readOnly).toBe(true);
    for (const write of channelEntries().filter((e) => !e.def.readOnly)) {
      const r = await registry.dispatch(write.name, {});
      expect(r.ok ? 'ok' : r.error.code).toBe('UNKNOWN_CHANNEL');
    }
  });

  it('#12: the hospital channels, read-only ones included, exist only in the workstation build', async () => {
    const registry = createRegistry('kiosk', kioskHandlers(), quiet);
    const hospital = channelEntries().filter((e) => e.namespace === 'hospital' || e.namespace === 'credentials');
    expect(hospital.map((e) => e.name).sort()).toEqual([
      'credentials.issue',
      'credentials.list',
      'credentials.renew',
      'credentials.revoke',
      'hospital.endRecoverySession',
      'hospital.exportPartial',
      'hospital.heldCharts',
      'hospital.join',
      'hospital.migrate',
      'hospital.migrationPlan',
      'hospital.offboard',
      'hospital.officerBackup',
      'hospital.officerCreate',
      'hospital.officerList',
      'hospital.officerRestore',
      'hospital.recover',
      'hospital.recoverWithShares',
      'hospital.rekey',
      'hospital.sealShare',
      'hospital.setUp',
      'hospital.signPartial',
      'hospital.startCeremony',
      'hospital.startRecoverySession',
      'hospital.status',
    ]);
    for (const entry of hospital) {
      expect(entry.def.variants).toEqual(['workstation']);
      const r = await registry.dispatch(entry.name, {});
      expect(r.ok ? 'ok' : r.error.code).toBe('UNKNOWN_CHANNEL');
    }
    const withHospital = {
      ...kioskHandlers(),
      'hospital.status': async () => ({}),
    } as unknown as HandlerMap<'kiosk'>;
    expect(() => createRegistry('kiosk', withHospital, quiet)).toThrow(/does not register/);
  });

  it('refuses a handler for a channel the build does not register', () => {
    const withWrite = { ...kioskHandlers(), 'charts.revoke': async () => ({}) } as unknown as HandlerMap<'kiosk'>;
    expect(() => createRegistry('kiosk', withWrite, quiet)).toThrow(/does not register/);
  });

  it('refuses to start with a channel missing its handler', () => {
    const missing = { ...kioskHandlers() } as Partial<HandlerMap<'kiosk'>>;
    delete missing['patient.getChart'];
    expect(() => createRegistry('kiosk', missing as HandlerMap<'kiosk'>, quiet)).toThrow(
      /no handler for patient.getChart/,
    );
  });

  it('validates the payload before the handler runs, answering field errors', async () => {
    let called = false;
    const registry = createRegistry(
      'kiosk',
      kioskHandlers({
        'patient.openCard': async () => {
          called = true;
          return { patientName: 'x', chartId: TX, idleSeconds: 1 };
        },
      }),
      quiet,
    );
    for (const bad of [
      undefined,
      null,
      'x',
      { code: '', pin: '1' },
      { code: 'abc' },
      { code: 'abc', pin: '1', admin: true },
    ]) {
      const r = await registry.dispatch('patient.openCard', bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('INVALID_REQUEST');
    }
    const r = await registry.dispatch('patient.openCard', { code: '', pin: '1' });
    expect(!r.ok && r.error.fields).toEqual({ code: 'Enter the code from your card' });
    expect(called).toBe(false);
  });

  it('hands the handler the parsed request', async () => {
    let seen: unknown;
    const registry = createRegistry(
      'kiosk',
      kioskHandlers({
        'patient.openCard': async (req) => {
          seen = req;
          return { patientName: 'x', chartId: TX, idleSeconds: 1 };
        },
      }),
      quiet,
    );
    const r = await registry.dispatch('patient.openCard', { code: '  ABCD-EFGH  ', pin: '123456' });
    expect(r.ok).toBe(true);
    expect(seen).toEqual({ code: 'ABCD-EFGH', pin: '123456' });
  });

  it('maps a typed service failure to its code and message', async () => {
    const registry = createRegistry(
      'kiosk',
      kioskHandlers({
        'patient.openCard': async () => {
          throw new IpcFailure('WRONG_PIN', 'That PIN does not open this card.');
        },
      }),
      quiet,
    );
    expect(await registry.dispatch('patient.openCard', { code: 'x', pin: '000000' })).toEqual({
      ok: false,
      error: { code: 'WRONG_PIN', message: 'That PIN does not open this card.' },
    });
  });

  it('hides an unexpected error behind INTERNAL and logs it', async () => {
    const logged: unknown[] = [];
    const registry = createRegistry(
      'kiosk',
      kioskHandlers({
        'patient.getChart': async () => {
          throw new Error('disk on fire at /secret/path');
        },
      }),
      {
        logError: (_c, e) => logged.push(e),
      },
    );
    const r = await registry.dispatch('patient.getChart', {});
    expect(r.ok ? 'ok' : r.error.code).toBe('INTERNAL');
    expect(JSON.stringify(r)).not.toContain('/secret/path');
    expect(logged).toHaveLength(1);
  });

  it('never lets a response outside the contract through (e.g. a seed slipped into a session)', async () => {
    const logged: unknown[] = [];
    const registry = createRegistry(
      'kiosk',
      kioskHandlers({
        'patient.openCard': async () => ({ patientName: 'Ada', chartId: TX, idleSeconds: 'soon' }) as never,
      }),
      { logError: (_c, e) => logged.push(e) },
    );
    const r = await registry.dispatch('patient.openCard', { code: 'x', pin: '123456' });
    expect(r.ok ? 'ok' : r.error.code).toBe('INVALID_RESPONSE');
    expect(logged).toHaveLength(1);

    // Extra properties are stripped, not forwarded.
    const leaky = createRegistry(
      'kiosk',
      kioskHandlers({
        'patient.openCard': async () =>
          ({ patientName: 'Ada', chartId: TX, idleSeconds: 60, seed: 'deadbeef' }) as never,
      }),
      quiet,
    );
    const r2 = await leaky.dispatch('patient.openCard', { code: 'x', pin: '123456' });
    expect(r2).toEqual({ ok: true, value: { patientName: 'Ada', chartId: TX, idleSeconds: 60 } });
  });

  it('answers UNKNOWN_CHANNEL for names that are not channels', async () => {
    const registry = createRegistry('kiosk', kioskHandlers(), quiet);
    for (const name of ['', '__proto__', 'constructor', 'toString', 'patient', 'x'.repeat(10_000)]) {
      const r = await registry.dispatch(name, {});
      expect(r.ok ? 'ok' : r.error.code).toBe('UNKNOWN_CHANNEL');
      if (!r.ok) expect(r.error.message.length).toBeLessThan(200);
    }
  });
});
