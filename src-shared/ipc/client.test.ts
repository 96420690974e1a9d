import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { buildClient, type IpcTransport } from './client';
import { channelEntries, contract, events } from './contract';

const TX = 'a'.repeat(64);

function recordingTransport(answer: (channel: string, payload: unknown) => unknown) {
  const calls: { channel: string; payload: unknown }[] = [];
  const listeners = new Map<string, (payload: unknown) => void>();
  const transport: IpcTransport = {
    async invoke(channel, payload) {
      calls.push({ channel, payload });
      return answer(channel, payload);
    },
    subscribe(event, listener) {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
  };
  return { transport, calls, listeners };
}

describe('contract', () => {
  it('declares every kiosk channel read-only', () => {
    const kiosk = channelEntries().filter((e) => e.def.variants.includes('kiosk'));
    expect(kiosk.map((e) => e.name).sort()).toEqual(
      [
        'app.activity',
        'app.status',
        'charts.access', // the patient's Access tab (#13)
        'patient.getChart',
        'patient.openCard',
        'patient.signOut',
        'settings.get',
      ].sort(),
    );
    expect(kiosk.every((e) => e.def.readOnly)).toBe(true);
  });

  it('marks every channel that writes to the ledger, keychain or settings as not read-only', () => {
    const writes = channelEntries()
      .filter((e) => !e.def.readOnly)
      .map((e) => e.name);
    for (const name of [
      'vault.create',
      'vault.unlock',
      'vault.delete',
      'vault.importBackup',
      'vault.changePassword',
      'charts.create',
      'charts.update',
      'charts.revoke',
      'charts.restore',
      'charts.share',
      'charts.unshare',
      'charts.custody',
      'emergency.request',
      'settings.set',
    ]) {
      expect(writes).toContain(name);
    }
  });

  it('has no response or event field, at any depth, that could carry a secret', () => {
    const names = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'properties' && v && typeof v === 'object') Object.keys(v).forEach((n) => names.add(n));
          walk(v);
        }
      }
    };
    for (const e of channelEntries()) walk(z.toJSONSchema(e.def.response, { io: 'output', unrepresentable: 'any' }));
    for (const e of Object.values(events)) walk(z.toJSONSchema(e.payload, { io: 'output', unrepresentable: 'any' }));
    expect(names.has('patientName')).toBe(true); // the walk reaches nested objects
    expect([...names].filter((n) => /seed|secret|private|password|dataKey|wrap/i.test(n))).toEqual([]);
  });
});

describe('buildClient', () => {
  it('sends the parsed request on the channel and returns the parsed value', async () => {
    const { transport, calls } = recordingTransport(() => ({ ok: true, value: { charts: [] } }));
    const api = buildClient(transport);
    const r = await api.charts.list();
    expect(r).toEqual({ ok: true, value: { charts: [] } });
    expect(calls).toEqual([{ channel: 'charts.list', payload: { status: 'all' } }]);
  });

  it('rejects an invalid request before it leaves, with field errors', async () => {
    const { transport, calls } = recordingTransport(() => ({ ok: true, value: {} }));
    const api = buildClient(transport);
    const r = await api.charts.share({ chartId: 'nope', signKey: '0OIl' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('INVALID_REQUEST');
    expect(Object.keys(r.error.fields ?? {}).sort()).toEqual(['chartId', 'signKey']);
    expect(calls).toHaveLength(0);
  });

  it('rejects unknown request keys (strict schemas)', async () => {
    const { transport } = recordingTransport(() => ({ ok: true, value: {} }));
    const api = buildClient(transport);
    const r = await api.charts.revoke({ chartId: TX, extra: 1 } as never);
    expect(r.ok ? 'ok' : r.error.code).toBe('INVALID_REQUEST');
  });

  it('passes typed errors from main through unchanged', async () => {
    const error = { code: 'WRONG_PASSWORD', message: 'Wrong password. Try again in 2 s.' };
    const { transport } = recordingTransport(() => ({ ok: false, error }));
    const r = await buildClient(transport).vault.unlock({ id: 'x', password: 'y' });
    expect(r).toEqual({ ok: false, error });
  });

  it('reports a response that breaks the contract as INVALID_RESPONSE, never as data', async () => {
    const { transport } = recordingTransport(() => ({ ok: true, value: { charts: [{ chartId: 'bad' }] } }));
    const r = await buildClient(transport).charts.list();
    expect(r.ok ? 'ok' : r.error.code).toBe('INVALID_RESPONSE');
    const { transport: t2 } = recordingTransport(() => 'garbage');
    const r2 = await buildClient(t2).app.status();
    expect(r2.ok ? 'ok' : r2.error.code).toBe('INVALID_RESPONSE');
    const { transport: t3 } = recordingTransport(() => ({ ok: false, error: { code: 'MADE_UP', message: 'x' } }));
    const r3 = await buildClient(t3).app.status();
    expect(r3.ok ? 'ok' : r3.error.code).toBe('INVALID_RESPONSE');
  });

  it('turns a transport failure into TRANSPORT', async () => {
    const transport: IpcTransport = {
      invoke: () => Promise.reject(new Error('socket closed')),
      subscribe: () => () => undefined,
    };
    const r = await buildClient(transport).app.status();
    expect(r).toEqual({
      ok: false,
      error: { code: 'TRANSPORT', message: 'Could not reach the application: socket closed' },
    });
  });

  it('answers UNKNOWN_CHANNEL locally for channels outside the variant', async () => {
    const { transport, calls } = recordingTransport(() => ({ ok: true, value: {} }));
    const api = buildClient(transport, { variant: 'kiosk' });
    const r = await api.charts.revoke({ chartId: TX });
    expect(r.ok ? 'ok' : r.error.code).toBe('UNKNOWN_CHANNEL');
    expect(calls).toHaveLength(0);
  });

  it('builds one method per channel and one subscription per event', () => {
    const api = buildClient(recordingTransport(() => null).transport) as unknown as Record<
      string,
      Record<string, unknown>
    >;
    for (const [ns, methods] of Object.entries(contract)) {
      for (const m of Object.keys(methods)) expect(typeof api[ns]?.[m]).toBe('function');
    }
    for (const e of Object.keys(events)) expect(typeof api.on?.[e]).toBe('function');
  });

  it('delivers valid events and drops malformed ones', () => {
    const { transport, listeners } = recordingTransport(() => null);
    const api = buildClient(transport);
    const got: unknown[] = [];
    const off = api.on.lock((p) => got.push(p));
    listeners.get('lock')?.({ reason: 'idle' });
    listeners.get('lock')?.({ reason: 'because' });
    expect(got).toEqual([{ reason: 'idle' }]);
    off();
    expect(listeners.has('lock')).toBe(false);
  });
});

describe('chart data in answers', () => {
  it('a stored version with a date later than the reader’s today still crosses IPC (only requests check that)', async () => {
    const { chartViewSchema } = await import('./data');
    const { sampleChart } = await import('../../test/fixtures/sample-chart');
    const chart = sampleChart();
    chart.patient.visitDate = '2999-01-01';
    chart.visits[0]!.date = '2999-01-01';
    const view = {
      summary: {
        chartId: TX,
        patientName: chart.patient.name,
        status: 'active',
        integrity: 'verified',
        tamperReason: null,
        seq: 1,
        headTxId: TX,
        updatedAt: '2026-12-01T00:00:00.000Z',
        custodian: { signKey: '7i9DaiYp7752wxAGL77AL3dZiETaBtwoorNUzFvKAf91', name: 'Dr A' },
        role: 'custodian',
      },
      data: chart,
      sharedWith: [],
      seq: 1,
      txId: TX,
    };
    const parsed = chartViewSchema.safeParse(view);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(contract.charts.update.request.safeParse({ chartId: TX, baseSeq: 1, chart }).success).toBe(false);
  });
});
