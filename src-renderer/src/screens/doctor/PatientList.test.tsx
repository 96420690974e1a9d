import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setup } from '../../test/render';
import { FakeIpcError } from '../../test/inMemoryHealthchain';
import { summary, txId } from '../../test/fixtures';
import { useCharts } from '../../stores/charts';
import { useNavigation } from '../../stores/navigation';
import { PatientList } from './PatientList';

const CHARTS = [
  summary({ chartId: txId(1), patientName: 'Amelia Quartermaine' }),
  summary({ chartId: txId(2), patientName: 'José Álvarez', status: 'revoked' }),
  summary({ chartId: txId(3), patientName: 'Zoë Quinn', integrity: 'pending' }),
];

function names() {
  const table = screen.queryByRole('table', { name: 'Patients' });
  return table
    ? within(table)
        .getAllByRole('button')
        .map((b) => b.textContent)
    : [];
}

describe('Patient list', () => {
  it('searches decrypted names instantly (case and accents ignored), filters by status, and counts', async () => {
    useCharts.setState({ summaries: CHARTS, listLoaded: true });
    const { user, main } = setup(<PatientList />, {});
    expect(screen.getByText('3 charts · 2 active · 1 revoked')).toBeTruthy();
    expect(names()).toEqual(['Amelia Quartermaine', 'José Álvarez', 'Zoë Quinn']);

    await user.type(screen.getByRole('searchbox', { name: 'Search patients' }), 'jose alv');
    expect(names()).toEqual(['José Álvarez']);
    await user.clear(screen.getByRole('searchbox', { name: 'Search patients' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search patients' }), 'ZOE');
    expect(names()).toEqual(['Zoë Quinn']);
    await user.clear(screen.getByRole('searchbox', { name: 'Search patients' }));

    await user.click(screen.getByRole('radio', { name: 'Revoked (1)' }));
    expect(names()).toEqual(['José Álvarez']);
    await user.click(screen.getByRole('radio', { name: 'Active (2)' }));
    expect(names()).toEqual(['Amelia Quartermaine', 'Zoë Quinn']);
    await user.type(screen.getByRole('searchbox', { name: 'Search patients' }), 'josé');
    expect(screen.getByRole('status').textContent).toBe('No patient matches “josé” in active charts.');
    // Searching happens in the renderer: nothing about the query reaches main.
    expect(main.calls).toHaveLength(0);
  });

  it('marks pending and tampered charts and opens a chart', async () => {
    useCharts.setState({
      summaries: [
        ...CHARTS,
        summary({ chartId: txId(4), patientName: '', integrity: 'tampered', tamperReason: 'bad signature' }),
      ],
      listLoaded: true,
    });
    const { user } = setup(<PatientList />, {});
    const rows = within(screen.getByRole('table', { name: 'Patients' })).getAllByRole('row');
    expect(rows[3]?.textContent).toContain('Pending');
    expect(rows[4]?.textContent).toContain('Unreadable chart (tampered)');
    expect(rows[4]?.textContent).toContain('Tampered');
    await user.click(screen.getByRole('button', { name: 'Zoë Quinn' }));
    expect(useNavigation.getState().route).toEqual({ name: 'chart', chartId: txId(3) });
  });

  it('loads the list from main and has an empty state that leads to “Add patient”', async () => {
    const { user } = setup(<PatientList />, { 'charts.list': () => ({ charts: [] }) });
    await useCharts.getState().loadList();
    expect(await screen.findByText(/No patients yet/)).toBeTruthy();
    await user.click(screen.getAllByRole('button', { name: 'Add patient' })[1]!);
    expect(useNavigation.getState().route).toEqual({ name: 'new-patient' });
  });

  it('says plainly when a refresh fails instead of silently showing the old list as current', async () => {
    useCharts.setState({ summaries: CHARTS, listLoaded: true });
    const { user } = setup(<PatientList />, {
      'charts.list': () => {
        throw new FakeIpcError({
          code: 'NODE_UNREACHABLE',
          message: 'The ledger node at http://127.0.0.1:9984 does not answer',
        });
      },
    });
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The list could not be refreshed: it may be out of date');
    expect(alert.textContent).toContain('The ledger node at http://127.0.0.1:9984 does not answer');
  });

  it('offline, shows the charts verified on this workstation with a warning that they may be out of date', async () => {
    useCharts.setState({ summaries: [], listLoaded: false });
    setup(<PatientList />, {
      'charts.list': () => ({
        charts: CHARTS,
        offline: {
          message:
            'No ledger node answered: http://127.0.0.1:9984 (connect ECONNREFUSED). These are the charts as last verified on this workstation',
        },
      }),
    });
    await useCharts.getState().loadList();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The list could not be refreshed: it may be out of date');
    expect(alert.textContent).toContain('as last verified on this workstation');
    expect(screen.getByRole('table', { name: 'Patients' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Zoë Quinn' })).toBeTruthy();
  });
});
