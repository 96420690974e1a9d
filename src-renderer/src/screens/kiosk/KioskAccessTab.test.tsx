// The kiosk's Access tab (issue #13), beside the chart's tabs: the patient sees who can read the record now and who
// did, an emergency access included, for the card's own chart only.
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { chartSections } from '../../../../src-shared/records';
import { FakeIpcError } from '../../test/inMemoryHealthchain';
import { setup } from '../../test/render';
import { chartAccess } from '../../test/access-fixtures';
import { chartView, txId } from '../../test/fixtures';
import { useKiosk } from '../../stores/kiosk';
import { KioskRecord } from './KioskRecord';

const SESSION = { patientName: 'Amelia Quartermaine', chartId: txId(1), idleSeconds: 600 };

describe('Kiosk: Access tab', () => {
  it('follows the chart tabs, and lists the emergency access with its reason for the card’s chart', async () => {
    useKiosk.setState({ session: SESSION, chart: chartView(), chartError: null });
    const { user, main } = setup(
      <KioskRecord />,
      { 'charts.access': () => chartAccess(), 'app.activity': () => ({}) },
      {
        variant: 'kiosk',
      },
    );
    const tabs = within(screen.getByRole('tablist', { name: 'Your record' })).getAllByRole('tab');
    expect(tabs.map((t) => t.textContent)).toEqual([
      ...chartSections.filter((s) => s.id === s.tab).map((s) => s.title),
      'Access',
    ]);
    // Nothing is asked before the tab is opened.
    expect(main.callsTo('charts.access')).toEqual([]);
    await user.click(screen.getByRole('tab', { name: 'Access' }));
    const panel = screen.getByRole('tabpanel', { name: 'Access' });
    expect(await within(panel).findByText(/^Emergency access: Dr\. Ada Okafor until/)).toBeTruthy();
    expect(within(panel).getByText('Reason given: Found collapsed in the car park')).toBeTruthy();
    expect(main.callsTo('charts.access')).toEqual([{ chartId: txId(1) }]);
  });

  it('says why the history cannot be shown', async () => {
    useKiosk.setState({ session: SESSION, chart: chartView(), chartError: null });
    const { user } = setup(
      <KioskRecord />,
      {
        'charts.access': () => {
          throw new FakeIpcError({
            code: 'NODE_UNREACHABLE',
            message: 'No ledger node answered',
          });
        },
      },
      { variant: 'kiosk' },
    );
    await user.click(screen.getByRole('tab', { name: 'Access' }));
    expect((await screen.findByRole('alert')).textContent).toContain('No ledger node answered');
  });
});
