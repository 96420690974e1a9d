import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeIpcError } from '../../test/inMemoryHealthchain';
import { setup } from '../../test/render';
import { chartView, txId } from '../../test/fixtures';
import { ChartScreen } from './ChartScreen';

const chartId = txId(1);

describe('Chart view: export', () => {
  it('saves an IPS document or a FHIR R4 Bundle through main, and says where (or that it was cancelled)', async () => {
    let answer: string | null = '/home/doctor/Documents/chart.ips.json';
    const { user, main } = setup(<ChartScreen chartId={chartId} />, {
      'charts.get': () => chartView(),
      'charts.exportFhir': () => ({ savedTo: answer }),
    });
    const panel = await screen.findByRole('region', { name: 'Export' });
    await user.click(within(panel).getByRole('button', { name: 'Export patient summary (IPS)' }));
    expect(await within(panel).findByRole('status')).toHaveProperty(
      'textContent',
      'Patient summary (IPS) saved to /home/doctor/Documents/chart.ips.json',
    );

    answer = null;
    await user.click(within(panel).getByRole('button', { name: 'Export FHIR R4' }));
    expect(await within(panel).findByText('Export cancelled')).toBeTruthy();
    expect(main.callsTo('charts.exportFhir')).toEqual([
      { chartId, ips: true },
      { chartId, ips: false },
    ]);
  });

  it('shows main’s error, and offers no export of a chart that failed verification', async () => {
    const { user, unmount } = setup(<ChartScreen chartId={chartId} />, {
      'charts.get': () => chartView(),
      'charts.exportFhir': () => {
        throw new FakeIpcError({ code: 'LOCKED', message: 'Sign in again to continue.' });
      },
    });
    const panel = await screen.findByRole('region', { name: 'Export' });
    await user.click(within(panel).getByRole('button', { name: 'Export patient summary (IPS)' }));
    expect((await within(panel).findByRole('alert')).textContent).toBe('Sign in again to continue.');
    unmount();

    setup(<ChartScreen chartId={chartId} />, {
      'charts.get': () => chartView({}, { integrity: 'tampered', patientName: '' }),
    });
    await screen.findByRole('heading', { name: 'Tampered chart' });
    expect(screen.queryByRole('region', { name: 'Export' })).toBeNull();
  });
});
