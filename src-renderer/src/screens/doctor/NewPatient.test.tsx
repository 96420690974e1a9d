import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Chart } from '../../../../src-shared/records';
import { FakeIpcError } from '../../test/inMemoryHealthchain';
import { setup } from '../../test/render';
import { KEY_OTHER, KEY_THIRD, chartView, summary } from '../../test/fixtures';
import { useNavigation } from '../../stores/navigation';
import { NewPatient } from './NewPatient';

const CARD = {
  code: '1DX4-QN0S-ABCD-EFGH-JKMN-PQRS-TV12',
  qrDataUrl: 'data:image/png;base64,iVBORw0KGgo=',
  instructions: 'Bring this card to the kiosk. Your PIN is not printed on it.',
};

function handlers(
  create = (request: unknown) => ({
    chart: chartView({}, { patientName: (request as { chart: Chart }).chart.patient.name, seq: 1 }),
    card: CARD,
  }),
) {
  return { 'charts.create': create };
}

async function fillValidPatient(user: ReturnType<typeof setup>['user']) {
  await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Ada Lovelace');
  fireEvent.change(screen.getByLabelText(/^Date of birth/), { target: { value: '1990-12-10' } });
  await user.type(screen.getByLabelText(/^PIN/), '482913');
  await user.type(screen.getByLabelText(/^Confirm PIN/), '482913');
}

describe('New patient form', () => {
  it('shows every field error inline after a save attempt, marks the tab, and sends nothing', async () => {
    const { user, main } = setup(<NewPatient />, handlers());
    await user.click(screen.getByRole('button', { name: 'Create chart' }));

    expect(screen.getByText('Name is required')).toBeTruthy();
    expect(screen.getByText('Enter a date of birth or an age')).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'Name' }).getAttribute('aria-invalid')).toBe('true');
    // The tab carrying errors says so to assistive technology, and its name stays exactly the section title.
    const generalTab = screen.getByRole('tab', { name: 'General information' });
    expect(document.getElementById(generalTab.getAttribute('aria-describedby') ?? '')?.textContent).toBe('2 errors');
    expect(screen.getByText('A PIN has 6 to 12 digits.')).toBeTruthy();
    expect(screen.getByRole('alert', { name: '' }).textContent).toContain('The chart was not created');
    expect(main.callsTo('charts.create')).toHaveLength(0);
  });

  it('checks a field when it loses focus, with the shared schema’s own message', async () => {
    const { user } = setup(<NewPatient />, handlers());
    const birth = screen.getByLabelText(/^Date of birth/);
    fireEvent.change(birth, { target: { value: '2999-01-01' } });
    fireEvent.blur(birth);
    expect(await screen.findByText('Date of birth cannot be in the future')).toBeTruthy();
    // Untouched fields stay quiet until the first save attempt.
    expect(screen.queryByText('Name is required')).toBeNull();

    await user.type(screen.getByLabelText(/^PIN/), '123456');
    await user.tab();
    expect(
      screen.getByText('This PIN is too easy to guess (repeated digits or a straight run). Choose another.'),
    ).toBeTruthy();
    await user.type(screen.getByLabelText(/^Confirm PIN/), '654321');
    expect(screen.getByText('The PINs do not match')).toBeTruthy();
  });

  it('validates list entries in their own tab: an added medication without a name', async () => {
    const { user, main } = setup(<NewPatient />, handlers());
    await fillValidPatient(user);
    await user.click(screen.getByRole('tab', { name: 'Medication' }));
    await user.click(screen.getByRole('button', { name: 'Add medication' }));
    const panel = screen.getByRole('tabpanel', { name: 'Medication' });
    await user.type(within(panel).getByRole('textbox', { name: 'Dose (medication 1)' }), '500 mg');
    await user.click(screen.getByRole('button', { name: 'Create chart' }));

    // Dose, frequency and start are optional as in FHIR R4 (an imported statement may have none); the name is not.
    expect(within(panel).getByText('Medication is required')).toBeTruthy();
    expect(within(panel).queryByText('Frequency is required')).toBeNull();
    const tab = screen.getByRole('tab', { name: 'Medication' });
    expect(document.getElementById(tab.getAttribute('aria-describedby') ?? '')?.textContent).toBe('1 error');
    expect(main.callsTo('charts.create')).toHaveLength(0);

    // An entry added in this edit can be removed again before saving.
    await user.click(within(panel).getByRole('button', { name: 'Remove medication 1' }));
    expect(
      within(screen.getByRole('tabpanel', { name: 'Medication' })).getByText('No medication recorded yet.'),
    ).toBeTruthy();
  });

  it('creates the chart, then shows the access card once with a print button', async () => {
    const print = vi.spyOn(window, 'print').mockImplementation(() => undefined);
    const { user, main } = setup(<NewPatient />, handlers());
    await fillValidPatient(user);
    await user.click(screen.getByRole('button', { name: 'Create chart' }));

    const card = await screen.findByRole('article', { name: 'Access card' });
    const [request] = main.callsTo('charts.create') as { chart: Chart; pin: string }[];
    expect(request?.pin).toBe('482913');
    expect(request?.chart.patient).toMatchObject({ name: 'Ada Lovelace', birthDate: '1990-12-10' });
    expect(within(card).getByLabelText('Access code').textContent).toBe(CARD.code);
    expect(within(card).getByRole('img', { name: 'QR code of the access code' }).getAttribute('src')).toBe(
      CARD.qrDataUrl,
    );
    expect(within(card).getByText(CARD.instructions)).toBeTruthy();
    expect(screen.getByText('This card is shown only once')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Print access card' }));
    expect(print).toHaveBeenCalledOnce();
    await user.click(screen.getByRole('button', { name: 'Done — open the chart' }));
    expect(useNavigation.getState().route).toEqual({ name: 'chart', chartId: summary().chartId });
  });

  it('puts field errors main answered next to their fields', async () => {
    const { user } = setup(
      <NewPatient />,
      handlers(() => {
        throw new FakeIpcError({
          code: 'INVALID_REQUEST',
          message: 'Invalid request: chart.patient.name is reserved',
          fields: { 'chart.patient.name': 'This name is reserved' },
        });
      }),
    );
    await fillValidPatient(user);
    await user.click(screen.getByRole('button', { name: 'Create chart' }));
    expect(await screen.findByText('This name is reserved')).toBeTruthy();
    expect(screen.getByText('Invalid request: chart.patient.name is reserved')).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('article', { name: 'Access card' })).toBeNull());
  });

  it('fills a doctor entry from the practitioner directory instead of a typed key', async () => {
    const { user, main } = setup(<NewPatient />, {
      ...handlers(),
      'charts.practitioners': () => ({
        practitioners: [
          {
            name: 'Dr. Tomasz Wierzbicki',
            specialty: 'Cardiology',
            signKey: KEY_THIRD,
            boxKey: KEY_OTHER,
            trusted: true,
          },
        ],
      }),
    });
    await fillValidPatient(user);
    await user.click(screen.getByRole('tab', { name: 'Doctors' }));
    await user.click(screen.getByRole('button', { name: 'Add doctor' }));
    await user.click(screen.getByRole('button', { name: 'Choose doctor 1 from the directory' }));
    const dialog = screen.getByRole('dialog', { name: 'Practitioner directory' });
    await user.click(await within(dialog).findByRole('button', { name: 'Choose Dr. Tomasz Wierzbicki' }));

    const panel = screen.getByRole('tabpanel', { name: 'Doctors' });
    expect((within(panel).getByRole('textbox', { name: 'Doctor (doctor 1)' }) as HTMLInputElement).value).toBe(
      'Dr. Tomasz Wierzbicki',
    );
    expect((within(panel).getByRole('textbox', { name: 'Specialty (doctor 1)' }) as HTMLInputElement).value).toBe(
      'Cardiology',
    );
    expect(
      (within(panel).getByRole('textbox', { name: 'Practitioner key (doctor 1)' }) as HTMLInputElement).value,
    ).toBe(KEY_THIRD);

    await user.click(screen.getByRole('button', { name: 'Create chart' }));
    await screen.findByRole('article', { name: 'Access card' });
    const [request] = main.callsTo('charts.create') as { chart: Chart }[];
    expect(request?.chart.doctors).toEqual([
      expect.objectContaining({
        name: 'Dr. Tomasz Wierzbicki',
        specialty: 'Cardiology',
        signKey: KEY_THIRD,
        role: 'current',
        status: 'active',
      }),
    ]);
  });
});
