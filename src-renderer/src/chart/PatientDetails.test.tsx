// Issue #16: structured names and contact are shown in the chart view and edited in the doctor's form.
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Chart } from '../../../src-shared/records';
import { fullSampleChart } from '../../../test/fixtures/sample-chart';
import { setup } from '../test/render';
import { chartView, txId, written } from '../test/fixtures';
import { ChartScreen } from '../screens/doctor/ChartScreen';

const chartId = txId(1);

describe('Structured names and contact', () => {
  it('are shown under General information, and edited there', async () => {
    const chart = fullSampleChart();
    const { user, main } = setup(<ChartScreen chartId={chartId} />, {
      'charts.get': () => chartView({ data: chart }),
      'charts.update': () => written({ seq: 3, headTxId: txId(3) }),
    });
    const view = await screen.findByRole('tabpanel', { name: 'General information' });
    const value = (label: string) => within(view).getByText(label).nextElementSibling?.textContent;
    expect(value('Given names')).toBe('Amelia');
    expect(value('Family name')).toBe('Quartermaine');
    expect(value('Phone')).toBe(chart.patient.phone);
    expect(value('Email')).toBe(chart.patient.email);
    expect(value('Address')).toBe(chart.patient.address);

    await user.click(screen.getByRole('button', { name: 'Edit chart' }));
    const form = screen.getByRole('tabpanel', { name: 'General information' });
    const given = within(form).getByRole('textbox', { name: 'Given names' });
    await user.clear(given);
    await user.type(given, 'Amelia Rose');
    const phone = within(form).getByRole('textbox', { name: 'Phone' });
    await user.clear(phone);
    await user.type(phone, '+44 113 496 0000');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    const [request] = main.callsTo('charts.update') as { chart: Chart }[];
    expect(request?.chart.patient).toMatchObject({
      given: 'Amelia Rose',
      family: 'Quartermaine',
      phone: '+44 113 496 0000',
      email: chart.patient.email,
    });
  });
});
