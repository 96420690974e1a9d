import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeIpcError } from './test/inMemoryHealthchain';
import { setup } from './test/render';
import { appStatus, chartView, doctor, summary, txId } from './test/fixtures';
import { useCharts } from './stores/charts';
import { App } from './App';

const workstation = {
  'app.status': () => appStatus(),
  'app.activity': () => ({}),
  'vault.list': () => ({ identities: [doctor] }),
  'vault.session': () => ({ identity: doctor }),
  'vault.lock': () => ({}),
  'charts.list': () => ({ charts: [summary()] }),
  'charts.recent': () => ({ actions: [] }),
};

describe('App', () => {
  it('shows only the patient flow in the kiosk build', async () => {
    setup(<App />, { 'app.status': () => appStatus({ variant: 'kiosk', signedIn: false }) }, { variant: 'kiosk' });
    expect(await screen.findByRole('heading', { name: 'See your medical record' })).toBeTruthy();
    expect(screen.queryByRole('navigation')).toBeNull();
  });

  it('starts with first run when the workstation has no identity', async () => {
    setup(<App />, {
      ...workstation,
      'vault.list': () => ({ identities: [] }),
      'vault.session': () => ({ identity: null }),
    });
    expect(await screen.findByRole('heading', { name: 'Set up your identity' })).toBeTruthy();
  });

  it('opens the console for an unlocked identity, with the node and outbox in the status bar', async () => {
    setup(<App />, {
      ...workstation,
      'app.status': () =>
        appStatus({
          node: {
            url: 'https://ledger.hospital.example',
            embedded: false,
            reachable: false,
            checkedAt: null,
            error: 'connection refused',
            pending: 3,
          },
        }),
    });
    expect(await screen.findByRole('heading', { name: 'Patients' })).toBeTruthy();
    const status = screen.getByRole('contentinfo', { name: 'Status' });
    expect(
      screen.getByRole('status', { name: 'Ledger node: https://ledger.hospital.example, unreachable' }),
    ).toBeTruthy();
    expect(status.textContent).toContain('connection refused');
    expect(status.textContent).toContain('Outbox: 3 pending');
  });

  it('follows node status events live', async () => {
    const { main } = setup(<App />, workstation);
    await screen.findByRole('heading', { name: 'Patients' });
    expect(screen.getByRole('status', { name: /Ledger node: Embedded node, reachable/ })).toBeTruthy();
    main.emit('nodeStatus', {
      url: 'http://127.0.0.1:9984',
      embedded: true,
      reachable: false,
      checkedAt: null,
      error: 'timed out',
      pending: 1,
    });
    await waitFor(() => expect(screen.getByRole('status', { name: /Embedded node, unreachable/ })).toBeTruthy());
    expect(screen.getByRole('contentinfo', { name: 'Status' }).textContent).toContain('Outbox: 1 pending');
  });

  it('drops all chart data and shows the lock screen when main locks after inactivity', async () => {
    const { main, user } = setup(<App />, {
      ...workstation,
      'vault.unlock': (req) => {
        if ((req as { password: string }).password !== 'correct horse battery')
          throw new FakeIpcError({ code: 'WRONG_PASSWORD', message: 'Wrong password' });
        return { identity: doctor };
      },
    });
    expect(await screen.findByRole('button', { name: 'Amelia Quartermaine' })).toBeTruthy();
    main.emit('lock', { reason: 'idle' });
    expect(await screen.findByRole('heading', { name: 'Locked' })).toBeTruthy();
    expect(screen.getByText(/locked itself after a period of inactivity/)).toBeTruthy();
    expect(screen.queryByText('Amelia Quartermaine')).toBeNull();
    expect(useCharts.getState().summaries).toEqual([]);

    await user.type(screen.getByLabelText('Password'), 'wrong password!');
    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong password');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(await screen.findByRole('button', { name: 'Amelia Quartermaine' })).toBeTruthy();
  });

  it('signs out to the identity picker', async () => {
    const { user, main } = setup(<App />, workstation);
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(screen.getByRole('radio', { name: /Dr. Lena Okafor/ })).toBeTruthy();
    expect(main.callsTo('vault.lock')).toHaveLength(1);
  });

  it('clears the pending banner once main reports the chart’s transaction committed', async () => {
    let committed = false;
    const { main, user } = setup(<App />, {
      ...workstation,
      'charts.get': () => chartView({}, { integrity: committed ? 'verified' : 'pending' }),
    });
    await user.click(await screen.findByRole('button', { name: 'Amelia Quartermaine' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Pending: not yet committed to the ledger');
    committed = true;
    main.emit('recentActions', {
      actions: [
        {
          txId: txId(2),
          chartId: txId(1),
          action: 'update',
          at: '2026-11-20T10:00:00.000Z',
          patientName: 'Amelia Quartermaine',
          state: 'committed',
          error: null,
        },
      ],
    });
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(screen.getByRole('heading', { name: 'Amelia Quartermaine' })).toBeTruthy();
  });
});
