import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setup } from '../../test/render';
import { KEY_ME, KEY_OTHER, KEY_THIRD } from '../../test/fixtures';
import { CeremonyForm, parseOfficers } from './CeremonyForm';

const OFFICER_B = '4BvQJGYV3sTvt7tHcXQEWhbm5R5aJQkDNZQ2YrjvRLmt';

describe('starting a multi-officer hospital', () => {
  it('reads one officer a line: a name of several words, then the two keys', () => {
    expect(parseOfficers(`Ann van Dijk ${KEY_ME} ${KEY_OTHER}\n\n  Ben ${KEY_THIRD}   ${OFFICER_B}  \n`)).toEqual([
      { name: 'Ann van Dijk', signKey: KEY_ME, boxKey: KEY_OTHER },
      { name: 'Ben', signKey: KEY_THIRD, boxKey: OFFICER_B },
    ]);
    expect(parseOfficers(`Ann ${KEY_ME}`)).toMatch(/Line 1: write the officer's name/);
  });

  it('prepares the ceremony file from the officers listed, and says what a bad line lacks before asking main', async () => {
    const partial = '{"format":"healthchain.partial-transaction"}';
    const { user, main } = setup(<CeremonyForm />, {
      'hospital.startCeremony': () => ({
        posted: null,
        partial,
        describes: 'Set up the hospital authority "St Quorum" (2 of 2 officers); every officer signs',
        signedBy: [],
        needed: 2,
      }),
      'hospital.exportPartial': () => ({ savedTo: null }),
    });
    await user.type(screen.getByRole('textbox', { name: 'Hospital name' }), 'St Quorum');
    const officers = screen.getByRole('textbox', { name: 'Officers' });
    await user.type(officers, `Ann ${KEY_ME}`);
    await user.click(screen.getByRole('button', { name: 'Prepare the ceremony file' }));
    expect(screen.getAllByText(/Line 1: write the officer's name/).length).toBeGreaterThan(0);
    expect(main.callsTo('hospital.startCeremony')).toEqual([]);

    await user.clear(officers);
    await user.type(officers, `Ann ${KEY_ME} ${KEY_OTHER}\nBen ${KEY_THIRD} ${OFFICER_B}`);
    await user.click(screen.getByRole('button', { name: 'Prepare the ceremony file' }));
    expect(main.callsTo('hospital.startCeremony')).toEqual([
      {
        hospitalName: 'St Quorum',
        threshold: 2,
        officers: [
          { name: 'Ann', signKey: KEY_ME, boxKey: KEY_OTHER },
          { name: 'Ben', signKey: KEY_THIRD, boxKey: OFFICER_B },
        ],
      },
    ]);
    expect(await screen.findByText('Signed by 0 of the 2 officers needed')).toBeTruthy();
    expect((screen.getByRole('textbox', { name: 'Partially signed file' }) as HTMLTextAreaElement).value).toBe(partial);
  });
});
