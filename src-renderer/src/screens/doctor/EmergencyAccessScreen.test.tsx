// The doctor's emergency request: the patient by access card or by name and date of birth, a reason, a confirmation;
// then the request followed until the service answers (granted → open the chart; refused → why, in words).
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setup } from '../../test/render';
import { requestState } from '../../test/access-fixtures';
import { txId } from '../../test/fixtures';
import { useNavigation } from '../../stores/navigation';
import { EmergencyAccessScreen } from './EmergencyAccessScreen';

const CODE = 'ABCD-EFGH-JKLM';

describe('Emergency access screen', () => {
  it('asks by access card with a reason, waits for the service, then opens the granted chart', async () => {
    let answers = 0;
    const { user, main } = setup(<EmergencyAccessScreen />, {
      'emergency.request': () => requestState(),
      // Waiting once more, then granted.
      'emergency.state': () =>
        ++answers < 2
          ? requestState()
          : requestState({
              state: 'granted',
              grant: {
                grantedBy: { signKey: '', name: 'Emergency access service' },
                at: '2026-12-04T03:00:01.000Z',
                expiresAt: '2026-12-05T03:00:01.000Z',
                versionTxId: txId(1),
              },
            }),
    });
    await user.type(screen.getByLabelText('Access card code'), CODE);
    await user.selectOptions(screen.getByLabelText('Reason'), 'life-threatening');
    await user.type(screen.getByLabelText('Details'), 'Anaphylaxis');
    await user.click(screen.getByRole('button', { name: 'Request emergency access' }));
    // Nothing is sent before the doctor confirms the emergency.
    expect(main.callsTo('emergency.request')).toEqual([]);
    expect(screen.getByRole('alert').textContent).toContain('Confirm that this is an emergency first.');

    await user.click(screen.getByRole('checkbox'));
    await user.click(screen.getByRole('button', { name: 'Request emergency access' }));
    expect(main.callsTo('emergency.request')).toEqual([
      { patient: { by: 'card', code: CODE }, reason: 'life-threatening', note: 'Anaphylaxis' },
    ]);
    expect(await screen.findByText('Waiting for the emergency service')).toBeTruthy();
    await screen.findByText('Emergency access granted', {}, { timeout: 5000 });
    expect(main.callsTo('emergency.state')).toEqual([{ requestId: txId(10) }, { requestId: txId(10) }]);
    await user.click(screen.getByRole('button', { name: 'Open the chart' }));
    expect(useNavigation.getState().route).toEqual({ name: 'chart', chartId: txId(1) });
  });

  it('asks by name and date of birth, and shows a refusal in words', async () => {
    const { user, main } = setup(<EmergencyAccessScreen />, {
      'emergency.request': () =>
        requestState({
          chartId: null,
          state: 'refused',
          refusal: { reason: 'ambiguous', detail: '', at: '2026-12-04T03:00:01.000Z' },
        }),
    });
    await user.click(screen.getByRole('radio', { name: 'Name and date of birth' }));
    await user.type(screen.getByLabelText('Family name'), 'Marsh');
    await user.type(screen.getByLabelText('Given name'), 'Rosa');
    await user.type(screen.getByLabelText('Date of birth'), '1961-02-03');
    await user.click(screen.getByRole('checkbox'));
    await user.click(screen.getByRole('button', { name: 'Request emergency access' }));
    expect(main.callsTo('emergency.request')).toEqual([
      {
        patient: { by: 'name', family: 'Marsh', given: 'Rosa', birthDate: '1961-02-03' },
        reason: 'unconscious',
        note: '',
      },
    ]);
    const refusal = await screen.findByText('Emergency access refused');
    expect(refusal.parentElement!.textContent).toContain(
      "several patients match this name and date of birth: scan the patient's access card",
    );
    expect(main.callsTo('emergency.state')).toEqual([]);
  });

  it('shows a field error from main beside the field and keeps what was typed', async () => {
    const { user } = setup(<EmergencyAccessScreen />, {});
    await user.click(screen.getByRole('radio', { name: 'Name and date of birth' }));
    await user.type(screen.getByLabelText('Given name'), 'Rosa');
    await user.click(screen.getByRole('checkbox'));
    await user.click(screen.getByRole('button', { name: 'Request emergency access' }));
    // The contract's own schema refuses the empty family name before anything reaches main.
    await waitFor(() => expect(screen.getByText('Family name is required')).toBeTruthy());
    expect((screen.getByLabelText('Given name') as HTMLInputElement).value).toBe('Rosa');
  });
});
