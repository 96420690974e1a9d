import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Chart } from '../../../src-shared/records';
import { fullSampleChart } from '../../../test/fixtures/sample-chart';
import { setup } from '../test/render';
import { chartView, txId, written } from '../test/fixtures';
import { ChartScreen } from '../screens/doctor/ChartScreen';

const chartId = txId(1);
const SNOMED = 'http://snomed.info/sct';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

function editing(data: Chart = fullSampleChart()) {
  const view = setup(<ChartScreen chartId={chartId} />, {
    'charts.get': () => chartView({ data }),
    'charts.update': () => written({ seq: 3, headTxId: txId(3) }),
  });
  return view;
}

async function openEditor(user: ReturnType<typeof setup>['user'], tab: string) {
  await user.click(await screen.findByRole('button', { name: 'Edit chart' }));
  await user.click(screen.getByRole('tab', { name: tab }));
  return screen.getByRole('tabpanel', { name: tab });
}

describe('Codes in the doctor’s form', () => {
  it('adds an RxNorm code to a medication and a SNOMED CT code to a new allergy, saved into the entries’ codes', async () => {
    const { user, main } = editing();
    const panel = await openEditor(user, 'Medication');

    // A medication's first offered system is RxNorm; the system, code and display are typed beside the name.
    await user.click(within(panel).getByRole('button', { name: 'Add code (medication 2)' }));
    const system = within(panel).getByRole('combobox', { name: 'Code system (medication 2, code 1)' });
    expect((system as HTMLSelectElement).value).toBe(RXNORM);
    await user.type(within(panel).getByRole('textbox', { name: 'Code (medication 2, code 1)' }), '617318');
    await user.type(
      within(panel).getByRole('textbox', { name: 'Code display (medication 2, code 1)' }),
      'atorvastatin 20 MG Oral Tablet',
    );

    await user.click(within(panel).getByRole('button', { name: 'Add allergy' }));
    await user.type(within(panel).getByRole('textbox', { name: 'Substance (allergy 2)' }), 'Latex');
    await user.click(within(panel).getByRole('button', { name: 'Add code (allergy 2)' }));
    expect(
      (within(panel).getByRole('combobox', { name: 'Code system (allergy 2, code 1)' }) as HTMLSelectElement).value,
    ).toBe(SNOMED);
    await user.type(within(panel).getByRole('textbox', { name: 'Code (allergy 2, code 1)' }), '111088007');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    const [request] = main.callsTo('charts.update') as { chart: Chart }[];
    expect(request?.chart.medications[1]?.codes).toEqual([
      { system: RXNORM, code: '617318', display: 'atorvastatin 20 MG Oral Tablet' },
    ]);
    expect(request?.chart.allergies[1]).toMatchObject({
      substance: 'Latex',
      codes: [{ system: SNOMED, code: '111088007', display: '' }],
    });
    // Codes already there are carried unchanged.
    expect(request?.chart.allergies[0]?.codes).toEqual(fullSampleChart().allergies[0]?.codes);
  });

  it('refuses a code without its system or a system without its code, with the error at the field, and sends nothing', async () => {
    const { user, main } = editing();
    const panel = await openEditor(user, 'Illness');
    await user.click(within(panel).getByRole('button', { name: 'Add code (illness 2)' }));
    // "Other" asks for the system's URI; left empty, the row names no system.
    await user.selectOptions(
      within(panel).getByRole('combobox', { name: 'Code system (illness 2, code 1)' }),
      'Other (give its URI)',
    );
    await user.type(within(panel).getByRole('textbox', { name: 'Code (illness 2, code 1)' }), '233604007');
    await user.click(within(panel).getByRole('button', { name: 'Add code (illness 1)' }));
    const added = fullSampleChart().illnesses[0]!.codes.length + 1;
    await user.click(screen.getByRole('button', { name: 'Save changes' }));

    expect(main.callsTo('charts.update')).toHaveLength(0);
    const uri = within(panel).getByRole('textbox', { name: 'Code system URI (illness 2, code 1)' });
    expect(uri.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(uri.getAttribute('aria-describedby')!)?.textContent).toBe(
      'Choose the code system, or give its URI',
    );
    const code = within(panel).getByRole('textbox', { name: `Code (illness 1, code ${added})` });
    expect(document.getElementById(code.getAttribute('aria-describedby')!)?.textContent).toBe('Code is required');

    // A URI that is not one is refused; a real one is accepted, and the empty row can be removed.
    await user.type(uri, 'snomed');
    expect(within(panel).getByText('The code system must be a URI, such as http://snomed.info/sct')).toBeTruthy();
    await user.clear(uri);
    await user.type(uri, 'urn:oid:2.16.840.1.113883.6.96');
    await user.click(within(panel).getByRole('button', { name: `Remove code ${added} (illness 1)` }));
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    const [request] = main.callsTo('charts.update') as { chart: Chart }[];
    expect(request?.chart.illnesses[1]?.codes).toEqual([
      { system: 'urn:oid:2.16.840.1.113883.6.96', code: '233604007', display: '' },
    ]);
    expect(request?.chart.illnesses[0]?.codes).toEqual(fullSampleChart().illnesses[0]?.codes);
  });

  it('does not block an edit on an imported code without a system (R4 allows it), and shows it as "other"', async () => {
    const data = fullSampleChart();
    data.allergies[0]!.codes = [{ system: '', code: 'local-42', display: 'Penicillin (local list)' }];
    const { user, main } = editing(data);
    const panel = await openEditor(user, 'Medication');
    expect(
      (within(panel).getByRole('combobox', { name: 'Code system (allergy 1, code 1)' }) as HTMLSelectElement).value,
    ).toBe('other');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    const [request] = main.callsTo('charts.update') as { chart: Chart }[];
    expect(request?.chart.allergies[0]?.codes).toEqual(data.allergies[0]?.codes);
  });

  it('an allergy already on the ledger cannot be removed, only marked entered in error', async () => {
    const { user } = editing();
    const panel = await openEditor(user, 'Medication');
    expect(within(panel).queryByRole('button', { name: 'Remove allergy 1' })).toBeNull();
    await user.click(within(panel).getByRole('button', { name: 'Add allergy' }));
    expect(within(panel).getByRole('button', { name: 'Remove allergy 2' })).toBeTruthy();
  });

  it('the chart view shows each entry’s codes with the system named', async () => {
    const { user } = editing();
    await screen.findByRole('heading', { name: 'Amelia Quartermaine' });
    await user.click(screen.getByRole('tab', { name: 'Medication' }));
    const panel = screen.getByRole('tabpanel', { name: 'Medication' });
    expect(within(panel).getByText('SNOMED CT 764146007 (Penicillin)')).toBeTruthy();
    expect(within(panel).getByText(/^RxNorm 860975/)).toBeTruthy();
  });
});
