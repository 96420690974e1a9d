import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeIpcError } from '../../test/inMemoryHealthchain';
import { setup } from '../../test/render';
import { KEY_ME, KEY_OTHER, KEY_THIRD } from '../../test/fixtures';
import { OfficerKeys } from './OfficerKeys';

const ann = { name: 'Ann Officer', signKey: KEY_ME, boxKey: KEY_OTHER, createdAt: '2026-12-04T10:00:00.000Z' };
const ben = { name: 'Ben Officer', signKey: KEY_THIRD, boxKey: KEY_ME, createdAt: '2026-12-03T10:00:00.000Z' };
const BACKUP = '{"format":"healthchain.identity-backup"}\n';

describe("backing up and restoring this computer's officer keys", () => {
  it('backs up one key with its password through the save dialog; the password leaves the form; a cancel says so', async () => {
    let savedTo: string | null = '/home/it/officer-ann.json';
    const { user, main } = setup(<OfficerKeys />, {
      'hospital.officerList': () => ({ officers: [ann, ben], unreadable: [] }),
      'hospital.officerBackup': () => ({ savedTo }),
    });
    await user.click(await screen.findByRole('button', { name: 'Back up Ann Officer' }));
    const form = screen.getByRole('form', { name: 'Back up the officer key of Ann Officer' });
    await user.click(within(form).getByRole('button', { name: 'Save the backup…' }));
    expect(within(form).getByRole('alert').textContent).toBe("Enter the officer's password");
    expect(main.callsTo('hospital.officerBackup')).toHaveLength(0);

    await user.type(within(form).getByLabelText('Officer password'), 'violet sunrise meadow 4');
    await user.click(within(form).getByRole('button', { name: 'Save the backup…' }));
    expect(main.callsTo('hospital.officerBackup')).toEqual([{ officer: KEY_ME, password: 'violet sunrise meadow 4' }]);
    expect((await within(form).findByText('/home/it/officer-ann.json')).className).toBe('mono');
    expect((within(form).getByLabelText('Officer password') as HTMLInputElement).value).toBe('');

    savedTo = null;
    await user.type(within(form).getByLabelText('Officer password'), 'violet sunrise meadow 4');
    await user.click(within(form).getByRole('button', { name: 'Save the backup…' }));
    expect(await within(form).findByRole('status')).toHaveProperty(
      'textContent',
      'Not saved: the save dialog was cancelled.',
    );

    // Another key's button opens that key's form.
    await user.click(screen.getByRole('button', { name: 'Back up Ben Officer' }));
    expect(screen.getByRole('form', { name: 'Back up the officer key of Ben Officer' })).toBeTruthy();
    expect(screen.queryByRole('form', { name: 'Back up the officer key of Ann Officer' })).toBeNull();
  });

  it("shows main's refusal of a wrong officer password", async () => {
    const { user } = setup(<OfficerKeys />, {
      'hospital.officerList': () => ({ officers: [ann], unreadable: [] }),
      'hospital.officerBackup': () => {
        throw new FakeIpcError({ code: 'WRONG_PASSWORD', message: 'Wrong officer password.' });
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Back up Ann Officer' }));
    const form = screen.getByRole('form', { name: 'Back up the officer key of Ann Officer' });
    await user.type(within(form).getByLabelText('Officer password'), 'not the right one 1');
    await user.click(within(form).getByRole('button', { name: 'Save the backup…' }));
    expect((await within(form).findByRole('alert')).textContent).toBe('Wrong officer password.');
    expect(within(form).queryByText('Officer backup saved')).toBeNull();
  });

  it('restores a picked file with its password, shows the key and lists it; refusals are shown as main words them', async () => {
    let listed = [ann];
    let refusal: string | null = "This backup is a doctor's identity, not an officer key.";
    const { user, main } = setup(<OfficerKeys />, {
      'hospital.officerList': () => ({ officers: listed, unreadable: [] }),
      'hospital.officerRestore': () => {
        if (refusal) throw new FakeIpcError({ code: 'INVALID_REQUEST', message: refusal });
        listed = [ann, ben];
        return ben;
      },
    });
    const form = await screen.findByRole('form', { name: 'Restore an officer key from a backup' });
    await user.click(within(form).getByRole('button', { name: 'Restore officer key' }));
    expect(within(form).getByRole('alert').textContent).toBe('Choose an officer backup file');
    await user.upload(within(form).getByLabelText('Officer backup file'), new File([BACKUP], 'ben.json'));
    await user.click(within(form).getByRole('button', { name: 'Restore officer key' }));
    expect(within(form).getByRole('alert').textContent).toBe("Enter the officer's password");
    expect(main.callsTo('hospital.officerRestore')).toHaveLength(0);

    await user.type(within(form).getByLabelText('Officer password of the backup'), 'violet sunrise meadow 4');
    await user.click(within(form).getByRole('button', { name: 'Restore officer key' }));
    expect(await within(form).findByText("This backup is a doctor's identity, not an officer key.")).toBeTruthy();
    expect(main.callsTo('hospital.officerRestore')).toEqual([{ backup: BACKUP, password: 'violet sunrise meadow 4' }]);
    expect((within(form).getByLabelText('Officer password of the backup') as HTMLInputElement).value).toBe('');

    refusal = null;
    await user.type(within(form).getByLabelText('Officer password of the backup'), 'violet sunrise meadow 4');
    await user.click(within(form).getByRole('button', { name: 'Restore officer key' }));
    expect(await within(form).findByText('Officer key of Ben Officer restored')).toBeTruthy();
    expect(within(form).queryByRole('alert')).toBeNull();
    const table = screen.getByRole('table', { name: 'Officer keys' });
    expect(await within(table).findByText(KEY_THIRD)).toBeTruthy();
  });
});
